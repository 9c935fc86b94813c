#include "ht_kernel_util.h"

int ht_avgpool_s8(const ht_act *act, int32_t mult, int32_t shift, const ht_dims *in_dims, const int8_t *in,
                  int8_t *out)
{
	if (!ht_act_ok(act) || !ht_dims_ok(in_dims) || !in || !out)
		return HT_E_ARGUMENT;
	const uint32_t ch = in_dims->channels;
	for (uint32_t c = 0; c < ch; c++) {
		int32_t sum = 0; /* |sum| <= 255 * 65535: no overflow */
		for (uint32_t t = 0; t < in_dims->length; t++)
			sum += in[t * ch + c] - act->in_zp;
		out[c] = ht_requant_s8(sum, mult, shift, act->out_zp, act->act_min, act->act_max);
	}
	return HT_OK;
}
