/* Conv1d. Channel pairs outside, positions inside (each channel's requantization prepared once). With
 * dilation 1 the valid taps of an output position are one contiguous run of input and weights, so each
 * (position, channel pair) is a single dot product. */
#include "ht_dot.h"
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

int ht_conv1d_s8(const ht_act *act, const ht_window *win, const ht_requant *rq, const ht_dims *in_dims,
                 const int8_t *in, const int8_t *weights, const ht_dims *out_dims, int8_t *out)
{
	if (!ht_act_ok(act) || !ht_requant_ok(rq) || !ht_dims_ok(in_dims) || !ht_dims_ok(out_dims) || !in ||
	    !weights || !out || ht_window_out_len(in_dims->length, win) != out_dims->length)
		return HT_E_ARGUMENT;
	const uint32_t cout = out_dims->channels;
	uint32_t c = 0;
	for (; c + 2u <= cout; c += 2u)
		channel_pair(act, win, rq, in_dims, in, weights, out_dims, out, c, c + 1u);
	if (c < cout)
		channel_pair(act, win, rq, in_dims, in, weights, out_dims, out, c, c);
	return HT_OK;
}
