/* The pointwise kernel on cores with the DSP extension (Cortex-M4/M7/M33), included by ht_pwconv.c.
 *
 * Inputs are widened once per position to int16 pairs in SXTB16's even/odd lane order, the zero point
 * subtracted on the way (SXTAB16), four positions interleaved per group of 4 channels, into a 1 KiB stack
 * buffer covering a chunk of positions. Each weight row then runs over four positions at a time: per group
 * one LDR + 2 SXTB16 of weights, 2 LDM of 4 input words and 8 SMLAD: 13 instructions per 16 MACs, and the
 * loop's 2 per two groups. Outputs use the fast requantization of ht_fast_rq.h. When a block of output channels
 * is all fast, unclamped and at least 8 inputs wide, ht_pw_quads (ht_pw_asm.h) runs the chunk's whole quads for
 * all of them in one asm function; other channels, clamps and the last 1..3 positions take the C loops below.
 * Taken for 4..131 input channels (a quad of widened positions must fit the buffer); other widths keep
 * ht_dot2x2. Stack: about 2.8 KiB. */
#ifndef HT_PWCONV_DSP_H
#define HT_PWCONV_DSP_H

#include "ht_pw_asm.h"

#if HT_DOT_DSP

typedef struct {
	const ht_act *act;
	const ht_requant *rq;
	const int8_t *in, *weights;
	int8_t *out;
	uint32_t cin, cout, groups;
	uint32_t lo4, hi4;
	int clamp;
} pw_dsp;

static int8_t dsp_out(const pw_dsp *d, const ht_fast_q *q, uint32_t c, int32_t acc)
{
	if (q->rs1 >= 0)
		return ht_clamp_s8(ht_fast_rq(acc, q), d->act->act_min, d->act->act_max);
	const ht_channel_q g = ht_channel_prepare(d->rq, c);
	return ht_requant_prepared_s8(acc, &g.rq, d->act->out_zp, d->act->act_min, d->act->act_max);
}

/* Σ w[i]·(x[i] − zi) over the channels past the last whole group of 4. */
static int32_t dsp_tail(const pw_dsp *d, const int8_t *w, const int8_t *x)
{
	uint32_t sum = 0;
	for (uint32_t i = 4u * d->groups; i < d->cin; i++)
		sum += (uint32_t)(w[i] * (x[i] - d->act->in_zp));
	return (int32_t)sum;
}

/* Any quad: `valid` (1..4) positions from t, a tail past the last whole channel group, any requantization.
 * Out of line: the hot loop below takes only full quads of fast channels with cin a multiple of 4. */
static void dsp_quad_general(const pw_dsp *d, const ht_fast_q *q, uint32_t c, uint32_t t, uint32_t valid,
                             const uint32_t *xp)
{
	const int8_t *w = d->weights + c * d->cin;
	int32_t acc[4] = {q->bias, q->bias, q->bias, q->bias};
	ht_pw_dot_1x4(w, &xp, d->groups, &acc[0], &acc[1], &acc[2], &acc[3]);
	for (uint32_t k = 0; k < valid; k++) {
		const int32_t sum = acc[k] + dsp_tail(d, w, d->in + (t + k) * d->cin);
		d->out[(t + k) * d->cout + c] = dsp_out(d, q, c, sum);
	}
}

/* Output channel c over the n positions from t0 (widened in xbuf), four at a time. What the loop uses is
 * copied to locals first (the asm clobbers memory). */
static void dsp_channel(const pw_dsp *d, const ht_fast_q *q, uint32_t c, uint32_t t0, uint32_t n, const uint32_t *xbuf,
                        uint32_t p)
{
	const uint32_t cout = d->cout, groups = d->groups, quad_words = 8u * groups;
	if (p == 0 && q->rs1 >= 0 && 4u * groups == d->cin) {
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

/* Output channels c0..c1-1 (prepared in q) over all positions, in chunks whose widened inputs fill xbuf. fast:
 * every channel's requantization is fast, no clamp, cin a multiple of 4 (ht_pw_quads takes the whole quads). */
static void dsp_channel_block(const pw_dsp *d, const ht_fast_q *q, uint32_t c0, uint32_t c1, uint32_t len, int fast)
{
	uint32_t xbuf[HT_PW_XBUF_BYTES / 4];
	const uint32_t cin = d->cin, quad_words = 8u * d->groups;
	const uint32_t chunk = 4u * (HT_PW_XBUF_BYTES / 4u / quad_words);
	const int16x2_t off = ht_pair(-d->act->in_zp);
	for (uint32_t t0 = 0; t0 < len; t0 += chunk) {
		const uint32_t n = len - t0 < chunk ? len - t0 : chunk;
		for (uint32_t p = 0; p < n; p += 4u) {
			const int8_t *x[4];
			for (uint32_t k = 0; k < 4u; k++)
				x[k] = p + k < n ? d->in + (t0 + p + k) * cin : NULL;
			ht_pw_widen_quad(x, d->groups, off, xbuf + (p / 4u) * quad_words);
		}
		uint32_t p = 0;
		if (fast && n >= 4u) {
			int8_t *y = d->out + t0 * d->cout + c0;
			ht_pw_quads_args a = {d->weights + c0 * cin, d->groups / 2u, d->groups % 2u, q, y, d->cout,
			                      y + (n / 4u) * 4u * d->cout, xbuf, n / 4u, c1 - c0, cin, y};
			ht_pw_quads(&a);
			p = n & ~3u;
		}
		if (p < n)
			for (uint32_t c = c0; c < c1; c++)
				dsp_channel(d, &q[c - c0], c, t0, n, xbuf, p);
	}
}

static void pw_dsp_run(const ht_act *act, const ht_requant *rq, const int8_t *in, const int8_t *weights,
                       uint32_t len, uint32_t cin, uint32_t cout, int8_t *out)
{
	ht_fast_q q[HT_PW_QBLOCK];
	const pw_dsp d = {act, rq, in, weights, out, cin, cout, cin / 4u, (uint8_t)act->act_min * 0x01010101u,
	                  (uint8_t)act->act_max * 0x01010101u, act->act_min > -128 || act->act_max < 127};
	for (uint32_t c0 = 0; c0 < cout; c0 += HT_PW_QBLOCK) {
		const uint32_t c1 = cout - c0 < HT_PW_QBLOCK ? cout : c0 + HT_PW_QBLOCK;
		int fast = !d.clamp && 4u * d.groups == cin && d.groups >= 2u;
		for (uint32_t c = c0; c < c1; c++) {
			ht_fast_prepare(rq, c, act->out_zp, &q[c - c0]);
			fast &= q[c - c0].rs1 >= 0;
		}
		dsp_channel_block(&d, q, c0, c1, len, fast);
	}
}

/* The DSP path covers this input width. */
static inline int ht_pw_dsp_fits(uint32_t cin)
{
	return cin >= 4u && cin / 4u <= HT_PW_DSP_MAX_GROUPS;
}

#endif
#endif
