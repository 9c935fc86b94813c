/* Fully connected. On cores with the DSP extension, ht_fc_dsp.h's path (any input length and output count).
 * Portable path: two weight rows per pass over the input (ht_dot2_off). */
#include "ht_dot.h"
#include "ht_fc_dsp.h"
#include "ht_kernel_util.h"

int ht_fc_s8(const ht_act *act, const ht_requant *rq, const ht_dims *in_dims, const int8_t *in,
             const int8_t *weights, const ht_dims *out_dims, int8_t *out)
{
	if (!ht_act_ok(act) || !ht_requant_ok(rq) || !ht_dims_ok(in_dims) || !ht_dims_ok(out_dims) || !in ||
	    !weights || !out || out_dims->length != 1)
		return HT_E_ARGUMENT;
	const uint32_t n = (uint32_t)in_dims->length * in_dims->channels, cout = out_dims->channels;
#if HT_DOT_DSP
	fc_dsp_run(act, rq, in, weights, n, cout, out);
#else
	const int32_t off = -act->in_zp;
	uint32_t c = 0;
	for (; c + 2u <= cout; c += 2u) {
		int32_t s0, s1;
		ht_dot2_off(weights + c * n, weights + (c + 1u) * n, in, n, off, &s0, &s1);
		const ht_channel_q q0 = ht_channel_prepare(rq, c), q1 = ht_channel_prepare(rq, c + 1u);
		out[c] = ht_channel_out(&q0, act, (uint32_t)s0);
		out[c + 1u] = ht_channel_out(&q1, act, (uint32_t)s1);
	}
	if (c < cout) {
		const ht_channel_q q0 = ht_channel_prepare(rq, c);
		out[c] = ht_channel_out(&q0, act, (uint32_t)ht_dot_off(weights + c * n, in, n, off));
	}
#endif
	return HT_OK;
}
