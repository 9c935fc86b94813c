/* Integer arithmetic of docs/FORMAT.md §3-4 shared by kernels, synthesis and validation. */
#ifndef HT_ARITH_H
#define HT_ARITH_H

#include <stdint.h>

#include "ht.h"

/* Hot helpers the compiler must not out-line (an out-of-line requantization costs a call per output). */
#if defined(__GNUC__)
#define HT_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define HT_ALWAYS_INLINE inline
#endif

/* int32 arithmetic that wraps modulo 2^32 (never undefined behaviour, whatever the blob holds). */
static inline int32_t ht_wrap_add(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int8_t ht_clamp_s8(int32_t v, int32_t lo, int32_t hi)
{
	return (int8_t)(v < lo ? lo : (v > hi ? hi : v));
}

/* >> of a negative value is implementation-defined in C; GCC and Clang (all our targets) define it as
 * an arithmetic shift, and this refuses to build anywhere it is not. */
_Static_assert((-5 >> 1) == -3 && ((int64_t)-5 >> 1) == -3, "arithmetic right shift of signed values required");

static inline int32_t ht_asr32(int32_t v, int s)
{
	return v >> s;
}

static inline int64_t ht_asr64(int64_t v, int s)
{
	return v >> s;
}

/* A multiplier/shift pair prepared once per channel (TFLM's prepare/eval split). Shifts outside
 * -31..31 never come from a valid model; they are clamped so that any input is defined. */
typedef struct {
	int32_t mult, mask;
	int ls, rs;
} ht_rq_prep;

static inline ht_rq_prep ht_rq_prepare(int32_t mult, int32_t shift)
{
	if (shift > 31)
		shift = 31;
	if (shift < -31)
		shift = -31;
	ht_rq_prep p;
	p.mult = mult;
	p.ls = shift > 0 ? shift : 0;
	p.rs = shift < 0 ? -shift : 0;
	p.mask = (int32_t)((1u << p.rs) - 1u);
	return p;
}

/* MBQM of docs/FORMAT.md §3. SRDHM's (ab + nudge) / 2^31 truncated toward zero equals
 * floor((ab + 2^30) / 2^31) for every ab, which is one add and one shift. */
static HT_ALWAYS_INLINE int32_t ht_mbqm_prepared(int32_t x, const ht_rq_prep *p)
{
	const int32_t a = (int32_t)((uint32_t)x << p->ls);
	const int32_t high = (a == INT32_MIN && p->mult == INT32_MIN)
	                         ? INT32_MAX
	                         : (int32_t)ht_asr64((int64_t)a * p->mult + ((int64_t)1 << 30), 31);
	const int32_t thr = (p->mask >> 1) + (high < 0 ? 1 : 0);
	return ht_asr32(high, p->rs) + ((high & p->mask) > thr ? 1 : 0);
}

static inline int32_t ht_mbqm_inline(int32_t x, int32_t multiplier, int32_t shift)
{
	const ht_rq_prep p = ht_rq_prepare(multiplier, shift);
	return ht_mbqm_prepared(x, &p);
}

static HT_ALWAYS_INLINE int8_t ht_requant_prepared_s8(int32_t acc, const ht_rq_prep *p, int32_t zo, int32_t lo, int32_t hi)
{
	return ht_clamp_s8(ht_wrap_add(ht_mbqm_prepared(acc, p), zo), lo, hi);
}

/* y = clamp(MBQM(acc, mult, shift) + zo, lo, hi) */
static inline int8_t ht_requant_s8(int32_t acc, int32_t mult, int32_t shift, int32_t zo, int32_t lo,
                                   int32_t hi)
{
	return ht_clamp_s8(ht_wrap_add(ht_mbqm_inline(acc, mult, shift), zo), lo, hi);
}

/* sign(n) * floor((2|n| + d) / (2d)) for d > 0: division rounding half away from zero. */
int64_t ht_rdiv(int64_t n, int64_t d);

/* Validator rules for a requantization pair. */
static inline int ht_multiplier_ok(int32_t m)
{
	return m == 0 || m >= (int32_t)0x40000000;
}

static inline int ht_shift_ok(int32_t s)
{
	return s >= -31 && s <= 30;
}

#endif
