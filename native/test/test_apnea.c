/* The apnea minute's input core (native/src/ht_ecg_apnea.c) on its own: refusals, an empty ring, a steady rhythm,
 * held intervals, the quantization's rounding and clamps. Its bits against the TypeScript it replaced, over
 * synthetic rings and every Apnea-ECG record, are checked in Node (test/apnea-input.test.ts); the random stream
 * below hashes to the value the reference gives there, so `make qemu` checks the Cortex-M4's soft-float doubles too. */
#include <string.h>

#include "ht.h"
#include "ht_ecg_apnea.h"
#include "test_util.h"

/* The reference's hash of the random stream below (test/apnea-input.test.ts pins the same value). */
#define APNEA_REFERENCE_HASH 0x1c1d9adeu

static uint32_t ring[1200];
static float window[HT_APNEA_WINDOW];
static int8_t q[HT_APNEA_WINDOW];

static uint32_t stream_hash(void)
{
	static const int32_t rates[] = { 1, 100, 360, HT_APNEA_MAX_RATE };
	static const double scales[] = { 1.0 / 128, 0.0173, 0.004, 1e-6, 3.3, 0.05 };
	uint32_t seed = 0xa9e1au, hash = 2166136261u;
	int r, trial, k;
	for (r = 0; r < 4; r++) {
		const uint32_t rate = (uint32_t)rates[r];
		for (trial = 0; trial < 60; trial++) {
			uint32_t count = test_rand(&seed) % 1200u, mode = test_rand(&seed) % 3u, i, pick, per, near, minute;
			uint64_t b = mode == 2 ? 0xffffffffu - test_rand(&seed) % (rate * 1000u) : test_rand(&seed) % (rate * 3600u);
			const uint32_t first = (uint32_t)b;
			int32_t held, zero_point;
			double scale;
			for (i = 0; i < count; i++) {
				uint32_t x;
				uint64_t step;
				if (mode == 1) {
					ring[i] = test_rand(&seed);
					continue;
				}
				ring[i] = (uint32_t)b;
				x = test_rand(&seed);
				step = (200u + x % 2000u) * rate / 1000u;
				if (x % 50u == 0)
					step += test_rand(&seed) % (rate * 30u);
				b = b + step > 0xffffffffu ? 0xffffffffu : b + step;
			}
			per = rate * 60u;
			near = first / per;
			pick = test_rand(&seed) % 4u;
			if (pick == 0)
				minute = test_rand(&seed);
			else if (pick == 1)
				minute = test_rand(&seed) % 16u;
			else {
				int64_t m = (int64_t)near + (int64_t)(test_rand(&seed) % 12u) - 4;
				minute = m < 0 ? 0 : (uint32_t)m;
			}
			zero_point = (int32_t)(test_rand(&seed) % 256u) - 128;
			scale = scales[test_rand(&seed) % 6u];
			held = ht_apnea_input(ring, count, (int32_t)rate, minute, window);
			CHECK(held >= 0 && held <= HT_APNEA_WINDOW);
			CHECK_EQ(ht_apnea_quantize(window, scale, zero_point, q), HT_OK);
			hash = (hash ^ (uint32_t)held) * 16777619u;
			for (k = 0; k < HT_APNEA_WINDOW; k++) {
				uint32_t bits;
				memcpy(&bits, &window[k], sizeof(bits));
				hash = (hash ^ bits) * 16777619u;
			}
			for (k = 0; k < HT_APNEA_WINDOW; k++)
				hash = (hash ^ (uint32_t)(uint8_t)q[k]) * 16777619u;
		}
	}
	return hash;
}

void test_apnea(void)
{
	int k, all;
	uint32_t i;

	/* Refusals: nothing written. */
	memset(window, 0x7f, sizeof(window));
	CHECK_EQ(ht_apnea_input(ring, 2, 0, 0, window), -1);
	CHECK_EQ(ht_apnea_input(ring, 2, HT_APNEA_MAX_RATE + 1, 0, window), -1);
	CHECK_EQ(ht_apnea_input(NULL, 2, 100, 0, window), -1);
	CHECK_EQ(ht_apnea_input(ring, 2, 100, 0, NULL), -1);
	CHECK(window[0] != window[0] || window[0] > 1e30f); /* still the 0x7f bytes */
	CHECK_EQ(ht_apnea_quantize(NULL, 0.01, 0, q), HT_E_ARGUMENT);
	CHECK_EQ(ht_apnea_quantize(window, 0.01, 0, NULL), HT_E_ARGUMENT);

	/* No beats: every sample held, the fallback minus itself. */
	CHECK_EQ(ht_apnea_input(NULL, 0, 100, 0, window), HT_APNEA_WINDOW);
	for (k = 0, all = 1; k < HT_APNEA_WINDOW; k++)
		all &= window[k] == 0.0f;
	CHECK(all);
	CHECK_EQ(ht_apnea_quantize(window, 0.0, 0, q), HT_E_ARGUMENT);
	CHECK_EQ(ht_apnea_quantize(window, 1.0 / 0.0, 0, q), HT_E_ARGUMENT);
	CHECK_EQ(ht_apnea_quantize(window, 0.01, 128, q), HT_E_ARGUMENT);
	CHECK_EQ(ht_apnea_quantize(window, 0.01, -129, q), HT_E_ARGUMENT);

	/* 800 ms beats at 100 Hz from 0: minute 5 measures every sample, minute 0 holds those before the first beat
	 * (its window starts 226 s before it) at the first measured value. */
	for (i = 0; i < 1000; i++)
		ring[i] = 80u * i;
	CHECK_EQ(ht_apnea_input(ring, 1000, 100, 5, window), 0);
	for (k = 0, all = 1; k < HT_APNEA_WINDOW; k++)
		all &= window[k] == 0.0f;
	CHECK(all);
	CHECK_EQ(ht_apnea_input(ring, 1000, 100, 0, window), 113); /* -226, -224, ..., -2 s: 113 instants */
	/* A 3 s gap (out of range: held) at 300 s and a 1.2 s interval at 400 s in minute 5 (window 74..584 s). */
	ring[375] = 80u * 375 + 300; /* the 374th interval 3.8 s, the 375th 0.5 s... */
	for (i = 376; i < 1000; i++)
		ring[i] = ring[375] + 80u * (i - 375);
	CHECK_EQ(ht_apnea_input(ring, 1000, 100, 5, window), 2); /* [299.2, 303) s holds the samples at 300 and 302 s */
	CHECK(window[0] < 0.001f && window[0] > -0.001f);

	/* Quantization: round half away from zero, then the zero point, then the clamp. */
	for (k = 0; k < HT_APNEA_WINDOW; k++)
		window[k] = 0.0f;
	window[0] = 0.25f;
	window[1] = -0.25f;
	window[2] = 0.125f;
	window[3] = 1000.0f;
	window[4] = -1000.0f;
	CHECK_EQ(ht_apnea_quantize(window, 0.5, 3, q), HT_OK);
	CHECK(q[0] == 4 && q[1] == 2 && q[2] == 3 && q[3] == 127 && q[4] == -128 && q[5] == 3);
	window[5] = 1.0f / 0.0f;
	q[0] = 0;
	CHECK_EQ(ht_apnea_quantize(window, 0.5, 3, q), HT_E_ARGUMENT);
	CHECK_EQ(q[0], 0);

	CHECK_EQ(stream_hash(), APNEA_REFERENCE_HASH);

	/* The value in seconds is a float32 division of a whole number of ms by 1000 (|ms| <= 1700 there): for every
	 * integer up to 2^20 in magnitude it equals the reference's double quotient rounded to float32. */
	{
		int32_t d;
		volatile float thousand = 1000.0f; /* no constant folding: the target's own division */
		for (d = -(1 << 20), all = 1; d <= (1 << 20); d++)
			all &= (float)d / thousand == (float)((double)d / 1000.0);
		CHECK(all);
	}
}
