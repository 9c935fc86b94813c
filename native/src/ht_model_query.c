#include "ht_records.h"

int ht_tensor_info(const ht_model *m, uint16_t tensor, uint32_t *arena_offset, uint16_t *length,
                   uint16_t *channels, int32_t *zero_point)
{
	if (!m || !m->sec[HT_SEC_PLAN] || tensor >= m->tensor_count)
		return HT_E_ARGUMENT;
	ht_tensor_rec t;
	ht_decode_tensor(ht_tensor_ptr(m, tensor), &t);
	if (arena_offset)
		*arena_offset = t.arena_offset;
	if (length)
		*length = t.length;
	if (channels)
		*channels = t.channels;
	if (zero_point)
		*zero_point = t.zero_point;
	return HT_OK;
}

uint16_t ht_op_gen_layer(const ht_model *m, uint16_t op)
{
	if (!m || !m->sec[HT_SEC_PLAN] || op >= m->op_count)
		return HT_NONE16;
	ht_op_rec r;
	ht_decode_op(ht_op_ptr(m, op), &r);
	return r.opcode == HT_OP_PWCONV ? r.gen_layer : HT_NONE16;
}

uint32_t ht_gen_kernel_bytes(const ht_model *m, uint16_t g)
{
	if (!m || !m->sec[HT_SEC_GENERATOR] || g >= m->gen_count)
		return 0;
	ht_gen_rec r;
	ht_decode_gen_rec(ht_gen_rec_ptr(m, g), &r);
	return (uint32_t)ht_kernel_bytes64(r.cout, r.cin);
}
