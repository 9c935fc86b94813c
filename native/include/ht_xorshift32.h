/* xorshift32 (13, 17, 5): the golden-test PRNG of docs/FORMAT.md §7 (modules/runtime/xorshift32.ts is the same
 * generator for the TypeScript engines). Not part of the runtime; shared by the tools and benches. */
#ifndef HT_XORSHIFT32_H
#define HT_XORSHIFT32_H

#include <stdint.h>

static inline uint32_t ht_xorshift32(uint32_t *state)
{
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

#endif
