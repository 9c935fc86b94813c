/* The depthwise kernel on cores with the DSP extension (Cortex-M4/M7/M33), included by ht_dwconv1d.c.
 *
 * Stride 1 or 2, dilation 1, K <= HT_DW_DSP_MAX_K, any channel count, padding, zero point and requantization.
 * Channels go in groups of four (one input word; a tail of 1..3 one at a time), positions in chunks of up to
 * 128 input positions (a 1 KiB stack buffer):
 *
 * 1. The chunk's input, padding included, is widened to int16 (input zero point subtracted, padding as 0,
 *    which is exactly a skipped tap) in one plane per channel: two positions of four channels are 2 LDR,
 *    4 SXTAB16 and 4 PKHBT/PKHTB into four words, one per channel, each a pair of adjacent positions
 *    (17 instructions with the loop). Padded edges read a word of input zero points instead of the input.
 * 2. Each channel's taps are paired the same way, so every SMLAD does 2 MACs. With stride 1, outputs go two
 *    at a time from the same aligned plane words: the even one with the pairs (w0,w1),(w2,w3),... and the odd
 *    one with (0,w0),(w1,w2),...; with stride 2 output t starts at word t, and two outputs share each weight
 *    pair. For K = 3, 5, 7 that is one asm loop per (stride, K, clamp): the bias seeds the accumulators,
 *    ht_fast_rq.h's arithmetic requantizes (its constants one LDM per two outputs), SSUB8/SEL clamps. K = 7,
 *    stride 1: 32 instructions per 2 outputs (14 MACs). Other K, stride-2 K = 7 and an odd last output take
 *    the same planes and pairs in C (ht_dw_run_c).
 * Channels whose requantization is not fast (ht_fast_rq.h) use the same planes with ht_channel_out.
 * ht_dw_requant4 (four adjacent outputs in one word) serves ht_conv1d.c. */
#ifndef HT_DWCONV_DSP_H
#define HT_DWCONV_DSP_H

#include <stddef.h>

#include "ht_dot.h"
#include "ht_fast_rq.h"
#include "ht_kernel_util.h"

#if HT_DOT_DSP

/* Plane words per channel (two positions each): the buffer is 4 x HT_DW_PLANE_WORDS words. */
enum { HT_DW_DSP_MAX_K = 15, HT_DW_PLANE_WORDS = 64, HT_DW_MAX_PAIRS = 8 };

/* One channel as the asm loops read it: the fast requantization (ht_fast_q's k, mult and rs1 in one LDM, then the
 * bias), the clamp bounds in all four bytes, tap pairs wa[i] = (w[2i], w[2i+1]) and wb[i] = (w[2i-1], w[2i]) (taps
 * out of range 0); then the ht_fast_q and clamp for the C code. */
typedef struct {
	int32_t k_lo, k_hi, mult, rs1, bias;
	uint32_t lo4, hi4, pad;
	uint32_t wa[HT_DW_MAX_PAIRS], wb[HT_DW_MAX_PAIRS];
	ht_fast_q q;
	int32_t lo, hi;
} ht_dw_rec;

_Static_assert(offsetof(ht_dw_rec, rs1) == 12 && offsetof(ht_dw_rec, bias) == 16 && offsetof(ht_dw_rec, lo4) == 20 &&
                   offsetof(ht_dw_rec, wa) == 32 && offsetof(ht_dw_rec, wb) == 64,
               "the asm below reads these offsets");

static inline uint32_t ht_dw_pack(int32_t lo, int32_t hi)
{
	return ((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16);
}

/* Tap pairs of channel c (weights [K][ch], K <= HT_DW_DSP_MAX_K): the first K / 2 + 1 of wa and wb. */
static inline void ht_dw_prepare_pairs(const int8_t *weights, uint32_t ch, uint32_t c, uint32_t k_taps, ht_dw_rec *r)
{
	int32_t w[HT_DW_DSP_MAX_K + 3]; /* w[j + 1] is tap j */
	w[0] = 0;
	for (uint32_t k = 0; k < k_taps; k++)
		w[k + 1u] = weights[k * ch + c];
	w[k_taps + 1u] = w[k_taps + 2u] = 0;
	for (uint32_t i = 0; i <= k_taps / 2u; i++) {
		r->wa[i] = ht_dw_pack(w[2u * i + 1u], w[2u * i + 2u]);
		r->wb[i] = ht_dw_pack(w[2u * i], w[2u * i + 1u]);
	}
}

/* Tap pairs of channels c..c+3 (c + 4 <= ch) from one word of weights per tap: SXTB16 gives channels 0, 2 in the
 * even lanes and 1, 3 in the odd ones. */
static inline void ht_dw_prepare_pairs4(const int8_t *weights, uint32_t ch, uint32_t c, uint32_t k_taps, ht_dw_rec r[4])
{
	uint32_t e[HT_DW_DSP_MAX_K + 3], o[HT_DW_DSP_MAX_K + 3]; /* [k + 1] is tap k */
	e[0] = o[0] = 0;
	for (uint32_t k = 0; k < k_taps; k++) {
		const uint32_t v = ht_ld4(weights + k * ch + c);
		e[k + 1u] = (uint32_t)__sxtb16((int8x4_t)v);
		o[k + 1u] = (uint32_t)ht_sxtb16_ror8(v);
	}
	e[k_taps + 1u] = o[k_taps + 1u] = e[k_taps + 2u] = o[k_taps + 2u] = 0;
	for (uint32_t i = 0; i <= k_taps / 2u; i++) {
		const uint32_t j = 2u * i;
		r[0].wa[i] = (e[j + 1u] & 0xFFFFu) | (e[j + 2u] << 16);
		r[1].wa[i] = (o[j + 1u] & 0xFFFFu) | (o[j + 2u] << 16);
		r[2].wa[i] = (e[j + 2u] & 0xFFFF0000u) | (e[j + 1u] >> 16);
		r[3].wa[i] = (o[j + 2u] & 0xFFFF0000u) | (o[j + 1u] >> 16);
		r[0].wb[i] = (e[j] & 0xFFFFu) | (e[j + 1u] << 16);
		r[1].wb[i] = (o[j] & 0xFFFFu) | (o[j + 1u] << 16);
		r[2].wb[i] = (e[j + 1u] & 0xFFFF0000u) | (e[j] >> 16);
		r[3].wb[i] = (o[j + 1u] & 0xFFFF0000u) | (o[j] >> 16);
	}
}

/* Two positions (words of 4 channels at xa, xb) into one word of each plane (b[0], b[W], b[2W], b[3W]). */
static inline void ht_dw_pair4(const int8_t *xa, const int8_t *xb, int16x2_t offp, uint32_t *b)
{
	const uint32_t v0 = ht_ld4(xa), v1 = ht_ld4(xb);
	const uint32_t e0 = (uint32_t)__sxtab16(offp, (int8x4_t)v0), e1 = (uint32_t)__sxtab16(offp, (int8x4_t)v1);
	const uint32_t o0 = (uint32_t)ht_sxtab16_ror8(offp, v0), o1 = (uint32_t)ht_sxtab16_ror8(offp, v1);
	b[0] = (e0 & 0xFFFFu) | (e1 << 16);
	b[HT_DW_PLANE_WORDS] = (o0 & 0xFFFFu) | (o1 << 16);
	b[2 * HT_DW_PLANE_WORDS] = (e1 & 0xFFFF0000u) | (e0 >> 16);
	b[3 * HT_DW_PLANE_WORDS] = (o1 & 0xFFFF0000u) | (o0 >> 16);
}

_Static_assert(HT_DW_PLANE_WORDS == 64, "the fill loop's store offsets are 256, 512, 768");

/* Planes of channels c..c+3 (c + 4 <= ch) for the n (even) input positions p0.. Positions outside [0, len) read
 * a word of four input zero points, so they widen to 0. */
static inline void ht_dw_fill4(const int8_t *in, uint32_t len, uint32_t ch, uint32_t c, int32_t p0, uint32_t n,
                               int32_t zi, uint32_t *buf)
{
	const int16x2_t offp = ht_pair(-zi);
	const uint32_t zword = (uint32_t)(uint8_t)zi * 0x01010101u;
	const int8_t *zp = (const int8_t *)&zword;
	/* pairs [j_lo, j_hi) lie inside */
	uint32_t j_lo = p0 >= 0 ? 0u : ((uint32_t)(-p0) + 1u) & ~1u;
	const int32_t room = (int32_t)len - p0; /* positions j < room are inside */
	uint32_t j_hi = room <= 0 ? 0u : (uint32_t)room & ~1u;
	if (j_hi > n)
		j_hi = n;
	if (j_lo > j_hi)
		j_lo = j_hi = j_lo < n ? j_lo : n;
	for (uint32_t j = 0; j < n; j += 2u) {
		if (j == j_lo && j_hi > j_lo) {
			const int8_t *x = in + (uint32_t)(p0 + (int32_t)j) * ch + c;
			uint32_t *b = buf + j / 2u, *end = buf + j_hi / 2u, v0, v1, e0, e1, t;
			__asm__ volatile("1:\n\t"
			                 "ldr %[v1], [%[x], %[ch]]\n\t"
			                 "ldr %[v0], [%[x]]\n\t"
			                 "add %[x], %[x], %[ch], lsl #1\n\t"
			                 "sxtab16 %[e0], %[off], %[v0]\n\t"
			                 "sxtab16 %[e1], %[off], %[v1]\n\t"
			                 "sxtab16 %[v0], %[off], %[v0], ror #8\n\t"
			                 "sxtab16 %[v1], %[off], %[v1], ror #8\n\t"
			                 "pkhbt %[t], %[e0], %[e1], lsl #16\n\t"
			                 "pkhtb %[e1], %[e1], %[e0], asr #16\n\t"
			                 "pkhbt %[e0], %[v0], %[v1], lsl #16\n\t"
			                 "pkhtb %[v1], %[v1], %[v0], asr #16\n\t"
			                 "str %[e0], [%[b], #256]\n\t"
			                 "str %[e1], [%[b], #512]\n\t"
			                 "str %[v1], [%[b], #768]\n\t"
			                 "str %[t], [%[b]], #4\n\t"
			                 "cmp %[b], %[end]\n\t"
			                 "bne 1b"
			                 : [x] "+r"(x), [b] "+r"(b), [v0] "=&r"(v0), [v1] "=&r"(v1), [e0] "=&r"(e0),
			                   [e1] "=&r"(e1), [t] "=&r"(t)
			                 : [ch] "r"(ch), [off] "r"(offp), [end] "r"(end)
			                 : "cc", "memory");
			j = j_hi - 2u;
			continue;
		}
		const int32_t p = p0 + (int32_t)j;
		const int8_t *xa = p >= 0 && p < (int32_t)len ? in + (uint32_t)p * ch + c : zp;
		const int8_t *xb = p + 1 >= 0 && p + 1 < (int32_t)len ? in + (uint32_t)(p + 1) * ch + c : zp;
		ht_dw_pair4(xa, xb, offp, buf + j / 2u);
	}
}

/* The plane of one channel c (the channel tail). */
static inline void ht_dw_fill1(const int8_t *in, uint32_t len, uint32_t ch, uint32_t c, int32_t p0, uint32_t n,
                               int32_t zi, uint32_t *plane)
{
	for (uint32_t j = 0; j < n; j += 2u) {
		const int32_t p = p0 + (int32_t)j;
		int32_t a = p >= 0 && p < (int32_t)len ? in[(uint32_t)p * ch + c] - zi : 0;
		int32_t b = p + 1 >= 0 && p + 1 < (int32_t)len ? in[(uint32_t)(p + 1) * ch + c] - zi : 0;
		plane[j / 2u] = ht_dw_pack(a, b);
	}
}

/* One output: the fast requantization, saturated to int8, clamped to [lo, hi]. */
static HT_ALWAYS_INLINE int8_t ht_dw_out(int32_t acc, const ht_dw_rec *r)
{
	int32_t v = __ssat(ht_fast_rq(acc, &r->q), 8);
	return (int8_t)(v < r->lo ? r->lo : v > r->hi ? r->hi : v);
}

/* Outputs [t0, n) of one channel from its plane x, any K, stride 1 or 2 (the cases without an asm loop). */
static inline void ht_dw_run_c(const uint32_t *x, const ht_dw_rec *r, uint32_t k_taps, uint32_t stride, uint32_t t0,
                               uint32_t n, int8_t *y, uint32_t ch)
{
	const uint32_t na = (k_taps + 1u) / 2u, nb = k_taps / 2u + 1u;
	for (uint32_t t = t0; t < n; t++) {
		int32_t a = r->q.bias;
		if (stride == 2u)
			for (uint32_t i = 0; i < na; i++)
				a = __smlad((int16x2_t)x[t + i], (int16x2_t)r->wa[i], a);
		else if (!(t & 1u))
			for (uint32_t i = 0; i < na; i++)
				a = __smlad((int16x2_t)x[t / 2u + i], (int16x2_t)r->wa[i], a);
		else
			for (uint32_t i = 0; i < nb; i++)
				a = __smlad((int16x2_t)x[t / 2u + i], (int16x2_t)r->wb[i], a);
		y[t * ch] = ht_dw_out(a, r);
	}
}

/* Two outputs a0, a1 per iteration, requantized (ht_fast_rq.h's arithmetic), saturated, optionally clamped,
 * stored at y and y + ch; x0..x3, w0, w1 scratch. */
#define HT_DW_RQ(a)                                                                                                \
	"and %[w0], %[" a "], #0x80000000\n\t"                                                                    \
	"subs %[w0], %[x0], %[w0]\n\t"                                                                            \
	"sbc %[w1], %[x1], #0\n\t"                                                                                \
	"smlal %[w0], %[w1], %[" a "], %[x2]\n\t"                                                                 \
	"asr %[" a "], %[w1], %[x3]\n\t"                                                                          \
	"ssat %[" a "], #8, %[" a "]\n\t"
#define HT_DW_RQ2                                                                                                  \
	"ldm %[r], {%[x0], %[x1], %[x2], %[x3]}\n\t" HT_DW_RQ("a0") HT_DW_RQ("a1")
/* Both outputs limited bytewise to [lo, hi] by SSUB8 (GE flags) and SEL, as HT_CLAMP4 does (ht_fast_rq.h), with
 * a1 packed into a0's second byte and back. */
#define HT_DW_CLAMP2                                                                                               \
	"bfi %[a0], %[a1], #8, #8\n\t"                                                                              \
	"ldrd %[x0], %[x1], [%[r], #20]\n\t"                                                                      \
	"ssub8 %[w0], %[a0], %[x0]\n\t"                                                                           \
	"sel %[a0], %[a0], %[x0]\n\t"                                                                             \
	"ssub8 %[w0], %[x1], %[a0]\n\t"                                                                           \
	"sel %[a0], %[a0], %[x1]\n\t"                                                                             \
	"lsr %[a1], %[a0], #8\n\t"
#define HT_DW_STORE2                                                                                               \
	"strb %[a0], [%[y]]\n\t"                                                                                  \
	"strb %[a1], [%[y], %[ch]]\n\t"                                                                           \
	"add %[y], %[y], %[ch], lsl #1\n\t"

/* Stride 1, K = 2m - 1: window m words at x (advancing one word), a0 with wa, a1 with wb; the bias (a register)
 * seeds both. */
#define HT_DW_S1_M2                                                                                                \
	"ldrd %[x0], %[x1], [%[x]], #4\n\t"                                                                       \
	"ldrd %[w0], %[w1], [%[r], #32]\n\t"                                                                       \
	"smlad %[a0], %[x0], %[w0], %[bias]\n\t"                                                                    \
	"smlad %[a0], %[x1], %[w1], %[a0]\n\t"                                                                    \
	"ldrd %[w0], %[w1], [%[r], #64]\n\t"                                                                      \
	"smlad %[a1], %[x0], %[w0], %[bias]\n\t"                                                                    \
	"smlad %[a1], %[x1], %[w1], %[a1]\n\t"
#define HT_DW_S1_M3                                                                                                \
	"ldm %[x], {%[x0], %[x1], %[x2]}\n\t"                                                                     \
	"adds %[x], %[x], #4\n\t"                                                                                 \
	"ldrd %[w0], %[w1], [%[r], #32]\n\t"                                                                       \
	"smlad %[a0], %[x0], %[w0], %[bias]\n\t"                                                                    \
	"smlad %[a0], %[x1], %[w1], %[a0]\n\t"                                                                    \
	"ldrd %[w0], %[w1], [%[r], #64]\n\t"                                                                      \
	"smlad %[a1], %[x0], %[w0], %[bias]\n\t"                                                                    \
	"smlad %[a1], %[x1], %[w1], %[a1]\n\t"                                                                    \
	"ldr %[w0], [%[r], #40]\n\t"                                                                               \
	"ldr %[w1], [%[r], #72]\n\t"                                                                              \
	"smlad %[a0], %[x2], %[w0], %[a0]\n\t"                                                                    \
	"smlad %[a1], %[x2], %[w1], %[a1]\n\t"
#define HT_DW_S1_M4                                                                                                \
	"ldm %[x], {%[x0], %[x1], %[x2], %[x3]}\n\t"                                                              \
	"adds %[x], %[x], #4\n\t"                                                                                 \
	"ldrd %[w0], %[w1], [%[r], #32]\n\t"                                                                       \
	"smlad %[a0], %[x0], %[w0], %[bias]\n\t"                                                                    \
	"smlad %[a0], %[x1], %[w1], %[a0]\n\t"                                                                    \
	"ldrd %[w0], %[w1], [%[r], #40]\n\t"                                                                       \
	"smlad %[a0], %[x2], %[w0], %[a0]\n\t"                                                                    \
	"smlad %[a0], %[x3], %[w1], %[a0]\n\t"                                                                    \
	"ldrd %[w0], %[w1], [%[r], #64]\n\t"                                                                      \
	"smlad %[a1], %[x0], %[w0], %[bias]\n\t"                                                                    \
	"smlad %[a1], %[x1], %[w1], %[a1]\n\t"                                                                    \
	"ldrd %[w0], %[w1], [%[r], #72]\n\t"                                                                      \
	"smlad %[a1], %[x2], %[w0], %[a1]\n\t"                                                                    \
	"smlad %[a1], %[x3], %[w1], %[a1]\n\t"
/* Stride 2, K = 2m - 1, two outputs from m + 1 words (advancing two): a0 from word 0, a1 from word 1, both
 * with wa. */
#define HT_DW_S2_M2                                                                                                \
	"ldm %[x], {%[x0], %[x1], %[x2]}\n\t"                                                                     \
	"adds %[x], %[x], #8\n\t"                                                                                 \
	"ldrd %[w0], %[w1], [%[r], #32]\n\t"                                                                       \
	"smlad %[a0], %[x0], %[w0], %[bias]\n\t"                                                                    \
	"smlad %[a1], %[x1], %[w0], %[bias]\n\t"                                                                    \
	"smlad %[a0], %[x1], %[w1], %[a0]\n\t"                                                                    \
	"smlad %[a1], %[x2], %[w1], %[a1]\n\t"
#define HT_DW_S2_M3                                                                                                \
	"ldm %[x], {%[x0], %[x1], %[x2], %[x3]}\n\t"                                                              \
	"adds %[x], %[x], #8\n\t"                                                                                 \
	"ldrd %[w0], %[w1], [%[r], #32]\n\t"                                                                       \
	"smlad %[a0], %[x0], %[w0], %[bias]\n\t"                                                                    \
	"smlad %[a1], %[x1], %[w0], %[bias]\n\t"                                                                    \
	"smlad %[a0], %[x1], %[w1], %[a0]\n\t"                                                                    \
	"smlad %[a1], %[x2], %[w1], %[a1]\n\t"                                                                    \
	"ldr %[w0], [%[r], #40]\n\t"                                                                               \
	"smlad %[a0], %[x2], %[w0], %[a0]\n\t"                                                                    \
	"smlad %[a1], %[x3], %[w0], %[a1]\n\t"

/* n / 2 iterations (n >= 2) of one MAC block, then the requantization, clamp (when asked) and stores. x, y
 * advance. LDM fills registers in ascending order: x0..x3 are pinned to r8..r11. */
#define HT_DW_LOOP(mac, post)                                                                                      \
	do {                                                                                                       \
		register uint32_t x0 __asm("r8"), x1 __asm("r9"), x2 __asm("r10"), x3 __asm("r11");                   \
		uint32_t w0, w1, a0, a1, iters = n >> 1;                                                               \
		__asm__ volatile("1:\n\t" mac HT_DW_RQ2 post HT_DW_STORE2 "subs %[n], %[n], #1\n\t"                  \
		                 "bne 1b"                                                                              \
		                 : [x] "+r"(x), [y] "+r"(y), [n] "+r"(iters), [x0] "=&r"(x0), [x1] "=&r"(x1),           \
		                   [x2] "=&r"(x2), [x3] "=&r"(x3), [w0] "=&r"(w0), [w1] "=&r"(w1), [a0] "=&r"(a0),      \
		                   [a1] "=&r"(a1)                                                                      \
		                 : [r] "r"(r), [ch] "r"(ch), [bias] "r"(r->bias)                                      \
		                 : "cc", "memory");                                                                    \
	} while (0)

static inline uint32_t ht_dw_kind(uint32_t k_taps, uint32_t stride, int clamp)
{
	return (stride << 8) | (k_taps << 1) | (clamp ? 1u : 0u);
}

/* n outputs of one channel (fast requantization) from its plane x, outputs y, y + ch, ...; kind is
 * ht_dw_kind(k_taps, stride, clamp). */
static inline void ht_dw_run(const uint32_t *x, const ht_dw_rec *r, uint32_t k_taps, uint32_t stride, uint32_t n,
                             int8_t *y, uint32_t ch, uint32_t kind)
{
	const uint32_t *x_start = x;
	int8_t *y_start = y;
	uint32_t done = 0;
	if (n >= 2u) {
		done = n & ~1u;
		switch (kind) {
		case (1u << 8) | (3u << 1):
			HT_DW_LOOP(HT_DW_S1_M2, "");
			break;
		case (1u << 8) | (3u << 1) | 1u:
			HT_DW_LOOP(HT_DW_S1_M2, HT_DW_CLAMP2);
			break;
		case (1u << 8) | (5u << 1):
			HT_DW_LOOP(HT_DW_S1_M3, "");
			break;
		case (1u << 8) | (5u << 1) | 1u:
			HT_DW_LOOP(HT_DW_S1_M3, HT_DW_CLAMP2);
			break;
		case (1u << 8) | (7u << 1):
			HT_DW_LOOP(HT_DW_S1_M4, "");
			break;
		case (1u << 8) | (7u << 1) | 1u:
			HT_DW_LOOP(HT_DW_S1_M4, HT_DW_CLAMP2);
			break;
		case (2u << 8) | (3u << 1):
			HT_DW_LOOP(HT_DW_S2_M2, "");
			break;
		case (2u << 8) | (3u << 1) | 1u:
			HT_DW_LOOP(HT_DW_S2_M2, HT_DW_CLAMP2);
			break;
		case (2u << 8) | (5u << 1):
			HT_DW_LOOP(HT_DW_S2_M3, "");
			break;
		case (2u << 8) | (5u << 1) | 1u:
			HT_DW_LOOP(HT_DW_S2_M3, HT_DW_CLAMP2);
			break;
		default:
			done = 0;
			break;
		}
	}
	(void)y;
	if (done < n)
		ht_dw_run_c(x_start, r, k_taps, stride, done, n, y_start, ch);
}

/* n outputs of a channel whose requantization is not fast: the same pairs, then ht_channel_out. */
static inline void ht_dw_run_generic(const uint32_t *x, const ht_dw_rec *r, uint32_t k_taps, uint32_t stride,
                                     uint32_t n, const ht_channel_q *q, const ht_act *act, int8_t *y, uint32_t ch)
{
	const uint32_t na = (k_taps + 1u) / 2u, nb = k_taps / 2u + 1u;
	for (uint32_t t = 0; t < n; t++, y += ch) {
		int32_t a = 0;
		if (stride == 2u)
			for (uint32_t i = 0; i < na; i++)
				a = __smlad((int16x2_t)x[t + i], (int16x2_t)r->wa[i], a);
		else if (!(t & 1u))
			for (uint32_t i = 0; i < na; i++)
				a = __smlad((int16x2_t)x[t / 2u + i], (int16x2_t)r->wa[i], a);
		else
			for (uint32_t i = 0; i < nb; i++)
				a = __smlad((int16x2_t)x[t / 2u + i], (int16x2_t)r->wb[i], a);
		*y = ht_channel_out(q, act, (uint32_t)a);
	}
}

/* The whole layer (ht_dw_dsp_ok checked). */
static inline void ht_dw_dsp(const ht_act *act, const ht_window *win, const ht_requant *rq, const ht_dims *in_dims,
                             const int8_t *in, const int8_t *weights, const ht_dims *out_dims, int8_t *out)
{
	uint32_t buf[4u * HT_DW_PLANE_WORDS];
	const uint32_t ch = in_dims->channels, len = in_dims->length, out_len = out_dims->length;
	const uint32_t k_taps = win->k, s = win->stride;
	const uint32_t chunk = (2u * HT_DW_PLANE_WORDS - k_taps - 2u) / s + 1u; /* outputs per chunk */
	const int clamp = act->act_min > -128 || act->act_max < 127;
	const uint32_t na = (k_taps + 1u) / 2u, nb = k_taps / 2u + 1u;
	for (uint32_t c = 0; c < ch;) {
		const uint32_t group = ch - c >= 4u ? 4u : 1u;
		ht_dw_rec rec[4];
		ht_channel_q gq[4];
		if (group == 4u)
			ht_dw_prepare_pairs4(weights, ch, c, k_taps, rec);
		else
			ht_dw_prepare_pairs(weights, ch, c, k_taps, &rec[0]);
		for (uint32_t i = 0; i < group; i++) {
			ht_fast_prepare(rq, c + i, act->out_zp, &rec[i].q);
			rec[i].lo = act->act_min;
			rec[i].hi = act->act_max;
			rec[i].k_lo = (int32_t)(uint32_t)rec[i].q.k;
			rec[i].k_hi = (int32_t)(rec[i].q.k >> 32);
			rec[i].mult = rec[i].q.mult;
			rec[i].rs1 = rec[i].q.rs1;
			rec[i].bias = rec[i].q.bias;
			rec[i].lo4 = (uint32_t)(uint8_t)act->act_min * 0x01010101u;
			rec[i].hi4 = (uint32_t)(uint8_t)act->act_max * 0x01010101u;
			if (rec[i].q.rs1 < 0)
				gq[i] = ht_channel_prepare(rq, c + i);
		}
		for (uint32_t o0 = 0; o0 < out_len; o0 += chunk) {
			const uint32_t n_out = out_len - o0 < chunk ? out_len - o0 : chunk;
			const int32_t p0 = (int32_t)(o0 * s) - (int32_t)win->pad_left;
			/* words read: stride 2, output t from word t on (na words); stride 1, pairs of outputs from word t/2
			 * on (nb words), an odd last one from word (n-1)/2 (na words) */
			const uint32_t last_word = s == 2u ? n_out - 1u + na - 1u
			                           : (n_out & 1u) ? (n_out - 1u) / 2u + na - 1u : (n_out - 2u) / 2u + nb - 1u;
			const uint32_t n_in = 2u * last_word + 2u;
			if (group == 4u)
				ht_dw_fill4(in, len, ch, c, p0, n_in, act->in_zp, buf);
			else
				ht_dw_fill1(in, len, ch, c, p0, n_in, act->in_zp, buf);
			for (uint32_t i = 0; i < group; i++) {
				const uint32_t *x = buf + i * HT_DW_PLANE_WORDS;
				int8_t *y = out + o0 * ch + c + i;
				if (rec[i].q.rs1 < 0)
					ht_dw_run_generic(x, &rec[i], k_taps, s, n_out, &gq[i], act, y, ch);
				else
					ht_dw_run(x, &rec[i], k_taps, s, n_out, y, ch, ht_dw_kind(k_taps, s, clamp));
			}
		}
		c += group;
	}
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

static inline int ht_dw_dsp_ok(const ht_window *win)
{
	return win->dilation == 1u && (win->stride == 1u || win->stride == 2u) && win->k <= HT_DW_DSP_MAX_K;
}

#endif
#endif
