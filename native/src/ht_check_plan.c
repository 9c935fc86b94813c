#include "ht_arith.h"
#include "ht_bytes.h"
#include "ht_requant.h"
#include "ht_validate.h"

static int check_tensor(const ht_model *m, uint16_t i)
{
	ht_tensor_rec t;
	ht_decode_tensor(ht_tensor_ptr(m, i), &t);
	if (t.length == 0 || t.channels == 0 || t.zero_point < -128 || t.zero_point > 127 ||
	    (uint64_t)t.arena_offset + (uint64_t)t.length * t.channels > m->arena_bytes)
		return HT_E_TENSOR;
	return HT_OK;
}

int ht_check_plan_header(ht_model *m)
{
	const uint8_t *p = m->sec[HT_SEC_PLAN];
	uint32_t len = m->sec_len[HT_SEC_PLAN];
	if (len < HT_PLAN_HEADER_BYTES)
		return HT_E_PLAN;
	uint16_t tensors = ht_ld16(p), ops = ht_ld16(p + 2);
	if (tensors < 1 || tensors > HT_MAX_RECORDS || ops < 1 || ops > HT_MAX_RECORDS ||
	    len != HT_PLAN_HEADER_BYTES + (uint32_t)HT_TENSOR_BYTES * tensors + (uint32_t)HT_OP_BYTES * ops)
		return HT_E_PLAN;
	m->tensor_count = tensors;
	m->op_count = ops;
	m->arena_bytes = ht_ld32(p + 4);
	m->input_tensor = ht_ld16(p + 8);
	m->output_tensor = ht_ld16(p + 10);
	m->gen_count = ht_ld16(p + 12);
	if (m->input_tensor >= tensors || m->output_tensor >= tensors || m->arena_bytes > HT_MAX_ARENA_BYTES)
		return HT_E_PLAN;
	for (uint16_t i = 0; i < tensors; i++) {
		int st = check_tensor(m, i);
		if (st != HT_OK)
			return st;
	}
	if (ht_ld16(p + 14) != 0)
		return HT_E_PARAM;
	if (m->version == HT_VERSION_1)
		return HT_OK;
	if (m->sec_len[HT_SEC_SCALES] != 4u * tensors)
		return HT_E_PLAN;
	for (uint16_t i = 0; i < tensors; i++) {
		if (!ht_scale_ok(ht_tensor_scale(m, i)))
			return HT_E_PARAM;
	}
	return HT_OK;
}

float ht_tensor_scale(const ht_model *m, uint16_t tensor)
{
	return ht_ldf32(m->sec[HT_SEC_SCALES] + 4u * tensor);
}

int ht_qparams_in_bounds(const ht_model *m, uint32_t off, uint64_t n)
{
	return off % 4u == 0 && (uint64_t)off + 4u * n <= m->sec_len[HT_SEC_QPARAMS];
}

int ht_requant_arrays_ok(const ht_model *m, uint32_t mult_off, uint32_t shift_off, uint32_t n)
{
	const uint8_t *q = m->sec[HT_SEC_QPARAMS];
	for (uint32_t i = 0; i < n; i++) {
		if (!ht_multiplier_ok(ht_ldi32(q + mult_off + 4u * i)) || !ht_shift_ok(ht_ldi32(q + shift_off + 4u * i)))
			return 0;
	}
	return 1;
}
