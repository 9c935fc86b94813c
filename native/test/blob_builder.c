#include "blob_builder.h"

#include <string.h>

#include "ht_bytes.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void bb_init(blob_builder *b)
{
	memset(b, 0, sizeof *b);
	for (int s = 0; s < HT_SEC_COUNT; s++)
		b->sec[s].align = s == HT_SEC_QPARAMS ? 4 : 16;
	b->sec[HT_SEC_META].align = 1;
}

uint32_t bb_bytes(blob_builder *b, int sec, const void *data, uint32_t len)
{
	bb_section *s = &b->sec[sec];
	uint32_t off = s->len;
	memcpy(s->data + off, data, len);
	s->len += len;
	s->present = 1;
	return off;
}

void bb_pad_to(blob_builder *b, int sec, uint32_t align)
{
	bb_section *s = &b->sec[sec];
	while (s->len % align)
		s->data[s->len++] = 0;
	s->present = 1;
}

uint32_t bb_i32s(blob_builder *b, const int32_t *v, uint32_t n)
{
	bb_pad_to(b, HT_SEC_QPARAMS, 4);
	uint32_t off = b->sec[HT_SEC_QPARAMS].len;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t le[4];
		ht_st32(le, (uint32_t)v[i]);
		bb_bytes(b, HT_SEC_QPARAMS, le, 4);
	}
	return off;
}

void bb_pack(uint8_t *dst, const int8_t *v, uint32_t n, uint32_t bits)
{
	memset(dst, 0, (n * bits + 7) / 8);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t raw = (uint32_t)(uint8_t)v[i] & ((1u << bits) - 1u);
		for (uint32_t k = 0; k < bits; k++) {
			uint32_t pos = i * bits + k;
			dst[pos / 8] = (uint8_t)(dst[pos / 8] | (((raw >> k) & 1u) << (pos % 8)));
		}
	}
}

uint32_t bb_packed(blob_builder *b, int sec, const int8_t *v, uint32_t n, uint32_t bits)
{
	bb_section *s = &b->sec[sec];
	uint32_t off = s->len;
	bb_pack(s->data + off, v, n, bits);
	s->len += (n * bits + 7) / 8;
	s->present = 1;
	return off;
}

uint16_t bb_tensor(blob_builder *b, uint32_t arena_offset, uint16_t length, uint16_t channels, int32_t zp)
{
	ht_tensor_rec *t = &b->tensors[b->tensor_count];
	t->arena_offset = arena_offset;
	t->length = length;
	t->channels = channels;
	t->zero_point = zp;
	return b->tensor_count++;
}

ht_op_rec *bb_op(blob_builder *b, uint8_t opcode, uint16_t in0, uint16_t out)
{
	ht_op_rec *op = &b->ops[b->op_count++];
	memset(op, 0, sizeof *op);
	op->opcode = opcode;
	op->in0 = in0;
	op->in1 = HT_NONE16;
	op->out = out;
	op->k = 1;
	op->stride = 1;
	op->dilation = 1;
	op->gen_layer = HT_NONE16;
	op->act_min = -128;
	op->act_max = 127;
	op->bias_off = HT_NONE32;
	op->aux_off = HT_NONE32;
	return op;
}

static void encode_op(uint8_t *p, const ht_op_rec *op)
{
	p[0] = op->opcode;
	p[1] = op->flags;
	put16(p + 2, op->in0);
	put16(p + 4, op->in1);
	put16(p + 6, op->out);
	put16(p + 8, op->k);
	p[10] = op->stride;
	p[11] = op->dilation;
	p[12] = op->pad_left;
	p[13] = op->pad_right;
	put16(p + 14, op->gen_layer);
	p[16] = (uint8_t)op->act_min;
	p[17] = (uint8_t)op->act_max;
	put16(p + 18, op->reserved0);
	ht_st32(p + 20, op->weights_off);
	ht_st32(p + 24, op->weights_len);
	ht_st32(p + 28, op->bias_off);
	ht_st32(p + 32, op->mult_off);
	ht_st32(p + 36, op->shift_off);
	ht_st32(p + 40, op->aux_off);
	ht_st32(p + 44, op->reserved1);
}

/* PLAN payload from the records. */
static uint32_t encode_plan(const blob_builder *b, uint8_t *p)
{
	put16(p, b->tensor_count);
	put16(p + 2, b->op_count);
	ht_st32(p + 4, b->arena_bytes);
	put16(p + 8, b->input);
	put16(p + 10, b->output);
	put16(p + 12, b->gen_count);
	put16(p + 14, 0);
	uint8_t *q = p + HT_PLAN_HEADER_BYTES;
	for (uint16_t i = 0; i < b->tensor_count; i++, q += HT_TENSOR_BYTES) {
		ht_st32(q, b->tensors[i].arena_offset);
		put16(q + 4, b->tensors[i].length);
		put16(q + 6, b->tensors[i].channels);
		ht_st32(q + 8, (uint32_t)b->tensors[i].zero_point);
	}
	for (uint16_t i = 0; i < b->op_count; i++, q += HT_OP_BYTES)
		encode_op(q, &b->ops[i]);
	return (uint32_t)(q - p);
}

uint32_t bb_finish(const blob_builder *b, uint8_t *out, uint32_t cap)
{
	static uint8_t plan[HT_PLAN_HEADER_BYTES + BB_MAX_TENSORS * HT_TENSOR_BYTES + BB_MAX_OPS * HT_OP_BYTES];
	uint32_t plan_len = encode_plan(b, plan);
	uint16_t count = 0;
	for (int s = 1; s < HT_SEC_COUNT; s++)
		count = (uint16_t)(count + (b->sec[s].present || s == HT_SEC_PLAN));
	uint32_t pos = HT_HEADER_BYTES + HT_SECTION_ENTRY_BYTES * (uint32_t)count;
	if (pos > cap)
		return 0;
	memset(out, 0, cap);
	uint16_t entry = 0;
	for (int s = 1; s < HT_SEC_COUNT; s++) {
		if (!b->sec[s].present && s != HT_SEC_PLAN)
			continue;
		const uint8_t *data = s == HT_SEC_PLAN ? plan : b->sec[s].data;
		uint32_t len = s == HT_SEC_PLAN ? plan_len : b->sec[s].len;
		uint16_t align = b->sec[s].align;
		pos = (pos + align - 1u) / align * align;
		if (pos + len > cap)
			return 0;
		memcpy(out + pos, data, len);
		uint8_t *e = out + HT_HEADER_BYTES + HT_SECTION_ENTRY_BYTES * entry++;
		put16(e, (uint16_t)s);
		put16(e + 2, align);
		ht_st32(e + 4, pos);
		ht_st32(e + 8, len);
		pos += len;
	}
	memcpy(out, "HTPW", 4);
	put16(out + 4, 1);
	ht_st32(out + 8, pos);
	put16(out + 16, count);
	put16(out + 18, HT_HEADER_BYTES);
	bb_fix_crc(out, pos);
	return pos;
}

void bb_fix_crc(uint8_t *blob, uint32_t size)
{
	ht_st32(blob + 12, 0);
	ht_st32(blob + 12, ht_crc32(0, blob, size));
}

int bb_find_section(const uint8_t *blob, uint16_t type, uint32_t *offset, uint32_t *length)
{
	uint16_t count = ht_ld16(blob + 16);
	for (uint16_t i = 0; i < count; i++) {
		const uint8_t *e = blob + HT_HEADER_BYTES + HT_SECTION_ENTRY_BYTES * i;
		if (ht_ld16(e) == type) {
			*offset = ht_ld32(e + 4);
			*length = ht_ld32(e + 8);
			return 1;
		}
	}
	return 0;
}

uint32_t bb_tensor_offset(const uint8_t *blob, uint16_t t)
{
	uint32_t off = 0, len = 0;
	bb_find_section(blob, HT_SEC_PLAN, &off, &len);
	return off + HT_PLAN_HEADER_BYTES + HT_TENSOR_BYTES * (uint32_t)t;
}

uint32_t bb_op_offset(const uint8_t *blob, uint16_t op)
{
	uint32_t off = 0, len = 0;
	bb_find_section(blob, HT_SEC_PLAN, &off, &len);
	return off + HT_PLAN_HEADER_BYTES + HT_TENSOR_BYTES * (uint32_t)ht_ld16(blob + off) + HT_OP_BYTES * (uint32_t)op;
}
