#include "ht_arith.h"
/* Generator stage, run when PLAN's gen_count > 0: required sections (9), then the generator header,
 * each MLP record and each generated-layer record, each in the order GENERATOR (18), SHAPE (14),
 * PARAM_BOUNDS (15), PARAM (16). */
#include "ht_bits.h"
#include "ht_bytes.h"
#include "ht_requant.h"
#include "ht_synth_scratch.h"
#include "ht_validate.h"

enum { HT_MAX_CODE_DIM = 64, HT_MAX_MLP = 8, HT_MAX_MLP_DIM = 256 };

static int check_gen_header(const ht_model *m, ht_gen_header *h)
{
	uint32_t len = m->sec_len[HT_SEC_GENERATOR];
	if (len < HT_GEN_HEADER_BYTES)
		return HT_E_GENERATOR;
	ht_decode_gen_header(m->sec[HT_SEC_GENERATOR], h);
	if ((h->family != HT_FAMILY_HEAD && h->family != HT_FAMILY_LOWRANK) || h->code_dim < 1 ||
	    h->code_dim > HT_MAX_CODE_DIM || h->mlp_count < 1 || h->mlp_count > HT_MAX_MLP ||
	    h->gen_count != m->gen_count ||
	    len < HT_GEN_HEADER_BYTES + (uint32_t)HT_MLP_BYTES * h->mlp_count +
	              (uint32_t)HT_GEN_RECORD_BYTES * h->gen_count)
		return HT_E_GENERATOR;
	return h->reserved == 0 ? HT_OK : HT_E_PARAM;
}

static int zero_point_ok(int32_t zp)
{
	return zp >= -128 && zp <= 127;
}

/* prev_out: code_dim for layer 0, else the previous layer's out_dim. */
static int check_mlp(const ht_model *m, uint8_t layer, uint32_t prev_out, ht_mlp_rec *r)
{
	ht_decode_mlp(ht_mlp_ptr(m, layer), r);
	if (r->in_dim < 1 || r->in_dim > HT_MAX_MLP_DIM || r->out_dim < 1 || r->out_dim > HT_MAX_MLP_DIM ||
	    r->in_dim != prev_out)
		return HT_E_GENERATOR;
	if (ht_bits_ok(r->bits) &&
	    (uint64_t)r->weights_off + ht_packed_bytes((uint64_t)r->out_dim * r->in_dim, r->bits) >
	        m->sec_len[HT_SEC_GENERATOR])
		return HT_E_PARAM_BOUNDS;
	if (!ht_qparams_in_bounds(m, r->qp_off, (uint64_t)r->out_dim + 2u))
		return HT_E_PARAM_BOUNDS;
	uint32_t mult_off = r->qp_off + 4u * r->out_dim;
	if (!ht_bits_ok(r->bits) || r->reserved || r->act_min > r->act_max || !zero_point_ok(r->in_zp) ||
	    !zero_point_ok(r->out_zp) || !ht_requant_arrays_ok(m, mult_off, mult_off + 4u, 1))
		return HT_E_PARAM;
	return HT_OK;
}

/* The one op that uses record g, or HT_NONE16 when none or several do. */
static uint16_t op_using(const ht_model *m, uint16_t g)
{
	uint16_t found = HT_NONE16;
	for (uint16_t i = 0; i < m->op_count; i++) {
		ht_op_rec op;
		ht_decode_op(ht_op_ptr(m, i), &op);
		if (op.opcode == HT_OP_PWCONV && op.gen_layer == g) {
			if (found != HT_NONE16)
				return HT_NONE16;
			found = i;
		}
	}
	return found;
}

static uint64_t head_values(const ht_gen_header *h, const ht_gen_rec *r, uint32_t dh)
{
	if (h->family == HT_FAMILY_HEAD)
		return (uint64_t)r->cout * r->cin * dh;
	return (uint64_t)r->rank * r->cout + (uint64_t)r->rank * r->cin;
}

static int check_gen_rec(const ht_model *m, const ht_gen_header *h, uint16_t g, uint32_t dh, ht_gen_rec *r)
{
	ht_decode_gen_rec(ht_gen_rec_ptr(m, g), r);
	uint32_t want_rank = h->family == HT_FAMILY_HEAD ? 0u : dh;
	if (r->cout < 1 || r->cin < 1 || r->rank != want_rank || ht_kernel_bytes64(r->cout, r->cin) > HT_MAX_KERNEL_BYTES)
		return HT_E_GENERATOR;
	uint16_t user = op_using(m, g);
	if (user == HT_NONE16)
		return HT_E_GENERATOR;
	ht_op_rec op;
	ht_tensor_rec in, out;
	ht_decode_op(ht_op_ptr(m, user), &op);
	ht_decode_tensor(ht_tensor_ptr(m, op.in0), &in);
	ht_decode_tensor(ht_tensor_ptr(m, op.out), &out);
	if (out.channels != r->cout || in.channels != r->cin)
		return HT_E_SHAPE;
	if (ht_bits_ok(r->code_bits) &&
	    (uint64_t)r->code_off + ht_packed_bytes(h->code_dim, r->code_bits) > m->sec_len[HT_SEC_CODES])
		return HT_E_PARAM_BOUNDS;
	if (ht_bits_ok(r->head_bits) &&
	    (uint64_t)r->head_off + ht_packed_bytes(head_values(h, r, dh), r->head_bits) > m->sec_len[HT_SEC_HEADS])
		return HT_E_PARAM_BOUNDS;
	const int v1 = m->version == HT_VERSION_1;
	if (!ht_qparams_in_bounds(m, r->qp_off, (uint64_t)r->cout + (v1 ? 2u : 0u)))
		return HT_E_PARAM_BOUNDS;
	if (!ht_bits_ok(r->head_bits) || !ht_bits_ok(r->code_bits) || r->reserved0)
		return HT_E_PARAM;
	if (!v1) /* version 2: the word at 20 is the float32 unit_scale */
		return ht_scale_ok(ht_gen_unit_scale(r)) ? HT_OK : HT_E_PARAM;
	uint32_t m0_off = r->qp_off + 4u * r->cout;
	return r->reserved1 == 0 && ht_requant_arrays_ok(m, m0_off, m0_off + 4u, 1) ? HT_OK : HT_E_PARAM;
}

int ht_check_generator(ht_model *m)
{
	if (m->gen_count == 0)
		return HT_OK;
	if (!m->sec[HT_SEC_GENERATOR] || !m->sec[HT_SEC_HEADS] || !m->sec[HT_SEC_CODES])
		return HT_E_SECTION_MISSING;
	ht_gen_header h;
	int st = check_gen_header(m, &h);
	if (st != HT_OK)
		return st;
	uint32_t prev_out = h.code_dim, max_dim = h.code_dim, max_in = 0;
	ht_mlp_rec last = {0};
	for (uint8_t l = 0; l < h.mlp_count; l++) {
		if ((st = check_mlp(m, l, prev_out, &last)) != HT_OK)
			return st;
		prev_out = last.out_dim;
		max_dim = last.out_dim > max_dim ? last.out_dim : max_dim;
		max_in = last.in_dim > max_in ? last.in_dim : max_in;
	}
	const uint32_t dh = last.out_dim;
	uint32_t max_cin = 0, max_kernel = 0;
	for (uint16_t g = 0; g < h.gen_count; g++) {
		ht_gen_rec r;
		if ((st = check_gen_rec(m, &h, g, dh, &r)) != HT_OK)
			return st;
		max_cin = r.cin > max_cin ? r.cin : max_cin;
		uint32_t kb = (uint32_t)ht_kernel_bytes64(r.cout, r.cin);
		max_kernel = kb > max_kernel ? kb : max_kernel;
	}
	m->synth_scratch_bytes =
	    ht_synth_scratch_bytes(max_cin, dh, max_dim, ht_synth_unpack_len(h.family, max_in, dh, max_cin));
	m->max_kernel_bytes = max_kernel;
	return HT_OK;
}
