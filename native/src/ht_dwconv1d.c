/* Depthwise conv1d. Channel blocks outside, positions inside, so each channel's requantization is
 * prepared once. On DSP cores four channels advance together: one word of input and one of weights per
 * tap feed four 16x16 multiply-accumulates (SMLABB/SMLATT). */
#include "ht_dot.h"
#include "ht_dwconv_dsp.h"
#include "ht_kernel_util.h"

static void one_channel(const ht_act *act, const ht_window *win, const ht_requant *rq, const ht_dims *in_dims,
                        const int8_t *in, const int8_t *weights, const ht_dims *out_dims, int8_t *out, uint32_t c)
{
	const uint32_t ch = in_dims->channels;
	const int32_t off = -act->in_zp;
	const ht_channel_q q = ht_channel_prepare(rq, c);
	for (uint32_t o = 0; o < out_dims->length; o++) {
		uint32_t k0, k1;
		ht_tap_range(o, in_dims->length, win, &k0, &k1);
		const int32_t base = (int32_t)(o * win->stride) - (int32_t)win->pad_left;
		uint32_t acc = 0;
		for (uint32_t k = k0; k < k1; k++) {
			uint32_t pos = (uint32_t)(base + (int32_t)(k * win->dilation));
			acc += (uint32_t)(weights[k * ch + c] * (in[pos * ch + c] + off));
		}
		out[o * ch + c] = ht_channel_out(&q, act, acc);
	}
}

#if HT_DOT_DSP
/* Channels c..c+3 at output positions [o0, o1), any window and requantization. */
static void four_channels(const ht_act *act, const ht_window *win, const ht_requant *rq, const ht_dims *in_dims,
                          const int8_t *in, const int8_t *weights, int8_t *out, uint32_t c, uint32_t o0, uint32_t o1)
{
	const uint32_t ch = in_dims->channels;
	const int16x2_t offp = ht_pair(-act->in_zp);
	const ht_channel_q q0 = ht_channel_prepare(rq, c), q1 = ht_channel_prepare(rq, c + 1u),
	                   q2 = ht_channel_prepare(rq, c + 2u), q3 = ht_channel_prepare(rq, c + 3u);
	for (uint32_t o = o0; o < o1; o++) {
		uint32_t k0, k1;
		ht_tap_range(o, in_dims->length, win, &k0, &k1);
		const int32_t base = (int32_t)(o * win->stride) - (int32_t)win->pad_left;
		int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
		for (uint32_t k = k0; k < k1; k++) {
			uint32_t pos = (uint32_t)(base + (int32_t)(k * win->dilation));
			int16x2_t x02, x13, w02, w13;
			uint32_t xv = ht_ld4(in + pos * ch + c), wv = ht_ld4(weights + k * ch + c);
			HT_EXT_OFF(offp, xv, x02, x13);
			HT_EXT(wv, w02, w13);
			a0 = __smlabb(w02, x02, a0);
			a2 = __smlatt(w02, x02, a2);
			a1 = __smlabb(w13, x13, a1);
			a3 = __smlatt(w13, x13, a3);
		}
		int8_t *y = out + o * ch + c;
		y[0] = ht_channel_out(&q0, act, (uint32_t)a0);
		y[1] = ht_channel_out(&q1, act, (uint32_t)a1);
		y[2] = ht_channel_out(&q2, act, (uint32_t)a2);
		y[3] = ht_channel_out(&q3, act, (uint32_t)a3);
	}
}

/* Channels c..c+3 at the interior positions [o0, o1), all four with fast requantization. */
static void four_channels_interior(const ht_act *act, const ht_window *win, const ht_fast_q q[4],
                                   const ht_dims *in_dims, const int8_t *in, const int8_t *weights, int8_t *out,
                                   uint32_t c, uint32_t o0, uint32_t o1)
{
	uint32_t wk[2u * HT_DW_DSP_MAX_K]; /* per tap: even lanes, odd lanes */
	const uint32_t ch = in_dims->channels, k_taps = win->k, step = win->dilation * ch;
	for (uint32_t k = 0; k < k_taps; k++) {
		uint32_t v = ht_ld4(weights + k * ch + c);
		wk[2u * k] = (uint32_t)__sxtb16((int8x4_t)v);
		wk[2u * k + 1u] = (uint32_t)ht_sxtb16_ror8(v);
	}
	const int16x2_t offp = ht_pair(-act->in_zp);
	const int clamp = act->act_min > -128 || act->act_max < 127;
	const uint32_t lo4 = (uint8_t)act->act_min * 0x01010101u, hi4 = (uint8_t)act->act_max * 0x01010101u;
	const int8_t *x0 = in + (o0 * win->stride - win->pad_left) * ch + c;
	int8_t *y = out + o0 * ch + c;
	for (uint32_t o = o0; o < o1; o++, x0 += win->stride * ch, y += ch) {
		int32_t a0 = q[0].bias, a1 = q[1].bias, a2 = q[2].bias, a3 = q[3].bias;
		ht_dw_taps(x0, step, wk, k_taps, offp, &a0, &a1, &a2, &a3);
		ht_dw_requant4(a0, a1, a2, a3, q, y, clamp, lo4, hi4);
	}
}

static void four_channels_dsp(const ht_act *act, const ht_window *win, const ht_requant *rq, const ht_dims *in_dims,
                              const int8_t *in, const int8_t *weights, const ht_dims *out_dims, int8_t *out,
                              uint32_t c)
{
	ht_fast_q q[4];
	int fast = win->k <= HT_DW_DSP_MAX_K;
	for (uint32_t i = 0; i < 4u; i++) {
		ht_fast_prepare(rq, c + i, act->out_zp, &q[i]);
		fast &= q[i].rs1 >= 0;
	}
	uint32_t lo = 0, hi = 0;
	if (fast)
		ht_window_interior(in_dims->length, out_dims->length, win, &lo, &hi);
	four_channels(act, win, rq, in_dims, in, weights, out, c, 0, lo);
	if (hi > lo)
		four_channels_interior(act, win, q, in_dims, in, weights, out, c, lo, hi);
	four_channels(act, win, rq, in_dims, in, weights, out, c, hi > lo ? hi : lo, out_dims->length);
}
#endif

int ht_dwconv1d_s8(const ht_act *act, const ht_window *win, const ht_requant *rq, const ht_dims *in_dims,
                   const int8_t *in, const int8_t *weights, const ht_dims *out_dims, int8_t *out)
{
	if (!ht_act_ok(act) || !ht_requant_ok(rq) || !ht_dims_ok(in_dims) || !ht_dims_ok(out_dims) || !in ||
	    !weights || !out || out_dims->channels != in_dims->channels ||
	    ht_window_out_len(in_dims->length, win) != out_dims->length)
		return HT_E_ARGUMENT;
	uint32_t c = 0;
#if HT_DOT_DSP
	for (; c + 4u <= in_dims->channels; c += 4u)
		four_channels_dsp(act, win, rq, in_dims, in, weights, out_dims, out, c);
#endif
	for (; c < in_dims->channels; c++)
		one_channel(act, win, rq, in_dims, in, weights, out_dims, out, c);
	return HT_OK;
}
