#include "ht_kernel_util.h"

/* (x − z) << left_shift wraps modulo 2^32, like MBQM's own left shift. */
static int32_t rescale(int32_t x, int32_t z, const ht_add_params *p, int32_t m, int32_t s)
{
	return ht_mbqm((int32_t)((uint32_t)(x - z) << p->left_shift), m, s);
}

int ht_add_s8(const ht_act *act, const ht_add_params *p, const ht_dims *dims, const int8_t *in1,
              const int8_t *in2, int8_t *out)
{
	if (!ht_act_ok(act) || !p || !ht_dims_ok(dims) || !in1 || !in2 || !out || p->left_shift < 0 ||
	    p->left_shift > 31 || p->z1 < -128 || p->z1 > 127 || p->z2 < -128 || p->z2 > 127)
		return HT_E_ARGUMENT;
	const uint32_t n = (uint32_t)dims->length * dims->channels;
	for (uint32_t i = 0; i < n; i++) {
		int32_t a = rescale(in1[i], p->z1, p, p->m1, p->s1);
		int32_t b = rescale(in2[i], p->z2, p, p->m2, p->s2);
		out[i] = ht_requant_s8(ht_wrap_add(a, b), p->mo, p->so, act->out_zp, act->act_min, act->act_max);
	}
	return HT_OK;
}
