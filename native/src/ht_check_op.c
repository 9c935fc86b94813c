#include "ht_arith.h"
/* Per-op validation: opcode (12), indices and data flow (11), shape (14), parameter bounds (15),
 * parameters (16), arena safety (17). */
#include "ht_bytes.h"
#include "ht_kernels.h"
#include "ht_requant.h"
#include "ht_validate.h"

typedef struct {
	ht_op_rec op;
	ht_tensor_rec in0, in1, out;
	uint8_t generated; /* PWCONV with a gen_layer */
} op_view;

static int is_windowed(uint8_t opcode)
{
	return opcode == HT_OP_CONV1D || opcode == HT_OP_DWCONV1D || opcode == HT_OP_MAXPOOL;
}

/* BACKBONE, KEPT_PW, or 0 for ops without weights in a section. */
static int weight_section(const op_view *v)
{
	switch (v->op.opcode) {
	case HT_OP_CONV1D:
	case HT_OP_DWCONV1D:
	case HT_OP_ATTNPOOL:
	case HT_OP_FC:
		return HT_SEC_BACKBONE;
	case HT_OP_PWCONV:
		return v->generated ? 0 : HT_SEC_KEPT_PW;
	default:
		return 0;
	}
}

/* Ops whose bias/mult/shift fields address per-channel requantization arrays. */
static int uses_requant(const op_view *v)
{
	return v->op.opcode == HT_OP_CONV1D || v->op.opcode == HT_OP_DWCONV1D || v->op.opcode == HT_OP_FC ||
	       (v->op.opcode == HT_OP_PWCONV && !v->generated);
}

static uint32_t aux_count(uint8_t opcode)
{
	return opcode == HT_OP_ADD ? 7u : opcode == HT_OP_AVGPOOL ? 2u : opcode == HT_OP_ATTNPOOL ? 4u : 0u;
}

static int bit_get(const uint8_t *set, uint16_t i)
{
	return (set[i >> 3] >> (i & 7u)) & 1u;
}

static int check_flow(const ht_model *m, const ht_op_rec *op, const uint8_t *written)
{
	if (op->in0 >= m->tensor_count || op->out >= m->tensor_count)
		return HT_E_PLAN;
	if (op->opcode == HT_OP_ADD && op->in1 >= m->tensor_count)
		return HT_E_PLAN;
	if (op->opcode == HT_OP_PWCONV && op->gen_layer != HT_NONE16 && op->gen_layer >= m->gen_count)
		return HT_E_PLAN;
	if (op->in0 != m->input_tensor && !bit_get(written, op->in0))
		return HT_E_PLAN;
	if (op->opcode == HT_OP_ADD && op->in1 != m->input_tensor && !bit_get(written, op->in1))
		return HT_E_PLAN;
	if (op->out == m->input_tensor || bit_get(written, op->out))
		return HT_E_PLAN;
	return HT_OK;
}

static ht_window window_of(const ht_op_rec *op)
{
	ht_window w = {op->k, op->stride, op->dilation, op->pad_left, op->pad_right};
	return w;
}

/* Output length and weight size of a windowed op; skipped when K, stride or dilation is 0 (PARAM). */
static int check_window_shape(const op_view *v, uint64_t weight_elems)
{
	const ht_op_rec *op = &v->op;
	if (op->k == 0 || op->stride == 0 || op->dilation == 0)
		return HT_OK;
	ht_window w = window_of(op);
	uint32_t lo = ht_window_out_len(v->in0.length, &w);
	if (lo == 0 || lo != v->out.length)
		return HT_E_SHAPE;
	if (op->opcode != HT_OP_MAXPOOL && op->weights_len != weight_elems)
		return HT_E_SHAPE;
	return HT_OK;
}

static int same_dims(const ht_tensor_rec *a, const ht_tensor_rec *b)
{
	return a->length == b->length && a->channels == b->channels;
}

static int check_shape(const op_view *v)
{
	const ht_op_rec *op = &v->op;
	const uint64_t li = v->in0.length, ci = v->in0.channels, co = v->out.channels;
	switch (op->opcode) {
	case HT_OP_CONV1D:
		return check_window_shape(v, co * op->k * ci);
	case HT_OP_DWCONV1D:
	case HT_OP_MAXPOOL:
		if (co != ci)
			return HT_E_SHAPE;
		return check_window_shape(v, (uint64_t)op->k * ci);
	case HT_OP_PWCONV:
		if (v->out.length != li || (!v->generated && op->weights_len != co * ci))
			return HT_E_SHAPE;
		return HT_OK;
	case HT_OP_ADD:
		return same_dims(&v->in0, &v->in1) && same_dims(&v->in0, &v->out) ? HT_OK : HT_E_SHAPE;
	case HT_OP_AVGPOOL:
	case HT_OP_ATTNPOOL:
		if (v->out.length != 1 || co != ci || (op->opcode == HT_OP_ATTNPOOL && op->weights_len != ci))
			return HT_E_SHAPE;
		return HT_OK;
	default: /* HT_OP_FC */
		if (v->out.length != 1 || op->weights_len != co * li * ci)
			return HT_E_SHAPE;
		return HT_OK;
	}
}

static int check_bounds(const ht_model *m, const op_view *v)
{
	const ht_op_rec *op = &v->op;
	int sec = weight_section(v);
	if (sec && (uint64_t)op->weights_off + op->weights_len > m->sec_len[sec])
		return HT_E_PARAM_BOUNDS;
	if (uses_requant(v)) {
		uint32_t n = (op->flags & HT_FLAG_PER_TENSOR) ? 1u : v->out.channels;
		if ((op->bias_off != HT_NONE32 && !ht_qparams_in_bounds(m, op->bias_off, v->out.channels)) ||
		    !ht_qparams_in_bounds(m, op->mult_off, n) || !ht_qparams_in_bounds(m, op->shift_off, n) ||
		    (m->version != HT_VERSION_1 && !ht_qparams_in_bounds(m, op->reserved1, n)))
			return HT_E_PARAM_BOUNDS;
	}
	if (op->opcode == HT_OP_ATTNPOOL && op->bias_off != HT_NONE32 && !ht_qparams_in_bounds(m, op->bias_off, 1))
		return HT_E_PARAM_BOUNDS;
	if (aux_count(op->opcode) && !ht_qparams_in_bounds(m, op->aux_off, aux_count(op->opcode)))
		return HT_E_PARAM_BOUNDS;
	return HT_OK;
}

static int check_window_params(const op_view *v)
{
	const ht_op_rec *op = &v->op;
	if (!is_windowed(op->opcode))
		return op->k == 1 && op->stride == 1 && op->dilation == 1 && op->pad_left == 0 && op->pad_right == 0;
	if (op->k == 0 || op->stride == 0 || op->dilation == 0)
		return 0;
	if (op->opcode == HT_OP_MAXPOOL)
		return op->dilation == 1 && op->pad_left < op->k && op->pad_right < op->k &&
		       v->in0.zero_point == v->out.zero_point;
	return 1;
}

/* Fields an op does not use hold their "none" value (0 where there is none). */
static int unused_fields_ok(const op_view *v)
{
	const ht_op_rec *op = &v->op;
	if (op->opcode != HT_OP_ADD && op->in1 != HT_NONE16)
		return 0;
	if (op->opcode != HT_OP_PWCONV && op->gen_layer != HT_NONE16)
		return 0;
	if (!weight_section(v) && (op->weights_off != 0 || op->weights_len != 0))
		return 0;
	if (!uses_requant(v)) {
		if (op->mult_off != 0 || op->shift_off != 0 || (op->flags & HT_FLAG_PER_TENSOR))
			return 0;
		if (op->opcode != HT_OP_ATTNPOOL && op->bias_off != HT_NONE32)
			return 0;
	}
	return aux_count(op->opcode) || op->aux_off == HT_NONE32;
}

static int aux_values_ok(const ht_model *m, const op_view *v)
{
	const uint8_t *a = m->sec[HT_SEC_QPARAMS] + v->op.aux_off;
	switch (v->op.opcode) {
	case HT_OP_ADD: {
		int32_t ls = ht_ldi32(a);
		return ls >= 0 && ls <= 24 && ht_requant_arrays_ok(m, v->op.aux_off + 4, v->op.aux_off + 8, 1) &&
		       ht_requant_arrays_ok(m, v->op.aux_off + 12, v->op.aux_off + 16, 1) &&
		       ht_requant_arrays_ok(m, v->op.aux_off + 20, v->op.aux_off + 24, 1);
	}
	case HT_OP_AVGPOOL:
		if (m->version != HT_VERSION_1) /* TFLM's MEAN folds 1/L in: the multiplier may be below 2^30 */
			return ht_ldi32(a) >= 0 && ht_shift_ok(ht_ldi32(a + 4));
		return ht_requant_arrays_ok(m, v->op.aux_off, v->op.aux_off + 4, 1);
	case HT_OP_ATTNPOOL:
		return ht_requant_arrays_ok(m, v->op.aux_off, v->op.aux_off + 4, 1) &&
		       ht_requant_arrays_ok(m, v->op.aux_off + 8, v->op.aux_off + 12, 1);
	default:
		return 1;
	}
}

static int pair_is(const uint8_t *mult, const uint8_t *shift, ht_rq rule)
{
	return ht_ldi32(mult) == rule.mult && ht_ldi32(shift) == rule.shift;
}

/* Version 2 (docs/FORMAT.md §2a): the word at 44 is scale_off; every multiplier is TFLM's from the scales. */
static int rule_ok(const ht_model *m, const op_view *v)
{
	const ht_op_rec *op = &v->op;
	const uint8_t *q = m->sec[HT_SEC_QPARAMS];
	const float s_in = ht_tensor_scale(m, op->in0), s_out = ht_tensor_scale(m, op->out);
	if (!uses_requant(v)) {
		if (op->reserved1 != 0)
			return 0;
	} else {
		const uint32_t n = (op->flags & HT_FLAG_PER_TENSOR) ? 1u : v->out.channels;
		for (uint32_t c = 0; c < n; c++) {
			if (!ht_scale_ok(ht_ldf32(q + op->reserved1 + 4u * c)))
				return 0;
		}
		for (uint32_t c = 0; c < n; c++) {
			const float s_f = ht_ldf32(q + op->reserved1 + 4u * c);
			const ht_rq rule = op->opcode == HT_OP_FC && n == 1 ? ht_fc_per_tensor_requant(s_in, s_f, s_out)
			                                                    : ht_conv_requant(s_in, s_f, s_out);
			if (!pair_is(q + op->mult_off + 4u * c, q + op->shift_off + 4u * c, rule))
				return 0;
		}
	}
	const uint8_t *a = q + op->aux_off;
	if (op->opcode == HT_OP_ADD) {
		int32_t rule[7];
		ht_add_requant(ht_tensor_scale(m, op->in0), ht_tensor_scale(m, op->in1), s_out, rule);
		for (int i = 0; i < 7; i++) {
			if (ht_ldi32(a + 4 * i) != rule[i])
				return 0;
		}
		return rule[2] <= 0 && rule[4] <= 0 && rule[6] <= 0;
	}
	if (op->opcode == HT_OP_AVGPOOL) {
		if (s_in == s_out && v->in0.zero_point == v->out.zero_point)
			return 0;
		return pair_is(a, a + 4, ht_mean_requant(s_in, s_out, v->in0.length));
	}
	return 1;
}

static int check_params(const ht_model *m, const op_view *v)
{
	const ht_op_rec *op = &v->op;
	if ((op->flags & ~HT_FLAG_PER_TENSOR) || op->act_min > op->act_max || op->reserved0 ||
	    (m->version == HT_VERSION_1 && op->reserved1) || !check_window_params(v) || !unused_fields_ok(v))
		return HT_E_PARAM;
	if (uses_requant(v) &&
	    !ht_requant_arrays_ok(m, op->mult_off, op->shift_off,
	                          (op->flags & HT_FLAG_PER_TENSOR) ? 1u : v->out.channels))
		return HT_E_PARAM;
	if (!aux_values_ok(m, v))
		return HT_E_PARAM;
	return m->version == HT_VERSION_1 || rule_ok(m, v) ? HT_OK : HT_E_PARAM;
}

static int overlaps(const ht_tensor_rec *a, const ht_tensor_rec *b)
{
	uint64_t a0 = a->arena_offset, a1 = a0 + (uint64_t)a->length * a->channels;
	uint64_t b0 = b->arena_offset, b1 = b0 + (uint64_t)b->length * b->channels;
	return a0 < b1 && b0 < a1;
}

/* t is live when op i runs: the input or an earlier op's output (read again later, checked by the caller). */
static int live_overlap(const ht_model *m, const op_view *v, const uint8_t *written, uint16_t t)
{
	if (t == v->op.out || t >= m->tensor_count || (t != m->input_tensor && !bit_get(written, t)))
		return 0;
	ht_tensor_rec other;
	ht_decode_tensor(ht_tensor_ptr(m, t), &other);
	return overlaps(&v->out, &other);
}

/* Op i's output overlaps no other live tensor that an op j >= i reads, nor output_tensor (TFLM lifetimes). */
static int check_arena(const ht_model *m, uint16_t i, const op_view *v, const uint8_t *written)
{
	if (m->output_tensor != v->op.out) {
		ht_tensor_rec out;
		ht_decode_tensor(ht_tensor_ptr(m, m->output_tensor), &out);
		if (overlaps(&v->out, &out))
			return HT_E_ARENA_OVERLAP;
	}
	for (uint16_t j = i; j < m->op_count; j++) {
		ht_op_rec later;
		ht_decode_op(ht_op_ptr(m, j), &later);
		if (live_overlap(m, v, written, later.in0) ||
		    (later.opcode == HT_OP_ADD && live_overlap(m, v, written, later.in1)))
			return HT_E_ARENA_OVERLAP;
	}
	return HT_OK;
}

int ht_check_op(const ht_model *m, uint16_t i, uint8_t written[HT_MAX_RECORDS / 8])
{
	op_view v;
	ht_decode_op(ht_op_ptr(m, i), &v.op);
	if (v.op.opcode < HT_OP_CONV1D || v.op.opcode > HT_OP_FC)
		return HT_E_OPCODE;
	int st = check_flow(m, &v.op, written);
	if (st != HT_OK)
		return st;
	v.generated = v.op.opcode == HT_OP_PWCONV && v.op.gen_layer != HT_NONE16;
	ht_decode_tensor(ht_tensor_ptr(m, v.op.in0), &v.in0);
	ht_decode_tensor(ht_tensor_ptr(m, v.op.out), &v.out);
	v.in1 = v.in0;
	if (v.op.opcode == HT_OP_ADD)
		ht_decode_tensor(ht_tensor_ptr(m, v.op.in1), &v.in1);
	if ((st = check_shape(&v)) != HT_OK || (st = check_bounds(m, &v)) != HT_OK ||
	    (st = check_params(m, &v)) != HT_OK || (st = check_arena(m, i, &v, written)) != HT_OK)
		return st;
	written[v.op.out >> 3] = (uint8_t)(written[v.op.out >> 3] | (1u << (v.op.out & 7u)));
	return HT_OK;
}
