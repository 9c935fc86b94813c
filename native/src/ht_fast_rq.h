/* Fast exact requantization for the DSP kernels (docs/FORMAT.md §3 MBQM, plus the output zero point).
 *
 * Exact for a multiplier >= 0 and a shift in -23..-1 (valid models nearly always): with a = the
 * accumulator, rs = -shift, MBQM's double rounding plus the zero point zo collapses into one 64-bit
 * multiply-accumulate, floor((a*m + K - [a < 0]*2^31) / 2^(31+rs)), K = 2^30 + 2^(30+rs) + zo*2^(31+rs):
 * SRDHM's x = floor((a*m + 2^30) / 2^31) and RDBPOT's tie rule floor((x + 2^(rs-1) - [x < 0]) / 2^rs)
 * compose because the inner floor divides by an integer; [x < 0] equals [a < 0] whenever it matters (x != 0)
 * since m >= 0; rs <= 23 keeps |a*m + K| below 2^63. Other channels keep the generic path. */
#ifndef HT_FAST_RQ_H
#define HT_FAST_RQ_H

#include <stddef.h>
#include <string.h>

#include "ht_kernel_util.h"

/* One output channel's bias and fast requantization; rs1 < 0 marks a channel for the generic path. */
typedef struct {
	int64_t k;
	int32_t mult, bias, rs1, pad;
} ht_fast_q;

_Static_assert(offsetof(ht_fast_q, k) == 0 && offsetof(ht_fast_q, mult) == 8 && offsetof(ht_fast_q, rs1) == 16 &&
                   sizeof(ht_fast_q) == 24,
               "HT_FAST_RQ reads these offsets");

static inline int32_t ht_ld32_word(const uint8_t *p)
{
	int32_t v;
#if defined(__GNUC__)
	__builtin_memcpy(&v, p, 4); /* one load even under Moddable's -fno-builtin */
#else
	memcpy(&v, p, 4);
#endif
	return v;
}

static inline void ht_fast_prepare(const ht_requant *rq, uint32_t c, int32_t zo, ht_fast_q *q)
{
	const uint32_t i = rq->per_tensor ? 0u : 4u * c;
	const int32_t shift = ht_ld32_word(rq->shift + i);
	q->mult = ht_ld32_word(rq->mult + i);
	q->bias = rq->bias ? ht_ld32_word(rq->bias + 4u * c) : 0;
	q->rs1 = q->mult >= 0 && shift <= -1 && shift >= -23 ? -shift - 1 : -1;
	/* K = 2^30 + (2 zo + 1) 2^(30 + rs), rs = rs1 + 1: one int32 (|2 zo + 1| 2^rs1 < 2^31) times 2^31 */
	q->k = q->rs1 < 0 ? 0 : ((int64_t)((2 * zo + 1) * ((int32_t)1 << q->rs1)) * ((int64_t)1 << 31)) + ((int64_t)1 << 30);
}

static HT_ALWAYS_INLINE int32_t ht_fast_rq(int32_t acc, const ht_fast_q *q)
{
	const int64_t s = q->k - (int64_t)((uint32_t)acc & 0x80000000u) + (int64_t)acc * q->mult;
	return (int32_t)(s >> 32) >> q->rs1;
}

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
/* Asm pieces (operand names: lo, hi, t, m, rs scratch; q points at ht_fast_q records): register a =
 * ht_fast_rq(a) as int8 (SSAT) with the record at byte offset `off` from q, its mult and rs1 already in m
 * and rs (HT_FAST_RQ_LOAD). */
#define HT_FAST_RQ_LOAD(off)                                                                                   \
	"ldr %[m], [%[q], #(" off ") + 8]\n\t"                                                                     \
	"ldr %[rs], [%[q], #(" off ") + 16]\n\t"
#define HT_FAST_RQ(a, off)                                                                                     \
	"ldrd %[lo], %[hi], [%[q], #" off "]\n\t"                                                                 \
	"and %[t], %[" a "], #0x80000000\n\t"                                                                     \
	"subs %[lo], %[lo], %[t]\n\t"                                                                             \
	"sbc %[hi], %[hi], #0\n\t"                                                                                \
	"smlal %[lo], %[hi], %[" a "], %[m]\n\t"                                                                  \
	"asr %[" a "], %[hi], %[rs]\n\t"                                                                          \
	"ssat %[" a "], #8, %[" a "]\n\t"

/* Register v (4 int8 lanes) limited bytewise to [lo4, hi4] (each the bound in all 4 bytes) by SSUB8, which
 * sets the GE flags, and SEL; t scratch. Inside one asm, nothing comes between the flags and the SEL. */
#define HT_CLAMP4(v, t)                                                                                        \
	"ssub8 %[" t "], %[" v "], %[lo4]\n\t"                                                                    \
	"sel %[" v "], %[" v "], %[lo4]\n\t"                                                                      \
	"ssub8 %[" t "], %[hi4], %[" v "]\n\t"                                                                    \
	"sel %[" v "], %[" v "], %[hi4]\n\t"
#endif

#endif
