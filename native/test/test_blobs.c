#include "test_blobs.h"

#include <string.h>

#include "blob_builder.h"
#include "ht_bytes.h"
#include "ref_kernels.h"
#include "test_util.h"

static int rnd(uint32_t *seed, int lo, int hi)
{
	return lo + (int)(test_rand(seed) % (uint32_t)(hi - lo + 1));
}

static void fill_s8(uint32_t *seed, int8_t *v, int n, int lo, int hi)
{
	for (int i = 0; i < n; i++)
		v[i] = (int8_t)rnd(seed, lo, hi);
}

static int32_t rand_mult(uint32_t *seed)
{
	return (int32_t)(0x40000000u + (test_rand(seed) & 0x3FFFFFFFu));
}

static void fill_layer(uint32_t *seed, layer_spec *l, int weights, int cout, int shift)
{
	fill_s8(seed, l->w, weights, -127, 127);
	for (int c = 0; c < cout; c++) {
		l->bias[c] = rnd(seed, -300, 300);
		l->mult[c] = rand_mult(seed);
		l->shift[c] = shift - rnd(seed, 0, 1);
	}
}

static int bits_min(int bits)
{
	return -(1 << (bits - 1));
}

static int bits_max(int bits)
{
	return (1 << (bits - 1)) - 1;
}

static void fill_mlp(uint32_t *seed, mlp_spec *m, int in_dim, int out_dim, int bits, int in_zp, int out_zp,
                     int relu, int shift)
{
	m->in_dim = in_dim;
	m->out_dim = out_dim;
	m->bits = bits;
	m->in_zp = in_zp;
	m->out_zp = out_zp;
	m->act_min = relu ? out_zp : -128;
	m->act_max = 127;
	fill_s8(seed, m->w, in_dim * out_dim, bits_min(bits), bits_max(bits));
	for (int o = 0; o < out_dim; o++)
		m->bias[o] = rnd(seed, -300, 300);
	m->mult = rand_mult(seed);
	m->shift = shift;
}

static void fill_gen_layer(uint32_t *seed, const gen_spec *g, gen_layer_spec *l, int cout, int cin, int head_bits,
                           int code_bits, int s0)
{
	int dh = g->mlp[g->mlp_count - 1].out_dim;
	l->cout = cout;
	l->cin = cin;
	l->head_bits = head_bits;
	l->code_bits = code_bits;
	fill_s8(seed, l->code, g->code_dim, bits_min(code_bits), bits_max(code_bits));
	int n = g->family == 1 ? cout * cin * dh : cout * dh + dh * cin;
	fill_s8(seed, l->heads, n, bits_min(head_bits), bits_max(head_bits));
	for (int c = 0; c < cout; c++)
		l->bias_unit[c] = rnd(seed, -40000, 40000);
	l->m0 = rand_mult(seed);
	l->s0 = s0;
}

void spec_model_a(model_spec *s, uint32_t seed)
{
	memset(s, 0, sizeof *s);
	s->name = 'A';
	s->in_len = 32;
	s->in_ch = 2;
	s->out_n = 3;
	fill_layer(&seed, &s->conv, 8 * 5 * 2, 8, -9);
	fill_layer(&seed, &s->dw, 3 * 8, 8, -7);
	fill_layer(&seed, &s->pw, 12 * 8, 12, -7);
	fill_layer(&seed, &s->fc, 3 * 12, 3, -8);
	const int32_t add_aux[7] = {20, rand_mult(&seed), -20, rand_mult(&seed), -20, rand_mult(&seed), 0};
	memcpy(s->add_aux, add_aux, sizeof add_aux);
	s->avg_aux[0] = rand_mult(&seed);
	s->avg_aux[1] = -1;
	gen_spec *g = &s->gen;
	g->family = 1;
	g->code_dim = 6;
	g->mlp_count = 2;
	g->gen_count = 1;
	fill_mlp(&seed, &g->mlp[0], 6, 10, 8, 0, -3, 1, -8);
	fill_mlp(&seed, &g->mlp[1], 10, 8, 4, -3, 5, 0, -5);
	fill_gen_layer(&seed, g, &g->gen[0], 12, 12, 4, 6, -22);
}

void spec_model_b(model_spec *s, uint32_t seed)
{
	memset(s, 0, sizeof *s);
	s->name = 'B';
	s->in_len = 24;
	s->in_ch = 4;
	s->out_n = 2;
	fill_layer(&seed, &s->conv, 6 * 3 * 4, 6, -9);
	fill_layer(&seed, &s->attn, 10, 1, 0);
	fill_layer(&seed, &s->fc, 2 * 10, 2, -8);
	const int32_t attn_aux[4] = {rand_mult(&seed), -8, rand_mult(&seed), -4};
	memcpy(s->attn_aux, attn_aux, sizeof attn_aux);
	gen_spec *g = &s->gen;
	g->family = 2;
	g->code_dim = 4;
	g->mlp_count = 2;
	g->gen_count = 2;
	fill_mlp(&seed, &g->mlp[0], 4, 16, 6, 1, -10, 1, -6);
	fill_mlp(&seed, &g->mlp[1], 16, 6, 8, -10, 2, 0, -9);
	fill_gen_layer(&seed, g, &g->gen[0], 10, 6, 6, 4, -18);
	fill_gen_layer(&seed, g, &g->gen[1], 10, 10, 6, 8, -18);
}

/* GENERATOR, HEADS, CODES and the generator's QPARAMS entries. */
void build_generator(blob_builder *b, const gen_spec *g)
{
	uint8_t sec[4096];
	memset(sec, 0, sizeof sec);
	uint32_t pos = 8u + 24u * (uint32_t)(g->mlp_count + g->gen_count);
	sec[0] = (uint8_t)g->family;
	sec[2] = (uint8_t)g->code_dim;
	sec[3] = (uint8_t)g->mlp_count;
	sec[4] = (uint8_t)g->gen_count;
	for (int l = 0; l < g->mlp_count; l++) {
		const mlp_spec *m = &g->mlp[l];
		uint8_t *r = sec + 8 + 24 * l;
		r[0] = (uint8_t)m->in_dim;
		r[1] = (uint8_t)(m->in_dim >> 8);
		r[2] = (uint8_t)m->out_dim;
		r[3] = (uint8_t)(m->out_dim >> 8);
		r[4] = (uint8_t)m->bits;
		r[6] = (uint8_t)(int8_t)m->act_min;
		r[7] = (uint8_t)(int8_t)m->act_max;
		ht_st32(r + 8, (uint32_t)m->in_zp);
		ht_st32(r + 12, (uint32_t)m->out_zp);
		ht_st32(r + 16, pos);
		bb_pack(sec + pos, m->w, (uint32_t)(m->in_dim * m->out_dim), (uint32_t)m->bits);
		pos += (uint32_t)(m->in_dim * m->out_dim * m->bits + 7) / 8;
		int32_t q[SPEC_MAX_C + 2];
		memcpy(q, m->bias, sizeof(int32_t) * (size_t)m->out_dim);
		q[m->out_dim] = m->mult;
		q[m->out_dim + 1] = m->shift;
		ht_st32(r + 20, bb_i32s(b, q, (uint32_t)m->out_dim + 2));
	}
	const int dh = g->mlp[g->mlp_count - 1].out_dim;
	for (int k = 0; k < g->gen_count; k++) {
		const gen_layer_spec *l = &g->gen[k];
		uint8_t *r = sec + 8 + 24 * (g->mlp_count + k);
		r[0] = (uint8_t)l->cout;
		r[2] = (uint8_t)l->cin;
		r[4] = (uint8_t)l->head_bits;
		r[5] = (uint8_t)l->code_bits;
		r[6] = (uint8_t)(g->family == 1 ? 0 : dh);
		ht_st32(r + 8, bb_packed(b, HT_SEC_CODES, l->code, (uint32_t)g->code_dim, (uint32_t)l->code_bits));
		uint32_t n = (uint32_t)(g->family == 1 ? l->cout * l->cin * dh : l->cout * dh + dh * l->cin);
		ht_st32(r + 12, bb_packed(b, HT_SEC_HEADS, l->heads, n, (uint32_t)l->head_bits));
		int32_t q[SPEC_MAX_C + 2];
		memcpy(q, l->bias_unit, sizeof(int32_t) * (size_t)l->cout);
		q[l->cout] = l->m0;
		q[l->cout + 1] = l->s0;
		ht_st32(r + 16, bb_i32s(b, q, (uint32_t)l->cout + 2));
	}
	bb_bytes(b, HT_SEC_GENERATOR, sec, pos);
}

/* Weights in a section plus bias/mult/shift in QPARAMS for an op. */
static void attach(blob_builder *b, ht_op_rec *op, int sec, const layer_spec *l, uint32_t weights, int cout,
                   int per_tensor, int with_bias)
{
	op->weights_off = bb_bytes(b, sec, l->w, weights);
	op->weights_len = weights;
	op->bias_off = with_bias ? bb_i32s(b, l->bias, (uint32_t)cout) : HT_NONE32;
	int n = per_tensor ? 1 : cout;
	op->mult_off = bb_i32s(b, l->mult, (uint32_t)n);
	op->shift_off = bb_i32s(b, l->shift, (uint32_t)n);
	op->flags = (uint8_t)(per_tensor ? 1 : 0);
}

static const char meta_a[] = "{\"name\":\"test-a\",\"family\":\"hyper-paper\",\"window\":32}";
static const char meta_b[] = "{\"name\":\"test-b\",\"family\":\"lowrank\",\"window\":24}";

/* Model A tensors: zero points, and arena offsets that reuse memory under the lifetime rule. */
enum { A_Z0 = 3, A_Z1 = -5, A_Z2 = 2, A_Z3 = -1, A_Z4 = 4, A_Z5 = 0, A_Z6 = 1, A_Z7 = -10 };

static void build_a(blob_builder *b, const model_spec *s)
{
	bb_bytes(b, HT_SEC_META, meta_a, sizeof meta_a - 1);
	build_generator(b, &s->gen);
	uint16_t t0 = bb_tensor(b, 0, 32, 2, A_Z0), t1 = bb_tensor(b, 64, 16, 8, A_Z1),
	         t2 = bb_tensor(b, 192, 16, 8, A_Z2), t3 = bb_tensor(b, 0, 16, 12, A_Z3),
	         t4 = bb_tensor(b, 192, 16, 12, A_Z4), t5 = bb_tensor(b, 384, 16, 12, A_Z5),
	         t6 = bb_tensor(b, 0, 1, 12, A_Z6), t7 = bb_tensor(b, 576, 1, 3, A_Z7);
	b->input = t0;
	b->output = t7;
	b->arena_bytes = 580;
	b->gen_count = 1;
	ht_op_rec *op = bb_op(b, HT_OP_CONV1D, t0, t1);
	op->k = 5, op->stride = 2, op->pad_left = 2, op->pad_right = 1, op->act_min = A_Z1;
	attach(b, op, HT_SEC_BACKBONE, &s->conv, 80, 8, 0, 1);
	op = bb_op(b, HT_OP_DWCONV1D, t1, t2);
	op->k = 3, op->dilation = 2, op->pad_left = 2, op->pad_right = 2;
	attach(b, op, HT_SEC_BACKBONE, &s->dw, 24, 8, 0, 1);
	op = bb_op(b, HT_OP_PWCONV, t2, t3);
	attach(b, op, HT_SEC_KEPT_PW, &s->pw, 96, 12, 1, 1);
	op = bb_op(b, HT_OP_PWCONV, t3, t4);
	op->gen_layer = 0;
	op = bb_op(b, HT_OP_ADD, t3, t5);
	op->in1 = t4;
	op->aux_off = bb_i32s(b, s->add_aux, 7);
	op = bb_op(b, HT_OP_AVGPOOL, t5, t6);
	op->aux_off = bb_i32s(b, s->avg_aux, 2);
	op = bb_op(b, HT_OP_FC, t6, t7);
	attach(b, op, HT_SEC_BACKBONE, &s->fc, 36, 3, 0, 1);
}

enum { B_Z0 = -2, B_Z1 = -7, B_Z3 = 6, B_Z4 = -4, B_Z5 = 3, B_Z6 = 0 };

static void build_b(blob_builder *b, const model_spec *s)
{
	bb_bytes(b, HT_SEC_META, meta_b, sizeof meta_b - 1);
	build_generator(b, &s->gen);
	uint16_t t0 = bb_tensor(b, 0, 24, 4, B_Z0), t1 = bb_tensor(b, 96, 22, 6, B_Z1),
	         t2 = bb_tensor(b, 0, 11, 6, B_Z1), t3 = bb_tensor(b, 96, 11, 10, B_Z3),
	         t4 = bb_tensor(b, 206, 11, 10, B_Z4), t5 = bb_tensor(b, 0, 1, 10, B_Z5),
	         t6 = bb_tensor(b, 320, 1, 2, B_Z6);
	b->input = t0;
	b->output = t6;
	b->arena_bytes = 324;
	b->gen_count = 2;
	ht_op_rec *op = bb_op(b, HT_OP_CONV1D, t0, t1);
	op->k = 3;
	attach(b, op, HT_SEC_BACKBONE, &s->conv, 72, 6, 1, 0);
	op = bb_op(b, HT_OP_MAXPOOL, t1, t2);
	op->k = 2, op->stride = 2;
	op = bb_op(b, HT_OP_PWCONV, t2, t3);
	op->gen_layer = 0, op->act_min = B_Z3;
	op = bb_op(b, HT_OP_PWCONV, t3, t4);
	op->gen_layer = 1;
	op = bb_op(b, HT_OP_ATTNPOOL, t4, t5);
	op->weights_off = bb_bytes(b, HT_SEC_BACKBONE, s->attn.w, 10);
	op->weights_len = 10;
	op->bias_off = bb_i32s(b, s->attn.bias, 1);
	op->aux_off = bb_i32s(b, s->attn_aux, 4);
	op = bb_op(b, HT_OP_FC, t5, t6);
	attach(b, op, HT_SEC_BACKBONE, &s->fc, 20, 2, 0, 1);
}

uint32_t build_model(const model_spec *s, uint8_t *out, uint32_t cap)
{
	static blob_builder b;
	bb_init(&b);
	if (s->name == 'A')
		build_a(&b, s);
	else
		build_b(&b, s);
	return bb_finish(&b, out, cap);
}

static ref_quant quant(const layer_spec *l, int zi, int zo, int lo, int per_tensor, int with_bias)
{
	ref_quant q = {zi, zo, lo, 127, with_bias ? l->bias : NULL, l->mult, l->shift, per_tensor};
	return q;
}

/* A synthesized layer as a layer_spec (per-channel). */
static void synth_layer(const gen_spec *g, int k, layer_spec *out)
{
	int st = ref_synth(g, k, out->w, out->bias, out->mult, out->shift);
	CHECK_EQ(st, HT_OK);
}

static void ref_a(const model_spec *s, const int8_t *x0, int8_t *out)
{
	int8_t x1[128], x2[128], x3[192], x4[192], x5[192], x6[12];
	ref_window w0 = {5, 2, 1, 2, 1}, w1 = {3, 1, 2, 2, 2};
	ref_quant q = quant(&s->conv, A_Z0, A_Z1, A_Z1, 0, 1);
	ref_conv1d(&q, &w0, x0, 32, 2, s->conv.w, 8, x1);
	q = quant(&s->dw, A_Z1, A_Z2, -128, 0, 1);
	ref_dwconv1d(&q, &w1, x1, 16, 8, s->dw.w, x2);
	q = quant(&s->pw, A_Z2, A_Z3, -128, 1, 1);
	ref_pwconv(&q, x2, 16, 8, s->pw.w, 12, x3);
	static layer_spec g0;
	synth_layer(&s->gen, 0, &g0);
	q = quant(&g0, A_Z3, A_Z4, -128, 0, 1);
	ref_pwconv(&q, x3, 16, 12, g0.w, 12, x4);
	ref_add(s->add_aux, A_Z3, A_Z4, A_Z5, -128, 127, x3, x4, 16 * 12, x5);
	ref_avgpool(s->avg_aux[0], s->avg_aux[1], A_Z5, A_Z6, -128, 127, x5, 16, 12, x6);
	q = quant(&s->fc, A_Z6, A_Z7, -128, 0, 1);
	ref_fc(&q, x6, 12, s->fc.w, 3, out);
}

static void ref_b(const model_spec *s, const int8_t *x0, int8_t *out)
{
	int8_t x1[132], x2[66], x3[110], x4[110], x5[10];
	ref_window w0 = {3, 1, 1, 0, 0}, wp = {2, 2, 1, 0, 0};
	ref_quant q = quant(&s->conv, B_Z0, B_Z1, -128, 1, 0);
	ref_conv1d(&q, &w0, x0, 24, 4, s->conv.w, 6, x1);
	ref_maxpool(&wp, -128, 127, x1, 22, 6, x2);
	static layer_spec g0, g1;
	synth_layer(&s->gen, 0, &g0);
	synth_layer(&s->gen, 1, &g1);
	q = quant(&g0, B_Z1, B_Z3, B_Z3, 0, 1);
	ref_pwconv(&q, x2, 11, 6, g0.w, 10, x3);
	q = quant(&g1, B_Z3, B_Z4, -128, 0, 1);
	ref_pwconv(&q, x3, 11, 10, g1.w, 10, x4);
	ref_attnpool(s->attn.bias[0], s->attn_aux, B_Z4, B_Z5, -128, 127, x4, 11, 10, s->attn.w, x5);
	q = quant(&s->fc, B_Z5, B_Z6, -128, 0, 1);
	ref_fc(&q, x5, 10, s->fc.w, 2, out);
}

void ref_forward(const model_spec *s, const int8_t *in, int8_t *out)
{
	if (s->name == 'A')
		ref_a(s, in, out);
	else
		ref_b(s, in, out);
}
