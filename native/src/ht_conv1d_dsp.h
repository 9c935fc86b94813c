/* Conv1d on cores with the DSP extension (Cortex-M4/M7/M33), included by ht_conv1d.c: the plain path (every
 * channel varying) as the pointwise kernel of ht_pwconv_dsp.h over the im2col rows.
 *
 * With weights [cout][K][cin], output position o and channel c is the dot product of weight row c (K·cin bytes)
 * with the receptive field of o laid out the same way: tap k's cin channels at k·cin, taken from input position
 * o·stride − pad_left + k·dilation, or the input zero point where that is outside the input (a skipped tap and a
 * tap of value zi both add 0). Each receptive field is widened once per call and channel block to int16 pairs,
 * the zero point subtracted (SXTAB16), four positions interleaved per group of 4 bytes as ht_pw_widen_quad lays
 * them out, into a 1 KiB stack buffer holding a chunk of positions; a position whose field is one contiguous run
 * of the input (dilation 1, all taps inside) is read in place, others are gathered first. Each weight row then
 * runs over four positions at a time with ht_pw_dot_1x4 (13 instructions per 16 MACs) and ht_pw_requant4's
 * stores; a row length K·cin that is not a multiple of 4 ends in one more group whose weight word is assembled
 * with zero bytes past the row (the widened lanes there are 0 or multiplied by those zeros). Every MAC counts
 * with padding taps included, as the nominal count does. Taken for rows of up to 128 bytes (a quad of widened
 * fields must fit the buffer); longer rows keep the portable code. Sums wrap modulo 2^32 like the portable
 * kernel's, so the bits are the same. Stack: about 2 KiB. */
#ifndef HT_CONV1D_DSP_H
#define HT_CONV1D_DSP_H

#include "ht_pw_asm.h"

#if HT_DOT_DSP

enum { HT_CV_XBUF_WORDS = HT_PW_XBUF_BYTES / 4, HT_CV_MAX_GROUPS = HT_CV_XBUF_WORDS / 8, HT_CV_QBLOCK = 32 };

typedef struct {
	const ht_act *act;
	const ht_window *win;
	const ht_requant *rq;
	const int8_t *in, *weights;
	int8_t *out;
	uint32_t len, cin, cout, out_len;
	uint32_t row, groups, full; /* K·cin; widened groups per field (rounded up); whole weight groups */
	uint32_t lo4, hi4;
	int clamp;
} cv_dsp;

/* The DSP path covers a row (K·cin bytes) of this length. */
static inline int ht_cv_dsp_fits(uint32_t row)
{
	return row >= 1u && (row + 3u) / 4u <= HT_CV_MAX_GROUPS;
}

/* Output position o's receptive field widened into the 8-word groups at slot (its lanes of the quad: slot =
 * quad base + 2·p), or zeros when o is past the output. */
static void cv_widen(const cv_dsp *d, uint32_t o, int16x2_t off, uint32_t *slot)
{
	const uint32_t groups = d->groups;
	if (o >= d->out_len) {
		for (uint32_t g = 0; g < groups; g++, slot += 8)
			slot[0] = slot[1] = 0;
		return;
	}
	const ht_window *win = d->win;
	const uint32_t cin = d->cin;
	const int32_t first = (int32_t)(o * win->stride) - (int32_t)win->pad_left;
	int8_t field[4u * HT_CV_MAX_GROUPS];
	const int8_t *x;
	if (win->dilation == 1 && first >= 0 && (uint32_t)first * cin + 4u * groups <= d->len * cin) {
		x = d->in + (uint32_t)first * cin; /* in place: past the row, bytes the tail's zero weights cancel */
	} else {
		const int8_t zi = (int8_t)d->act->in_zp;
		for (uint32_t i = 0; i < 4u * groups; i++)
			field[i] = zi;
		for (uint32_t k = 0; k < win->k; k++) {
			const int32_t pos = first + (int32_t)(k * win->dilation);
			if (pos >= 0 && (uint32_t)pos < d->len)
				for (uint32_t f = 0; f < cin; f++)
					field[k * cin + f] = d->in[(uint32_t)pos * cin + f];
		}
		x = field;
	}
	for (uint32_t g = 0; g < groups; g++, slot += 8) {
		const uint32_t v = ht_ld4(x + 4u * g);
		slot[0] = (uint32_t)__sxtab16(off, (int8x4_t)v);
		slot[1] = (uint32_t)ht_sxtab16_ror8(off, v);
	}
}

/* acc[p] += the last, partial group (weight word tw, zero bytes past the row) against the quad's widened words at
 * xp. */
static HT_ALWAYS_INLINE void cv_tail(uint32_t tw, const uint32_t *xp, int32_t *a0, int32_t *a1, int32_t *a2,
                                     int32_t *a3)
{
	const int16x2_t we = __sxtb16((int8x4_t)tw), wo = ht_sxtb16_ror8(tw);
	*a0 = __smlad(we, (int16x2_t)xp[0], *a0);
	*a0 = __smlad(wo, (int16x2_t)xp[1], *a0);
	*a1 = __smlad(we, (int16x2_t)xp[2], *a1);
	*a1 = __smlad(wo, (int16x2_t)xp[3], *a1);
	*a2 = __smlad(we, (int16x2_t)xp[4], *a2);
	*a2 = __smlad(wo, (int16x2_t)xp[5], *a2);
	*a3 = __smlad(we, (int16x2_t)xp[6], *a3);
	*a3 = __smlad(wo, (int16x2_t)xp[7], *a3);
}

/* Weight row c's bytes past its last whole group of 4 as a word, zero-filled. */
static HT_ALWAYS_INLINE uint32_t cv_tail_word(const cv_dsp *d, const int8_t *w)
{
	uint32_t tw = 0;
	for (uint32_t i = 4u * d->full, s = 0; i < d->row; i++, s += 8u)
		tw |= (uint32_t)(uint8_t)w[i] << s;
	return tw;
}

/* Any quad: `valid` (1..4) positions from t, any requantization. */
static void cv_quad_general(const cv_dsp *d, const ht_fast_q *q, uint32_t c, uint32_t t, uint32_t valid,
                            const uint32_t *xp)
{
	const int8_t *w = d->weights + c * d->row;
	int32_t acc[4] = {q->bias, q->bias, q->bias, q->bias};
	ht_pw_dot_1x4(w, &xp, d->full, &acc[0], &acc[1], &acc[2], &acc[3]);
	if (d->groups > d->full)
		cv_tail(cv_tail_word(d, w), xp, &acc[0], &acc[1], &acc[2], &acc[3]);
	const ht_act *act = d->act;
	for (uint32_t k = 0; k < valid; k++) {
		int8_t v;
		if (q->rs1 >= 0) {
			v = ht_clamp_s8(ht_fast_rq(acc[k], q), act->act_min, act->act_max);
		} else {
			const ht_channel_q g = ht_channel_prepare(d->rq, c);
			v = ht_requant_prepared_s8(acc[k], &g.rq, act->out_zp, act->act_min, act->act_max);
		}
		d->out[(t + k) * d->cout + c] = v;
	}
}

/* Output channel c over the n positions from t0 (widened in xbuf), four at a time. What the loop uses is copied to
 * locals first (the asm clobbers memory). */
static void cv_channel(const cv_dsp *d, const ht_fast_q *q, uint32_t c, uint32_t t0, uint32_t n, const uint32_t *xbuf)
{
	const uint32_t quad_words = 8u * d->groups;
	uint32_t p = 0;
	if (q->rs1 >= 0) {
		const uint32_t cout = d->cout, full = d->full, lo4 = d->lo4, hi4 = d->hi4;
		const int32_t bias = q->bias;
		const int clamp = d->clamp, tail = d->groups > full;
		const int8_t *w = d->weights + c * d->row;
		const uint32_t tw = tail ? cv_tail_word(d, w) : 0u;
		const uint32_t *xp = xbuf;
		int8_t *y = d->out + t0 * cout + c;
		for (; p + 4u <= n; p += 4u, y += 4u * cout) {
			int32_t a0 = bias, a1 = bias, a2 = bias, a3 = bias;
			ht_pw_dot_1x4(w, &xp, full, &a0, &a1, &a2, &a3);
			if (tail) {
				cv_tail(tw, xp, &a0, &a1, &a2, &a3);
				xp += 8;
			}
			if (clamp)
				ht_pw_requant4_clamp(a0, a1, a2, a3, q, y, cout, lo4, hi4);
			else
				ht_pw_requant4(a0, a1, a2, a3, q, y, cout);
		}
	}
	for (; p < n; p += 4u)
		cv_quad_general(d, q, c, t0 + p, n - p < 4u ? n - p : 4u, xbuf + (p / 4u) * quad_words);
}

static void cv_dsp_run(const ht_act *act, const ht_window *win, const ht_requant *rq, const ht_dims *in_dims,
                       const int8_t *in, const int8_t *weights, const ht_dims *out_dims, int8_t *out)
{
	uint32_t xbuf[HT_CV_XBUF_WORDS];
	ht_fast_q q[HT_CV_QBLOCK];
	const uint32_t row = (uint32_t)win->k * in_dims->channels;
	const cv_dsp d = {act,
	                  win,
	                  rq,
	                  in,
	                  weights,
	                  out,
	                  in_dims->length,
	                  in_dims->channels,
	                  out_dims->channels,
	                  out_dims->length,
	                  row,
	                  (row + 3u) / 4u,
	                  row / 4u,
	                  (uint8_t)act->act_min * 0x01010101u,
	                  (uint8_t)act->act_max * 0x01010101u,
	                  act->act_min > -128 || act->act_max < 127};
	const uint32_t quad_words = 8u * d.groups, chunk = 4u * (HT_CV_XBUF_WORDS / quad_words);
	const int16x2_t off = ht_pair(-act->in_zp);
	for (uint32_t c0 = 0; c0 < d.cout; c0 += HT_CV_QBLOCK) {
		const uint32_t c1 = d.cout - c0 < HT_CV_QBLOCK ? d.cout : c0 + HT_CV_QBLOCK;
		for (uint32_t c = c0; c < c1; c++)
			ht_fast_prepare(rq, c, act->out_zp, &q[c - c0]);
		for (uint32_t t0 = 0; t0 < d.out_len; t0 += chunk) {
			const uint32_t n = d.out_len - t0 < chunk ? d.out_len - t0 : chunk;
			for (uint32_t p = 0; p < n; p += 4u)
				for (uint32_t k = 0; k < 4u; k++)
					cv_widen(&d, t0 + p + k, off, xbuf + (p / 4u) * quad_words + 2u * k);
			for (uint32_t c = c0; c < c1; c++)
				cv_channel(&d, &q[c - c0], c, t0, n, xbuf);
		}
	}
}

#endif
#endif
