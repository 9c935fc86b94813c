/* Corrupted blobs: every failure gets its specific status, nothing crashes (the sanitized run checks
 * memory), and whatever still validates runs cleanly. */
#include <string.h>

#include "blob_builder.h"
#include "ht_bytes.h"
#include "test_blobs.h"
#include "test_engine.h"
#include "test_util.h"

enum { CAP = 32 * 1024 };

static uint32_t base_words[CAP / 4], work_words[CAP / 4 + 1];
static uint8_t *const base = (uint8_t *)base_words;
static uint8_t *const W = (uint8_t *)work_words;
static uint32_t size;

static void fresh(void)
{
	memcpy(W, base, size);
}

static void load(char which)
{
	static model_spec spec;
	if (which == 'A')
		spec_model_a(&spec, 0xA11CEu);
	else
		spec_model_b(&spec, 0xB0B0u);
	size = build_model(&spec, base, CAP);
	fresh();
}


static int open_raw(const uint8_t *blob, uint32_t n)
{
	ht_model m;
	return ht_model_open(&m, blob, n);
}

/* Fixes the CRC of the work copy and validates it. */
static int reopen(void)
{
	bb_fix_crc(W, size);
	return open_raw(W, size);
}

static void put8(uint32_t off, uint8_t v)
{
	W[off] = v;
}

static void put16(uint32_t off, uint16_t v)
{
	W[off] = (uint8_t)v;
	W[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint32_t off, uint32_t v)
{
	ht_st32(W + off, v);
}

static uint32_t sec_offset(uint16_t type)
{
	uint32_t off = 0, len = 0;
	CHECK(bb_find_section(W, type, &off, &len));
	return off;
}

/* Offset of the section table entry of a type. */
static uint32_t sec_entry(uint16_t type)
{
	uint16_t count = ht_ld16(W + 16);
	for (uint16_t i = 0; i < count; i++)
		if (ht_ld16(W + 32 + 16 * i) == type)
			return 32u + 16u * i;
	CHECK(0);
	return 0;
}

static uint32_t op_at(uint16_t op, uint32_t field)
{
	return bb_op_offset(W, op) + field;
}

static uint32_t tensor_at(uint16_t t, uint32_t field)
{
	return bb_tensor_offset(W, t) + field;
}

/* Blob offset of the int32 that op field `field` (a QPARAMS offset) points to, plus index i. */
static uint32_t qparam_of(uint16_t op, uint32_t field, uint32_t i)
{
	return sec_offset(HT_SEC_QPARAMS) + ht_ld32(W + op_at(op, field)) + 4u * i;
}

static uint32_t mlp_at(uint8_t layer, uint32_t field)
{
	return sec_offset(HT_SEC_GENERATOR) + 8u + 24u * layer + field;
}

static uint32_t gen_at(uint16_t g, uint32_t field)
{
	uint32_t gen = sec_offset(HT_SEC_GENERATOR);
	return gen + 8u + 24u * W[gen + 3] + 24u * g + field;
}

/* Expected status of a single bit flip at byte `at` without CRC repair. */
static int header_flip_expectation(uint32_t at, const uint8_t *flipped)
{
	if (at < 4)
		return HT_E_MAGIC;
	if (at < 6)
		return HT_E_VERSION;
	if (at >= 8 && at < 12)
		return ht_ld32(flipped + 8) > size ? HT_E_TRUNCATED : HT_E_SIZE;
	if (at == 16 || at == 17) {
		uint16_t c = ht_ld16(flipped + 16);
		return c < 1 || c > 16 || size < 32u + 16u * c ? HT_E_SIZE : HT_E_CRC;
	}
	if (at >= 18 && at < 32)
		return HT_E_SIZE;
	return HT_E_CRC;
}

static void test_truncation(void)
{
	int ok = 1;
	for (uint32_t n = 0; n < size; n++)
		ok &= open_raw(base, n) == HT_E_TRUNCATED;
	CHECK(ok);
	/* Section boundaries explicitly, on a copy that ends exactly there (ASan sees any read past it). */
	uint16_t count = ht_ld16(base + 16);
	for (uint16_t i = 0; i < count; i++) {
		uint32_t off = ht_ld32(base + 32 + 16 * i + 4), len = ht_ld32(base + 32 + 16 * i + 8);
		CHECK_EQ(open_raw(base, off), HT_E_TRUNCATED);
		CHECK_EQ(open_raw(base, off + len - 1), HT_E_TRUNCATED);
	}
	fresh();
	memset(W + size, 0, 4);
	CHECK_EQ(open_raw(W, size + 4), HT_E_SIZE); /* longer than file_size */
}

static void test_bit_flips(void)
{
	int ok = 1;
	for (uint32_t bit = 0; bit < size * 8; bit++) {
		fresh();
		W[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		int want = header_flip_expectation(bit / 8, W);
		int got = open_raw(W, size);
		if (got != want) {
			ok = 0;
			fprintf(stderr, "bit flip %u: got %s, want %s\n", (unsigned)bit, ht_status_name(got),
			        ht_status_name(want));
		}
	}
	CHECK(ok);
}

/* Flip every bit and repair the CRC: never crash; whatever validates also synthesizes and runs. */
static void test_flips_past_crc(void)
{
	static engine e;
	long counts[21] = {0};
	for (uint32_t bit = 32 * 8; bit < size * 8; bit++) {
		fresh();
		W[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		bb_fix_crc(W, size);
		int st = engine_open(&e, W, size, bit & 1);
		CHECK(st >= 0 && st <= 20);
		if (st >= 0 && st <= 20)
			counts[st]++;
		if (st == HT_OK) {
			st = engine_run(&e);
			CHECK(st == HT_OK || st == HT_E_SYNTH_RANGE);
		}
	}
	CHECK(counts[HT_OK] > 0);
	CHECK(counts[HT_E_PARAM] > 0 && counts[HT_E_SHAPE] > 0 && counts[HT_E_PLAN] > 0);
}

static void test_header(void)
{
	fresh();
	W[3] = 'X';
	CHECK_EQ(open_raw(W, size), HT_E_MAGIC);
	fresh();
	put16(4, 3); /* versions 1 and 2 are read */
	CHECK_EQ(open_raw(W, size), HT_E_VERSION);
	fresh();
	put16(6, 7); /* any minor */
	CHECK_EQ(reopen(), HT_OK);
	fresh();
	put16(18, 33);
	CHECK_EQ(reopen(), HT_E_SIZE);
	fresh();
	put16(16, 0);
	CHECK_EQ(reopen(), HT_E_SIZE);
	fresh();
	put16(16, 17);
	CHECK_EQ(reopen(), HT_E_SIZE);
	fresh();
	put32(20, 1); /* flags */
	CHECK_EQ(reopen(), HT_E_SIZE);
	fresh();
	put32(12, ht_ld32(W + 12) ^ 1u);
	CHECK_EQ(open_raw(W, size), HT_E_CRC);
	/* A blob not at a 4-byte aligned address. */
	memcpy(W + 1, base, size);
	CHECK_EQ(open_raw(W + 1, size), HT_E_SECTION_ALIGN);
	fresh();
}

static void test_section_table(void)
{
	uint32_t plan = sec_entry(HT_SEC_PLAN), backbone = sec_entry(HT_SEC_BACKBONE);
	fresh();
	put32(backbone + 4, ht_ld32(W + plan + 4)); /* BACKBONE on top of PLAN */
	CHECK_EQ(reopen(), HT_E_SECTION_OVERLAP);
	fresh();
	put32(backbone + 8, size); /* runs past the end */
	CHECK_EQ(reopen(), HT_E_SECTION_BOUNDS);
	fresh();
	put32(backbone + 4, 40); /* inside the section table */
	CHECK_EQ(reopen(), HT_E_SECTION_BOUNDS);
	fresh();
	put16(backbone + 2, 3); /* not a power of two */
	CHECK_EQ(reopen(), HT_E_SECTION_ALIGN);
	fresh();
	put16(backbone + 2, 128);
	CHECK_EQ(reopen(), HT_E_SECTION_ALIGN);
	fresh();
	put16(sec_entry(HT_SEC_META), 12); /* META becomes an unknown type: META missing comes first */
	CHECK_EQ(reopen(), HT_E_SECTION_MISSING);
	fresh();
	put16(sec_entry(HT_SEC_HEADS), HT_SEC_CODES); /* a type repeated */
	CHECK_EQ(reopen(), HT_E_SECTION_MISSING);
	fresh();
	put16(sec_entry(HT_SEC_CODES), 12);
	CHECK_EQ(reopen(), HT_E_SECTION_TYPE);
	fresh();
	put32(backbone + 12, 1);
	CHECK_EQ(reopen(), HT_E_PARAM);
	/* Drop HEADS from the table (swap it to the end, one entry fewer): missing at the generator stage. */
	fresh();
	uint16_t count = ht_ld16(W + 16);
	uint32_t heads = sec_entry(HT_SEC_HEADS), last = 32u + 16u * (count - 1u);
	uint8_t tmp[16];
	memcpy(tmp, W + heads, 16);
	memcpy(W + heads, W + last, 16);
	memcpy(W + last, tmp, 16);
	put16(16, (uint16_t)(count - 1));
	CHECK_EQ(reopen(), HT_E_SECTION_MISSING);
}

static void test_plan_and_tensors(void)
{
	uint32_t plan = sec_offset(HT_SEC_PLAN);
	fresh();
	put16(plan + 2, 8); /* op_count disagrees with the section length */
	CHECK_EQ(reopen(), HT_E_PLAN);
	fresh();
	put16(plan + 10, 99); /* output tensor index */
	CHECK_EQ(reopen(), HT_E_PLAN);
	fresh();
	put16(plan + 14, 1);
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(tensor_at(2, 8), 200); /* zero point */
	CHECK_EQ(reopen(), HT_E_TENSOR);
	fresh();
	put16(tensor_at(2, 6), 0);
	CHECK_EQ(reopen(), HT_E_TENSOR);
	fresh();
	put32(plan + 4, 578); /* arena one byte short of the output tensor [576, 579) */
	CHECK_EQ(reopen(), HT_E_TENSOR);
	fresh();
	put32(plan + 4, HT_MAX_ARENA_BYTES + 1); /* more arena than a device has (FORMAT.md §8 step 3) */
	CHECK_EQ(reopen(), HT_E_PLAN);
	fresh();
	put32(plan + 4, HT_MAX_ARENA_BYTES); /* at the cap: the tensors fit, the model is valid */
	CHECK_EQ(reopen(), HT_OK);
	fresh();
	put16(op_at(1, 2), 3); /* op 1 reads t3 before anyone wrote it */
	CHECK_EQ(reopen(), HT_E_PLAN);
	fresh();
	put16(op_at(2, 6), 2); /* op 2 writes t2 again */
	CHECK_EQ(reopen(), HT_E_PLAN);
	fresh();
	put16(op_at(0, 6), 0); /* op 0 writes the input */
	CHECK_EQ(reopen(), HT_E_PLAN);
	fresh();
	put16(op_at(0, 2), 50);
	CHECK_EQ(reopen(), HT_E_PLAN);
	fresh();
	put16(op_at(4, 4), HT_NONE16); /* ADD without in1 */
	CHECK_EQ(reopen(), HT_E_PLAN);
	fresh();
	put16(op_at(3, 14), 1); /* gen_layer past gen_count */
	CHECK_EQ(reopen(), HT_E_PLAN);
}

static void test_ops(void)
{
	fresh();
	put8(op_at(3, 0), 9);
	CHECK_EQ(reopen(), HT_E_OPCODE);
	fresh();
	put8(op_at(0, 0), 0);
	CHECK_EQ(reopen(), HT_E_OPCODE);
	/* SHAPE */
	fresh();
	put32(op_at(0, 24), 79);
	CHECK_EQ(reopen(), HT_E_SHAPE);
	fresh();
	put16(tensor_at(2, 6), 9); /* dwconv channels */
	CHECK_EQ(reopen(), HT_E_SHAPE);
	fresh();
	put8(op_at(0, 10), 1); /* conv stride 2 -> 1: output length no longer chains */
	CHECK_EQ(reopen(), HT_E_SHAPE);
	fresh();
	put16(tensor_at(5, 4), 15); /* add operands disagree */
	CHECK_EQ(reopen(), HT_E_SHAPE);
	fresh();
	put16(tensor_at(6, 4), 2); /* avgpool output length */
	CHECK_EQ(reopen(), HT_E_SHAPE);
	fresh();
	put32(op_at(6, 24), 37); /* fc weights */
	CHECK_EQ(reopen(), HT_E_SHAPE);
	/* PARAM_BOUNDS */
	fresh();
	put32(op_at(0, 20), 1000000);
	CHECK_EQ(reopen(), HT_E_PARAM_BOUNDS);
	fresh();
	put32(op_at(0, 28), 2); /* bias misaligned */
	CHECK_EQ(reopen(), HT_E_PARAM_BOUNDS);
	fresh();
	put32(op_at(0, 32), ht_ld32(W + sec_entry(HT_SEC_QPARAMS) + 8)); /* mult past QPARAMS */
	CHECK_EQ(reopen(), HT_E_PARAM_BOUNDS);
	fresh();
	put32(op_at(4, 40), HT_NONE32); /* ADD without aux */
	CHECK_EQ(reopen(), HT_E_PARAM_BOUNDS);
	/* PARAM */
	fresh();
	put8(op_at(0, 10), 0); /* stride 0: the shape check is skipped, PARAM reports it */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put8(op_at(0, 17), (uint8_t)-100); /* act_min > act_max */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put8(op_at(0, 1), 2); /* unknown flag */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put8(op_at(4, 1), 1); /* PER_TENSOR on ADD */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(op_at(2, 44), 5);
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put16(op_at(2, 4), 1); /* in1 on a PW */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(qparam_of(0, 36, 3), 31); /* shift 31 */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(qparam_of(0, 36, 3), (uint32_t)-32);
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(qparam_of(0, 32, 2), 0x3FFFFFFFu); /* multiplier below 2^30 */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(qparam_of(0, 32, 2), 0x80000000u);
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(qparam_of(0, 32, 2), 0); /* multiplier 0 is valid */
	CHECK_EQ(reopen(), HT_OK);
	fresh();
	put32(qparam_of(4, 40, 0), 25); /* ADD left_shift */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(op_at(3, 28), 0); /* a generated PW has no bias field */
	CHECK_EQ(reopen(), HT_E_PARAM);
	/* ARENA_OVERLAP */
	fresh();
	put32(tensor_at(2, 0), 64); /* op 1 writes over its own live input */
	CHECK_EQ(reopen(), HT_E_ARENA_OVERLAP);
	fresh();
	put32(tensor_at(7, 0), 0); /* output tensor inside other ops' outputs */
	CHECK_EQ(reopen(), HT_E_ARENA_OVERLAP);
	fresh();
	put32(tensor_at(4, 0), 100); /* generated PW output over t3, still read by ADD */
	CHECK_EQ(reopen(), HT_E_ARENA_OVERLAP);
}

static void test_generator_a(void)
{
	uint32_t gen = sec_offset(HT_SEC_GENERATOR);
	fresh();
	put16(gen, 3);
	CHECK_EQ(reopen(), HT_E_GENERATOR);
	fresh();
	put8(gen + 2, 0);
	CHECK_EQ(reopen(), HT_E_GENERATOR);
	fresh();
	put8(gen + 3, 9);
	CHECK_EQ(reopen(), HT_E_GENERATOR);
	fresh();
	put16(gen + 4, 2);
	CHECK_EQ(reopen(), HT_E_GENERATOR);
	fresh();
	put16(gen + 6, 1);
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put16(mlp_at(1, 0), 9); /* in_dim does not chain */
	CHECK_EQ(reopen(), HT_E_GENERATOR);
	fresh();
	put16(mlp_at(0, 2), 0);
	CHECK_EQ(reopen(), HT_E_GENERATOR);
	fresh();
	put8(mlp_at(1, 4), 5); /* bits */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put8(mlp_at(1, 5), 1);
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(mlp_at(0, 12), 128); /* out_zp */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(mlp_at(0, 16), 100000); /* weights outside GENERATOR */
	CHECK_EQ(reopen(), HT_E_PARAM_BOUNDS);
	fresh();
	put32(mlp_at(0, 20), 6);
	CHECK_EQ(reopen(), HT_E_PARAM_BOUNDS);
	fresh();
	put16(gen_at(0, 0), 11); /* cout no longer matches the op */
	CHECK_EQ(reopen(), HT_E_SHAPE);
	fresh();
	put8(gen_at(0, 6), 8); /* HEAD needs rank 0 */
	CHECK_EQ(reopen(), HT_E_GENERATOR);
	fresh();
	put8(gen_at(0, 4), 7); /* head_bits */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put8(gen_at(0, 5), 2); /* code_bits */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(gen_at(0, 20), 1);
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(gen_at(0, 12), 2); /* heads run past HEADS */
	CHECK_EQ(reopen(), HT_E_PARAM_BOUNDS);
	fresh();
	put32(gen_at(0, 8), 5000);
	CHECK_EQ(reopen(), HT_E_PARAM_BOUNDS);
	fresh();
	put8(gen_at(0, 4), 8); /* 8-bit heads need twice the bytes */
	CHECK_EQ(reopen(), HT_E_PARAM_BOUNDS);
	/* s0 = 30 passes validation; synthesis then needs a shift > 30. */
	fresh();
	uint32_t qp = sec_offset(HT_SEC_QPARAMS) + ht_ld32(W + gen_at(0, 16));
	put32(qp + 4u * 13u, 30);
	static engine e;
	CHECK_EQ(reopen(), HT_OK);
	CHECK_EQ(engine_open(&e, W, size, 0), HT_OK);
	CHECK_EQ(engine_run(&e), HT_E_SYNTH_RANGE);
	fresh();
	put32(qp + 4u * 12u, 5); /* m0 */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put32(qp + 4u * 12u, 0); /* m0 = 0: every row gets multiplier 0 */
	CHECK_EQ(reopen(), HT_OK);
	CHECK_EQ(engine_open(&e, W, size, 1), HT_OK);
	CHECK_EQ(engine_run(&e), HT_OK);
}

static void test_generator_b(void)
{
	fresh();
	put16(op_at(3, 14), 0); /* record 0 used twice, record 1 unused */
	CHECK_EQ(reopen(), HT_E_GENERATOR);
	fresh();
	put8(gen_at(1, 6), 5); /* LOWRANK rank must equal dh (6) */
	CHECK_EQ(reopen(), HT_E_GENERATOR);
	fresh();
	put32(tensor_at(2, 8), 0); /* maxpool zero points differ */
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put8(op_at(1, 11), 2); /* maxpool dilation 2 (pad 1 keeps the output length) */
	put8(op_at(1, 12), 1);
	CHECK_EQ(reopen(), HT_E_PARAM);
	fresh();
	put8(op_at(1, 12), 2); /* maxpool pad >= K */
	CHECK_EQ(reopen(), HT_E_SHAPE); /* the output length changes, and SHAPE comes before PARAM */
	fresh();
	put32(op_at(4, 40), HT_NONE32); /* attnpool aux */
	CHECK_EQ(reopen(), HT_E_PARAM_BOUNDS);
	fresh();
	put32(op_at(4, 28), HT_NONE32); /* attnpool score bias is optional */
	CHECK_EQ(reopen(), HT_OK);
}

void test_corruptions(void)
{
	const char models[2] = {'A', 'B'};
	for (int i = 0; i < 2; i++) {
		load(models[i]);
		fresh();
		CHECK_EQ(open_raw(W, size), HT_OK);
		test_truncation();
		test_bit_flips();
		test_flips_past_crc();
		test_header();
		test_section_table();
	}
	load('A');
	test_plan_and_tensors();
	test_ops();
	test_generator_a();
	load('B');
	test_generator_b();
}
