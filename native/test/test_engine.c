#include "test_engine.h"

#include <string.h>

static int engine_setup(engine *e, const uint8_t *blob, uint32_t size, ht_policy policy, uint32_t budget)
{
	memset(e->arena_words, 0, sizeof e->arena_words);
	int st = ht_model_open(&e->m, blob, size);
	if (st != HT_OK)
		return st;
	if (e->m.arena_bytes > ENGINE_ARENA || e->m.gen_count > ENGINE_GENS || e->m.synth_scratch_bytes > ENGINE_SCRATCH ||
	    budget > ENGINE_CACHE)
		return HT_E_ARGUMENT;
	return ht_cache_init(&e->cache, &e->m, policy, (uint8_t *)e->cache_words, budget, e->scratch_words,
	                     sizeof e->scratch_words, e->slots, e->order, ENGINE_GENS);
}

int engine_open(engine *e, const uint8_t *blob, uint32_t size, int lazy)
{
	e->lazy = lazy;
	return engine_setup(e, blob, size, HT_POLICY_LAZY, ENGINE_CACHE);
}

int engine_open_stream(engine *e, const uint8_t *blob, uint32_t size, uint32_t budget)
{
	e->lazy = 1;
	return engine_setup(e, blob, size, HT_POLICY_STREAM, budget);
}

int engine_synthesize(engine *e, uint16_t g)
{
	const uint8_t *kernel;
	uint32_t len;
	return ht_cache_kernel(&e->cache, g, &kernel, &len);
}

const uint8_t *engine_kernel(engine *e, uint16_t g)
{
	const uint8_t *kernel;
	uint32_t len;
	return ht_cache_kernel(&e->cache, g, &kernel, &len) == HT_OK ? kernel : NULL;
}

int engine_run(engine *e)
{
	for (uint16_t g = 0; !e->lazy && g < e->m.gen_count; g++) {
		int st = engine_synthesize(e, g);
		if (st != HT_OK)
			return st;
	}
	return ht_invoke(&e->cache, (int8_t *)e->arena_words, sizeof e->arena_words);
}

int8_t *engine_tensor(engine *e, uint16_t t, uint32_t *n)
{
	uint32_t off = 0;
	uint16_t len = 0, ch = 0;
	ht_tensor_info(&e->m, t, &off, &len, &ch, NULL);
	*n = (uint32_t)len * ch;
	return (int8_t *)e->arena_words + off;
}
