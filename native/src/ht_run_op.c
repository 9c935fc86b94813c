/* ht_run_op: decode op i of a validated model and call its kernel over the arena. */
#include "ht_bytes.h"
#include "ht_kernels.h"
#include "ht_records.h"

typedef struct {
	ht_op_rec op;
	ht_tensor_rec in0, in1, out;
	ht_dims in_dims, out_dims;
	ht_act act;
	const int8_t *x, *x1;
	int8_t *y;
} op_ctx;

static const uint8_t *qparams_at(const ht_model *m, uint32_t off)
{
	return off == HT_NONE32 || !m->sec[HT_SEC_QPARAMS] ? NULL : m->sec[HT_SEC_QPARAMS] + off;
}

static ht_requant blob_requant(const ht_model *m, const ht_op_rec *op)
{
	ht_requant rq = {qparams_at(m, op->bias_off), qparams_at(m, op->mult_off), qparams_at(m, op->shift_off),
	                 (uint8_t)(op->flags & HT_FLAG_PER_TENSOR)};
	return rq;
}

static const int8_t *weights_in(const ht_model *m, int sec, const ht_op_rec *op)
{
	return (const int8_t *)(m->sec[sec] + op->weights_off);
}

static int run_pw(const ht_model *m, const op_ctx *c, const uint8_t *kernel, uint32_t kernel_len)
{
	if (c->op.gen_layer == HT_NONE16) {
		if (kernel)
			return HT_E_ARGUMENT;
		ht_requant rq = blob_requant(m, &c->op);
		return ht_pwconv_s8(&c->act, &rq, &c->in_dims, c->x, weights_in(m, HT_SEC_KEPT_PW, &c->op),
		                    &c->out_dims, c->y);
	}
	if (!kernel || ((uintptr_t)kernel & 3u) || kernel_len != ht_gen_kernel_bytes(m, c->op.gen_layer))
		return HT_E_ARGUMENT;
	uint32_t cout = c->out_dims.channels;
	const uint8_t *bias = kernel + ht_align4((uint32_t)cout * c->in_dims.channels);
	ht_requant rq = {bias, bias + 4u * cout, bias + 8u * cout, 0};
	return ht_pwconv_s8(&c->act, &rq, &c->in_dims, c->x, (const int8_t *)kernel, &c->out_dims, c->y);
}

static int run_add(const ht_model *m, const op_ctx *c)
{
	const uint8_t *a = m->sec[HT_SEC_QPARAMS] + c->op.aux_off;
	ht_add_params p = {ht_ldi32(a), ht_ldi32(a + 4), ht_ldi32(a + 8), ht_ldi32(a + 12), ht_ldi32(a + 16),
	                   ht_ldi32(a + 20), ht_ldi32(a + 24), c->in0.zero_point, c->in1.zero_point};
	return ht_add_s8(&c->act, &p, &c->in_dims, c->x, c->x1, c->y);
}

static int run_attnpool(const ht_model *m, const op_ctx *c)
{
	const uint8_t *a = m->sec[HT_SEC_QPARAMS] + c->op.aux_off;
	const uint8_t *b = qparams_at(m, c->op.bias_off);
	ht_attnpool_params p = {b ? ht_ldi32(b) : 0, ht_ldi32(a), ht_ldi32(a + 4), ht_ldi32(a + 8), ht_ldi32(a + 12)};
	return ht_attnpool_s8(&c->act, &p, &c->in_dims, c->x, weights_in(m, HT_SEC_BACKBONE, &c->op), c->y);
}

static int dispatch(const ht_model *m, const op_ctx *c, const uint8_t *kernel, uint32_t kernel_len)
{
	if (c->op.opcode == HT_OP_PWCONV)
		return run_pw(m, c, kernel, kernel_len);
	if (kernel)
		return HT_E_ARGUMENT;
	ht_window win = {c->op.k, c->op.stride, c->op.dilation, c->op.pad_left, c->op.pad_right};
	ht_requant rq = blob_requant(m, &c->op);
	const uint8_t *aux = qparams_at(m, c->op.aux_off);
	switch (c->op.opcode) {
	case HT_OP_CONV1D:
		return ht_conv1d_s8(&c->act, &win, &rq, &c->in_dims, c->x, weights_in(m, HT_SEC_BACKBONE, &c->op),
		                    &c->out_dims, c->y);
	case HT_OP_DWCONV1D:
		return ht_dwconv1d_s8(&c->act, &win, &rq, &c->in_dims, c->x, weights_in(m, HT_SEC_BACKBONE, &c->op),
		                      &c->out_dims, c->y);
	case HT_OP_ADD:
		return run_add(m, c);
	case HT_OP_AVGPOOL:
		return ht_avgpool_s8(&c->act, ht_ldi32(aux), ht_ldi32(aux + 4), &c->in_dims, c->x, c->y);
	case HT_OP_ATTNPOOL:
		return run_attnpool(m, c);
	case HT_OP_MAXPOOL:
		return ht_maxpool_s8(&c->act, &win, &c->in_dims, c->x, &c->out_dims, c->y);
	case HT_OP_FC:
		return ht_fc_s8(&c->act, &rq, &c->in_dims, c->x, weights_in(m, HT_SEC_BACKBONE, &c->op), &c->out_dims,
		                c->y);
	default:
		return HT_E_ARGUMENT;
	}
}

int ht_run_op(const ht_model *m, uint16_t op, int8_t *arena, uint32_t arena_len, const uint8_t *kernel,
              uint32_t kernel_len)
{
	if (!m || !m->sec[HT_SEC_PLAN] || op >= m->op_count || !arena || arena_len < m->arena_bytes)
		return HT_E_ARGUMENT;
	op_ctx c;
	ht_decode_op(ht_op_ptr(m, op), &c.op);
	ht_decode_tensor(ht_tensor_ptr(m, c.op.in0), &c.in0);
	ht_decode_tensor(ht_tensor_ptr(m, c.op.out), &c.out);
	c.in1 = c.in0;
	c.x1 = NULL;
	if (c.op.opcode == HT_OP_ADD) {
		ht_decode_tensor(ht_tensor_ptr(m, c.op.in1), &c.in1);
		c.x1 = arena + c.in1.arena_offset;
	}
	c.in_dims.length = c.in0.length;
	c.in_dims.channels = c.in0.channels;
	c.out_dims.length = c.out.length;
	c.out_dims.channels = c.out.channels;
	c.act.in_zp = c.in0.zero_point;
	c.act.out_zp = c.out.zero_point;
	c.act.act_min = c.op.act_min;
	c.act.act_max = c.op.act_max;
	c.x = arena + c.in0.arena_offset;
	c.y = arena + c.out.arena_offset;
	return dispatch(m, &c, kernel, kernel_len);
}
