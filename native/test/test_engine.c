#include "test_engine.h"

#include <string.h>

int engine_open(engine *e, const uint8_t *blob, uint32_t size, int lazy)
{
	memset(e->ready, 0, sizeof e->ready);
	memset(e->arena_words, 0, sizeof e->arena_words);
	e->lazy = lazy;
	int st = ht_model_open(&e->m, blob, size);
	if (st != HT_OK)
		return st;
	if (e->m.arena_bytes > ENGINE_ARENA || e->m.gen_count > ENGINE_GENS || e->m.synth_scratch_bytes > ENGINE_SCRATCH)
		return HT_E_ARGUMENT;
	uint32_t total = 0;
	for (uint16_t g = 0; g < e->m.gen_count; g++) {
		uint32_t kb = ht_gen_kernel_bytes(&e->m, g);
		if (kb > ENGINE_CACHE - total)
			return HT_E_ARGUMENT;
		e->kernel_offset[g] = total;
		total += kb;
	}
	return HT_OK;
}

int engine_synthesize(engine *e, uint16_t g)
{
	if (e->ready[g])
		return HT_OK;
	int st = ht_synthesize(&e->m, g, (uint8_t *)e->cache_words + e->kernel_offset[g], ht_gen_kernel_bytes(&e->m, g),
	                       e->scratch_words, sizeof e->scratch_words);
	e->ready[g] = st == HT_OK;
	return st;
}

int engine_run(engine *e)
{
	for (uint16_t g = 0; !e->lazy && g < e->m.gen_count; g++) {
		int st = engine_synthesize(e, g);
		if (st != HT_OK)
			return st;
	}
	for (uint16_t i = 0; i < e->m.op_count; i++) {
		uint16_t g = ht_op_gen_layer(&e->m, i);
		const uint8_t *kernel = NULL;
		uint32_t len = 0;
		if (g != HT_NONE16) {
			int st = engine_synthesize(e, g);
			if (st != HT_OK)
				return st;
			kernel = (const uint8_t *)e->cache_words + e->kernel_offset[g];
			len = ht_gen_kernel_bytes(&e->m, g);
		}
		int st = ht_run_op(&e->m, i, (int8_t *)e->arena_words, sizeof e->arena_words, kernel, len);
		if (st != HT_OK)
			return st;
	}
	return HT_OK;
}

int8_t *engine_tensor(engine *e, uint16_t t, uint32_t *n)
{
	uint32_t off = 0;
	uint16_t len = 0, ch = 0;
	ht_tensor_info(&e->m, t, &off, &len, &ch, NULL);
	*n = (uint32_t)len * ch;
	return (int8_t *)e->arena_words + off;
}
