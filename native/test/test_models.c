/* The test blobs end to end: they validate, synthesis matches ref_synth byte for byte, every window
 * matches the reference forward pass, and boot/lazy give identical checksums. */
#include <stdlib.h>
#include <string.h>

#include "blob_builder.h"
#include "ht_bytes.h"
#include "test_blobs.h"
#include "test_engine.h"
#include "test_util.h"

enum { BLOB_CAP = 32 * 1024 };

static uint32_t blob_words[BLOB_CAP / 4];

static uint32_t make_blob(char which, model_spec *spec)
{
	if (which == 'A')
		spec_model_a(spec, 0xA11CEu);
	else
		spec_model_b(spec, 0xB0B0u);
	return build_model(spec, (uint8_t *)blob_words, BLOB_CAP);
}

static void check_synthesis(engine *e, const model_spec *spec)
{
	static layer_spec want;
	for (uint16_t g = 0; g < e->m.gen_count; g++) {
		const gen_layer_spec *l = &spec->gen.gen[g];
		uint32_t cout = (uint32_t)l->cout, cin = (uint32_t)l->cin;
		CHECK_EQ(ht_gen_kernel_bytes(&e->m, g), ((cout * cin + 3u) & ~3u) + 12u * cout);
		const uint8_t *k = engine_kernel(e, g);
		CHECK(k != NULL);
		CHECK_EQ(ref_synth(&spec->gen, g, want.w, want.bias, want.mult, want.shift), HT_OK);
		if (!k)
			continue;
		const uint8_t *q = k + ((cout * cin + 3u) & ~3u);
		int ok = memcmp(k, want.w, cout * cin) == 0;
		for (uint32_t c = 0; c < cout; c++)
			ok &= ht_ldi32(q + 4 * c) == want.bias[c] && ht_ldi32(q + 4 * (cout + c)) == want.mult[c] &&
			      ht_ldi32(q + 4 * (2 * cout + c)) == want.shift[c];
		CHECK(ok);
		int nonzero = 0;
		for (uint32_t c = 0; c < cout; c++)
			nonzero += want.mult[c] != 0;
		CHECK(nonzero > 0);
	}
}

/* Runs windows of the §7 random stream; returns the checksum; compares each window to the reference. */
static uint32_t run_windows(engine *e, const model_spec *spec, uint32_t seed, int windows)
{
	uint32_t crc = 0, in_n, out_n;
	int8_t *in = engine_tensor(e, e->m.input_tensor, &in_n);
	int ok = 1, varied = 0;
	int8_t first[64], want[64], window[256];
	for (int w = 0; w < windows; w++) {
		for (uint32_t i = 0; i < in_n; i++)
			window[i] = in[i] = (int8_t)(uint8_t)test_rand(&seed);
		int st = engine_run(e); /* the arena reuses the input's bytes */
		CHECK_EQ(st, HT_OK);
		int8_t *out = engine_tensor(e, e->m.output_tensor, &out_n);
		ref_forward(spec, window, want);
		ok &= out_n == (uint32_t)spec->out_n && memcmp(out, want, out_n) == 0;
		if (w == 0)
			memcpy(first, out, out_n);
		else
			varied |= memcmp(first, out, out_n) != 0;
		crc = ht_crc32(crc, (const uint8_t *)out, out_n);
	}
	CHECK(ok);
	CHECK(varied); /* outputs depend on the input: the model is not saturated */
	return crc;
}

static void test_model(char which)
{
	static model_spec spec;
	static engine boot, lazy;
	uint32_t size = make_blob(which, &spec);
	CHECK(size > 0);
	CHECK_EQ(engine_open(&boot, (const uint8_t *)blob_words, size, 0), HT_OK);
	CHECK_EQ(engine_open(&lazy, (const uint8_t *)blob_words, size, 1), HT_OK);
	CHECK(boot.m.synth_scratch_bytes > 0 && boot.m.synth_scratch_bytes % 4 == 0);
	CHECK(boot.m.max_kernel_bytes > 0);
	uint32_t crc_boot = run_windows(&boot, &spec, 1, 16);
	uint32_t crc_lazy = run_windows(&lazy, &spec, 1, 16);
	CHECK_EQ(crc_boot, crc_lazy);
	check_synthesis(&boot, &spec);
	printf("model %c: %u bytes, arena %u, scratch %u, kernel %u, checksum(16 windows, seed 1) %08lx\n", which,
	       (unsigned)size, (unsigned)boot.m.arena_bytes, (unsigned)boot.m.synth_scratch_bytes,
	       (unsigned)boot.m.max_kernel_bytes, (unsigned long)crc_boot);
}

/* Each kernel's scratch requirement is exact: one byte less is refused, the exact amount works. */
static void test_scratch_and_arguments(void)
{
	static model_spec spec;
	static engine e;
	uint32_t size = make_blob('B', &spec);
	CHECK_EQ(engine_open(&e, (const uint8_t *)blob_words, size, 0), HT_OK);
	ht_model *m = &e.m;
	uint8_t *kernel = (uint8_t *)e.cache_words;
	uint32_t kb = ht_gen_kernel_bytes(m, 0);
	void *scratch = malloc(m->synth_scratch_bytes);
	CHECK_EQ(ht_synthesize(m, 0, kernel, kb, scratch, m->synth_scratch_bytes), HT_OK);
	CHECK_EQ(ht_synthesize(m, 1, kernel, ht_gen_kernel_bytes(m, 1), scratch, m->synth_scratch_bytes), HT_OK);
	CHECK_EQ(ht_synthesize(m, 0, kernel, kb, scratch, m->synth_scratch_bytes - 4), HT_E_ARGUMENT);
	CHECK_EQ(ht_synthesize(m, 0, kernel, kb - 1, scratch, m->synth_scratch_bytes), HT_E_ARGUMENT);
	CHECK_EQ(ht_synthesize(m, 0, kernel + 1, kb, scratch, m->synth_scratch_bytes), HT_E_ARGUMENT);
	CHECK_EQ(ht_synthesize(m, 2, kernel, kb, scratch, m->synth_scratch_bytes), HT_E_ARGUMENT);
	CHECK_EQ(ht_synthesize(NULL, 0, kernel, kb, scratch, m->synth_scratch_bytes), HT_E_ARGUMENT);
	free(scratch);

	int8_t *arena = (int8_t *)e.arena_words;
	CHECK_EQ(ht_run_op(m, 0, arena, m->arena_bytes, NULL, 0), HT_OK);
	CHECK_EQ(ht_run_op(m, 0, arena, m->arena_bytes - 1, NULL, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_run_op(m, m->op_count, arena, m->arena_bytes, NULL, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_run_op(m, 0, arena, m->arena_bytes, kernel, kb), HT_E_ARGUMENT); /* not a generated PW */
	CHECK_EQ(ht_run_op(m, 2, arena, m->arena_bytes, NULL, 0), HT_E_ARGUMENT);     /* generated, no kernel */
	CHECK_EQ(ht_run_op(m, 2, arena, m->arena_bytes, kernel, kb + 4), HT_E_ARGUMENT);
	CHECK_EQ(ht_run_op(m, 2, arena, m->arena_bytes, kernel, kb), HT_OK);
	CHECK_EQ(ht_run_op(m, 0, NULL, m->arena_bytes, NULL, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_op_gen_layer(m, 2), 0);
	CHECK_EQ(ht_op_gen_layer(m, 3), 1);
	CHECK_EQ(ht_op_gen_layer(m, 0), HT_NONE16);
	CHECK_EQ(ht_op_gen_layer(m, 999), HT_NONE16);
	CHECK_EQ(ht_gen_kernel_bytes(m, 2), 0);
	uint32_t off;
	uint16_t len, ch;
	int32_t zp;
	CHECK_EQ(ht_tensor_info(m, 1, &off, &len, &ch, &zp), HT_OK);
	CHECK(off == 96 && len == 22 && ch == 6 && zp == -7);
	CHECK_EQ(ht_tensor_info(m, 7, &off, &len, &ch, &zp), HT_E_ARGUMENT);
	CHECK_EQ(ht_model_open(NULL, (const uint8_t *)blob_words, size), HT_E_ARGUMENT);
	CHECK_EQ(ht_model_open(m, NULL, size), HT_E_ARGUMENT);
}

void test_models(void)
{
	test_model('A');
	test_model('B');
	test_scratch_and_arguments();
}

static int write_file(const char *dir, const char *name, const uint8_t *data, uint32_t size)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size) {
		fprintf(stderr, "cannot write %s\n", path);
		if (f)
			fclose(f);
		return 1;
	}
	fclose(f);
	printf("%s\n", path);
	return 0;
}

/* model_a.htpw, model_b.htpw, and a 64-byte window for each (for htrun infer). */
int test_write_blobs(const char *dir)
{
	static model_spec spec;
	int rc = 0;
	const char which[2] = {'A', 'B'};
	for (int i = 0; i < 2; i++) {
		uint32_t size = make_blob(which[i], &spec);
		char name[32];
		snprintf(name, sizeof name, "model_%c.htpw", which[i] == 'A' ? 'a' : 'b');
		rc |= write_file(dir, name, (const uint8_t *)blob_words, size);
		uint8_t window[96];
		uint32_t seed = 7;
		uint32_t n = (uint32_t)(spec.in_len * spec.in_ch);
		for (uint32_t k = 0; k < n; k++)
			window[k] = (uint8_t)test_rand(&seed);
		snprintf(name, sizeof name, "window_%c.bin", which[i] == 'A' ? 'a' : 'b');
		rc |= write_file(dir, name, window, n);
		int8_t want[8];
		ref_forward(&spec, (const int8_t *)window, want);
		snprintf(name, sizeof name, "expect_%c.txt", which[i] == 'A' ? 'a' : 'b');
		char text[64];
		int len = 0;
		for (int k = 0; k < spec.out_n; k++)
			len += snprintf(text + len, sizeof text - (size_t)len, k ? " %d" : "%d", want[k]);
		text[len++] = '\n';
		rc |= write_file(dir, name, (const uint8_t *)text, (uint32_t)len);
	}
	return rc;
}
