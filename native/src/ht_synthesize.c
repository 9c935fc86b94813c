/* Generator synthesis (docs/FORMAT.md §4), one output row at a time; scratch layout in ht_synth_scratch.h.
 * Integer only but for a version 2 row's multiplier, TFLM's rule over float32 scales (ht_requant.h). */
#include "ht_arith.h"
#include "ht_bits.h"
#include "ht_bytes.h"
#include "ht_records.h"
#include "ht_requant.h"
#include "ht_synth_scratch.h"
#include "ht_validate.h"

typedef struct {
	int32_t *a;   /* the row's accumulators a[i] */
	int32_t *hk;  /* HEAD: h[k] − zh; LOWRANK: U[c][k]·(h[k] − zh) */
	int8_t *h[2]; /* MLP activations, ping-pong */
	int8_t *row;  /* one unpacked run of packed values */
	uint32_t row_len;
} synth_buffers;

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static int carve(const ht_model *m, const ht_gen_header *h, const ht_gen_rec *r, void *scratch,
                 uint32_t scratch_len, synth_buffers *b)
{
	uint32_t max_dim = h->code_dim, max_in = 0, dh = 0;
	for (uint8_t l = 0; l < h->mlp_count; l++) {
		ht_mlp_rec mr;
		ht_decode_mlp(ht_mlp_ptr(m, l), &mr);
		max_dim = max_u32(max_dim, mr.out_dim);
		max_in = max_u32(max_in, mr.in_dim);
		dh = mr.out_dim;
	}
	uint32_t unpack = ht_synth_unpack_len(h->family, max_in, dh, r->cin);
	if (ht_synth_scratch_bytes(r->cin, dh, max_dim, unpack) > scratch_len)
		return HT_E_ARGUMENT;
	uint8_t *p = scratch;
	b->a = (int32_t *)(void *)p;
	b->hk = (int32_t *)(void *)(p + 4u * r->cin);
	b->h[0] = (int8_t *)(p + 4u * r->cin + 4u * dh);
	b->h[1] = b->h[0] + max_dim;
	b->row = b->h[0] + ht_align4(2u * max_dim);
	b->row_len = unpack;
	return HT_OK;
}

static void mlp_layer(const ht_model *m, const ht_mlp_rec *r, const int8_t *in, int8_t *out, int8_t *row)
{
	const uint8_t *q = m->sec[HT_SEC_QPARAMS] + r->qp_off;
	const int32_t mult = ht_ldi32(q + 4u * r->out_dim), shift = ht_ldi32(q + 4u * r->out_dim + 4u);
	const uint8_t *w = m->sec[HT_SEC_GENERATOR] + r->weights_off;
	for (uint32_t o = 0; o < r->out_dim; o++) {
		ht_unpack_s8(w, (uint64_t)o * r->in_dim, r->in_dim, r->bits, row);
		uint32_t acc = (uint32_t)ht_ldi32(q + 4u * o);
		for (uint32_t i = 0; i < r->in_dim; i++)
			acc += (uint32_t)(row[i] * (in[i] - r->in_zp));
		out[o] = ht_requant_s8((int32_t)acc, mult, shift, r->out_zp, r->act_min, r->act_max);
	}
}

/* Runs the MLP on layer r's code; returns the final activations, sets *last to the last MLP record. */
static const int8_t *run_mlp(const ht_model *m, const ht_gen_header *h, const ht_gen_rec *r, synth_buffers *b,
                             ht_mlp_rec *last)
{
	ht_unpack_s8(m->sec[HT_SEC_CODES] + r->code_off, 0, h->code_dim, r->code_bits, b->h[0]);
	int cur = 0;
	for (uint8_t l = 0; l < h->mlp_count; l++) {
		ht_decode_mlp(ht_mlp_ptr(m, l), last);
		mlp_layer(m, last, b->h[cur], b->h[1 - cur], b->row);
		cur = 1 - cur;
	}
	return b->h[cur];
}

/* |a[i]| <= 128·255·256 (HEAD) or 128·255·128·255 (LOWRANK): int32 cannot overflow.
 * H rows of consecutive i are contiguous: unpack as many as the row buffer holds at a time. */
static void head_row(const uint8_t *heads, const ht_gen_rec *r, uint32_t dh, uint32_t c, synth_buffers *b)
{
	const uint32_t per_unpack = b->row_len / dh;
	for (uint32_t i = 0; i < r->cin;) {
		uint32_t count = r->cin - i < per_unpack ? r->cin - i : per_unpack;
		ht_unpack_s8(heads, ((uint64_t)c * r->cin + i) * dh, count * dh, r->head_bits, b->row);
		for (const int8_t *h = b->row; count--; i++, h += dh) {
			int32_t acc = 0;
			for (uint32_t k = 0; k < dh; k++)
				acc += h[k] * b->hk[k];
			b->a[i] = acc;
		}
	}
}

/* Row c's factors hk[k] = U[c][k]·(h[k] − zh). */
static inline void lowrank_factors(const uint8_t *heads, const ht_gen_rec *r, const int8_t *h, int32_t zh, uint32_t c,
                            synth_buffers *b)
{
	ht_unpack_s8(heads, (uint64_t)c * r->rank, r->rank, r->head_bits, b->row);
	for (uint32_t k = 0; k < r->rank; k++)
		b->hk[k] = b->row[k] * (h[k] - zh);
}

static void lowrank_row(const uint8_t *heads, const ht_gen_rec *r, const int8_t *h, int32_t zh, uint32_t c,
                        synth_buffers *b)
{
	const uint32_t rank = r->rank, cin = r->cin;
	lowrank_factors(heads, r, h, zh, c, b);
	for (uint32_t i = 0; i < cin; i++)
		b->a[i] = 0;
	for (uint32_t k = 0; k < rank; k++) {
		int32_t u = b->hk[k];
		if (u == 0)
			continue;
		ht_unpack_s8(heads, (uint64_t)r->cout * rank + (uint64_t)k * cin, cin, r->head_bits, b->row);
		for (uint32_t i = 0; i < cin; i++)
			b->a[i] += u * b->row[i];
	}
}

/* The V of a LOWRANK layer unpacked once, transposed to [cin][rank], in the kernel's last `rank` rows: rows
 * 0..cout − rank read it (row cout − rank is summed before it is written over the staged V's start) at rank MACs
 * a weight instead of an unpack and a read-modify-write of a[i] per term; the rows after it unpack V as before.
 * Integer sums in another order: the same a[i] (no term or partial sum leaves int32, see above). NULL when the
 * layer has fewer rows than the rank. */
static const int8_t *stage_v(const uint8_t *heads, const ht_gen_rec *r, uint8_t *kernel, synth_buffers *b)
{
	const uint32_t rank = r->rank, cin = r->cin;
	if (r->cout < rank)
		return NULL;
	int8_t *vt = (int8_t *)kernel + ((uint32_t)r->cout - rank) * cin;
	for (uint32_t k = 0; k < rank; k++) {
		ht_unpack_s8(heads, (uint64_t)r->cout * rank + (uint64_t)k * cin, cin, r->head_bits, b->row);
		for (uint32_t i = 0; i < cin; i++)
			vt[i * rank + k] = b->row[i];
	}
	return vt;
}

static void lowrank_row_staged(const uint8_t *heads, const ht_gen_rec *r, const int8_t *h, int32_t zh, uint32_t c,
                               const int8_t *vt, synth_buffers *b)
{
	const uint32_t rank = r->rank, cin = r->cin;
	const int32_t *hk = b->hk;
	lowrank_factors(heads, r, h, zh, c, b);
	if (rank == 8) { /* the rank the trainer uses: the row's eight factors stay in registers */
		const int32_t h0 = hk[0], h1 = hk[1], h2 = hk[2], h3 = hk[3], h4 = hk[4], h5 = hk[5], h6 = hk[6], h7 = hk[7];
		for (uint32_t i = 0; i < cin; i++, vt += 8)
			b->a[i] = h0 * vt[0] + h1 * vt[1] + h2 * vt[2] + h3 * vt[3] + h4 * vt[4] + h5 * vt[5] + h6 * vt[6] +
			          h7 * vt[7];
		return;
	}
	for (uint32_t i = 0; i < cin; i++, vt += rank) {
		int32_t acc = 0;
		for (uint32_t k = 0; k < rank; k++)
			acc += hk[k] * vt[k];
		b->a[i] = acc;
	}
}

static uint32_t bit_length(uint64_t v)
{
	uint32_t n = 0;
	while (v) {
		n++;
		v >>= 1;
	}
	return n;
}

/* multiplier·2^shift = m0·2^s0·M, normalised to Q0.31. */
static int row_multiplier(int32_t m0, int32_t s0, uint32_t max_abs, int32_t *mult, int32_t *shift)
{
	*mult = 0;
	*shift = 0;
	if (m0 == 0)
		return HT_OK;
	uint64_t p = (uint64_t)(uint32_t)m0 * max_abs;
	int32_t n = (int32_t)bit_length(p);
	uint64_t mm;
	if (n > 31) {
		mm = (p + ((uint64_t)1 << (n - 32))) >> (n - 31);
		if (mm == ((uint64_t)1 << 31)) {
			mm = (uint64_t)1 << 30;
			n++;
		}
	} else {
		mm = p << (31 - n);
	}
	int32_t s = s0 + n - 31;
	if (s < -31)
		return HT_OK;
	if (s > 30)
		return HT_E_SYNTH_RANGE;
	*mult = (int32_t)mm;
	*shift = s;
	return HT_OK;
}

/* Version 2: the scales a row's multiplier comes from (docs/FORMAT.md §4 step 4). */
typedef struct {
	float s_in, s_out, unit;
} row_scales;

static row_scales scales_of(const ht_model *m, uint16_t g, const ht_gen_rec *r)
{
	row_scales s = {0.0f, 0.0f, ht_gen_unit_scale(r)};
	for (uint16_t i = 0; i < m->op_count; i++) {
		ht_op_rec op;
		ht_decode_op(ht_op_ptr(m, i), &op);
		if (op.opcode == HT_OP_PWCONV && op.gen_layer == g) {
			s.s_in = ht_tensor_scale(m, op.in0);
			s.s_out = ht_tensor_scale(m, op.out);
			break;
		}
	}
	return s;
}

static int finish_row(const ht_model *m, const ht_gen_rec *r, const row_scales *rs, uint32_t c, const int32_t *a,
                      uint8_t *kernel)
{
	const uint32_t cin = r->cin, cout = r->cout;
	const uint8_t *q = m->sec[HT_SEC_QPARAMS] + r->qp_off;
	uint8_t *bias = kernel + ht_align4(cout * cin);
	int8_t *w = (int8_t *)kernel + c * cin;
	uint32_t max_abs = 0;
	for (uint32_t i = 0; i < cin; i++) {
		uint32_t v = (uint32_t)(a[i] < 0 ? -a[i] : a[i]);
		max_abs = v > max_abs ? v : max_abs;
	}
	int32_t b = 0, mult = 0, shift = 0;
	if (max_abs == 0) {
		for (uint32_t i = 0; i < cin; i++)
			w[i] = 0;
	} else {
		if (max_abs <= UINT32_MAX / 255u) {
			/* ht_rdiv's own 32-bit case for every weight (|127·a[i]| <= 127·max_abs), without a call each */
			const uint32_t den = 2u * max_abs;
			for (uint32_t i = 0; i < cin; i++) {
				const uint32_t mag = (254u * (uint32_t)(a[i] < 0 ? -a[i] : a[i]) + max_abs) / den;
				w[i] = (int8_t)(a[i] < 0 ? -(int32_t)mag : (int32_t)mag);
			}
		} else {
			for (uint32_t i = 0; i < cin; i++)
				w[i] = (int8_t)ht_rdiv(127 * (int64_t)a[i], max_abs);
		}
		b = (int32_t)ht_rdiv(ht_ldi32(q + 4u * c), max_abs);
		if (m->version == HT_VERSION_1) {
			int st = row_multiplier(ht_ldi32(q + 4u * cout), ht_ldi32(q + 4u * cout + 4u), max_abs, &mult, &shift);
			if (st != HT_OK)
				return st;
		} else {
			ht_rq rule = ht_conv_requant(rs->s_in, ht_generated_filter_scale(max_abs, rs->unit), rs->s_out);
			if (rule.shift > 30)
				return HT_E_SYNTH_RANGE;
			mult = rule.mult;
			shift = rule.shift;
		}
	}
	ht_st32(bias + 4u * c, (uint32_t)b);
	ht_st32(bias + 4u * (cout + c), (uint32_t)mult);
	ht_st32(bias + 4u * (2u * cout + c), (uint32_t)shift);
	return HT_OK;
}

int ht_synthesize(const ht_model *m, uint16_t g, uint8_t *kernel, uint32_t kernel_len, void *scratch,
                  uint32_t scratch_len)
{
	if (!m || !m->sec[HT_SEC_GENERATOR] || g >= m->gen_count || !kernel || ((uintptr_t)kernel & 3u) ||
	    kernel_len < ht_gen_kernel_bytes(m, g) || !scratch || ((uintptr_t)scratch & 3u) ||
	    scratch_len < m->synth_scratch_bytes)
		return HT_E_ARGUMENT;
	ht_gen_header h;
	ht_gen_rec r;
	ht_decode_gen_header(m->sec[HT_SEC_GENERATOR], &h);
	ht_decode_gen_rec(ht_gen_rec_ptr(m, g), &r);
	synth_buffers b;
	int st = carve(m, &h, &r, scratch, scratch_len, &b);
	if (st != HT_OK)
		return st;
	ht_mlp_rec last;
	const int8_t *hv = run_mlp(m, &h, &r, &b, &last);
	const uint32_t dh = last.out_dim;
	const int32_t zh = last.out_zp;
	const uint8_t *heads = m->sec[HT_SEC_HEADS] + r.head_off;
	if (h.family == HT_FAMILY_HEAD) {
		for (uint32_t k = 0; k < dh; k++)
			b.hk[k] = hv[k] - zh;
	}
	for (uint32_t pad = (uint32_t)r.cout * r.cin; pad < ht_align4((uint32_t)r.cout * r.cin); pad++)
		kernel[pad] = 0;
	const row_scales rs = m->version == HT_VERSION_1 ? (row_scales){0.0f, 0.0f, 0.0f} : scales_of(m, g, &r);
	const int8_t *vt = h.family == HT_FAMILY_LOWRANK ? stage_v(heads, &r, kernel, &b) : NULL;
	for (uint32_t c = 0; c < r.cout; c++) {
		if (h.family == HT_FAMILY_HEAD)
			head_row(heads, &r, dh, c, &b);
		else if (vt && c <= (uint32_t)r.cout - r.rank)
			lowrank_row_staged(heads, &r, hv, zh, c, vt, &b);
		else
			lowrank_row(heads, &r, hv, zh, c, &b);
		if ((st = finish_row(m, &r, &rs, c, b.a, kernel)) != HT_OK)
			return st;
	}
	return HT_OK;
}
