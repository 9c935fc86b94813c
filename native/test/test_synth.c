/* Synthesis on a hand-computed layer: dh = 1 and h − zh = 1, so a[i] is the head value itself.
 * Rows cover M = 0, P = m0 (n = 31), rounding of m up to 2^31 (renormalised to 2^30), and n > 31. */
#include <string.h>

#include "ht_bytes.h"
#include "test_blobs.h"
#include "test_engine.h"
#include "test_util.h"

static uint32_t blob_words[4096];
/* One builder and one engine for every test here: each is large, and the Cortex-M4 build's RAM is not. */
static blob_builder builder;
static engine eng;

/* The blob of g's one generated layer as a PWCONV of one position: cin channels at arena offset 0, cout at
 * out_offset. */
static uint32_t one_layer_blob(const gen_spec *g, uint32_t cin, uint32_t cout, uint32_t out_offset, uint32_t arena_bytes)
{
	bb_init(&builder);
	bb_bytes(&builder, HT_SEC_META, "{}", 2);
	build_generator(&builder, g);
	uint16_t t0 = bb_tensor(&builder, 0, 1, cin, 0), t1 = bb_tensor(&builder, out_offset, 1, cout, 0);
	builder.input = t0;
	builder.output = t1;
	builder.arena_bytes = arena_bytes;
	builder.gen_count = 1;
	bb_op(&builder, HT_OP_PWCONV, t0, t1)->gen_layer = 0;
	return bb_finish(&builder, (uint8_t *)blob_words, sizeof blob_words);
}

static uint32_t build(int32_t s0)
{
	static gen_spec g;
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
	return one_layer_blob(&g, 2, 4, 4, 8);
}

void test_synth(void)
{
	uint32_t size = build(-10);
	CHECK_EQ(engine_open(&eng, (const uint8_t *)blob_words, size, 0), HT_OK);
	CHECK_EQ(ht_gen_kernel_bytes(&eng.m, 0), 8 + 48);
	CHECK_EQ(engine_synthesize(&eng, 0), HT_OK);
	const uint8_t *k = (const uint8_t *)eng.cache_words;
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
	int8_t *arena = (int8_t *)eng.arena_words;
	arena[0] = 2;
	arena[1] = -1;
	CHECK_EQ(engine_run(&eng), HT_OK);
	CHECK_EQ(arena[4], ht_mbqm(33 + 254 + 42, 1 << 30, -8));
	CHECK_EQ(arena[5], 0);
	CHECK_EQ(arena[6], ht_mbqm(-7 + 254, 1431655765, -10));
	CHECK_EQ(arena[7], ht_mbqm(1 - 254 - 91, 1252698794, -7));

	size = build(29); /* row 0 needs shift 31 */
	CHECK_EQ(engine_open(&eng, (const uint8_t *)blob_words, size, 0), HT_OK);
	CHECK_EQ(engine_synthesize(&eng, 0), HT_E_SYNTH_RANGE);
	size = build(28); /* largest shifts: 30, 0, 28, 31 -> row 3 still fails */
	CHECK_EQ(engine_open(&eng, (const uint8_t *)blob_words, size, 0), HT_OK);
	CHECK_EQ(engine_synthesize(&eng, 0), HT_E_SYNTH_RANGE);
	size = build(27);
	CHECK_EQ(engine_open(&eng, (const uint8_t *)blob_words, size, 0), HT_OK);
	CHECK_EQ(engine_synthesize(&eng, 0), HT_OK);
}

/* LOWRANK layers of every shape ht_synthesize treats apart: rank 8 (its unrolled rows) and others, cout below,
 * at and above the rank (the rows before the last `rank` use V staged in the kernel), 4-, 6- and 8-bit factors,
 * each byte for byte equal to ref_synth. The MLP passes the code through (h = code), so every factor is random. */
static int rnd_in(uint32_t *seed, int lo, int hi)
{
	return lo + (int)(test_rand(seed) % (uint32_t)(hi - lo + 1));
}

static uint32_t build_lowrank(gen_spec *g, int rank, int cout, int cin, int bits, uint32_t *seed)
{
	memset(g, 0, sizeof *g);
	g->family = 2;
	g->code_dim = rank;
	g->mlp_count = 1;
	g->gen_count = 1;
	mlp_spec *m = &g->mlp[0];
	m->in_dim = m->out_dim = rank;
	m->bits = 8;
	m->act_min = -128;
	m->act_max = 127;
	for (int k = 0; k < rank; k++)
		m->w[k * rank + k] = 1;
	m->mult = 1 << 30;
	m->shift = 1;
	gen_layer_spec *l = &g->gen[0];
	l->cout = cout;
	l->cin = cin;
	l->head_bits = bits;
	l->code_bits = 8;
	for (int k = 0; k < rank; k++)
		l->code[k] = (int8_t)rnd_in(seed, -128, 127);
	const int lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
	for (int i = 0; i < cout * rank + rank * cin; i++)
		l->heads[i] = (int8_t)rnd_in(seed, lo, hi);
	for (int c = 0; c < cout; c++)
		l->bias_unit[c] = rnd_in(seed, -40000, 40000);
	l->m0 = (int32_t)(0x40000000u + (test_rand(seed) & 0x3FFFFFFFu));
	l->s0 = -24;
	return one_layer_blob(g, (uint32_t)cin, (uint32_t)cout, 64, 128);
}

void test_synth_lowrank(void)
{
	static gen_spec g;
	static layer_spec want;
	static const int ranks[] = {1, 6, 8, 9}, cins[] = {1, 5, 32}, bits[] = {4, 6, 8};
	uint32_t seed = 0x5EED8u;
	int compared = 0;
	for (unsigned r = 0; r < sizeof ranks / sizeof ranks[0]; r++) {
		const int rank = ranks[r];
		const int couts[] = {rank > 1 ? rank - 1 : 1, rank, rank + 1, 3 * rank + 2};
		for (unsigned c = 0; c < 4; c++)
			for (unsigned i = 0; i < 3; i++)
				for (unsigned k = 0; k < 3; k++) {
					const int cout = couts[c], cin = cins[i];
					uint32_t size = build_lowrank(&g, rank, cout, cin, bits[k], &seed);
					CHECK_EQ(engine_open(&eng, (const uint8_t *)blob_words, size, 0), HT_OK);
					int st = ref_synth(&g, 0, want.w, want.bias, want.mult, want.shift);
					CHECK_EQ(engine_synthesize(&eng, 0), st);
					if (st != HT_OK)
						continue;
					const uint8_t *kern = engine_kernel(&eng, 0);
					const uint8_t *q = kern + (((uint32_t)cout * (uint32_t)cin + 3u) & ~3u);
					int ok = memcmp(kern, want.w, (size_t)(cout * cin)) == 0;
					for (int j = 0; j < cout; j++)
						ok &= ht_ldi32(q + 4 * j) == want.bias[j] && ht_ldi32(q + 4 * (cout + j)) == want.mult[j] &&
						      ht_ldi32(q + 4 * (2 * cout + j)) == want.shift[j];
					CHECK(ok);
					compared++;
				}
	}
	CHECK(compared >= 120); /* of 144: a random layer rarely needs a shift out of range */

	/* The largest accumulators (8-bit factors, h = -128, U = -128, one input with V = 127 throughout): a row's
	 * max |a| is 9·16384·127, past the 32-bit rounding division, so its weights take ht_rdiv's 64-bit one. */
	build_lowrank(&g, 9, 12, 7, 8, &seed);
	gen_layer_spec *l = &g.gen[0];
	for (int k = 0; k < 9; k++)
		l->code[k] = -128;
	for (int j = 0; j < 12 * 9; j++)
		l->heads[j] = -128;
	for (int k = 0; k < 9; k++)
		l->heads[12 * 9 + k * 7 + 3] = 127;
	uint32_t size = one_layer_blob(&g, 7, 12, 64, 128);
	CHECK_EQ(engine_open(&eng, (const uint8_t *)blob_words, size, 0), HT_OK);
	CHECK_EQ(ref_synth(&g, 0, want.w, want.bias, want.mult, want.shift), HT_OK);
	CHECK_EQ(engine_synthesize(&eng, 0), HT_OK);
	CHECK(memcmp(engine_kernel(&eng, 0), want.w, 12 * 7) == 0);
	int varied = 0;
	for (int j = 1; j < 12 * 7; j++)
		varied |= want.w[j] != want.w[0];
	CHECK(varied);
}
