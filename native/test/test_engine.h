/* A minimal inference loop over the public API (as htrun does), for tests. */
#ifndef HT_TEST_ENGINE_H
#define HT_TEST_ENGINE_H

#include "ht.h"
#include "ht_cache.h"

enum { ENGINE_ARENA = 64 * 1024, ENGINE_CACHE = 64 * 1024, ENGINE_SCRATCH = 16 * 1024, ENGINE_GENS = 64 };

typedef struct {
	ht_model m;
	ht_cache cache;
	ht_cache_slot slots[ENGINE_GENS];
	uint16_t order[ENGINE_GENS];
	uint32_t arena_words[ENGINE_ARENA / 4], cache_words[ENGINE_CACHE / 4], scratch_words[ENGINE_SCRATCH / 4];
	int lazy;
} engine;

/* Opens the blob over a lazy cache; HT_E_ARGUMENT when the model exceeds the buffers. */
int engine_open(engine *e, const uint8_t *blob, uint32_t size, int lazy);
/* Opens the blob over a stream cache of `budget` bytes. */
int engine_open_stream(engine *e, const uint8_t *blob, uint32_t size, uint32_t budget);
int engine_synthesize(engine *e, uint16_t g);
/* Layer g's kernel, synthesized if needed (NULL on failure). */
const uint8_t *engine_kernel(engine *e, uint16_t g);
/* Runs all ops (boot: synthesizes everything first on the first call). */
int engine_run(engine *e);
int8_t *engine_tensor(engine *e, uint16_t t, uint32_t *n);

#endif
