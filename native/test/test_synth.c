/* Synthesis on a hand-computed layer: dh = 1 and h − zh = 1, so a[i] is the head value itself.
 * Rows cover M = 0, P = m0 (n = 31), rounding of m up to 2^31 (renormalised to 2^30), and n > 31. */
#include <string.h>

#include "ht_bytes.h"
#include "test_blobs.h"
#include "test_engine.h"
#include "test_util.h"

static uint32_t blob_words[4096];

static uint32_t build(int32_t s0)
{
	static gen_spec g;
	static blob_builder b;
	memset(&g, 0, sizeof g);
	g.family = 1;
	g.code_dim = 1;
	g.mlp_count = 1;
	g.gen_count = 1;
	mlp_spec *m = &g.mlp[0];
	m->in_dim = m->out_dim = 1;
	m->bits = 8;
	m->act_min = -128;
	m->act_max = 127;
	m->w[0] = 1;
	m->mult = 1 << 30;
	m->shift = 1; /* identity: h = code = 1 */
	gen_layer_spec *l = &g.gen[0];
	l->cout = 4;
	l->cin = 2;
	l->head_bits = 8;
	l->code_bits = 8;
	l->code[0] = 1;
	const int8_t heads[8] = {3, -1, 0, 0, 1, 0, -7, 5};
	memcpy(l->heads, heads, sizeof heads);
	const int32_t bias_unit[4] = {100, 5, -7, 10};
	memcpy(l->bias_unit, bias_unit, sizeof bias_unit);
	l->m0 = 1431655765; /* 3 * m0 = 2^32 - 1 */
	l->s0 = s0;
	bb_init(&b);
	bb_bytes(&b, HT_SEC_META, "{}", 2);
	build_generator(&b, &g);
	uint16_t t0 = bb_tensor(&b, 0, 1, 2, 0), t1 = bb_tensor(&b, 4, 1, 4, 0);
	b.input = t0;
	b.output = t1;
	b.arena_bytes = 8;
	b.gen_count = 1;
	bb_op(&b, HT_OP_PWCONV, t0, t1)->gen_layer = 0;
	return bb_finish(&b, (uint8_t *)blob_words, sizeof blob_words);
}

void test_synth(void)
{
	static engine e;
	uint32_t size = build(-10);
	CHECK_EQ(engine_open(&e, (const uint8_t *)blob_words, size, 0), HT_OK);
	CHECK_EQ(ht_gen_kernel_bytes(&e.m, 0), 8 + 48);
	CHECK_EQ(engine_synthesize(&e, 0), HT_OK);
	const uint8_t *k = (const uint8_t *)e.cache_words;
	const int8_t want_w[8] = {127, -42, 0, 0, 127, 0, -127, 91};
	CHECK(memcmp(k, want_w, 8) == 0);
	const int32_t want_bias[4] = {33, 0, -7, 1};
	const int32_t want_mult[4] = {1 << 30, 0, 1431655765, 1252698794};
	const int32_t want_shift[4] = {-8, 0, -10, -7};
	for (int c = 0; c < 4; c++) {
		CHECK_EQ(ht_ldi32(k + 8 + 4 * c), want_bias[c]);
		CHECK_EQ(ht_ldi32(k + 24 + 4 * c), want_mult[c]);
		CHECK_EQ(ht_ldi32(k + 40 + 4 * c), want_shift[c]);
	}
	/* x = [2, -1]: y[c] = MBQM(bias + w·x, mult, shift) */
	int8_t *arena = (int8_t *)e.arena_words;
	arena[0] = 2;
	arena[1] = -1;
	CHECK_EQ(engine_run(&e), HT_OK);
	CHECK_EQ(arena[4], ht_mbqm(33 + 254 + 42, 1 << 30, -8));
	CHECK_EQ(arena[5], 0);
	CHECK_EQ(arena[6], ht_mbqm(-7 + 254, 1431655765, -10));
	CHECK_EQ(arena[7], ht_mbqm(1 - 254 - 91, 1252698794, -7));

	size = build(29); /* row 0 needs shift 31 */
	CHECK_EQ(engine_open(&e, (const uint8_t *)blob_words, size, 0), HT_OK);
	CHECK_EQ(engine_synthesize(&e, 0), HT_E_SYNTH_RANGE);
	size = build(28); /* largest shifts: 30, 0, 28, 31 -> row 3 still fails */
	CHECK_EQ(engine_open(&e, (const uint8_t *)blob_words, size, 0), HT_OK);
	CHECK_EQ(engine_synthesize(&e, 0), HT_E_SYNTH_RANGE);
	size = build(27);
	CHECK_EQ(engine_open(&e, (const uint8_t *)blob_words, size, 0), HT_OK);
	CHECK_EQ(engine_synthesize(&e, 0), HT_OK);
}
