/* The fully connected kernel on cores with the DSP extension (Cortex-M4/M7/M33), included by ht_fc.c.
 *
 * The input is widened once to int16 pairs in SXTB16's even/odd lane order, the zero point subtracted on the way
 * (SXTAB16), into a 1 KiB stack buffer (512 inputs; longer inputs go in chunks of 512, the partial sums of a block
 * of 32 outputs kept on the stack between chunks). Four weight rows then run against it together: per group of 4
 * inputs one LDRD of widened inputs and per row one LDR + 2 SXTB16 of weights and 2 SMLAD, 21 instructions per
 * 16 MACs, four groups per loop iteration (the last rows in pairs); the bias is added to each block of 4 sums
 * after (with it as a starting value GCC finds no registers for the asm), the inputs past the last whole group of
 * 4 in C. Outputs are requantized by an asm loop with the exact
 * one-multiply MBQM of ht_fast_rq.h where it applies (multiplier >= 0, shift −23..−2), per output channel
 * without a prepared record (each channel is used once), the generic MBQM otherwise; an activation clamp
 * narrower than int8 is applied after, four bytes at a time. Every sum wraps modulo 2^32 like the portable
 * kernel's, so the bits are the same. Stack: about 1.2 KiB. */
#ifndef HT_FC_DSP_H
#define HT_FC_DSP_H

#include "ht_dot.h"
#include "ht_fast_rq.h"
#include "ht_kernel_util.h"

#if HT_DOT_DSP

enum { HT_FC_XBUF_WORDS = 256, HT_FC_CHUNK_GROUPS = HT_FC_XBUF_WORDS / 2, HT_FC_ROWS = 32 };

/* groups of 4 inputs at x as (even lanes, odd lanes) + off, two words per group. */
static void ht_fc_widen(const int8_t *x, uint32_t groups, int16x2_t off, uint32_t *out)
{
	for (; groups >= 2u; groups -= 2u, x += 8, out += 4) {
		const uint32_t v = ht_ld4(x), u = ht_ld4(x + 4);
		out[0] = (uint32_t)__sxtab16(off, (int8x4_t)v);
		out[1] = (uint32_t)ht_sxtab16_ror8(off, v);
		out[2] = (uint32_t)__sxtab16(off, (int8x4_t)u);
		out[3] = (uint32_t)ht_sxtab16_ror8(off, u);
	}
	if (groups) {
		const uint32_t v = ht_ld4(x);
		out[0] = (uint32_t)__sxtab16(off, (int8x4_t)v);
		out[1] = (uint32_t)ht_sxtab16_ror8(off, v);
	}
}

/* One group of 4 inputs (widened in xe, xo) against the next weight word of row w into acc. */
#define HT_FC_ROW(w, acc, xe, xo)                                                                              \
	"ldr %[wo], [%[" w "]], #4\n\t"                                                                           \
	"sxtb16 %[we], %[wo]\n\t"                                                                                 \
	"sxtb16 %[wo], %[wo], ror #8\n\t"                                                                         \
	"smlad %[" acc "], %[we], %[" xe "], %[" acc "]\n\t"                                                      \
	"smlad %[" acc "], %[wo], %[" xo "], %[" acc "]\n\t"
/* Two groups (one LDM of 4 widened words) for both rows. */
#define HT_FC_PAIR                                                                                             \
	"ldmia %[xp]!, {%[x0], %[x1], %[x2], %[x3]}\n\t" HT_FC_ROW("w0", "a", "x0", "x1") HT_FC_ROW("w1", "b", "x0", "x1") \
		HT_FC_ROW("w0", "a", "x2", "x3") HT_FC_ROW("w1", "b", "x2", "x3")

/* *a += w0·x, *b += w1·x over `groups` (any) groups of 4 widened inputs at xp; w0 and w1 advance past them.
 * LDM fills registers in ascending order, so its targets are pinned to r8..r11. For the last rows of a call. */
static HT_ALWAYS_INLINE void ht_fc_dot_2x1(const int8_t *w0, const int8_t *w1, const uint32_t *xp, uint32_t groups,
                                           int32_t *a, int32_t *b)
{
	register uint32_t x0 __asm("r8"), x1 __asm("r9"), x2 __asm("r10"), x3 __asm("r11");
	uint32_t we, wo;
	__asm__ volatile("tst %[n], #1\n\t"
	                 "beq 2f\n\t"
	                 "ldrd %[x0], %[x1], [%[xp]], #8\n\t" HT_FC_ROW("w0", "a", "x0", "x1") HT_FC_ROW("w1", "b", "x0", "x1")
	                 "2:\n\t"
	                 "lsrs %[n], %[n], #1\n\t"
	                 "beq 3f\n"
	                 "1:\n\t" HT_FC_PAIR "subs %[n], %[n], #1\n\t"
	                 "bne 1b\n"
	                 "3:"
	                 : [a] "+r"(*a), [b] "+r"(*b), [w0] "+r"(w0), [w1] "+r"(w1), [xp] "+r"(xp), [n] "+r"(groups),
	                   [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3), [we] "=&r"(we), [wo] "=&r"(wo)
	                 :
	                 : "cc", "memory");
}

/* One group of 4 inputs (one LDRD of 2 widened words) against the next weight word of four rows: rows r, r+1
 * at wa and wa + stride, rows r+2, r+3 at wb and wb + stride (the second of each by register offset, before
 * the post-increment of the first). */
#define HT_FC_QUAD_GROUP                                                                                       \
	"ldrd %[x0], %[x1], [%[xp]], #8\n\t"                                                                    \
	"ldr %[wo], [%[wa], %[st]]\n\t"                                                                          \
	"sxtb16 %[we], %[wo]\n\t"                                                                                \
	"sxtb16 %[wo], %[wo], ror #8\n\t"                                                                        \
	"smlad %[b], %[we], %[x0], %[b]\n\t"                                                                     \
	"smlad %[b], %[wo], %[x1], %[b]\n\t" HT_FC_ROW("wa", "a", "x0", "x1")                                    \
	"ldr %[wo], [%[wb], %[st]]\n\t"                                                                          \
	"sxtb16 %[we], %[wo]\n\t"                                                                                \
	"sxtb16 %[wo], %[wo], ror #8\n\t"                                                                        \
	"smlad %[d], %[we], %[x0], %[d]\n\t"                                                                     \
	"smlad %[d], %[wo], %[x1], %[d]\n\t" HT_FC_ROW("wb", "c", "x0", "x1")

/* out[0..3] = Σ over `groups` (any) groups of 4 widened inputs at xp of rows w, w + stride, w + 2·stride,
 * w + 3·stride (wrapping): 21 instructions per 16 MACs, four groups per iteration. (The accumulators start at 0:
 * with loaded starting values GCC finds no registers for the 13 operands.) */
static HT_ALWAYS_INLINE void ht_fc_dot_4x1(const int8_t *w, uint32_t stride, const uint32_t *xp, uint32_t groups,
                                           uint32_t out[4])
{
	const int8_t *wa = w, *wb = w + 2u * stride;
	uint32_t a = 0, b = 0, c = 0, d = 0;
	uint32_t x0, x1, we, wo;
	__asm__ volatile("lsls %[we], %[n], #31\n\t" /* N: bit 0, C: bit 1 */
	                 "bpl 1f\n\t" HT_FC_QUAD_GROUP "1:\n\t"
	                 "bcc 2f\n\t" HT_FC_QUAD_GROUP HT_FC_QUAD_GROUP "2:\n\t"
	                 "lsrs %[n], %[n], #2\n\t"
	                 "beq 4f\n"
	                 "3:\n\t" HT_FC_QUAD_GROUP HT_FC_QUAD_GROUP HT_FC_QUAD_GROUP HT_FC_QUAD_GROUP
	                 "subs %[n], %[n], #1\n\t"
	                 "bne 3b\n"
	                 "4:"
	                 : [a] "+r"(a), [b] "+r"(b), [c] "+r"(c), [d] "+r"(d), [wa] "+r"(wa), [wb] "+r"(wb), [xp] "+r"(xp),
	                   [n] "+r"(groups), [x0] "=&r"(x0), [x1] "=&r"(x1), [we] "=&r"(we), [wo] "=&r"(wo)
	                 : [st] "r"(stride)
	                 : "cc", "memory");
	out[0] = a;
	out[1] = b;
	out[2] = c;
	out[3] = d;
}

/* The exact one-multiply MBQM of ht_fast_rq.h plus the zero point, as asm on registers a (the accumulator), m (the
 * multiplier, >= 0) and k = −shift − 2 (0..21), result in t (SSAT to int8), scratch lo; zo2 = 2·zo + 1. With
 * P = a·m + 2^30 − [a < 0]·2^31 (SMLAL onto a constant of a's sign), ht_fast_rq's value is
 * floor((P + 2^(30 + rs) + zo·2^(31 + rs)) / 2^(31 + rs)), rs = k + 2; as 2^(30 + rs) is 2^k whole high words,
 * that is floor((floor(hi(P) / 2^k) + 1 + 2·zo) / 2). (Shift −1 takes the generic path.) */
#define HT_FC_MBQM                                                                                             \
	"and %[lo], %[a], #0x80000000\n\t"                                                                      \
	"orr %[lo], %[lo], #0x40000000\n\t"                                                                     \
	"asr %[t], %[a], #31\n\t"                                                                               \
	"smlal %[lo], %[t], %[a], %[m]\n\t"                                                                     \
	"asr %[t], %[t], %[k]\n\t"                                                                              \
	"add %[t], %[t], %[zo2]\n\t"                                                                            \
	"asr %[t], %[t], #1\n\t"                                                                                \
	"ssat %[t], #8, %[t]\n\t"

/* From *acc up to end (at least one): *out++ = the fast requantization of *acc++ with the multiplier and shift
 * at *mp and *sp (per channel, each advancing by a word), stopping early after loading a channel the fast path
 * does not cover (mp, sp and acc then past it, out at it). */
static HT_ALWAYS_INLINE void ht_fc_rq_channels(const uint8_t **mp, const uint8_t **sp, const uint32_t **acc,
                                               const uint32_t *end, int8_t **out, int32_t zo2)
{
	const uint8_t *m_p = *mp, *s_p = *sp;
	const uint32_t *a_p = *acc;
	int8_t *o = *out;
	uint32_t m, k, a, t, lo;
	__asm__ volatile("1:\n\t"
	                 "ldr %[m], [%[mp]], #4\n\t"
	                 "ldr %[k], [%[sp]], #4\n\t"
	                 "ldr %[a], [%[ap]], #4\n\t"
	                 "mvn %[k], %[k]\n\t"
	                 "sub %[k], %[k], #1\n\t"
	                 "orr %[t], %[k], %[m], asr #31\n\t"
	                 "cmp %[t], #21\n\t"
	                 "bhi 2f\n\t" HT_FC_MBQM "strb %[t], [%[o]], #1\n\t"
	                 "cmp %[ap], %[end]\n\t"
	                 "bne 1b\n"
	                 "2:"
	                 : [mp] "+r"(m_p), [sp] "+r"(s_p), [ap] "+r"(a_p), [o] "+r"(o), [m] "=&r"(m), [k] "=&r"(k),
	                   [a] "=&r"(a), [t] "=&r"(t), [lo] "=&r"(lo)
	                 : [end] "r"(end), [zo2] "r"(zo2)
	                 : "cc", "memory");
	*mp = m_p;
	*sp = s_p;
	*acc = a_p;
	*out = o;
}

/* out[r] = the fast requantization of acc[r], r < rows (>= 1), with one multiplier m >= 0 and k = −shift − 2. */
static HT_ALWAYS_INLINE void ht_fc_rq_tensor(const uint32_t *acc, const uint32_t *end, int8_t *out, int32_t m,
                                             uint32_t k, int32_t zo2)
{
	uint32_t a, t, lo;
	__asm__ volatile("1:\n\t"
	                 "ldr %[a], [%[ap]], #4\n\t" HT_FC_MBQM "strb %[t], [%[o]], #1\n\t"
	                 "cmp %[ap], %[end]\n\t"
	                 "bne 1b"
	                 : [ap] "+r"(acc), [o] "+r"(out), [a] "=&r"(a), [t] "=&r"(t), [lo] "=&r"(lo)
	                 : [end] "r"(end), [m] "r"(m), [k] "r"(k), [zo2] "r"(zo2)
	                 : "cc", "memory");
}

/* out[0..n) limited to [act_min, act_max], four bytes at a time (HT_CLAMP4), the rest one by one. */
static void ht_fc_clamp(int8_t *out, uint32_t n, const ht_act *act)
{
	const uint32_t lo4 = (uint8_t)act->act_min * 0x01010101u, hi4 = (uint8_t)act->act_max * 0x01010101u;
	for (; n >= 4u; n -= 4u, out += 4) {
		uint32_t v = ht_ld4(out), t;
		__asm__(HT_CLAMP4("v", "t") : [v] "+r"(v), [t] "=&r"(t) : [lo4] "r"(lo4), [hi4] "r"(hi4) : "cc");
		__builtin_memcpy(out, &v, 4);
	}
	for (; n; n--, out++)
		*out = ht_clamp_s8(*out, act->act_min, act->act_max);
}

/* The requantization of output channels c0..c0+rows-1 (rows >= 1) from their sums acc (bias included). */
static __attribute__((noinline)) void ht_fc_requant(const ht_requant *rq, const ht_act *act, uint32_t c0, uint32_t rows,
                                                    const uint32_t *acc, int8_t *out)
{
	const int32_t zo = act->out_zp, zo2 = 2 * zo + 1;
	const uint32_t *const acc0 = acc, *const end = acc + rows;
	int8_t *const out0 = out;
	if (rq->per_tensor) {
		const int32_t m = ht_ld32_word(rq->mult), shift = ht_ld32_word(rq->shift);
		const uint32_t k = (uint32_t)(-2 - shift);
		if (m >= 0 && k <= 21u) {
			ht_fc_rq_tensor(acc, end, out, m, k, zo2);
		} else {
			for (uint32_t r = 0; r < rows; r++)
				out[r] = ht_requant_s8((int32_t)acc[r], m, shift, zo, -128, 127);
		}
	} else {
		const uint8_t *mp = rq->mult + 4u * c0, *sp = rq->shift + 4u * c0;
		while (acc < end) {
			ht_fc_rq_channels(&mp, &sp, &acc, end, &out, zo2);
			if (acc - acc0 != out - out0) { /* stopped at a channel the fast path does not cover */
				*out++ = ht_requant_s8((int32_t)acc[-1], ht_ld32_word(mp - 4), ht_ld32_word(sp - 4), zo, -128, 127);
			}
		}
	}
	if (act->act_min > -128 || act->act_max < 127)
		ht_fc_clamp(out0, rows, act);
}

/* Σ w[i]·(x[i] − zi) over the inputs from `from` to n. */
static HT_ALWAYS_INLINE uint32_t ht_fc_tail(const int8_t *w, const int8_t *x, uint32_t from, uint32_t n, int32_t off)
{
	uint32_t sum = 0;
	for (uint32_t i = from; i < n; i++)
		sum += (uint32_t)(w[i] * (x[i] + off));
	return sum;
}

enum { HT_FC_SET_BIAS = 1, HT_FC_ADD = 2 };

/* acc[r] = base(r) + the dot product of weight row r (rows at w, n bytes apart, from the chunk's first input) with
 * the `groups` widened groups at xbuf, r < rows; base(r): the bias (HT_FC_SET_BIAS) or acc[r] itself
 * (HT_FC_ADD). */
static HT_ALWAYS_INLINE uint32_t ht_fc_base(int mode, const uint8_t *bias, const uint32_t *acc, uint32_t r)
{
	return mode == HT_FC_ADD ? acc[r] : (uint32_t)ht_ld32_word(bias + 4u * r);
}

static HT_ALWAYS_INLINE void ht_fc_sums_mode(const int8_t *w, uint32_t n, const uint32_t *xbuf, uint32_t groups,
                                             uint32_t rows, const uint8_t *bias, int mode, uint32_t *acc)
{
	uint32_t r = 0;
	for (; r + 4u <= rows; r += 4u, w += 4u * n) {
		uint32_t s4[4];
		ht_fc_dot_4x1(w, n, xbuf, groups, s4);
		acc[r] = s4[0] + ht_fc_base(mode, bias, acc, r);
		acc[r + 1u] = s4[1] + ht_fc_base(mode, bias, acc, r + 1u);
		acc[r + 2u] = s4[2] + ht_fc_base(mode, bias, acc, r + 2u);
		acc[r + 3u] = s4[3] + ht_fc_base(mode, bias, acc, r + 3u);
	}
	for (; r < rows; r += 2u, w += 2u * n) { /* an odd last row runs as both rows, one kept */
		const uint32_t last = r + 1u < rows ? r + 1u : r;
		int32_t a = 0, b = 0;
		ht_fc_dot_2x1(w, w + (last - r) * n, xbuf, groups, &a, &b);
		acc[r] = (uint32_t)a + ht_fc_base(mode, bias, acc, r);
		if (last > r)
			acc[last] = (uint32_t)b + ht_fc_base(mode, bias, acc, last);
	}
}

/* Out of line, so that the dot products' 13 asm registers have a function to themselves; one copy per mode. */
static __attribute__((noinline)) void ht_fc_sums(const int8_t *w, uint32_t n, const uint32_t *xbuf, uint32_t groups,
                                                 uint32_t rows, const uint8_t *bias, int mode, uint32_t *acc)
{
	if (mode == HT_FC_ADD)
		ht_fc_sums_mode(w, n, xbuf, groups, rows, bias, HT_FC_ADD, acc);
	else
		ht_fc_sums_mode(w, n, xbuf, groups, rows, bias, HT_FC_SET_BIAS, acc);
}

static void fc_dsp_run(const ht_act *act, const ht_requant *rq, const int8_t *in, const int8_t *weights, uint32_t n,
                       uint32_t cout, int8_t *out)
{
	uint32_t xbuf[HT_FC_XBUF_WORDS], acc[HT_FC_ROWS];
	const int32_t off = -act->in_zp;
	const int16x2_t offp = ht_pair(off);
	const uint32_t groups = n / 4u, from = 4u * groups;
	const int one_chunk = groups <= HT_FC_CHUNK_GROUPS;
	if (one_chunk)
		ht_fc_widen(in, groups, offp, xbuf);
	for (uint32_t c0 = 0; c0 < cout; c0 += HT_FC_ROWS) {
		const uint32_t rows = cout - c0 < HT_FC_ROWS ? cout - c0 : HT_FC_ROWS;
		const uint8_t *bias = rq->bias ? rq->bias + 4u * c0 : NULL;
		if (one_chunk && bias) {
			ht_fc_sums(weights + c0 * n, n, xbuf, groups, rows, bias, HT_FC_SET_BIAS, acc);
		} else { /* no bias, or long inputs chunk by chunk: the partial sums kept in acc */
			for (uint32_t r = 0; r < rows; r++)
				acc[r] = bias ? (uint32_t)ht_ld32_word(bias + 4u * r) : 0u;
			for (uint32_t g0 = 0; g0 < groups; g0 += HT_FC_CHUNK_GROUPS) {
				const uint32_t ng = groups - g0 < HT_FC_CHUNK_GROUPS ? groups - g0 : HT_FC_CHUNK_GROUPS;
				if (!one_chunk)
					ht_fc_widen(in + 4u * g0, ng, offp, xbuf);
				ht_fc_sums(weights + c0 * n + 4u * g0, n, xbuf, ng, rows, NULL, HT_FC_ADD, acc);
			}
		}
		if (from < n)
			for (uint32_t r = 0; r < rows; r++)
				acc[r] += ht_fc_tail(weights + (c0 + r) * n, in, from, n, off);
		ht_fc_requant(rq, act, c0, rows, acc, out + c0);
	}
}

#endif
#endif
