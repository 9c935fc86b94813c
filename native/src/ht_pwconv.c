/* Pointwise convolution: the hot kernel (most MACs, and every synthesized layer). On cores with the DSP
 * extension, ht_pwconv_dsp.h's path for every width. Portable path: blocks of two output channels by two
 * positions share every load (ht_dot2x2); the input zero point is folded into a per-channel constant
 * bias − zi·Σ_i w[c][i] once per call (wrapping arithmetic keeps it exact). */
#include "ht_dot.h"
#include "ht_kernel_util.h"
#include "ht_pwconv_dsp.h"

#if !HT_DOT_DSP
/* The channel's bias with − zi·Σ_i w[c][i] folded in. */
static ht_channel_q channel(const ht_requant *rq, const int8_t *w, uint32_t cin, uint32_t c, int32_t zi)
{
	int32_t wsum = 0; /* |wsum| <= 128 * 65535 */
	for (uint32_t k = 0; k < cin; k++)
		wsum += w[k];
	ht_channel_q q = ht_channel_prepare(rq, c);
	q.bias -= (uint32_t)wsum * (uint32_t)zi;
	return q;
}

static HT_ALWAYS_INLINE int8_t finish(const ht_channel_q *q, const ht_act *act, int32_t sum)
{
	return ht_channel_out(q, act, (uint32_t)sum);
}
#endif

int ht_pwconv_s8(const ht_act *act, const ht_requant *rq, const ht_dims *in_dims, const int8_t *in,
                 const int8_t *weights, const ht_dims *out_dims, int8_t *out)
{
	if (!ht_act_ok(act) || !ht_requant_ok(rq) || !ht_dims_ok(in_dims) || !ht_dims_ok(out_dims) || !in ||
	    !weights || !out || out_dims->length != in_dims->length)
		return HT_E_ARGUMENT;
	const uint32_t cin = in_dims->channels, cout = out_dims->channels, len = in_dims->length;
#if HT_DOT_DSP
	pw_dsp_run(act, rq, in, weights, len, cin, cout, out);
	return HT_OK;
#else
	const int32_t zi = act->in_zp;
	uint32_t c = 0;
	for (; c + 2u <= cout; c += 2u) {
		const int8_t *w0 = weights + c * cin, *w1 = w0 + cin;
		const ht_channel_q q0 = channel(rq, w0, cin, c, zi), q1 = channel(rq, w1, cin, c + 1u, zi);
		uint32_t t = 0;
		for (; t + 2u <= len; t += 2u) {
			int32_t s[4];
			ht_dot2x2(w0, in + t * cin, cin, cin, s);
			int8_t *y = out + t * cout + c;
			y[0] = finish(&q0, act, s[0]);
			y[1] = finish(&q1, act, s[1]);
			y[cout] = finish(&q0, act, s[2]);
			y[cout + 1u] = finish(&q1, act, s[3]);
		}
		if (t < len) {
			int32_t s0, s1;
			ht_dot2_off(w0, w1, in + t * cin, cin, 0, &s0, &s1);
			out[t * cout + c] = finish(&q0, act, s0);
			out[t * cout + c + 1u] = finish(&q1, act, s1);
		}
	}
	if (c < cout) {
		const int8_t *w0 = weights + c * cin;
		const ht_channel_q q0 = channel(rq, w0, cin, c, zi);
		for (uint32_t t = 0; t < len; t++)
			out[t * cout + c] = finish(&q0, act, ht_dot_off(w0, in + t * cin, cin, 0));
	}
	return HT_OK;
#endif
}
