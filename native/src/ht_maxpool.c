#include "ht_kernel_util.h"

int ht_maxpool_s8(const ht_act *act, const ht_window *win, const ht_dims *in_dims, const int8_t *in,
                  const ht_dims *out_dims, int8_t *out)
{
	if (!ht_act_ok(act) || !ht_dims_ok(in_dims) || !ht_dims_ok(out_dims) || !in || !out ||
	    out_dims->channels != in_dims->channels || ht_window_out_len(in_dims->length, win) != out_dims->length)
		return HT_E_ARGUMENT;
	const uint32_t ch = in_dims->channels;
	for (uint32_t o = 0; o < out_dims->length; o++) {
		uint32_t k0, k1;
		ht_tap_range(o, in_dims->length, win, &k0, &k1);
		const int32_t base = (int32_t)(o * win->stride) - (int32_t)win->pad_left;
		for (uint32_t c = 0; c < ch; c++) {
			int32_t best = INT8_MIN; /* a valid model always has at least one tap in range */
			for (uint32_t k = k0; k < k1; k++) {
				int32_t v = in[(uint32_t)(base + (int32_t)(k * win->dilation)) * ch + c];
				if (v > best)
					best = v;
			}
			*out++ = ht_clamp_s8(best, act->act_min, act->act_max);
		}
	}
	return HT_OK;
}
