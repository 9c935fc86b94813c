/* Deployment bench for the Cortex-M4F (QEMU mps2-an386 under nRF52840 memory limits): the .htpw linked into
 * flash, static SRAM sized for one model and policy at build time, and counted regions for
 *   empty        the counting overhead (subtracted by the host)
 *   open         ht_model_open: full validation with the CRC
 *   init         ht_cache_init (boot synthesizes every generated layer here)
 *   infer w      inference w of HT_BENCH_WINDOWS over the docs/FORMAT.md §7 random windows
 *   op i         op i alone (its kernel fetched outside the region)
 *   synth g      ht_synthesize of generated layer g alone
 * and "@synthesized" (kernels synthesized so far) after init and after each inference, then "@checksum"
 * (CRC-32 of all outputs, comparable with every other engine) and "@stack_used" (high-water mark, bytes).
 * Build-time parameters: HT_BENCH_POLICY (0 boot, 1 lazy, 2 stream), HT_BENCH_KERNEL_BYTES (all kernels, or
 * the stream budget), HT_BENCH_ARENA_BYTES, HT_BENCH_SCRATCH_BYTES, HT_BENCH_GENS, HT_BENCH_WINDOWS,
 * HT_BENCH_SEED. */
#include "ht.h"
#include "ht_cache.h"
#include "ht_xorshift32.h"
#include "report.h"

#define WORDS(bytes) (((bytes) + 3u) / 4u)

extern const uint8_t _binary_model_htpw_start[], _binary_model_htpw_end[];

static uint32_t arena_words[WORDS(HT_BENCH_ARENA_BYTES)];
static uint32_t kernel_words[WORDS(HT_BENCH_KERNEL_BYTES) ? WORDS(HT_BENCH_KERNEL_BYTES) : 1];
static uint32_t scratch_words[WORDS(HT_BENCH_SCRATCH_BYTES) ? WORDS(HT_BENCH_SCRATCH_BYTES) : 1];
static ht_cache_slot slots[HT_BENCH_GENS ? HT_BENCH_GENS : 1];
static uint16_t order[HT_BENCH_GENS ? HT_BENCH_GENS : 1];
static ht_model model;
static ht_cache cache;

static int8_t *tensor(uint16_t t, uint32_t *n)
{
	uint32_t off = 0;
	uint16_t len = 0, ch = 0;
	ht_tensor_info(&model, t, &off, &len, &ch, 0);
	*n = (uint32_t)len * ch;
	return (int8_t *)arena_words + off;
}

static void fill_input(uint32_t *seed)
{
	uint32_t n;
	int8_t *in = tensor(model.input_tensor, &n);
	for (uint32_t i = 0; i < n; i++)
		in[i] = (int8_t)(uint8_t)ht_xorshift32(seed);
}

static int open_and_init(void)
{
	report_region("empty", 0);
	region_begin();
	region_end();
	const uint32_t size = (uint32_t)(_binary_model_htpw_end - _binary_model_htpw_start);
	report_region("open", 0);
	region_begin();
	int st = ht_model_open(&model, _binary_model_htpw_start, size);
	region_end();
	if (st != HT_OK)
		return report_error("open", st), st;
	if (model.arena_bytes > sizeof arena_words || model.synth_scratch_bytes > sizeof scratch_words ||
	    model.gen_count > HT_BENCH_GENS)
		return report_error("model larger than the build's buffers", HT_E_ARGUMENT), HT_E_ARGUMENT;
	report_region("init", 0);
	region_begin();
	st = ht_cache_init(&cache, &model, (ht_policy)HT_BENCH_POLICY, (uint8_t *)kernel_words, HT_BENCH_KERNEL_BYTES,
	                   scratch_words, sizeof scratch_words, slots, order, HT_BENCH_GENS);
	region_end();
	if (st != HT_OK)
		return report_error("init", st), st;
	report_u32("synthesized", cache.synthesized);
	return HT_OK;
}

static int run_windows(void)
{
	uint32_t seed = HT_BENCH_SEED, crc = 0, out_n;
	const int8_t *out = tensor(model.output_tensor, &out_n);
	for (uint32_t w = 0; w < HT_BENCH_WINDOWS; w++) {
		fill_input(&seed);
		report_region("infer", w);
		region_begin();
		int st = ht_invoke(&cache, (int8_t *)arena_words, sizeof arena_words);
		region_end();
		if (st != HT_OK)
			return report_error("infer", st), st;
		report_u32("synthesized", cache.synthesized);
		crc = ht_crc32(crc, (const uint8_t *)out, out_n);
	}
	report_hex("checksum", crc);
	return HT_OK;
}

static int run_ops_one_by_one(void)
{
	uint32_t seed = HT_BENCH_SEED;
	fill_input(&seed);
	for (uint16_t i = 0; i < model.op_count; i++) {
		const uint8_t *kernel = 0;
		uint32_t kernel_len = 0;
		uint16_t g = ht_op_gen_layer(&model, i);
		int st = g == HT_NONE16 ? HT_OK : ht_cache_kernel(&cache, g, &kernel, &kernel_len);
		if (st != HT_OK)
			return report_error("kernel", st), st;
		report_region("op", i);
		region_begin();
		st = ht_run_op(&model, i, (int8_t *)arena_words, sizeof arena_words, kernel, kernel_len);
		region_end();
		if (st != HT_OK)
			return report_error("op", st), st;
	}
	return HT_OK;
}

/* Last: it overwrites the cache's memory. */
static int synthesize_each(void)
{
	for (uint16_t g = 0; g < model.gen_count; g++) {
		report_region("synth", g);
		region_begin();
		int st = ht_synthesize(&model, g, (uint8_t *)kernel_words, ht_gen_kernel_bytes(&model, g), scratch_words,
		                       sizeof scratch_words);
		region_end();
		if (st != HT_OK)
			return report_error("synth", st), st;
	}
	return HT_OK;
}

int main(void)
{
	int st = open_and_init();
	if (st == HT_OK)
		st = run_windows();
	if (st == HT_OK)
		st = run_ops_one_by_one();
	if (st == HT_OK)
		st = synthesize_each();
	report_u32("stack_used", stack_used_bytes());
	report_u32("done", (uint32_t)st);
	return st;
}
