/* htrun: command-line runner over the public API (ht.h); the same source builds for the host and for the
 * Cortex-M4 under QEMU (semihosting stdio). Static buffers only.
 *   htrun validate <blob>                                  OK, or the status name; exit status = code
 *   htrun checksum <blob> <windows> <seed> <boot|lazy>     checksum <crc32 of all outputs>
 *   htrun infer <blob> <input.bin>                         the output tensor as ints
 * Exit status: 0, an ht_status code, or HTRUN_E_* below for tool errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ht.h"

enum { HTRUN_E_USAGE = 64, HTRUN_E_IO = 65, HTRUN_E_LIMIT = 66 };

#define BLOB_MAX (1024u * 1024u)
#define ARENA_MAX (256u * 1024u)
#define CACHE_MAX (512u * 1024u)
#define SCRATCH_MAX (64u * 1024u)
#define GEN_MAX 1024u

/* uint32_t storage gives the 4-byte alignment the blob, kernels and scratch need. */
static uint32_t blob_words[BLOB_MAX / 4];
static uint32_t arena_words[ARENA_MAX / 4];
static uint32_t cache_words[CACHE_MAX / 4];
static uint32_t scratch_words[SCRATCH_MAX / 4];
static uint32_t kernel_offset[GEN_MAX];
static uint8_t kernel_ready[GEN_MAX];

typedef struct {
	ht_model m;
	uint8_t *blob;
	int8_t *arena;
	uint8_t *cache;
} runner;

static int fail(int code, const char *what)
{
	fprintf(stderr, "htrun: %s\n", what);
	return code;
}

static int fail_status(int st, const char *what)
{
	fprintf(stderr, "htrun: %s: %s (%d)\n", what, ht_status_name(st), st);
	return st;
}

/* Reads the whole file into buf; -1 when it does not fit. */
static long read_file(const char *path, uint8_t *buf, uint32_t cap)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -2;
	size_t n = fread(buf, 1, cap, f);
	int more = n == cap && fgetc(f) != EOF;
	int err = ferror(f);
	fclose(f);
	if (err)
		return -2;
	return more ? -1 : (long)n;
}

static int load_blob(const char *path, uint32_t *size)
{
	long n = read_file(path, (uint8_t *)blob_words, BLOB_MAX);
	if (n == -2)
		return fail(HTRUN_E_IO, "cannot read the blob");
	if (n == -1)
		return fail(HTRUN_E_LIMIT, "blob larger than the 1 MiB buffer");
	*size = (uint32_t)n;
	return 0;
}

static int open_model(runner *r, const char *path)
{
	uint32_t size;
	int rc = load_blob(path, &size);
	if (rc)
		return rc;
	r->blob = (uint8_t *)blob_words;
	r->arena = (int8_t *)arena_words;
	r->cache = (uint8_t *)cache_words;
	int st = ht_model_open(&r->m, r->blob, size);
	if (st != HT_OK)
		return fail_status(st, "invalid model");
	if (r->m.arena_bytes > ARENA_MAX)
		return fail(HTRUN_E_LIMIT, "arena larger than the 256 KiB buffer");
	if (r->m.synth_scratch_bytes > SCRATCH_MAX)
		return fail(HTRUN_E_LIMIT, "synthesis scratch larger than the 64 KiB buffer");
	if (r->m.gen_count > GEN_MAX)
		return fail(HTRUN_E_LIMIT, "too many generated layers");
	uint32_t total = 0;
	for (uint16_t g = 0; g < r->m.gen_count; g++) {
		uint32_t kb = ht_gen_kernel_bytes(&r->m, g);
		if (kb > CACHE_MAX - total)
			return fail(HTRUN_E_LIMIT, "synthesized kernels larger than the 512 KiB cache");
		kernel_offset[g] = total;
		kernel_ready[g] = 0;
		total += kb;
	}
	return 0;
}

static int synthesize(runner *r, uint16_t g)
{
	if (kernel_ready[g])
		return HT_OK;
	int st = ht_synthesize(&r->m, g, r->cache + kernel_offset[g], ht_gen_kernel_bytes(&r->m, g), scratch_words,
	                       SCRATCH_MAX);
	if (st == HT_OK)
		kernel_ready[g] = 1;
	return st;
}

static int run_ops(runner *r)
{
	for (uint16_t i = 0; i < r->m.op_count; i++) {
		uint16_t g = ht_op_gen_layer(&r->m, i);
		const uint8_t *kernel = NULL;
		uint32_t kernel_len = 0;
		if (g != HT_NONE16) {
			int st = synthesize(r, g); /* lazy: right before first use; boot: already done */
			if (st != HT_OK)
				return st;
			kernel = r->cache + kernel_offset[g];
			kernel_len = ht_gen_kernel_bytes(&r->m, g);
		}
		int st = ht_run_op(&r->m, i, r->arena, ARENA_MAX, kernel, kernel_len);
		if (st != HT_OK)
			return st;
	}
	return HT_OK;
}

static int cmd_validate(const char *path)
{
	uint32_t size;
	int rc = load_blob(path, &size);
	if (rc)
		return rc;
	ht_model m;
	int st = ht_model_open(&m, (const uint8_t *)blob_words, size);
	printf("%s\n", st == HT_OK ? "OK" : ht_status_name(st));
	return st;
}

static uint32_t xorshift32(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);
	if (!*s || *end || v > 0xFFFFFFFFul)
		return 0;
	*out = (uint32_t)v;
	return 1;
}

static int cmd_checksum(const char *path, const char *windows_s, const char *seed_s, const char *policy)
{
	uint32_t windows, seed;
	int boot = strcmp(policy, "boot") == 0;
	if (!parse_u32(windows_s, &windows) || !parse_u32(seed_s, &seed) || seed == 0 ||
	    (!boot && strcmp(policy, "lazy") != 0))
		return fail(HTRUN_E_USAGE, "usage: htrun checksum <blob> <windows> <seed != 0> <boot|lazy>");
	static runner r;
	int rc = open_model(&r, path);
	if (rc)
		return rc;
	for (uint16_t g = 0; boot && g < r.m.gen_count; g++) {
		int st = synthesize(&r, g);
		if (st != HT_OK)
			return fail_status(st, "synthesis failed");
	}
	uint32_t in_off, out_off;
	uint16_t in_len, in_ch, out_len, out_ch;
	ht_tensor_info(&r.m, r.m.input_tensor, &in_off, &in_len, &in_ch, NULL);
	ht_tensor_info(&r.m, r.m.output_tensor, &out_off, &out_len, &out_ch, NULL);
	uint32_t in_n = (uint32_t)in_len * in_ch, out_n = (uint32_t)out_len * out_ch;
	uint32_t crc = 0;
	for (uint32_t w = 0; w < windows; w++) {
		for (uint32_t i = 0; i < in_n; i++)
			r.arena[in_off + i] = (int8_t)(uint8_t)xorshift32(&seed);
		int st = run_ops(&r);
		if (st != HT_OK)
			return fail_status(st, "inference failed");
		crc = ht_crc32(crc, (const uint8_t *)r.arena + out_off, out_n);
	}
	printf("checksum %08lx\n", (unsigned long)crc);
	return 0;
}

static int cmd_infer(const char *path, const char *input_path)
{
	static runner r;
	int rc = open_model(&r, path);
	if (rc)
		return rc;
	uint32_t in_off, out_off;
	uint16_t in_len, in_ch, out_len, out_ch;
	ht_tensor_info(&r.m, r.m.input_tensor, &in_off, &in_len, &in_ch, NULL);
	ht_tensor_info(&r.m, r.m.output_tensor, &out_off, &out_len, &out_ch, NULL);
	uint32_t in_n = (uint32_t)in_len * in_ch, out_n = (uint32_t)out_len * out_ch;
	long n = read_file(input_path, (uint8_t *)r.arena + in_off, in_n);
	if (n == -2)
		return fail(HTRUN_E_IO, "cannot read the input");
	if (n != (long)in_n) {
		fprintf(stderr, "htrun: input must be exactly %lu bytes (%u x %u int8)\n", (unsigned long)in_n,
		        (unsigned)in_len, (unsigned)in_ch);
		return HTRUN_E_USAGE;
	}
	int st = run_ops(&r);
	if (st != HT_OK)
		return fail_status(st, "inference failed");
	for (uint32_t i = 0; i < out_n; i++)
		printf(i ? " %d" : "%d", (int)r.arena[out_off + i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "validate") == 0)
		return cmd_validate(argv[2]);
	if (argc == 6 && strcmp(argv[1], "checksum") == 0)
		return cmd_checksum(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 4 && strcmp(argv[1], "infer") == 0)
		return cmd_infer(argv[2], argv[3]);
	fprintf(stderr, "usage: htrun validate <blob>\n"
	                "       htrun checksum <blob> <windows> <seed> <boot|lazy>\n"
	                "       htrun infer <blob> <input.bin>\n");
	return HTRUN_E_USAGE;
}
