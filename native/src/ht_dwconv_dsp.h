/* The depthwise kernel on cores with the DSP extension (Cortex-M4/M7/M33), included by ht_dwconv1d.c.
 *
 * Four channels (one input word) at a time. Their weights are widened once per call to SXTB16's even/odd
 * int16 lanes, one pair of words per tap, on the stack. Output positions whose taps all fall inside the
 * input run without tap-range arithmetic: per tap one LDR of inputs, 2 SXTAB16 (zero point subtracted),
 * one LDRD of widened weights and 4 SMLABB/SMLATT, 11 instructions per 4 MACs. The four outputs, adjacent in memory, are requantized
 * with ht_fast_rq.h and stored as one word. Positions near the edges, and channels whose requantization
 * is not fast, take the generic code of ht_dwconv1d.c. */
#ifndef HT_DWCONV_DSP_H
#define HT_DWCONV_DSP_H

#include "ht_dot.h"
#include "ht_fast_rq.h"
#include "ht_kernel_util.h"

#if HT_DOT_DSP

enum { HT_DW_DSP_MAX_K = 32 };

/* a[c] += Σ_k w[k][c]·(x[k·step][c] − zi) for the 4 channels of one output position: wk holds each tap's
 * widened weights (even lanes, odd lanes), offp the pair (−zi, −zi), k_taps >= 1. */
static HT_ALWAYS_INLINE void ht_dw_taps(const int8_t *x, uint32_t step, const uint32_t *wk, uint32_t k_taps,
                                        int16x2_t offp, int32_t *a0, int32_t *a1, int32_t *a2, int32_t *a3)
{
	uint32_t we, wo, v, xo;
	__asm__("1:\n\t"
	        "ldrd %[we], %[wo], [%[w]], #8\n\t"
	        "ldr %[v], [%[x]]\n\t"
	        "add %[x], %[x], %[step]\n\t"
	        "sxtab16 %[xo], %[off], %[v], ror #8\n\t"
	        "sxtab16 %[v], %[off], %[v]\n\t"
	        "smlabb %[a0], %[we], %[v], %[a0]\n\t"
	        "smlatt %[a2], %[we], %[v], %[a2]\n\t"
	        "smlabb %[a1], %[wo], %[xo], %[a1]\n\t"
	        "smlatt %[a3], %[wo], %[xo], %[a3]\n\t"
	        "subs %[n], %[n], #1\n\t"
	        "bne 1b"
	        : [a0] "+r"(*a0), [a1] "+r"(*a1), [a2] "+r"(*a2), [a3] "+r"(*a3), [x] "+r"(x), [w] "+r"(wk),
	          [n] "+r"(k_taps), [we] "=&r"(we), [wo] "=&r"(wo), [v] "=&r"(v), [xo] "=&r"(xo)
	        : [step] "r"(step), [off] "r"(offp)
	        : "cc", "memory");
}

/* Four adjacent outputs y[0..3] = the fast requantization of a0..a3 with q[0..3] (SSAT to int8; with clamp,
 * limited to [lo, hi] by HT_CLAMP4), stored as one word. */
static HT_ALWAYS_INLINE void ht_dw_requant4(int32_t a0, int32_t a1, int32_t a2, int32_t a3, const ht_fast_q *q,
                                            int8_t *y, int clamp, uint32_t lo4, uint32_t hi4)
{
	uint32_t lo, hi, t, m, rs;
	if (clamp)
		__asm__ volatile(HT_FAST_RQ_LOAD("0") HT_FAST_RQ("a0", "0") HT_FAST_RQ_LOAD("24") HT_FAST_RQ("a1", "24")
		                 HT_FAST_RQ_LOAD("48") HT_FAST_RQ("a2", "48") HT_FAST_RQ_LOAD("72") HT_FAST_RQ("a3", "72")
		                 "bfi %[a0], %[a1], #8, #8\n\t"
		                 "bfi %[a0], %[a2], #16, #8\n\t"
		                 "bfi %[a0], %[a3], #24, #8\n\t" HT_CLAMP4("a0", "t") "str %[a0], [%[y]]"
		                 : [a0] "+&r"(a0), [a1] "+&r"(a1), [a2] "+&r"(a2), [a3] "+&r"(a3), [lo] "=&r"(lo),
		                   [hi] "=&r"(hi), [t] "=&r"(t), [m] "=&r"(m), [rs] "=&r"(rs)
		                 : [q] "r"(q), [y] "r"(y), [lo4] "r"(lo4), [hi4] "r"(hi4)
		                 : "cc", "memory");
	else
		__asm__ volatile(HT_FAST_RQ_LOAD("0") HT_FAST_RQ("a0", "0") HT_FAST_RQ_LOAD("24") HT_FAST_RQ("a1", "24")
		                 HT_FAST_RQ_LOAD("48") HT_FAST_RQ("a2", "48") HT_FAST_RQ_LOAD("72") HT_FAST_RQ("a3", "72")
		                 "bfi %[a0], %[a1], #8, #8\n\t"
		                 "bfi %[a0], %[a2], #16, #8\n\t"
		                 "bfi %[a0], %[a3], #24, #8\n\t"
		                 "str %[a0], [%[y]]"
		                 : [a0] "+&r"(a0), [a1] "+&r"(a1), [a2] "+&r"(a2), [a3] "+&r"(a3), [lo] "=&r"(lo),
		                   [hi] "=&r"(hi), [t] "=&r"(t), [m] "=&r"(m), [rs] "=&r"(rs)
		                 : [q] "r"(q), [y] "r"(y)
		                 : "cc", "memory");
}

#endif
#endif
