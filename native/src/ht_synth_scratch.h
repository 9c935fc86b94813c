/* Layout of ht_synthesize's scratch, shared with the validator that reports synth_scratch_bytes:
 * int32 a[cin] | int32 hk[dh] | int8 h[2][max_dim] | int8 row[unpack], each part 4-byte aligned. */
#ifndef HT_SYNTH_SCRATCH_H
#define HT_SYNTH_SCRATCH_H

#include <stdint.h>

#include "ht_records.h"

/* The int8 row buffer: an MLP weight row (max_in), HEAD runs of dh values (at least 64 bytes so that
 * short heads unpack several at a time), LOWRANK rows of U (rank = dh) and V (cin). */
static inline uint32_t ht_synth_unpack_len(uint32_t family, uint32_t max_in, uint32_t dh, uint32_t cin)
{
	uint32_t n = max_in > dh ? max_in : dh;
	if (family == HT_FAMILY_HEAD && n < 64u)
		n = 64u;
	if (family == HT_FAMILY_LOWRANK && cin > n)
		n = cin;
	return n;
}

static inline uint32_t ht_synth_scratch_bytes(uint32_t cin, uint32_t dh, uint32_t max_dim, uint32_t unpack)
{
	return 4u * cin + 4u * dh + ht_align4(2u * max_dim) + ht_align4(unpack);
}

#endif
