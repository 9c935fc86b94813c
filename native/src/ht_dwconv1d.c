/* Depthwise conv1d. Channel blocks outside, positions inside, so each channel's requantization is
 * prepared once. On DSP cores, stride 1 or 2 without dilation takes ht_dwconv_dsp.h (widened planes, SMLAD
 * on tap pairs); other windows advance four channels together: one word of input and one of weights per
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
	if (ht_dw_dsp_ok(win)) {
		ht_dw_dsp(act, win, rq, in_dims, in, weights, out_dims, out);
		return HT_OK;
	}
	for (; c + 4u <= in_dims->channels; c += 4u)
		four_channels(act, win, rq, in_dims, in, weights, out, c, 0, out_dims->length);
#endif
	for (; c < in_dims->channels; c++)
		one_channel(act, win, rq, in_dims, in, weights, out_dims, out, c);
	return HT_OK;
}
