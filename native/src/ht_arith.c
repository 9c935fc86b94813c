#include "ht_arith.h"

int32_t ht_mbqm(int32_t x, int32_t multiplier, int32_t shift)
{
	return ht_mbqm_inline(x, multiplier, shift);
}

/* A 32-bit division when both operands fit (one UDIV on a Cortex-M, the common case in synthesis). */
int64_t ht_rdiv(int64_t n, int64_t d)
{
	const uint64_t num = 2u * (uint64_t)(n < 0 ? -n : n) + (uint64_t)d, den = 2u * (uint64_t)d;
	const uint64_t q = num <= UINT32_MAX ? (uint32_t)num / (uint32_t)den : num / den;
	return n < 0 ? -(int64_t)q : (int64_t)q;
}
