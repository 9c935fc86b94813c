/* Quantized ADD. Each input's rescaled value depends only on its int8 code, so a call over many elements
 * first tabulates both rescalings (256 int32 each, exact MBQM) and then does one table lookup per input and
 * one requantization per element (ht_fast_rq.h's form when it covers the output pair). */
#include "ht_fast_rq.h"
#include "ht_kernel_util.h"

enum { HT_ADD_TABLE_MIN = 256 }; /* elements from which tabulating both inputs (512 MBQMs) pays off */

/* (x − z) << left_shift wraps modulo 2^32, like MBQM's own left shift. */
static int32_t rescale(int32_t x, int32_t z, const ht_add_params *p, int32_t m, int32_t s)
{
	return ht_mbqm((int32_t)((uint32_t)(x - z) << p->left_shift), m, s);
}

static void tabulate(int32_t table[256], int32_t z, const ht_add_params *p, int32_t m, int32_t s)
{
	for (int32_t v = -128; v < 128; v++)
		table[(uint8_t)v] = rescale(v, z, p, m, s);
}

/* The output pair as a ht_fast_q (no bias); 0 when the fast form does not cover it. */
static int fast_output(const ht_add_params *p, int32_t zo, ht_fast_q *q)
{
	uint8_t le[8];
	ht_st32(le, (uint32_t)p->mo);
	ht_st32(le + 4, (uint32_t)p->so);
	const ht_requant rq = {NULL, le, le + 4, 1};
	ht_fast_prepare(&rq, 0, zo, q);
	return q->rs1 >= 0;
}

static void add_tabulated(const ht_act *act, const ht_add_params *p, uint32_t n, const int8_t *in1, const int8_t *in2,
                          int8_t *out)
{
	int32_t t1[256], t2[256];
	tabulate(t1, p->z1, p, p->m1, p->s1);
	tabulate(t2, p->z2, p, p->m2, p->s2);
	const int32_t lo = act->act_min, hi = act->act_max;
	ht_fast_q q;
	if (fast_output(p, act->out_zp, &q)) {
		for (uint32_t i = 0; i < n; i++)
			out[i] = ht_clamp_s8(ht_fast_rq(ht_wrap_add(t1[(uint8_t)in1[i]], t2[(uint8_t)in2[i]]), &q), lo, hi);
		return;
	}
	const ht_rq_prep rq = ht_rq_prepare(p->mo, p->so);
	for (uint32_t i = 0; i < n; i++)
		out[i] = ht_requant_prepared_s8(ht_wrap_add(t1[(uint8_t)in1[i]], t2[(uint8_t)in2[i]]), &rq, act->out_zp, lo, hi);
}

int ht_add_s8(const ht_act *act, const ht_add_params *p, const ht_dims *dims, const int8_t *in1,
              const int8_t *in2, int8_t *out)
{
	if (!ht_act_ok(act) || !p || !ht_dims_ok(dims) || !in1 || !in2 || !out || p->left_shift < 0 ||
	    p->left_shift > 31 || p->z1 < -128 || p->z1 > 127 || p->z2 < -128 || p->z2 > 127)
		return HT_E_ARGUMENT;
	const uint32_t n = (uint32_t)dims->length * dims->channels;
	if (n >= HT_ADD_TABLE_MIN) {
		add_tabulated(act, p, n, in1, in2, out);
		return HT_OK;
	}
	for (uint32_t i = 0; i < n; i++) {
		int32_t a = rescale(in1[i], p->z1, p, p->m1, p->s1);
		int32_t b = rescale(in2[i], p->z2, p, p->m2, p->s2);
		out[i] = ht_requant_s8(ht_wrap_add(a, b), p->mo, p->so, act->out_zp, act->act_min, act->act_max);
	}
	return HT_OK;
}
