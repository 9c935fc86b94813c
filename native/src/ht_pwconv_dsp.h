/* The pointwise kernel on cores with the DSP extension (Cortex-M4/M7/M33), included by ht_pwconv.c.
 *
 * Inputs are widened once per position to int16 pairs in SXTB16's even/odd lane order, the zero point
 * subtracted on the way (SXTAB16), four positions interleaved per group of 4 channels, into a 1 KiB stack
 * buffer covering a chunk of positions. Each weight row then runs over four positions at a time: per group
 * one LDR + 2 SXTB16 of weights, 2 LDM of 4 input words and 8 SMLAD: 13 instructions per 16 MACs, and the
 * loop's 2 per two groups. Outputs use the fast requantization of ht_fast_rq.h. When a block of output channels
 * is all fast, unclamped and at least two groups wide, ht_pw_quads (ht_pw_asm.h) runs the chunk's whole quads for
 * all of them in one asm function; other channels, clamps and the last 1..3 positions take the C loops below.
 * Input channels that are not a multiple of 4 end in a padded group: its missing channels widen to exactly 0
 * (the zero point's own byte, less the zero point), so whatever weight bytes the group's word reads (the next
 * row's first ones) add nothing; the last row, which has no next row to read into, ends in a scalar tail
 * instead. Up to 128 input channels a quad of widened positions fits the buffer; wider inputs (pw_wide_block)
 * go through it in slabs of 128 channels, each channel's four sums kept between slabs. Stack: about 2.8 KiB
 * (3.3 KiB past 128 input channels). */
#ifndef HT_PWCONV_DSP_H
#define HT_PWCONV_DSP_H

#include "ht_pw_asm.h"

#if HT_DOT_DSP

typedef struct {
	const ht_act *act;
	const ht_requant *rq;
	const int8_t *in, *weights;
	int8_t *out;
	uint32_t cin, cout;
	uint32_t groups; /* ceil(cin / 4): the last one padded when cin is not a multiple of 4 */
	uint32_t lo4, hi4;
	int clamp;
	int padded; /* cin % 4 != 0 */
} pw_dsp;

/* The last row's last group would read past the weights: that row stops a group short and adds this tail. */
static inline int dsp_short_row(const pw_dsp *d, uint32_t c)
{
	return d->padded && c + 1u == d->cout;
}

/* Σ w[i]·(x[i] − zi) over channels from..cin-1 of one row and one position. */
static int32_t dsp_tail(const pw_dsp *d, const int8_t *w, const int8_t *x, uint32_t from)
{
	uint32_t sum = 0;
	for (uint32_t i = from; i < d->cin; i++)
		sum += (uint32_t)(w[i] * (x[i] - d->act->in_zp));
	return (int32_t)sum;
}

static HT_ALWAYS_INLINE int8_t dsp_out(const pw_dsp *d, const ht_fast_q *q, uint32_t c, int32_t acc)
{
	if (q->rs1 >= 0)
		return ht_clamp_s8(ht_fast_rq(acc, q), d->act->act_min, d->act->act_max);
	const ht_channel_q g = ht_channel_prepare(d->rq, c);
	return ht_requant_prepared_s8(acc, &g.rq, d->act->out_zp, d->act->act_min, d->act->act_max);
}

/* The short last row's quad: a group less, then the tail from the inputs themselves. */
static __attribute__((noinline)) void dsp_quad_short(const pw_dsp *d, const ht_fast_q *q, uint32_t c, uint32_t t,
                                                     uint32_t valid, const uint32_t *xp)
{
	const int8_t *w = d->weights + c * d->cin;
	const uint32_t groups = d->groups - 1u;
	int32_t acc[4] = {q->bias, q->bias, q->bias, q->bias};
	ht_pw_dot_1x4(w, &xp, groups, &acc[0], &acc[1], &acc[2], &acc[3]);
	for (uint32_t k = 0; k < valid; k++)
		d->out[(t + k) * d->cout + c] = dsp_out(d, q, c, acc[k] + dsp_tail(d, w, d->in + (t + k) * d->cin, 4u * groups));
}

/* Any quad of a full row: `valid` (1..4) positions from t, any requantization. The hot loop below takes only
 * full quads of fast channels. */
static void dsp_quad_general(const pw_dsp *d, const ht_fast_q *q, uint32_t c, uint32_t t, uint32_t valid,
                             const uint32_t *xp)
{
	int32_t acc[4] = {q->bias, q->bias, q->bias, q->bias};
	ht_pw_dot_1x4(d->weights + c * d->cin, &xp, d->groups, &acc[0], &acc[1], &acc[2], &acc[3]);
	for (uint32_t k = 0; k < valid; k++)
		d->out[(t + k) * d->cout + c] = dsp_out(d, q, c, acc[k]);
}

/* Output channel c (a full row) over the n positions from t0 (widened in xbuf), four at a time. What the loop uses is
 * copied to locals first (the asm clobbers memory). */
static HT_ALWAYS_INLINE void dsp_channel(const pw_dsp *d, const ht_fast_q *q, uint32_t c, uint32_t t0, uint32_t n, const uint32_t *xbuf,
                        uint32_t p)
{
	const uint32_t cout = d->cout, groups = d->groups, quad_words = 8u * groups;
	if (p == 0 && q->rs1 >= 0) {
		const int32_t bias = q->bias;
		const uint32_t lo4 = d->lo4, hi4 = d->hi4;
		const int clamp = d->clamp;
		const int8_t *w = d->weights + c * d->cin;
		const uint32_t *xp = xbuf;
		int8_t *y = d->out + t0 * cout + c;
		for (; p + 4u <= n; p += 4u, y += 4u * cout) {
			int32_t a0 = bias, a1 = bias, a2 = bias, a3 = bias;
			ht_pw_dot_1x4(w, &xp, groups, &a0, &a1, &a2, &a3);
			if (clamp)
				ht_pw_requant4_clamp(a0, a1, a2, a3, q, y, cout, lo4, hi4);
			else
				ht_pw_requant4(a0, a1, a2, a3, q, y, cout);
		}
	}
	for (; p < n; p += 4u)
		dsp_quad_general(d, q, c, t0 + p, n - p < 4u ? n - p : 4u, xbuf + (p / 4u) * quad_words);
}

/* The short last row over the chunk's n positions, quad by quad. */
static __attribute__((noinline)) void dsp_quad_rows(const pw_dsp *d, const ht_fast_q *q, uint32_t c, uint32_t t0,
                                                    uint32_t n, const uint32_t *xbuf)
{
	for (uint32_t p = 0; p < n; p += 4u)
		dsp_quad_short(d, q, c, t0 + p, n - p < 4u ? n - p : 4u, xbuf + (p / 4u) * 8u * d->groups);
}

/* Output channels c0..c1-1 (prepared in q) over all positions, in chunks whose widened inputs fill xbuf. fast:
 * every channel's requantization is fast, no clamp, at least two channel groups: ht_pw_quads takes the whole
 * quads of every channel but a short last row. */
static void dsp_channel_block(const pw_dsp *d, const ht_fast_q *q, uint32_t c0, uint32_t c1, uint32_t len, int fast)
{
	uint32_t xbuf[HT_PW_XBUF_BYTES / 4];
	const uint32_t cin = d->cin, quad_words = 8u * d->groups;
	const uint32_t chunk = 4u * (HT_PW_XBUF_BYTES / 4u / quad_words);
	const uint32_t quads_end = dsp_short_row(d, c1 - 1u) ? c1 - 1u : c1;
	const int16x2_t off = ht_pair(-d->act->in_zp);
	const uint32_t pad = (uint8_t)d->act->in_zp * 0x01010101u;
	for (uint32_t t0 = 0; t0 < len; t0 += chunk) {
		const uint32_t n = len - t0 < chunk ? len - t0 : chunk;
		for (uint32_t p = 0; p < n; p += 4u) {
			const int8_t *x[4];
			for (uint32_t k = 0; k < 4u; k++)
				x[k] = p + k < n ? d->in + (t0 + p + k) * cin : NULL;
			ht_pw_widen_quad(x, cin, off, pad, xbuf + (p / 4u) * quad_words);
		}
		uint32_t p = 0;
		if (fast && n >= 4u && quads_end > c0) {
			int8_t *y = d->out + t0 * d->cout + c0;
			ht_pw_quads_args a = {d->weights + c0 * cin, d->groups / 2u, d->groups % 2u, q, y, d->cout,
			                      y + (n / 4u) * 4u * d->cout, xbuf, n / 4u, quads_end - c0, cin, y};
			ht_pw_quads(&a);
			p = n & ~3u;
		}
		if (p < n)
			for (uint32_t c = c0; c < quads_end; c++)
				dsp_channel(d, &q[c - c0], c, t0, n, xbuf, p);
		if (quads_end < c1)
			dsp_quad_rows(d, &q[quads_end - c0], quads_end, t0, n, xbuf);
	}
}

/* Inputs wider than a widened quad (more than 128 channels): per quad of positions, the channels in slabs of
 * 128, each output channel's four sums carried from slab to slab, then requantized. */
enum { HT_PW_WIDE_QBLOCK = 32, HT_PW_SLAB = 4u * HT_PW_DSP_MAX_GROUPS };

static __attribute__((noinline)) void pw_wide_block(const pw_dsp *d, const ht_fast_q *q, uint32_t c0, uint32_t c1, uint32_t len, int fast)
{
	uint32_t xbuf[HT_PW_XBUF_BYTES / 4];
	int32_t acc[4u * HT_PW_WIDE_QBLOCK];
	const uint32_t cin = d->cin, cout = d->cout;
	const int16x2_t off = ht_pair(-d->act->in_zp);
	const uint32_t pad = (uint8_t)d->act->in_zp * 0x01010101u;
	for (uint32_t t = 0; t < len; t += 4u) {
		const uint32_t valid = len - t < 4u ? len - t : 4u;
		for (uint32_t s = 0; s < cin; s += HT_PW_SLAB) {
			const uint32_t width = cin - s < HT_PW_SLAB ? cin - s : HT_PW_SLAB, groups = (width + 3u) / 4u;
			const int8_t *x[4];
			for (uint32_t k = 0; k < 4u; k++)
				x[k] = k < valid ? d->in + (t + k) * cin + s : NULL;
			ht_pw_widen_quad(x, width, off, pad, xbuf);
			for (uint32_t c = c0; c < c1; c++) {
				int32_t *a = &acc[4u * (c - c0)];
				const int8_t *w = d->weights + c * cin;
				const int short_row = dsp_short_row(d, c) && s + width == cin;
				const uint32_t *xp = xbuf;
				if (s == 0)
					a[0] = a[1] = a[2] = a[3] = q[c - c0].bias;
				ht_pw_dot_1x4(w + s, &xp, groups - (uint32_t)short_row, &a[0], &a[1], &a[2], &a[3]);
				if (short_row)
					for (uint32_t k = 0; k < valid; k++)
						a[k] += dsp_tail(d, w, d->in + (t + k) * cin, s + 4u * (groups - 1u));
			}
		}
		for (uint32_t c = c0; c < c1; c++) {
			const int32_t *a = &acc[4u * (c - c0)];
			int8_t *y = d->out + t * cout + c;
			if (fast && valid == 4u)
				ht_pw_requant4(a[0], a[1], a[2], a[3], &q[c - c0], y, cout);
			else
				for (uint32_t k = 0; k < valid; k++)
					y[k * cout] = dsp_out(d, &q[c - c0], c, a[k]);
		}
	}
}

static void pw_dsp_run(const ht_act *act, const ht_requant *rq, const int8_t *in, const int8_t *weights,
                       uint32_t len, uint32_t cin, uint32_t cout, int8_t *out)
{
	ht_fast_q q[HT_PW_QBLOCK];
	const uint32_t groups = (cin + 3u) / 4u;
	const int wide = groups > HT_PW_DSP_MAX_GROUPS;
	const pw_dsp d = {act, rq, in, weights, out, cin, cout, groups, (uint8_t)act->act_min * 0x01010101u,
	                  (uint8_t)act->act_max * 0x01010101u, act->act_min > -128 || act->act_max < 127, (cin % 4u) != 0};
	const uint32_t block = wide ? HT_PW_WIDE_QBLOCK : HT_PW_QBLOCK;
	for (uint32_t c0 = 0; c0 < cout; c0 += block) {
		const uint32_t c1 = cout - c0 < block ? cout : c0 + block;
		int fast = !d.clamp && (wide || groups >= 2u);
		for (uint32_t c = c0; c < c1; c++) {
			ht_fast_prepare(rq, c, act->out_zp, &q[c - c0]);
			fast &= q[c - c0].rs1 >= 0;
		}
		if (wide)
			pw_wide_block(&d, q, c0, c1, len, fast);
		else
			dsp_channel_block(&d, q, c0, c1, len, fast);
	}
}
#endif
#endif
