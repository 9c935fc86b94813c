/* The beat input (ht_input.h): the §6 rule on hand-picked values (halves both ways, negatives, the clamp, zero
 * points, non-finite refusal), the [L][C] layout with feature channels, float32 rounding of the ECG lead, and every
 * length / argument check leaving the output untouched. Equality with the TypeScript rule over many values is
 * test/runtime-input.test.ts (through the simulator's XS). */
#include <float.h>
#include <math.h>
#include <string.h>

#include "ht.h"
#include "ht_input.h"
#include "test_util.h"

static int q(double x, double scale, int32_t zero_point)
{
	int8_t v = 99;
	int status = ht_quantize_value(x, scale, zero_point, &v);
	return status == HT_OK ? v : 1000 + status;
}

static void test_rule(void)
{
	CHECK_EQ(q(0.5, 1, 0), 1);
	CHECK_EQ(q(-0.5, 1, 0), -1);
	CHECK_EQ(q(1.5, 1, 0), 2);
	CHECK_EQ(q(-1.5, 1, 0), -2);
	CHECK_EQ(q(2.5, 1, 0), 3);
	CHECK_EQ(q(-2.5, 1, 0), -3);
	CHECK_EQ(q(0.49999999999999994, 1, 0), 1); /* floor(y + 0.5) as JS computes it, not round() */
	CHECK_EQ(q(-0.49999999999999994, 1, 0), -1);
	CHECK_EQ(q(0.4, 1, 0), 0);
	CHECK_EQ(q(-0.4, 1, 0), 0);
	CHECK_EQ(q(-0.0, 1, 0), 0);
	CHECK_EQ(q(0.03, 0.02, 0), 2);  /* 1.4999999999999998 in doubles: 1 + 0.5 rounds up to 2 */
	CHECK_EQ(q(0.05, 0.02, 0), 3);  /* 2.5 -> 3 */
	CHECK_EQ(q(-0.05, 0.02, 0), -3);
	CHECK_EQ(q(1.0, 0.02, 0), 50);
	CHECK_EQ(q(2.54, 0.02, 0), 127);
	CHECK_EQ(q(2.55, 0.02, 0), 127); /* 127.5 -> 128 -> clamped */
	CHECK_EQ(q(-2.56, 0.02, 0), -128);
	CHECK_EQ(q(-2.58, 0.02, 0), -128);
	CHECK_EQ(q(1e300, 1e-300, 0), 127); /* y overflows to infinity: clamped, not refused */
	CHECK_EQ(q(-1e300, 1e-300, 0), -128);
	CHECK_EQ(q(0, 1, -128), -128);
	CHECK_EQ(q(0, 1, 127), 127);
	CHECK_EQ(q(1, 1, 127), 127);
	CHECK_EQ(q(-3.5, 1, 10), 6); /* -4 + 10 */
	CHECK_EQ(q(0.5, 0.1, -10), -5);
	CHECK_EQ(q(NAN, 1, 0), 1000 + HT_E_ARGUMENT);
	CHECK_EQ(q(INFINITY, 1, 0), 1000 + HT_E_ARGUMENT);
	CHECK_EQ(q(-INFINITY, 1, 0), 1000 + HT_E_ARGUMENT);
	CHECK_EQ(q(1, 0, 0), 1000 + HT_E_ARGUMENT);
	CHECK_EQ(q(1, -0.02, 0), 1000 + HT_E_ARGUMENT);
	CHECK_EQ(q(1, NAN, 0), 1000 + HT_E_ARGUMENT);
	CHECK_EQ(q(1, INFINITY, 0), 1000 + HT_E_ARGUMENT);
	CHECK_EQ(q(1, 1, 128), 1000 + HT_E_ARGUMENT);
	CHECK_EQ(q(1, 1, -129), 1000 + HT_E_ARGUMENT);
	CHECK_EQ(ht_quantize_value(1, 1, 0, NULL), HT_E_ARGUMENT);
}

static void test_layout(void)
{
	/* 256 units/mV, scale 1/64 mV (exact in binary): 1 unit = 0.25 step; 2 -> 0.5 -> 1 (away from zero), -2 -> -1,
	 * 6 -> 1.5 -> 2, 1000 -> 250 -> 127, -1000 -> -128. Features: 19.5 steps -> 20, float32(-1.03) = -65.92 steps
	 * -> -66, 128 steps -> 127. */
	const int32_t window[6] = {2, -2, 6, -6, 1000, -1000};
	const float features[3] = {0.3046875f, -1.03f, 2.0f};
	int8_t out[6 * 4];
	int i;
	memset(out, 0x55, sizeof out);
	CHECK_EQ(ht_input_beat(out, 24, window, 6, 256, features, 3, 1.0 / 64, 0), HT_OK);
	const int8_t lead[6] = {1, -1, 2, -2, 127, -128};
	for (i = 0; i < 6; i++) {
		CHECK_EQ(out[i * 4 + 0], lead[i]);
		CHECK_EQ(out[i * 4 + 1], 20);
		CHECK_EQ(out[i * 4 + 2], -66);
		CHECK_EQ(out[i * 4 + 3], 127);
	}
	/* Without features: C = 1. */
	memset(out, 0x55, sizeof out);
	CHECK_EQ(ht_input_beat(out, 6, window, 6, 256, NULL, 0, 1.0 / 64, 0), HT_OK);
	for (i = 0; i < 6; i++)
		CHECK_EQ(out[i], lead[i]);
	CHECK_EQ(out[6], 0x55);
}

static void test_float32_rounding(void)
{
	/* Every adc in -3000..3000 at several gains and scales against the rule spelled out: x = float32(adc / gain). */
	int32_t window[1];
	int8_t out[1];
	const double gains[4] = {200, 3, 7.3, 1241};
	const double scales[4] = {0.02, 0.0013, 1.0 / 3, 0.015625};
	int g, s;
	long bad = 0;
	for (g = 0; g < 4; g++)
		for (s = 0; s < 4; s++)
			for (int32_t a = -3000; a <= 3000; a++) {
				window[0] = a;
				float x = (float)((double)a / gains[g]);
				int8_t expect;
				ht_quantize_value((double)x, scales[s], 3, &expect);
				if (ht_input_beat(out, 1, window, 1, gains[g], NULL, 0, scales[s], 3) != HT_OK || out[0] != expect)
					bad++;
			}
	CHECK_EQ(bad, 0);
	/* The float32 step decides: -2930 / 200 = -14.65 mV is -146.5 steps of 0.1 in doubles (-> -147), but float32(-14.65)
	 * is -146.49999618530273 steps (-> -146); + zero point 127: -19, not -20. */
	window[0] = -2930;
	CHECK_EQ(ht_input_beat(out, 1, window, 1, 200, NULL, 0, 0.1, 127), HT_OK);
	CHECK_EQ(out[0], -19);
}

static void test_refusals(void)
{
	const int32_t window[4] = {1, 2, 3, 4};
	float features[2] = {0.5f, 0.25f};
	int8_t out[8];
	int i;
	memset(out, 0x33, sizeof out);
	CHECK_EQ(ht_input_beat(out, 7, window, 4, 200, features, 1, 0.02, 0), HT_E_ARGUMENT); /* 4 x 2 = 8 */
	CHECK_EQ(ht_input_beat(out, 8, window, 4, 200, features, 2, 0.02, 0), HT_E_ARGUMENT); /* 4 x 3 = 12 */
	CHECK_EQ(ht_input_beat(out, 8, window, 3, 200, features, 1, 0.02, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat(out, 0, window, 0, 200, NULL, 0, 0.02, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat(out, 8, window, 4, 200, NULL, 1, 0.02, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat(out, 8, NULL, 4, 200, features, 1, 0.02, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat(NULL, 8, window, 4, 200, features, 1, 0.02, 0), HT_E_ARGUMENT);
	/* length * C wraps around 2^32: 0x80000000 * 2 = 0 (mod 2^32) must not pass as out_count 0. */
	CHECK_EQ(ht_input_beat(out, 0, window, 0x80000000u, 200, features, 1, 0.02, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat(out, 8, window, 4, 0, features, 1, 0.02, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat(out, 8, window, 4, -200, features, 1, 0.02, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat(out, 8, window, 4, NAN, features, 1, 0.02, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat(out, 8, window, 4, INFINITY, features, 1, 0.02, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat(out, 8, window, 4, 1e-300, features, 1, 0.02, 0), HT_E_ARGUMENT); /* float32 overflow */
	CHECK_EQ(ht_input_beat(out, 8, window, 4, 200, features, 1, 0, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat(out, 8, window, 4, 200, features, 1, 0.02, 200), HT_E_ARGUMENT);
	features[0] = NAN;
	CHECK_EQ(ht_input_beat(out, 8, window, 4, 200, features, 1, 0.02, 0), HT_E_ARGUMENT);
	features[0] = INFINITY;
	CHECK_EQ(ht_input_beat(out, 8, window, 4, 200, features, 1, 0.02, 0), HT_E_ARGUMENT);
	features[0] = 0.5f;
	features[1] = -INFINITY;
	CHECK_EQ(ht_input_beat(out, 12, window, 4, 200, features, 2, 0.02, 0), HT_E_ARGUMENT);
	for (i = 0; i < 8; i++)
		CHECK_EQ(out[i], 0x33);
	/* Unaligned window and features (the core reads with memcpy). */
	uint8_t raw[1 + 4 * 4 + 4];
	memcpy(raw + 1, window, sizeof window);
	memcpy(raw + 1 + sizeof window, &features[0], 4);
	CHECK_EQ(ht_input_beat(out, 8, raw + 1, 4, 200, raw + 1 + sizeof window, 1, 0.02, 0), HT_OK);
	CHECK_EQ(out[0], 0); /* float32(1 / 200) = 0.2499999 step */
	CHECK_EQ(out[1], 25);
	CHECK_EQ(out[6], 1); /* float32(4 / 200) = 0.99999997 step */
}

/* The plan gives ht_input_beat's bytes: every adc in -4000..4000 and the int32 extremes, with and without features,
 * at ordinary and pathological gains, scales and zero points; its refusals are ht_input_beat's. */
static void test_plan(void)
{
	static ht_input_plan plan;
	const double gains[6] = {200, 1241, 3, 7.3, 1e-30, 1e30};
	const double scales[6] = {0.02, 0.0137, 1.0 / 3, 1e-12, 1e12, 0.1};
	const int32_t zeros[3] = {0, -7, 127};
	enum { N = 8001 + 8 };
	static int32_t window[N];
	static int8_t direct[N * 4], planned[N * 4];
	const float features[3] = {0.3046875f, -1.03f, 2.0f};
	uint32_t seed = 99;
	long bad = 0, levels = 0;
	int g, s, z, i;
	for (i = 0; i < 8001; i++)
		window[i] = i - 4000;
	const int32_t extremes[8] = {INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1, 1 << 30, -(1 << 30), 123456789, -98765};
	for (i = 0; i < 8; i++)
		window[8001 + i] = extremes[i];
	for (g = 0; g < 6; g++)
		for (s = 0; s < 6; s++)
			for (z = 0; z < 3; z++) {
				if (ht_input_plan_init(&plan, gains[g], scales[s], zeros[z]) != HT_OK) {
					CHECK(gains[g] < 1e-20); /* float32 overflow: refused like ht_input_beat */
					CHECK_EQ(ht_input_beat(direct, N, window, N, gains[g], NULL, 0, scales[s], zeros[z]), HT_E_ARGUMENT);
					continue;
				}
				CHECK_EQ(ht_input_beat(direct, N * 4, window, N, gains[g], features, 3, scales[s], zeros[z]), HT_OK);
				CHECK_EQ(ht_input_beat_planned(planned, N * 4, window, N, &plan, features, 3), HT_OK);
				if (memcmp(direct, planned, sizeof direct) != 0)
					bad++;
				for (i = 1; i < N; i++)
					levels += direct[i * 4] != direct[(i - 1) * 4];
			}
	CHECK_EQ(bad, 0);
	CHECK(levels > 1000); /* the ranges cross many levels */
	/* Random int32 samples at the default input. */
	CHECK_EQ(ht_input_plan_init(&plan, 200, 0.02, 0), HT_OK);
	for (i = 0; i < N; i++)
		window[i] = (int32_t)test_rand(&seed) >> (test_rand(&seed) % 31);
	CHECK_EQ(ht_input_beat(direct, N, window, N, 200, NULL, 0, 0.02, 0), HT_OK);
	CHECK_EQ(ht_input_beat_planned(planned, N, window, N, &plan, NULL, 0), HT_OK);
	CHECK(memcmp(direct, planned, N) == 0);
	/* Refusals. */
	float nan_feature[1] = {NAN};
	memset(planned, 0x33, 16);
	CHECK_EQ(ht_input_beat_planned(planned, 7, window, 4, &plan, features, 1), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat_planned(planned, 8, window, 4, &plan, nan_feature, 1), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat_planned(planned, 8, window, 4, NULL, features, 1), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_beat_planned(planned, 0, window, 0x80000000u, &plan, features, 1), HT_E_ARGUMENT);
	for (i = 0; i < 16; i++)
		CHECK_EQ(planned[i], 0x33);
	ht_input_plan forged = plan;
	forged.magic = 0;
	CHECK_EQ(ht_input_beat_planned(planned, 4, window, 4, &forged, NULL, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_plan_init(&plan, 0, 0.02, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_plan_init(&plan, 200, NAN, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_plan_init(&plan, 200, 0.02, 128), HT_E_ARGUMENT);
	CHECK_EQ(ht_input_plan_init(NULL, 200, 0.02, 0), HT_E_ARGUMENT);
}

void test_input(void)
{
	test_plan();
	test_rule();
	test_layout();
	test_float32_rounding();
	test_refusals();
}
