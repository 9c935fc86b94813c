/* htbatch: the C core over a whole file of windows, for evaluation on the host (hypertiny eval).
 *   htbatch <blob> <inputs.i8> <outputs.i8> <threads>
 * inputs.i8 holds N windows of the model's input size (int8, already quantized by the caller with the one
 * rule of docs/FORMAT.md §6); outputs.i8 receives N output tensors in the same order. Each thread owns one
 * arena and one boot cache (synthesis once per thread) and runs a contiguous share of the windows, so the
 * result does not depend on the thread count.
 * Exit status: 0, an ht_status code, or HTBATCH_E_* below. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ht.h"
#include "ht_cache.h"

enum { HTBATCH_E_USAGE = 64, HTBATCH_E_IO = 65, HTBATCH_E_MEMORY = 66, HTBATCH_THREADS_MAX = 256 };

typedef struct {
	const ht_model *m;
	const int8_t *in;
	int8_t *out;
	size_t first, count, in_n, out_n;
	uint32_t in_off, out_off;
	int status;
} job;

static int fail(int code, const char *what, const char *detail)
{
	fprintf(stderr, "htbatch: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	return code;
}

/* Whole file into a 4-byte aligned heap buffer (the blob is read in place and must be aligned). */
static uint8_t *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *buf = NULL;
	long n = -1;
	if (fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc(((size_t)n + 4u) & ~(size_t)3u);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	*size = (size_t)(n < 0 ? 0 : n);
	return buf;
}

static void *run_job(void *arg)
{
	job *j = arg;
	const ht_model *m = j->m;
	uint32_t kernels = ht_cache_total_bytes(m);
	/* uint32_t storage: the arena, kernels and scratch must be 4-byte aligned. */
	uint32_t *arena_w = calloc(m->arena_bytes / 4u + 1u, 4);
	uint32_t *cache_w = calloc(kernels / 4u + 1u, 4);
	uint32_t *scratch_w = calloc(m->synth_scratch_bytes / 4u + 1u, 4);
	ht_cache_slot *slots = calloc(m->gen_count + 1u, sizeof *slots);
	uint16_t *order = calloc(m->gen_count + 1u, sizeof *order);
	ht_cache cache;
	j->status = HTBATCH_E_MEMORY;
	if (arena_w && cache_w && scratch_w && slots && order) {
		int8_t *arena = (int8_t *)arena_w;
		uint32_t arena_len = (m->arena_bytes / 4u + 1u) * 4u;
		j->status = ht_cache_init(&cache, m, HT_POLICY_BOOT, (uint8_t *)cache_w, (kernels / 4u + 1u) * 4u, scratch_w,
		                          (m->synth_scratch_bytes / 4u + 1u) * 4u, slots, order, m->gen_count + 1u);
		for (size_t w = j->first; j->status == HT_OK && w < j->first + j->count; w++) {
			memcpy(arena + j->in_off, j->in + w * j->in_n, j->in_n);
			j->status = ht_invoke(&cache, arena, arena_len);
			memcpy(j->out + w * j->out_n, arena + j->out_off, j->out_n);
		}
	}
	free(arena_w);
	free(cache_w);
	free(scratch_w);
	free(slots);
	free(order);
	return NULL;
}

static int parse_threads(const char *s, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v < 1 || v > HTBATCH_THREADS_MAX)
		return 0;
	*out = (unsigned)v;
	return 1;
}

int main(int argc, char **argv)
{
	unsigned threads;
	if (argc != 5 || !parse_threads(argv[4], &threads))
		return fail(HTBATCH_E_USAGE, "usage: htbatch <blob> <inputs.i8> <outputs.i8> <threads 1..256>", NULL);
	size_t blob_size, in_size;
	uint8_t *blob = read_all(argv[1], &blob_size);
	if (!blob)
		return fail(HTBATCH_E_IO, "cannot read the blob", argv[1]);
	if (blob_size > 0xFFFFFFFFu)
		return fail(HTBATCH_E_USAGE, "blob larger than 4 GiB", argv[1]);
	ht_model m;
	int st = ht_model_open(&m, blob, (uint32_t)blob_size);
	if (st != HT_OK) {
		fprintf(stderr, "htbatch: invalid model %s: %s (%d)\n", argv[1], ht_status_name(st), st);
		return st;
	}
	uint32_t in_off, out_off;
	uint16_t in_len, in_ch, out_len, out_ch;
	ht_tensor_info(&m, m.input_tensor, &in_off, &in_len, &in_ch, NULL);
	ht_tensor_info(&m, m.output_tensor, &out_off, &out_len, &out_ch, NULL);
	size_t in_n = (size_t)in_len * in_ch, out_n = (size_t)out_len * out_ch;
	uint8_t *in = read_all(argv[2], &in_size);
	if (!in)
		return fail(HTBATCH_E_IO, "cannot read the inputs", argv[2]);
	if (in_size % in_n != 0) {
		fprintf(stderr, "htbatch: %s holds %zu bytes, not a whole number of %zu-byte windows\n", argv[2], in_size, in_n);
		return HTBATCH_E_USAGE;
	}
	size_t windows = in_size / in_n;
	int8_t *out = malloc(windows * out_n + 1u);
	if (!out)
		return fail(HTBATCH_E_MEMORY, "cannot allocate the outputs", NULL);
	if (threads > windows)
		threads = windows ? (unsigned)windows : 1u;
	job jobs[HTBATCH_THREADS_MAX];
	pthread_t tids[HTBATCH_THREADS_MAX];
	for (unsigned t = 0; t < threads; t++) {
		size_t first = windows * t / threads, next = windows * (t + 1u) / threads;
		jobs[t] = (job){ &m, (const int8_t *)in, out, first, next - first, in_n, out_n, in_off, out_off, HT_OK };
	}
	int started[HTBATCH_THREADS_MAX];
	for (unsigned t = 0; t < threads; t++)
		started[t] = pthread_create(&tids[t], NULL, run_job, &jobs[t]) == 0;
	for (unsigned t = 0; t < threads; t++) {
		if (started[t])
			pthread_join(tids[t], NULL);
		else
			run_job(&jobs[t]); /* a thread that could not start: its share runs here */
	}
	for (unsigned t = 0; t < threads; t++)
		if (jobs[t].status != HT_OK) {
			if (jobs[t].status == HTBATCH_E_MEMORY)
				return fail(HTBATCH_E_MEMORY, "cannot allocate a thread's arena and kernels", NULL);
			fprintf(stderr, "htbatch: inference failed: %s (%d)\n", ht_status_name(jobs[t].status), jobs[t].status);
			return jobs[t].status;
		}
	FILE *f = fopen(argv[3], "wb");
	if (!f || fwrite(out, 1, windows * out_n, f) != windows * out_n || fclose(f) != 0)
		return fail(HTBATCH_E_IO, "cannot write the outputs", argv[3]);
	printf("windows %zu\noutput %zu\n", windows, out_n);
	return 0;
}
