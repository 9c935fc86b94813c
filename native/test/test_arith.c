/* MBQM (expected values from an independent model of docs/FORMAT.md §3), rdiv, CRC-32, status names. */
#include <string.h>

#include "ht.h"
#include "ht_arith.h"
#include "ht_bytes.h"
#include "ht_fast_rq.h"
#include "test_util.h"

static const int64_t mbqm_cases[][4] = {
	{-2147483648LL, -2147483648LL, 0, 2147483647}, /* SRDHM saturation */
	{-2147483648LL, -2147483648LL, -31, 1},
	{-2147483648LL, -2147483648LL, 30, 0}, /* x << 30 wraps to 0 */
	{2147483647, 2147483647, 0, 2147483646},
	{-2147483648LL, 1073741824, 0, -1073741824},
	{-2147483648LL, 2147483647, 0, -2147483647},
	{2147483647, -2147483648LL, 0, -2147483647},
	{1, 1073741824, 1, 1},
	{-1, 1073741824, 1, -1},
	{100, 1073741824, 1, 100},
	{-100, 1073741824, 1, -100},
	{5, 1073741824, 0, 3}, /* 2.5 rounds up */
	{-5, 1073741824, 0, -2}, /* -2.5 rounds up too (TFLM nudge, truncating division) */
	{3, 1073741824, 0, 2},
	{-3, 1073741824, 0, -1},
	{2147483647, 2147483647, -31, 1}, /* RDBPOT e = 31 */
	{-2147483648LL, 2147483647, -31, -1},
	{-1, 2147483647, -31, 0},
	{2147483647, 1073741824, -31, 1},
	{1073741824, 2147483647, -31, 1},
	{-1073741824, 2147483647, -31, 0},
	{-2147483648LL, 1073741824, -31, -1},
	{2147483647, 2147483647, 30, -1073741823},
	{12345, 1518500250, -7, 68},
	{-12345, 1518500250, -7, -68},
	{1, 2147483647, 30, 1073741824},
	{-1, 2147483647, 30, -1073741823},
	{3, 1073741824, 30, -536870912},
	{16777215, 1073754169, 5, 268438526},
	{-16777215, 1073754169, 5, -268438526},
	{77, 0, 5, 0},
	{123456789, 1234567890, -20, 68},
	{-123456789, 1234567890, -20, -68},
	{6, 1073741824, -2, 1}, /* SRDHM gives 3; 3/4 rounds to 1 */
	{-6, 1073741824, -2, -1},
	{10, 1073741824, -2, 1},
	{-10, 1073741824, -2, -1},
	{7, 1073741824, -1, 2},
	{-7, 1073741824, -1, -2},
};

static void test_mbqm(void)
{
	for (size_t i = 0; i < sizeof mbqm_cases / sizeof mbqm_cases[0]; i++) {
		const int64_t *c = mbqm_cases[i];
		CHECK_EQ(ht_mbqm((int32_t)c[0], (int32_t)c[1], (int32_t)c[2]), c[3]);
	}
	/* Out-of-spec shifts are clamped to -31..31, never undefined. */
	CHECK_EQ(ht_mbqm(5, 1073741824, 99), ht_mbqm(5, 1073741824, 31));
	CHECK_EQ(ht_mbqm(-5, 1073741824, -99), ht_mbqm(-5, 1073741824, -31));
}

static void test_rdiv(void)
{
	CHECK_EQ(ht_rdiv(5, 2), 3);
	CHECK_EQ(ht_rdiv(-5, 2), -3);
	CHECK_EQ(ht_rdiv(4, 3), 1);
	CHECK_EQ(ht_rdiv(-4, 3), -1);
	CHECK_EQ(ht_rdiv(0, 7), 0);
	CHECK_EQ(ht_rdiv(127 * 3, 6), 64); /* 63.5 -> 64 */
	CHECK_EQ(ht_rdiv(-127 * 3, 6), -64);
	CHECK_EQ(ht_rdiv(2147483647LL * 16, 256), 134217728);
}

static void test_crc(void)
{
	const char *s = "123456789";
	CHECK_EQ(ht_crc32(0, (const uint8_t *)s, strlen(s)), 0xCBF43926u);
	uint32_t part = ht_crc32(0, (const uint8_t *)s, 4);
	CHECK_EQ(ht_crc32(part, (const uint8_t *)s + 4, 5), 0xCBF43926u);
	CHECK_EQ(ht_crc32(0, NULL, 0), 0);
}

static void test_names(void)
{
	CHECK(strcmp(ht_status_name(HT_OK), "OK") == 0);
	CHECK(strcmp(ht_status_name(HT_E_CRC), "CRC") == 0);
	CHECK(strcmp(ht_status_name(HT_E_PARAM_BOUNDS), "PARAM_BOUNDS") == 0);
	CHECK(strcmp(ht_status_name(HT_E_ARGUMENT), "ARGUMENT") == 0);
	CHECK(strcmp(ht_status_name(21), "UNKNOWN") == 0);
	CHECK(strcmp(ht_status_name(-1), "UNKNOWN") == 0);
}

/* ht_fast_rq.h's single multiply-accumulate equals MBQM + zo wherever it claims to (multiplier >= 0, shift
 * -23..-1): extreme and tie-making accumulators, every such shift, zero points at both ends. */
static void test_fast_requant(void)
{
	static const int32_t accs[] = {INT32_MIN, INT32_MIN + 1, -1073741825, -1073741824, -65536, -32769, -32768,
	                               -257, -256, -255, -129, -128, -127, -3, -2, -1, 0, 1, 2, 3, 127, 128, 255, 256,
	                               32767, 32768, 1073741823, 1073741824, INT32_MAX - 1, INT32_MAX};
	static const int32_t mults[] = {0, 1, 3, 1073741824, 1073741825, 1431655765, 1518500250, 2147483646, INT32_MAX};
	uint32_t seed = 0xFA57u;
	int ok = 1;
	for (int32_t shift = -23; shift <= -1; shift++)
		for (int zo = -128; zo <= 127; zo += 85)
			for (unsigned mi = 0; mi < sizeof mults / sizeof *mults + 40u; mi++) {
				int32_t mult = mi < sizeof mults / sizeof *mults ? mults[mi] : (int32_t)(test_rand(&seed) >> 1);
				uint8_t le[12];
				ht_st32(le, 0);
				ht_st32(le + 4, (uint32_t)mult);
				ht_st32(le + 8, (uint32_t)shift);
				ht_requant rq = {le, le + 4, le + 8, 1};
				ht_fast_q q;
				ht_fast_prepare(&rq, 0, zo, &q);
				ok &= q.rs1 == -shift - 1;
				for (unsigned ai = 0; ai < sizeof accs / sizeof *accs + 40u; ai++) {
					int32_t acc = ai < sizeof accs / sizeof *accs ? accs[ai] : (int32_t)test_rand(&seed);
					ok &= ht_fast_rq(acc, &q) == ht_mbqm(acc, mult, shift) + zo;
				}
			}
	CHECK(ok);
	/* Outside the claim the channel is marked for the generic path. */
	uint8_t le[12] = {0};
	ht_requant rq = {le, le + 4, le + 8, 1};
	ht_fast_q q;
	const int32_t bad[][2] = {{1073741824, 0}, {1073741824, -24}, {1073741824, 3}, {-5, -4}};
	for (int i = 0; i < 4; i++) {
		ht_st32(le + 4, (uint32_t)bad[i][0]);
		ht_st32(le + 8, (uint32_t)bad[i][1]);
		ht_fast_prepare(&rq, 0, 0, &q);
		CHECK(q.rs1 < 0);
	}
}

void test_arith(void)
{
	test_mbqm();
	test_fast_requant();
	test_rdiv();
	test_crc();
	test_names();
}
