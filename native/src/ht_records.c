#include "ht_records.h"

#include <string.h>

#include "ht_bytes.h"

void ht_decode_tensor(const uint8_t *p, ht_tensor_rec *t)
{
	t->arena_offset = ht_ld32(p);
	t->length = ht_ld16(p + 4);
	t->channels = ht_ld16(p + 6);
	t->zero_point = ht_ldi32(p + 8);
}

void ht_decode_op(const uint8_t *p, ht_op_rec *op)
{
	op->opcode = p[0];
	op->flags = p[1];
	op->in0 = ht_ld16(p + 2);
	op->in1 = ht_ld16(p + 4);
	op->out = ht_ld16(p + 6);
	op->k = ht_ld16(p + 8);
	op->stride = p[10];
	op->dilation = p[11];
	op->pad_left = p[12];
	op->pad_right = p[13];
	op->gen_layer = ht_ld16(p + 14);
	op->act_min = (int8_t)p[16];
	op->act_max = (int8_t)p[17];
	op->reserved0 = ht_ld16(p + 18);
	op->weights_off = ht_ld32(p + 20);
	op->weights_len = ht_ld32(p + 24);
	op->bias_off = ht_ld32(p + 28);
	op->mult_off = ht_ld32(p + 32);
	op->shift_off = ht_ld32(p + 36);
	op->aux_off = ht_ld32(p + 40);
	op->reserved1 = ht_ld32(p + 44);
}

void ht_decode_gen_header(const uint8_t *p, ht_gen_header *h)
{
	h->family = ht_ld16(p);
	h->code_dim = p[2];
	h->mlp_count = p[3];
	h->gen_count = ht_ld16(p + 4);
	h->reserved = ht_ld16(p + 6);
}

void ht_decode_mlp(const uint8_t *p, ht_mlp_rec *r)
{
	r->in_dim = ht_ld16(p);
	r->out_dim = ht_ld16(p + 2);
	r->bits = p[4];
	r->reserved = p[5];
	r->act_min = (int8_t)p[6];
	r->act_max = (int8_t)p[7];
	r->in_zp = ht_ldi32(p + 8);
	r->out_zp = ht_ldi32(p + 12);
	r->weights_off = ht_ld32(p + 16);
	r->qp_off = ht_ld32(p + 20);
}

void ht_decode_gen_rec(const uint8_t *p, ht_gen_rec *r)
{
	r->cout = ht_ld16(p);
	r->cin = ht_ld16(p + 2);
	r->head_bits = p[4];
	r->code_bits = p[5];
	r->rank = p[6];
	r->reserved0 = p[7];
	r->code_off = ht_ld32(p + 8);
	r->head_off = ht_ld32(p + 12);
	r->qp_off = ht_ld32(p + 16);
	r->reserved1 = ht_ld32(p + 20);
}

float ht_gen_unit_scale(const ht_gen_rec *r)
{
	float f;
	memcpy(&f, &r->reserved1, sizeof f);
	return f;
}

const uint8_t *ht_tensor_ptr(const ht_model *m, uint16_t tensor)
{
	return m->sec[HT_SEC_PLAN] + HT_PLAN_HEADER_BYTES + (uint32_t)HT_TENSOR_BYTES * tensor;
}

const uint8_t *ht_op_ptr(const ht_model *m, uint16_t op)
{
	return m->sec[HT_SEC_PLAN] + HT_PLAN_HEADER_BYTES + (uint32_t)HT_TENSOR_BYTES * m->tensor_count +
	       (uint32_t)HT_OP_BYTES * op;
}

const uint8_t *ht_mlp_ptr(const ht_model *m, uint8_t layer)
{
	return m->sec[HT_SEC_GENERATOR] + HT_GEN_HEADER_BYTES + (uint32_t)HT_MLP_BYTES * layer;
}

const uint8_t *ht_gen_rec_ptr(const ht_model *m, uint16_t g)
{
	uint8_t mlp_count = m->sec[HT_SEC_GENERATOR][3];
	return m->sec[HT_SEC_GENERATOR] + HT_GEN_HEADER_BYTES + (uint32_t)HT_MLP_BYTES * mlp_count +
	       (uint32_t)HT_GEN_RECORD_BYTES * g;
}

uint64_t ht_kernel_bytes64(uint32_t cout, uint32_t cin)
{
	uint64_t w = (uint64_t)cout * cin;
	return ((w + 3u) & ~(uint64_t)3u) + 12u * (uint64_t)cout;
}
