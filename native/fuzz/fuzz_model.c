/* libFuzzer harness: ht_model_open on the input as given, then on a copy whose file_size and CRC are
 * repaired (so mutations reach the checks behind the CRC); a model that validates is synthesized
 * (every generated layer) and run (every op) over a zeroed arena. Any crash, sanitizer report or
 * unexpected status is a bug. Work is capped so a valid but huge model cannot stall the fuzzer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ht.h"

enum { BLOB_MAX = 1 << 16, ARENA_MAX = 1 << 16, CACHE_MAX = 1 << 18, SCRATCH_MAX = 1 << 16 };

static uint32_t blob_words[BLOB_MAX / 4];
static uint32_t arena_words[ARENA_MAX / 4];
static uint32_t cache_words[CACHE_MAX / 4];
static uint32_t scratch_words[SCRATCH_MAX / 4];

static void store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void run_model(const ht_model *m)
{
	if (m->arena_bytes > ARENA_MAX || m->synth_scratch_bytes > SCRATCH_MAX)
		return;
	/* Cap the MACs: sum of output elements times weights per output is bounded by the sizes below. */
	uint32_t total = 0;
	for (uint16_t g = 0; g < m->gen_count; g++) {
		uint32_t kb = ht_gen_kernel_bytes(m, g);
		if (kb == 0 || kb > CACHE_MAX - total)
			return;
		total += kb;
	}
	uint8_t *cache = (uint8_t *)cache_words;
	uint32_t offset = 0;
	for (uint16_t g = 0; g < m->gen_count; g++) {
		uint32_t kb = ht_gen_kernel_bytes(m, g);
		int st = ht_synthesize(m, g, cache + offset, kb, scratch_words, SCRATCH_MAX);
		if (st != HT_OK && st != HT_E_SYNTH_RANGE)
			abort();
		if (st != HT_OK)
			return;
		offset += kb;
	}
	memset(arena_words, 0, m->arena_bytes);
	for (uint16_t i = 0; i < m->op_count; i++) {
		uint16_t g = ht_op_gen_layer(m, i);
		const uint8_t *kernel = NULL;
		uint32_t len = 0;
		if (g != HT_NONE16) {
			uint32_t off = 0;
			for (uint16_t k = 0; k < g; k++)
				off += ht_gen_kernel_bytes(m, k);
			kernel = cache + off;
			len = ht_gen_kernel_bytes(m, g);
		}
		if (ht_run_op(m, i, (int8_t *)arena_words, ARENA_MAX, kernel, len) != HT_OK)
			abort(); /* validation promised every op can run */
	}
}

static void try_open(uint32_t size)
{
	ht_model m;
	int st = ht_model_open(&m, (const uint8_t *)blob_words, size);
	if (st < HT_OK || st > HT_E_ARGUMENT || st == HT_E_SYNTH_RANGE || st == HT_E_ARGUMENT)
		abort();
	if (st == HT_OK)
		run_model(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > BLOB_MAX)
		return 0;
	uint8_t *blob = (uint8_t *)blob_words;
	/* An exact-size heap copy first, so ASan sees any read past the end of the blob... */
	uint8_t *exact = malloc(size ? size : 1);
	memcpy(exact, data, size);
	ht_model m;
	(void)ht_model_open(&m, exact, (uint32_t)size);
	free(exact);
	/* ...then the 4-byte aligned copy, as given and with file_size and CRC repaired. */
	memcpy(blob, data, size);
	try_open((uint32_t)size);
	if (size >= 32) {
		store32(blob + 8, (uint32_t)size);
		store32(blob + 12, 0);
		store32(blob + 12, ht_crc32(0, blob, size));
		try_open((uint32_t)size);
	}
	return 0;
}
