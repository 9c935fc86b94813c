/* Signed bit-packed streams (docs/FORMAT.md §4): value i is bits [i*bits, (i+1)*bits), LSB first. */
#ifndef HT_BITS_H
#define HT_BITS_H

#include <stdint.h>

static inline int ht_bits_ok(uint32_t bits)
{
	return bits == 4 || bits == 6 || bits == 8;
}

/* Bytes that n values occupy: ceil(n*bits/8). */
static inline uint64_t ht_packed_bytes(uint64_t n, uint32_t bits)
{
	return (n * bits + 7u) / 8u;
}

/* dst[j] = value (first + j) of the stream, j < n. Reads only the bytes those values occupy. */
void ht_unpack_s8(const uint8_t *stream, uint64_t first, uint32_t n, uint32_t bits, int8_t *dst);

#endif
