/* MBQM (expected values from an independent model of docs/FORMAT.md §3), rdiv, CRC-32, status names. */
#include <string.h>

#include "ht.h"
#include "ht_arith.h"
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

void test_arith(void)
{
	test_mbqm();
	test_rdiv();
	test_crc();
	test_names();
}
