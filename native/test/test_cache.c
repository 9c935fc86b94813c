/* The kernel cache (ht_cache.h): budget checks, the LRU eviction order of docs/FORMAT.md §7, compaction that
 * keeps resident kernels intact, and stream runs bit-identical to boot at every budget. The model is a chain
 * of three generated PW layers with kernels of 56, 128 and 40 bytes. */
#include <string.h>

#include "ht_cache.h"
#include "test_blobs.h"
#include "test_util.h"

enum { K0 = 56, K1 = 128, K2 = 40, TOTAL = K0 + K1 + K2, MEM_WORDS = 256 };

static uint32_t blob_words[4096];
static uint32_t mem_words[MEM_WORDS], boot_words[MEM_WORDS], scratch_words[256], arena_words[16];
static ht_cache_slot slots[2][3]; /* [0] the cache under test, [1] the boot cache it is compared with */
static uint16_t order[2][3];

static void layer(gen_layer_spec *l, int cout, int cin, uint32_t *seed)
{
	l->cout = cout;
	l->cin = cin;
	l->head_bits = 8;
	l->code_bits = 8;
	l->code[0] = 1;
	for (int i = 0; i < cout * cin; i++)
		l->heads[i] = (int8_t)((int)(test_rand(seed) % 201u) - 100);
	for (int c = 0; c < cout; c++)
		l->bias_unit[c] = (int32_t)(test_rand(seed) % 2001u) - 1000;
	l->m0 = 1 << 30;
	l->s0 = -10;
}

/* t0 [2][2] -> g0 -> [2][4] -> g1 -> [2][8] -> g2 -> [2][2]; identity MLP (h = code = 1, dh = 1). */
static uint32_t build_chain(void)
{
	static gen_spec g;
	static blob_builder b;
	uint32_t seed = 0xCAC4Eu;
	memset(&g, 0, sizeof g);
	g.family = 1;
	g.code_dim = 1;
	g.mlp_count = 1;
	g.gen_count = 3;
	mlp_spec *m = &g.mlp[0];
	m->in_dim = m->out_dim = 1;
	m->bits = 8;
	m->act_min = -128;
	m->act_max = 127;
	m->w[0] = 1;
	m->mult = 1 << 30;
	m->shift = 1;
	layer(&g.gen[0], 4, 2, &seed);
	layer(&g.gen[1], 8, 4, &seed);
	layer(&g.gen[2], 2, 8, &seed);
	bb_init(&b);
	bb_bytes(&b, HT_SEC_META, "{}", 2);
	build_generator(&b, &g);
	uint16_t t0 = bb_tensor(&b, 0, 2, 2, 0), t1 = bb_tensor(&b, 4, 2, 4, 3), t2 = bb_tensor(&b, 12, 2, 8, -5),
	         t3 = bb_tensor(&b, 28, 2, 2, 1);
	b.input = t0;
	b.output = t3;
	b.arena_bytes = 32;
	b.gen_count = 3;
	bb_op(&b, HT_OP_PWCONV, t0, t1)->gen_layer = 0;
	bb_op(&b, HT_OP_PWCONV, t1, t2)->gen_layer = 1;
	bb_op(&b, HT_OP_PWCONV, t2, t3)->gen_layer = 2;
	return bb_finish(&b, (uint8_t *)blob_words, sizeof blob_words);
}

static int open_cache(ht_cache *c, const ht_model *m, ht_policy policy, uint32_t *mem, uint32_t budget)
{
	int i = mem == boot_words;
	return ht_cache_init(c, m, policy, (uint8_t *)mem, budget, scratch_words, sizeof scratch_words, slots[i], order[i],
	                     3);
}

static void test_budgets(const ht_model *m)
{
	ht_cache c;
	CHECK_EQ(m->max_kernel_bytes, K1);
	CHECK_EQ(ht_cache_total_bytes(m), TOTAL);
	CHECK_EQ(open_cache(&c, m, HT_POLICY_STREAM, mem_words, K1 - 1), HT_E_ARGUMENT);
	CHECK_EQ(open_cache(&c, m, HT_POLICY_STREAM, mem_words, K1), HT_OK);
	CHECK_EQ(open_cache(&c, m, HT_POLICY_LAZY, mem_words, TOTAL - 1), HT_E_ARGUMENT);
	CHECK_EQ(open_cache(&c, m, HT_POLICY_BOOT, mem_words, TOTAL - 1), HT_E_ARGUMENT);
	CHECK_EQ(ht_cache_init(&c, m, HT_POLICY_STREAM, (uint8_t *)mem_words + 2, K1, scratch_words, sizeof scratch_words,
	                       slots[0], order[0], 3),
	         HT_E_ARGUMENT);
	CHECK_EQ(ht_cache_init(&c, m, HT_POLICY_STREAM, (uint8_t *)mem_words, K1, scratch_words, sizeof scratch_words,
	                       slots[0], order[0], 2),
	         HT_E_ARGUMENT);
	CHECK_EQ(ht_cache_init(&c, m, (ht_policy)7, (uint8_t *)mem_words, TOTAL, scratch_words, sizeof scratch_words,
	                       slots[0], order[0], 3),
	         HT_E_ARGUMENT);
	CHECK_EQ(open_cache(&c, m, HT_POLICY_BOOT, boot_words, TOTAL), HT_OK);
	CHECK_EQ(c.synthesized, 3);
}

static int resident(const ht_cache *c, uint16_t g)
{
	return c->slots[g].offset != HT_NONE32;
}

/* Fetches layer g and checks its bytes against the boot cache's copy (placement and compaction keep them). */
static int fetch_intact(ht_cache *c, const ht_cache *boot, uint16_t g)
{
	const uint8_t *k;
	uint32_t len;
	if (ht_cache_kernel(c, g, &k, &len) != HT_OK || len != ht_gen_kernel_bytes(c->m, g))
		return 0;
	int ok = memcmp(k, boot->mem + boot->slots[g].offset, len) == 0;
	for (uint16_t h = 0; h < 3; h++)
		if (resident(c, h))
			ok &= memcmp(c->mem + c->slots[h].offset, boot->mem + boot->slots[h].offset, ht_gen_kernel_bytes(c->m, h)) == 0;
	return ok;
}

static void test_lru_order(const ht_model *m)
{
	ht_cache boot, c;
	CHECK_EQ(open_cache(&boot, m, HT_POLICY_BOOT, boot_words, TOTAL), HT_OK);
	/* Budget 200: layers 0 and 1 fit together (184), not all three. */
	CHECK_EQ(open_cache(&c, m, HT_POLICY_STREAM, mem_words, 200), HT_OK);
	CHECK(fetch_intact(&c, &boot, 0) && fetch_intact(&c, &boot, 1));
	CHECK_EQ(c.evicted, 0);
	CHECK(fetch_intact(&c, &boot, 2)); /* 40 more than the 16 free: the LRU, layer 0, goes */
	CHECK(!resident(&c, 0) && resident(&c, 1) && resident(&c, 2));
	CHECK_EQ(c.slots[2].offset, 0); /* first fit: layer 0's old place */
	CHECK(fetch_intact(&c, &boot, 1)); /* a hit refreshes layer 1: now 2 is the LRU */
	CHECK_EQ(c.synthesized, 3);
	CHECK(fetch_intact(&c, &boot, 0));
	CHECK(resident(&c, 0) && resident(&c, 1) && !resident(&c, 2));
	CHECK_EQ(c.evicted, 2);

	/* Fragmentation: 2 at 0..40, 0 at 40..96; layer 1 needs 128 of the 160 left once 2 is evicted, split in
	 * two gaps, so the cache compacts 0 down to offset 0 and places 1 after it. */
	CHECK_EQ(open_cache(&c, m, HT_POLICY_STREAM, mem_words, 200), HT_OK);
	CHECK(fetch_intact(&c, &boot, 2) && fetch_intact(&c, &boot, 0));
	CHECK(fetch_intact(&c, &boot, 1));
	CHECK_EQ(c.compactions, 1);
	CHECK(!resident(&c, 2));
	CHECK_EQ(c.slots[0].offset, 0);
	CHECK_EQ(c.slots[1].offset, K0);
}

static uint32_t checksum(ht_cache *c, int windows)
{
	uint32_t seed = 99, crc = 0;
	int8_t *arena = (int8_t *)arena_words;
	for (int w = 0; w < windows; w++) {
		for (int i = 0; i < 4; i++)
			arena[i] = (int8_t)test_rand(&seed);
		if (ht_invoke(c, arena, sizeof arena_words) != HT_OK)
			return 0;
		crc = ht_crc32(crc, (const uint8_t *)arena + 28, 4);
	}
	return crc;
}

/* Stream equals boot at every budget; below the total, LRU over the cyclic plan regenerates every layer of
 * every inference (each layer is evicted just before its next use). */
static void test_stream_equivalence(const ht_model *m)
{
	ht_cache c;
	CHECK_EQ(open_cache(&c, m, HT_POLICY_BOOT, mem_words, TOTAL), HT_OK);
	uint32_t want = checksum(&c, 20);
	CHECK(want != 0);
	CHECK_EQ(c.synthesized, 3);
	const uint32_t budgets[4] = {K1, K0 + K1, 200, TOTAL};
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(open_cache(&c, m, HT_POLICY_STREAM, mem_words, budgets[i]), HT_OK);
		CHECK_EQ(checksum(&c, 20), want);
		CHECK_EQ(c.synthesized, budgets[i] < TOTAL ? 60 : 3);
	}
	CHECK_EQ(open_cache(&c, m, HT_POLICY_LAZY, mem_words, TOTAL), HT_OK);
	CHECK_EQ(c.synthesized, 0);
	CHECK_EQ(checksum(&c, 20), want);
	CHECK_EQ(c.synthesized, 3);
}

void test_cache(void)
{
	ht_model m;
	uint32_t size = build_chain();
	CHECK(size > 0);
	CHECK_EQ(ht_model_open(&m, (const uint8_t *)blob_words, size), HT_OK);
	test_budgets(&m);
	test_lru_order(&m);
	test_stream_equivalence(&m);
}
