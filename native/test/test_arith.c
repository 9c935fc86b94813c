/* MBQM (expected values from an independent model of docs/FORMAT.md §3), rdiv, CRC-32, status names, and the
 * version 2 requantization rule (expected values from Python's math.frexp over the §2a formulas). */
#include <math.h>
#include <string.h>

#include "ht.h"
#include "ht_arith.h"
#include "ht_bytes.h"
#include "ht_fast_rq.h"
#include "ht_requant.h"
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

/* Float32 scales s_in, s_f, s_out (bits) and what docs/FORMAT.md §2a gives: CONV, FC with one filter scale (its
 * float32 product differs in every row), ADD of inputs s_in and s_out into output s_f, MEAN of s_in to s_out over
 * L, and a generated row's filter scale f32(M * s_f) (bits). Made by an independent Python model of TFLM. */
static const struct {
	uint32_t s_in, s_f, s_out;
	int32_t conv[2], fc[2], add[7];
	uint32_t length;
	int32_t mean[2];
	uint32_t max_abs, generated;
} requant_cases[] = {
	{0x3f82d05eu, 0x3bcdad2au, 0x3f4a24e4u, {1116522137, -6}, {1116522129, -6}, {20, 1073741824, 0, 1659231335, -1, 1365838544, -11}, 1000, {711529245, -8}, 173377, 0x448807cau},
	{0x40473d21u, 0x3c06e554u, 0x3ca85805u, {1339260501, 1}, {1339260534, 1}, {20, 1073741824, 0, 1814484136, -8, 1585898120, -10}, 32, {1270798109, 3}, 131492, 0x448753fcu},
	{0x3ea6b431u, 0x3f2c5478u, 0x3d66ceaau, {2088222911, 2}, {2088222858, 2}, {20, 1073741824, 0, 1486632718, -3, 2077374409, -20}, 1, {1551050895, 3}, 36669, 0x46c0d87eu},
	{0x40a80392u, 0x40325215u, 0x3d9a5013u, {1628676790, 8}, {1628676802, 8}, {20, 1073741824, 0, 1972361223, -7, 2023362058, -18}, 7, {668044251, 5}, 86779, 0x486c1f36u},
	{0x40851d85u, 0x3a1b986cu, 0x39cf27b3u, {1677448039, 3}, {1677447972, 3}, {20, 1073741824, 0, 1670965324, -14, 1837219845, -6}, 1000, {706532687, 5}, 124282, 0x429388f6u},
	{0x3e11f144u, 0x3f24405eu, 0x3d689eddu, {1728870981, 1}, {1728870990, 1}, {20, 1073741824, 0, 1711458418, -2, 1908105174, -21}, 33, {1306469941, -3}, 4675, 0x453b7837u},
	{0x3deecaceu, 0x3f0d3a2eu, 0x399e93dau, {1783967359, 8}, {1783967293, 8}, {20, 1073741824, 0, 1426104692, -9, 1815521810, -21}, 256, {1616882002, 1}, 98259, 0x4753be72u},
	{0x398a3ff5u, 0x3b2f13b3u, 0x3a9df995u, {1285272793, -10}, {1285272815, -10}, {20, 1879344110, -3, 1073741824, 0, 1937711266, -20}, 7, {1073910920, -4}, 138128, 0x43b8807au},
	{0x39ba8afcu, 0x3f44673eu, 0x3ec6862au, {1548118540, -10}, {1548118534, -10}, {20, 2017880386, -11, 1073741824, 0, 1085336230, -19}, 1000, {1033154757, -19}, 139757, 0x47d16acfu},
	{0x3a86d876u, 0x3b400b49u, 0x3c3550d4u, {1198096933, -11}, {1198096978, -11}, {20, 1597095889, -4, 1073741824, 0, 2027516653, -17}, 3, {1064730592, -4}, 87050, 0x437f167du},
	{0x3d9817d0u, 0x3b8a0737u, 0x3955c9e0u, {1647450796, 1}, {1647450810, 1}, {20, 1073741824, 0, 1509298305, -9, 1183154270, -14}, 33, {1481462592, 4}, 5037, 0x41a9bcffu},
	{0x3b7797bau, 0x39794bafu, 0x3b9d4f5du, {1645720290, -12}, {1645720330, -12}, {20, 1689978998, -1, 1073741824, 0, 1355100641, -14}, 32, {1689978998, -5}, 19668, 0x4095a1d5u},
	{0x3f1fc4dbu, 0x39b47c3au, 0x3d8f7eceu, {1685723326, -8}, {1685723318, -8}, {20, 1073741824, 0, 1928746758, -4, 1900993152, -8}, 3, {797009076, 3}, 105647, 0x421179a7u},
	{0x3dfc21abu, 0x3aa88191u, 0x3b3215ffu, {2001258181, -4}, {2001258183, -4}, {20, 1073741824, 0, 1516813974, -6, 1606613192, -12}, 3, {1013458934, 5}, 177290, 0x4363ec89u},
	{0x3a9c43afu, 0x3d0cdbbbu, 0x404e1c7au, {1791681281, -16}, {1791681360, -16}, {20, 1628126762, -12, 1073741824, 0, 1571154986, -12}, 33, {1578789587, -16}, 82879, 0x45322255u},
	{0x400ca84bu, 0x3eeb436du, 0x4022af02u, {1706329759, -1}, {1706329803, -1}, {20, 1856729316, -1, 1073741824, 0, 1484975775, -16}, 32, {1856729316, -5}, 172346, 0x479aac64u},
	{0x3d3fa0efu, 0x39933452u, 0x3b058221u, {1772404061, -7}, {1772404108, -7}, {20, 1073741824, 0, 1496159005, -5, 1397782444, -11}, 7, {880671488, 3}, 139534, 0x421cb538u},
	{0x3e3a9cf1u, 0x3b29d52du, 0x400c996eu, {1890906309, -12}, {1890906314, -12}, {20, 1425143580, -4, 1073741824, 0, 1777836308, -9}, 256, {1425143580, -11}, 153723, 0x43c72e9du},
	{0x3ce48c90u, 0x3c38f40bu, 0x3d020166u, {1363765922, -6}, {1363765885, -6}, {20, 1887633740, -1, 1073741824, 0, 1509487076, -17}, 2, {1887633740, -1}, 120417, 0x44a9eb10u},
	{0x3b2038c3u, 0x3ffba217u, 0x3bb05529u, {1917990408, 0}, {1917990500, 0}, {20, 1951275173, -2, 1073741824, 0, 1504855290, -27}, 1, {1951275173, -1}, 195167, 0x48bb5776u},
	{0x3d89fc6bu, 0x406c34cfu, 0x3e2a8809u, {1603289953, 1}, {1603289956, 1}, {20, 1737643139, -2, 1073741824, 0, 1550396375, -23}, 3, {1158428759, -2}, 145715, 0x49034c1cu},
	{0x3bbb2952u, 0x3f5e323bu, 0x3c36083au, {1916438082, -1}, {1916438025, -1}, {20, 1103997550, -1, 1073741824, 0, 1759305564, -25}, 33, {1070543078, -5}, 117717, 0x47c78e78u},
	{0x3d8bb691u, 0x391b02d2u, 0x3db12cc4u, {2050773200, -13}, {2050773264, -13}, {20, 1693421377, -1, 1073741824, 0, 1227268018, -9}, 1000, {867031745, -9}, 46858, 0x40ddaa24u},
	{0x3cf30a94u, 0x3aad863eu, 0x3d04a3f2u, {1333597189, -9}, {1333597138, -9}, {20, 1967451913, -1, 1073741824, 0, 1641516360, -14}, 256, {1967451913, -8}, 3171, 0x4086565du},
};

static float f32_of(uint32_t bits)
{
	uint8_t b[4];
	ht_st32(b, bits);
	return ht_ldf32(b);
}

static void test_requant(void)
{
	for (size_t i = 0; i < sizeof requant_cases / sizeof requant_cases[0]; i++) {
		const float a = f32_of(requant_cases[i].s_in), b = f32_of(requant_cases[i].s_f), c = f32_of(requant_cases[i].s_out);
		ht_rq conv = ht_conv_requant(a, b, c), fc = ht_fc_per_tensor_requant(a, b, c);
		CHECK_EQ(conv.mult, requant_cases[i].conv[0]);
		CHECK_EQ(conv.shift, requant_cases[i].conv[1]);
		CHECK_EQ(fc.mult, requant_cases[i].fc[0]);
		CHECK_EQ(fc.shift, requant_cases[i].fc[1]);
		int32_t aux[7];
		ht_add_requant(a, c, b, aux);
		for (int k = 0; k < 7; k++)
			CHECK_EQ(aux[k], requant_cases[i].add[k]);
		ht_rq mean = ht_mean_requant(a, c, requant_cases[i].length);
		CHECK_EQ(mean.mult, requant_cases[i].mean[0]);
		CHECK_EQ(mean.shift, requant_cases[i].mean[1]);
		float g = ht_generated_filter_scale(requant_cases[i].max_abs, b);
		uint8_t gb[4];
		memcpy(gb, &g, 4);
		CHECK_EQ(ht_ld32(gb), requant_cases[i].generated);
	}
	/* QuantizeMultiplier's edges: 0, a value whose significand rounds up to 2^31, a shift below -31, infinity. */
	ht_rq r = ht_quantize_multiplier(0.0);
	CHECK_EQ(r.mult, 0);
	r = ht_quantize_multiplier(0.99999999999);
	CHECK_EQ(r.mult, 1073741824);
	CHECK_EQ(r.shift, 1);
	r = ht_quantize_multiplier(1e-10);
	CHECK_EQ(r.mult, 0);
	CHECK_EQ(r.shift, 0);
	r = ht_quantize_multiplier(3e-10);
	CHECK_EQ(r.shift, -31);
	r = ht_quantize_multiplier(INFINITY);
	CHECK_EQ(r.shift > 30, 1);
	CHECK_EQ(ht_scale_ok(0.0f) || ht_scale_ok(-1.0f) || ht_scale_ok(INFINITY) || !ht_scale_ok(1e-30f), 0);
}

void test_arith(void)
{
	test_mbqm();
	test_fast_requant();
	test_rdiv();
	test_crc();
	test_names();
	test_requant();
}
