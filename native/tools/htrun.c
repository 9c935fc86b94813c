/* htrun: command-line runner over the public API (ht.h, ht_cache.h); the same source builds for the host and
 * for the Cortex-M4 under QEMU (semihosting stdio). Static buffers only.
 *   htrun validate <blob>                                  OK, or the status name; exit status = code
 *   htrun checksum <blob> <windows> <seed> <policy>        checksum <crc32 of all outputs>, then
 *                                                          synthesized <kernels synthesized in the run>
 *   htrun infer <blob> <input.bin>                         the output tensor as ints
 *   htrun info <blob>                                      what a runtime must provide, as key value lines
 * <policy> is boot, lazy, or stream:<budget bytes> (docs/FORMAT.md §7).
 * Exit status: 0, an ht_status code, or HTRUN_E_* below for tool errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ht.h"
#include "ht_cache.h"
#include "ht_xorshift32.h"

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
static ht_cache_slot slots[GEN_MAX];
static uint16_t slot_order[GEN_MAX];

typedef struct {
	ht_model m;
	ht_cache cache;
	int8_t *arena;
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

static int open_model(runner *r, const char *path, ht_policy policy, uint32_t budget)
{
	uint32_t size;
	int rc = load_blob(path, &size);
	if (rc)
		return rc;
	r->arena = (int8_t *)arena_words;
	int st = ht_model_open(&r->m, (const uint8_t *)blob_words, size);
	if (st != HT_OK)
		return fail_status(st, "invalid model");
	if (r->m.arena_bytes > ARENA_MAX)
		return fail(HTRUN_E_LIMIT, "arena larger than the 256 KiB buffer");
	if (r->m.synth_scratch_bytes > SCRATCH_MAX)
		return fail(HTRUN_E_LIMIT, "synthesis scratch larger than the 64 KiB buffer");
	if (r->m.gen_count > GEN_MAX)
		return fail(HTRUN_E_LIMIT, "too many generated layers");
	uint32_t kernels = policy == HT_POLICY_STREAM ? budget : ht_cache_total_bytes(&r->m);
	if (kernels > CACHE_MAX)
		return fail(HTRUN_E_LIMIT, "synthesized kernels larger than the 512 KiB cache");
	if (policy == HT_POLICY_STREAM && budget < r->m.max_kernel_bytes) {
		fprintf(stderr, "htrun: stream budget %lu bytes is smaller than the largest synthesized kernel (%lu bytes)\n",
		        (unsigned long)budget, (unsigned long)r->m.max_kernel_bytes);
		return HTRUN_E_USAGE;
	}
	st = ht_cache_init(&r->cache, &r->m, policy, (uint8_t *)cache_words, kernels, scratch_words, SCRATCH_MAX, slots,
	                   slot_order, GEN_MAX);
	if (st != HT_OK)
		return fail_status(st, policy == HT_POLICY_BOOT ? "synthesis failed" : "cache set-up failed");
	return 0;
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

/* The memory a runtime needs for this model, as the C core computes it (the M4 bench sizes its buffers so). */
static int cmd_info(const char *path)
{
	uint32_t size;
	int rc = load_blob(path, &size);
	if (rc)
		return rc;
	ht_model m;
	int st = ht_model_open(&m, (const uint8_t *)blob_words, size);
	if (st != HT_OK)
		return fail_status(st, "invalid model");
	printf("blob_bytes %lu\narena_bytes %lu\nsynth_scratch_bytes %lu\nmax_kernel_bytes %lu\ntotal_kernel_bytes %lu\n"
	       "gen_count %u\nop_count %u\n",
	       (unsigned long)size, (unsigned long)m.arena_bytes, (unsigned long)m.synth_scratch_bytes,
	       (unsigned long)m.max_kernel_bytes, (unsigned long)ht_cache_total_bytes(&m), (unsigned)m.gen_count,
	       (unsigned)m.op_count);
	return 0;
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

/* boot | lazy | stream:<budget> */
static int parse_policy(const char *s, ht_policy *policy, uint32_t *budget)
{
	*budget = 0;
	if (strcmp(s, "boot") == 0)
		*policy = HT_POLICY_BOOT;
	else if (strcmp(s, "lazy") == 0)
		*policy = HT_POLICY_LAZY;
	else if (strncmp(s, "stream:", 7) == 0 && parse_u32(s + 7, budget))
		*policy = HT_POLICY_STREAM;
	else
		return 0;
	return 1;
}

static int cmd_checksum(const char *path, const char *windows_s, const char *seed_s, const char *policy_s)
{
	uint32_t windows, seed, budget;
	ht_policy policy;
	if (!parse_u32(windows_s, &windows) || !parse_u32(seed_s, &seed) || seed == 0 ||
	    !parse_policy(policy_s, &policy, &budget))
		return fail(HTRUN_E_USAGE, "usage: htrun checksum <blob> <windows> <seed != 0> <boot|lazy|stream:BYTES>");
	static runner r;
	int rc = open_model(&r, path, policy, budget);
	if (rc)
		return rc;
	uint32_t in_off, out_off;
	uint16_t in_len, in_ch, out_len, out_ch;
	ht_tensor_info(&r.m, r.m.input_tensor, &in_off, &in_len, &in_ch, NULL);
	ht_tensor_info(&r.m, r.m.output_tensor, &out_off, &out_len, &out_ch, NULL);
	uint32_t in_n = (uint32_t)in_len * in_ch, out_n = (uint32_t)out_len * out_ch;
	uint32_t crc = 0;
	for (uint32_t w = 0; w < windows; w++) {
		for (uint32_t i = 0; i < in_n; i++)
			r.arena[in_off + i] = (int8_t)(uint8_t)ht_xorshift32(&seed);
		int st = ht_invoke(&r.cache, r.arena, ARENA_MAX);
		if (st != HT_OK)
			return fail_status(st, "inference failed");
		crc = ht_crc32(crc, (const uint8_t *)r.arena + out_off, out_n);
	}
	printf("checksum %08lx\nsynthesized %lu\n", (unsigned long)crc, (unsigned long)r.cache.synthesized);
	return 0;
}

static int cmd_infer(const char *path, const char *input_path)
{
	static runner r;
	int rc = open_model(&r, path, HT_POLICY_LAZY, 0);
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
	int st = ht_invoke(&r.cache, r.arena, ARENA_MAX);
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
	if (argc == 3 && strcmp(argv[1], "info") == 0)
		return cmd_info(argv[2]);
	fprintf(stderr, "usage: htrun validate <blob>\n"
	                "       htrun checksum <blob> <windows> <seed> <boot|lazy|stream:BYTES>\n"
	                "       htrun infer <blob> <input.bin>\n"
	                "       htrun info <blob>\n");
	return HTRUN_E_USAGE;
}
