/* Conv1d. Channel pairs outside, positions inside (each channel's requantization prepared once). With
 * dilation 1 the valid taps of an output position are one contiguous run of input and weights, so each
 * (position, channel pair) is a single dot product.
 *
 * A beat model's input holds the ECG lead in channel 0 and the beat's context features in channels 1.., each
 * the same at every position (docs/FORMAT.md §6). When the input is like that (checked here, byte by byte, so
 * any input gives the plain definition's bits), the constant channels' part of an output position depends only
 * on which taps are in range: per output channel, prefix sums over the taps of Σ_f w[c][k][f]·(x_f − zi) give
 * it for any range [k0, k1), and only the lead is convolved. Every sum wraps modulo 2^32, as the plain
 * accumulator does, so the result is the same int32. Output channels go in blocks of four; on DSP cores the
 * interior positions of a block whose requantization is fast run as ht_dwconv1d.c's do (SMLABB/SMLATB, one word
 * stored).
 *
 * On DSP cores the plain path is ht_conv1d_dsp.h's (the pointwise kernel over widened receptive fields) for rows
 * of K·cin <= 128 bytes. */
#include "ht_conv1d.h"
#include "ht_conv1d_dsp.h"
#include "ht_dot.h"
#include "ht_dwconv_dsp.h"
#include "ht_fast_rq.h"
#include "ht_kernel_util.h"

/* Σ over taps k0..k1 of w[c][k]·(x[pos(k)] + off), for two channels. */
static void taps2(const ht_window *win, const int8_t *w0, const int8_t *w1, const int8_t *in, int32_t base,
                  uint32_t k0, uint32_t k1, uint32_t cin, int32_t off, uint32_t *a0, uint32_t *a1)
{
	int32_t s0, s1;
	if (win->dilation == 1) {
		const int8_t *x = in + (uint32_t)(base + (int32_t)k0) * cin;
		ht_dot2_off(w0 + k0 * cin, w1 + k0 * cin, x, (k1 - k0) * cin, off, &s0, &s1);
		*a0 = (uint32_t)s0;
		*a1 = (uint32_t)s1;
		return;
	}
	uint32_t u0 = 0, u1 = 0;
	for (uint32_t k = k0; k < k1; k++) {
		const int8_t *x = in + (uint32_t)(base + (int32_t)(k * win->dilation)) * cin;
		ht_dot2_off(w0 + k * cin, w1 + k * cin, x, cin, off, &s0, &s1);
		u0 += (uint32_t)s0;
		u1 += (uint32_t)s1;
	}
	*a0 = u0;
	*a1 = u1;
}

/* Channels c and c1 (c1 == c for the last, odd channel: same work, one result stored). */
static void channel_pair(const ht_act *act, const ht_window *win, const ht_requant *rq, const ht_dims *in_dims,
                         const int8_t *in, const int8_t *weights, const ht_dims *out_dims, int8_t *out, uint32_t c,
                         uint32_t c1)
{
	const uint32_t cin = in_dims->channels, cout = out_dims->channels, row = win->k * cin;
	const int32_t off = -act->in_zp;
	const ht_channel_q q0 = ht_channel_prepare(rq, c), q1 = ht_channel_prepare(rq, c1);
	for (uint32_t o = 0; o < out_dims->length; o++) {
		uint32_t k0, k1, a0, a1;
		ht_tap_range(o, in_dims->length, win, &k0, &k1);
		const int32_t base = (int32_t)(o * win->stride) - (int32_t)win->pad_left;
		taps2(win, weights + c * row, weights + c1 * row, in, base, k0, k1, cin, off, &a0, &a1);
		out[o * cout + c] = ht_channel_out(&q0, act, a0);
		out[o * cout + c1] = ht_channel_out(&q1, act, a1);
	}
}

int ht_conv1d_lead_applies(const ht_dims *in_dims, const ht_window *win, const int8_t *in)
{
	const uint32_t cin = in_dims->channels;
	if (cin < 2 || win->k > HT_CONV1D_LEAD_TAPS_MAX)
		return 0;
	for (uint32_t i = 1; i < in_dims->length; i++) {
		const int8_t *x = in + i * cin;
		if (cin < 5) {
			for (uint32_t f = 1; f < cin; f++)
				if (x[f] != in[f])
					return 0;
			continue;
		}
		/* Words of channels 1..cin-1, the last one overlapping the one before when cin - 1 is not a multiple of 4. */
		for (uint32_t f = 1; f + 4u <= cin; f += 4u)
			if (ht_ld32_word((const uint8_t *)(x + f)) != ht_ld32_word((const uint8_t *)(in + f)))
				return 0;
		if (ht_ld32_word((const uint8_t *)(x + cin - 4u)) != ht_ld32_word((const uint8_t *)(in + cin - 4u)))
			return 0;
	}
	return 1;
}

/* One output channel of the lead path: prefix[k] = Σ_{t<k} (Σ_{f≥1} w[t][f]·(x_f − zi) − zi·w[t][0]), the
 * constant channels' part plus the lead's zero-point term over taps 0..k-1; its weights w (the lead's tap t at
 * w[t·cin]; on DSP cores also as int16 pairs for SMLAD); the requantization, fast (ht_fast_rq.h) where it covers
 * the channel. */
typedef struct {
	uint32_t prefix[HT_CONV1D_LEAD_TAPS_MAX + 1u];
#if HT_DOT_DSP
	uint32_t pairs[HT_CONV1D_LEAD_TAPS_MAX / 2u];
#endif
	const int8_t *w;
	int32_t last; /* the lead's weight at the last tap */
	ht_channel_q q;
	ht_fast_q fast;
} lead_channel;

enum { LEAD_BLOCK = 4 };

static void lead_prepare(const ht_act *act, const ht_requant *rq, const int8_t *w, uint32_t k, uint32_t cin,
                         const int8_t *row0, uint32_t c, lead_channel *l)
{
	const int32_t zi = act->in_zp;
	uint32_t sum = 0;
	l->w = w;
	l->prefix[0] = 0;
	for (uint32_t t = 0; t < k; t++, w += cin) {
		uint32_t s = (uint32_t)(-zi * w[0]);
		for (uint32_t f = 1; f < cin; f++)
			s += (uint32_t)(w[f] * (row0[f] - zi));
		l->prefix[t + 1u] = sum += s;
	}
	l->last = l->w[(k - 1u) * cin];
#if HT_DOT_DSP
	for (uint32_t j = 0; j < k / 2u; j++)
		l->pairs[j] = ((uint32_t)(int32_t)l->w[2u * j * cin] & 0xFFFFu) | ((uint32_t)(int32_t)l->w[(2u * j + 1u) * cin] << 16);
#endif
	l->q = ht_channel_prepare(rq, c);
	ht_fast_prepare(rq, c, act->out_zp, &l->fast);
}

/* clamp(MBQM(bias + acc) + zo): acc wraps like every accumulator. */
static HT_ALWAYS_INLINE int8_t lead_out(const lead_channel *l, const ht_act *act, uint32_t acc)
{
	if (l->fast.rs1 >= 0)
		return ht_clamp_s8(ht_fast_rq((int32_t)(acc + (uint32_t)l->fast.bias), &l->fast), act->act_min, act->act_max);
	return ht_channel_out(&l->q, act, acc);
}

/* Output positions [o0, o1) of the block's channels, any tap range. */
static void lead_edge(const ht_act *act, const ht_window *win, const ht_dims *in_dims, const int8_t *in,
                      const lead_channel *l, const uint32_t *c, uint32_t cout, int8_t *out, uint32_t o0, uint32_t o1)
{
	const uint32_t cin = in_dims->channels, step = (uint32_t)win->dilation * cin;
	for (uint32_t o = o0; o < o1; o++) {
		uint32_t k0, k1;
		ht_tap_range(o, in_dims->length, win, &k0, &k1);
		for (uint32_t b = 0; b < LEAD_BLOCK; b++) {
			uint32_t acc = 0;
			if (k0 < k1) { /* else k0 may exceed K (padding wider than the kernel): no taps */
				const int32_t first = (int32_t)(o * win->stride) - (int32_t)win->pad_left +
				                      (int32_t)(k0 * win->dilation);
				const int8_t *x = in + (uint32_t)first * cin;
				const int8_t *w = l[b].w + k0 * cin;
				acc = l[b].prefix[k1] - l[b].prefix[k0];
				for (uint32_t k = k0, i = 0; k < k1; k++, i += step, w += cin)
					acc += (uint32_t)(*w * x[i]);
			}
			out[o * cout + c[b]] = lead_out(&l[b], act, acc);
		}
	}
}

#if HT_DOT_DSP
static HT_ALWAYS_INLINE uint32_t lead_pack(int32_t lo, int32_t hi)
{
	uint32_t r;
	__asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
	return r;
}

/* acc + Σ_{j<n} SMLAD(w[j], x[j]), n <= 8, unrolled (a loop's counter and branch would cost as much as the
 * SMLADs). */
static HT_ALWAYS_INLINE int32_t lead_smlad(const uint32_t *w, const uint32_t *x, uint32_t n, int32_t acc)
{
	switch (n) {
	case 8: acc = __smlad((int16x2_t)w[7], (int16x2_t)x[7], acc); /* fall through */
	case 7: acc = __smlad((int16x2_t)w[6], (int16x2_t)x[6], acc); /* fall through */
	case 6: acc = __smlad((int16x2_t)w[5], (int16x2_t)x[5], acc); /* fall through */
	case 5: acc = __smlad((int16x2_t)w[4], (int16x2_t)x[4], acc); /* fall through */
	case 4: acc = __smlad((int16x2_t)w[3], (int16x2_t)x[3], acc); /* fall through */
	case 3: acc = __smlad((int16x2_t)w[2], (int16x2_t)x[2], acc); /* fall through */
	case 2: acc = __smlad((int16x2_t)w[1], (int16x2_t)x[1], acc); /* fall through */
	case 1: acc = __smlad((int16x2_t)w[0], (int16x2_t)x[0], acc); /* fall through */
	default: break;
	}
	return acc;
}
#endif

/* Output positions [o0, o1), all of whose taps are in range: per position the lead's K values are read once
 * for the block's channels. */
static void lead_interior(const ht_act *act, const ht_window *win, const ht_dims *in_dims, const int8_t *in,
                          const lead_channel *l, const uint32_t *c, uint32_t cout, int8_t *out, uint32_t o0,
                          uint32_t o1)
{
	const uint32_t cin = in_dims->channels, k = win->k, step = (uint32_t)win->dilation * cin;
	if (o0 >= o1)
		return;
	const int8_t *x = in + (o0 * win->stride - win->pad_left) * cin;
	for (uint32_t o = o0; o < o1; o++, x += win->stride * cin) {
#if HT_DOT_DSP
		uint32_t xp[HT_CONV1D_LEAD_TAPS_MAX / 2u];
		for (uint32_t j = 0; j < k / 2u; j++)
			xp[j] = lead_pack(x[2u * j * step], x[(2u * j + 1u) * step]);
		const int32_t last = (k & 1u) ? x[(k - 1u) * step] : 0;
		for (uint32_t b = 0; b < LEAD_BLOCK; b++) {
			int32_t acc = lead_smlad(l[b].pairs, xp, k / 2u, (int32_t)(l[b].prefix[k] + (uint32_t)(l[b].last * last)));
			out[o * cout + c[b]] = lead_out(&l[b], act, (uint32_t)acc);
		}
#else
		for (uint32_t b = 0; b < LEAD_BLOCK; b++) {
			uint32_t acc = l[b].prefix[k];
			for (uint32_t t = 0, i = 0; t < k; t++, i += step)
				acc += (uint32_t)(l[b].w[t * cin] * x[i]);
			out[o * cout + c[b]] = lead_out(&l[b], act, acc);
		}
#endif
	}
}

#if HT_DOT_DSP
/* lead_interior for four adjacent channels c0..c0+3 whose requantization is fast, as ht_dwconv1d.c's interior:
 * per tap one LDRSB of the lead, one LDRD of the four weights as int16 lanes ((c0, c2), (c1, c3)) and four
 * SMLABB/SMLATB; the four outputs are requantized and stored as one word (ht_dw_requant4). */
static void lead_interior4(const ht_act *act, const ht_window *win, const ht_dims *in_dims, const int8_t *in,
                           const lead_channel *l, const ht_fast_q *q, uint32_t c0, uint32_t cout, int8_t *out,
                           uint32_t o0, uint32_t o1)
{
	const uint32_t cin = in_dims->channels, k = win->k, step = (uint32_t)win->dilation * cin;
	uint32_t wk[2u * HT_CONV1D_LEAD_TAPS_MAX];
	for (uint32_t t = 0; t < k; t++) {
		wk[2u * t] = ((uint32_t)(int32_t)l[0].w[t * cin] & 0xFFFFu) | ((uint32_t)(int32_t)l[2].w[t * cin] << 16);
		wk[2u * t + 1u] = ((uint32_t)(int32_t)l[1].w[t * cin] & 0xFFFFu) | ((uint32_t)(int32_t)l[3].w[t * cin] << 16);
	}
	const int32_t b0 = (int32_t)(l[0].prefix[k] + (uint32_t)q[0].bias), b1 = (int32_t)(l[1].prefix[k] + (uint32_t)q[1].bias),
	              b2 = (int32_t)(l[2].prefix[k] + (uint32_t)q[2].bias), b3 = (int32_t)(l[3].prefix[k] + (uint32_t)q[3].bias);
	const int clamp = act->act_min > -128 || act->act_max < 127;
	const uint32_t lo4 = (uint8_t)act->act_min * 0x01010101u, hi4 = (uint8_t)act->act_max * 0x01010101u;
	const int8_t *x0 = in + (o0 * win->stride - win->pad_left) * cin;
	int8_t *y = out + o0 * cout + c0;
	for (uint32_t o = o0; o < o1; o++, x0 += win->stride * cin, y += cout) {
		int32_t a0 = b0, a1 = b1, a2 = b2, a3 = b3;
		const int8_t *x = x0;
		const uint32_t *w = wk;
		for (uint32_t t = 0; t < k; t++, x += step, w += 2) {
			const int32_t v = *x;
			a0 = __smlabb((int32_t)w[0], v, a0);
			a2 = __smlatb((int32_t)w[0], v, a2);
			a1 = __smlabb((int32_t)w[1], v, a1);
			a3 = __smlatb((int32_t)w[1], v, a3);
		}
		ht_dw_requant4(a0, a1, a2, a3, q, y, clamp, lo4, hi4);
	}
}
#endif

/* The lead path for output channels c0..c0+3 (the last block repeats its last channel: same work, same byte). */
static void lead_block(const ht_act *act, const ht_window *win, const ht_requant *rq, const ht_dims *in_dims,
                       const int8_t *in, const int8_t *weights, const ht_dims *out_dims, int8_t *out, uint32_t c0)
{
	const uint32_t cin = in_dims->channels, cout = out_dims->channels, row = win->k * cin;
	lead_channel l[LEAD_BLOCK];
	uint32_t c[LEAD_BLOCK], lo, hi;
	for (uint32_t b = 0; b < LEAD_BLOCK; b++) {
		c[b] = c0 + b < cout ? c0 + b : cout - 1u;
		lead_prepare(act, rq, weights + c[b] * row, win->k, cin, in, c[b], &l[b]);
	}
	ht_window_interior(in_dims->length, out_dims->length, win, &lo, &hi);
	lead_edge(act, win, in_dims, in, l, c, cout, out, 0, lo);
#if HT_DOT_DSP
	ht_fast_q q[LEAD_BLOCK];
	int fast = c0 + LEAD_BLOCK <= cout && hi > lo;
	for (uint32_t b = 0; b < LEAD_BLOCK; b++) {
		q[b] = l[b].fast;
		fast &= q[b].rs1 >= 0;
	}
	if (fast)
		lead_interior4(act, win, in_dims, in, l, q, c0, cout, out, lo, hi);
	else
#endif
		lead_interior(act, win, in_dims, in, l, c, cout, out, lo, hi);
	lead_edge(act, win, in_dims, in, l, c, cout, out, hi > lo ? hi : lo, out_dims->length);
}

int ht_conv1d_s8(const ht_act *act, const ht_window *win, const ht_requant *rq, const ht_dims *in_dims,
                 const int8_t *in, const int8_t *weights, const ht_dims *out_dims, int8_t *out)
{
	if (!ht_act_ok(act) || !ht_requant_ok(rq) || !ht_dims_ok(in_dims) || !ht_dims_ok(out_dims) || !in ||
	    !weights || !out || ht_window_out_len(in_dims->length, win) != out_dims->length)
		return HT_E_ARGUMENT;
	const uint32_t cout = out_dims->channels;
	uint32_t c = 0;
	if (ht_conv1d_lead_applies(in_dims, win, in)) {
		for (; c < cout; c += LEAD_BLOCK)
			lead_block(act, win, rq, in_dims, in, weights, out_dims, out, c);
		return HT_OK;
	}
#if HT_DOT_DSP
	if (ht_cv_dsp_fits((uint32_t)win->k * in_dims->channels)) {
		cv_dsp_run(act, win, rq, in_dims, in, weights, out_dims, out);
		return HT_OK;
	}
#endif
	for (; c + 2u <= cout; c += 2u)
		channel_pair(act, win, rq, in_dims, in, weights, out_dims, out, c, c + 1u);
	if (c < cout)
		channel_pair(act, win, rq, in_dims, in, weights, out_dims, out, c, c);
	return HT_OK;
}
