/* The apnea minute's input core (native/src/ht_ecg_apnea.c) on its own: refusals, an empty ring, a steady rhythm,
 * held intervals, the quantization's rounding and clamps. Its bits against the TypeScript it replaced, over
 * synthetic rings and every Apnea-ECG record, are checked in Node (test/apnea-input.test.ts); the random stream
 * below hashes to the value the reference gives there, so `make qemu` checks the Cortex-M4's soft-float doubles too. */
#include <math.h>
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

/* The spread term written out in doubles: 256 log2(sd_w / sd_n) over the same intervals. */
static double spread_reference(const uint32_t *beats, uint32_t count, int32_t rate, uint32_t minute)
{
	const int64_t first = (60 * (int64_t)minute + HT_APNEA_WINDOW_OFFSET_S) * rate;
	const int64_t last = first + (int64_t)HT_APNEA_STEP_S * (HT_APNEA_WINDOW - 1) * rate;
	double wn = 0, ws = 0, wq = 0, nn = 0, ns = 0, nq = 0;
	uint32_t i;
	for (i = 0; i + 1 < count && (int64_t)beats[i + 1] <= last; i++) {
		const int64_t d = ((int64_t)beats[i + 1] - (int64_t)beats[i]) * 1000 + rate / 2;
		const int64_t ms = d >= 0 ? d / rate : -((-d + rate - 1) / rate);
		if (ms < HT_APNEA_RR_MIN_MS || ms > HT_APNEA_RR_MAX_MS)
			continue;
		nn++, ns += (double)ms, nq += (double)ms * (double)ms;
		if ((int64_t)beats[i] >= first)
			wn++, ws += (double)ms, wq += (double)ms * (double)ms;
	}
	return 128.0 * log2(((wn * wq - ws * ws) / (wn * wn)) / ((nn * nq - ns * ns) / (nn * nn)));
}

static void test_apnea_spread(void)
{
	static uint32_t beats[6000], window_ring[1200];
	ht_apnea_night_t night, full, ringed;
	int32_t term = 7;
	uint32_t i, seed = 0x5eed5u, minute;
	int64_t x;
	int all;

	/* log2 in Q16: exact at powers of two, elsewhere at most one step below 65536 log2() (truncated, never above). */
	CHECK_EQ(ht_log2_q16(0), 0);
	CHECK_EQ(ht_log2_q16(1), 0);
	CHECK_EQ(ht_log2_q16(2), 65536);
	CHECK_EQ(ht_log2_q16((uint64_t)1 << 40), (int64_t)40 << 16);
	CHECK_EQ(ht_log2_q16(3), 103872); /* floor(65536 * 1.5849625...) */
	for (i = 0, all = 1; i < 20000; i++) {
		const uint64_t v = ((uint64_t)test_rand(&seed) << (test_rand(&seed) % 32u)) | 1u;
		x = ht_log2_q16(v);
		all &= (double)x - 65536.0 * log2((double)v) > -1.01 && (double)x - 65536.0 * log2((double)v) < 0.01;
	}
	CHECK(all);

	/* Refusals leave night and term alone. */
	CHECK_EQ(ht_apnea_night_reset(NULL), HT_E_ARGUMENT);
	CHECK_EQ(ht_apnea_night_reset(&night), HT_OK);
	CHECK_EQ(ht_apnea_spread(beats, 2, 0, 0, &night, &term), HT_E_ARGUMENT);
	CHECK_EQ(ht_apnea_spread(beats, 2, HT_APNEA_MAX_RATE + 1, 0, &night, &term), HT_E_ARGUMENT);
	CHECK_EQ(ht_apnea_spread(NULL, 2, 100, 0, &night, &term), HT_E_ARGUMENT);
	CHECK_EQ(ht_apnea_spread(beats, 2, 100, 0, NULL, &term), HT_E_ARGUMENT);
	CHECK_EQ(ht_apnea_spread(beats, 2, 100, 0, &night, NULL), HT_E_ARGUMENT);
	night.until = -2;
	CHECK_EQ(ht_apnea_spread(beats, 2, 100, 0, &night, &term), HT_E_ARGUMENT);
	night.until = -1;
	night.count = HT_APNEA_NIGHT_MAX_COUNT + 1;
	CHECK_EQ(ht_apnea_spread(beats, 2, 100, 0, &night, &term), HT_E_ARGUMENT);
	CHECK_EQ(term, 7);
	ht_apnea_night_reset(&night);
	CHECK_EQ(ht_apnea_spread(NULL, 0, 100, 0, &night, &term), HT_OK); /* no beats: no term */
	CHECK_EQ(term, 0);

	/* A steady rhythm does not vary: 0. */
	for (i = 0; i < 6000; i++)
		beats[i] = 80u * i;
	ht_apnea_night_reset(&night);
	for (minute = 0; minute < 8; minute++) {
		CHECK_EQ(ht_apnea_spread(beats, 6000, 100, minute, &night, &term), HT_OK);
		CHECK_EQ(term, 0);
	}

	/* A night of +-20 ms alternation, then minutes whose windows swing +-80 ms: sd ratio 4 (term 512) once the window
	 * holds only the wide swing; each term equals the double-precision definition within one step. */
	for (i = 1; i < 6000; i++)
		beats[i] = beats[i - 1] + (i < 3000 ? (i % 2 ? 78u : 82u) : (i % 2 ? 72u : 88u));
	ht_apnea_night_reset(&night);
	for (minute = 0, all = 1; minute < 70; minute++) {
		CHECK_EQ(ht_apnea_spread(beats, 6000, 100, minute, &night, &term), HT_OK);
		all &= fabs((double)term - spread_reference(beats, 6000, 100, minute)) <= 1.0;
	}
	CHECK(all);

	/* The device's ring (the beats from the window's first interval on, up to a few past its last instant) gives the
	 * terms all the beats give, minute by minute, on a random rhythm with gaps and out-of-range intervals. */
	for (i = 1; i < 6000; i++) {
		const uint32_t r = test_rand(&seed);
		beats[i] = beats[i - 1] + 40u + r % 90u + (r % 97u == 0 ? 400u : 0u);
	}
	ht_apnea_night_reset(&full);
	ht_apnea_night_reset(&ringed);
	for (minute = 0, all = 1; minute < 90; minute++) {
		const int64_t first = (60 * (int64_t)minute + HT_APNEA_WINDOW_OFFSET_S) * 100;
		const int64_t last = first + (int64_t)HT_APNEA_STEP_S * (HT_APNEA_WINDOW - 1) * 100;
		uint32_t from = 0, to, n;
		int32_t a = 0, b = 1;
		while (from < 6000 && (int64_t)beats[from] < first)
			from++;
		from = from > 0 ? from - 1 : 0;
		for (to = from; to < 6000 && (int64_t)beats[to] <= last; to++)
			;
		to = to + 3 < 6000 ? to + 3 : 6000;
		n = to - from < 1200 ? to - from : 1200;
		memcpy(window_ring, beats + from, n * sizeof(uint32_t));
		CHECK_EQ(ht_apnea_spread(beats, 6000, 100, minute, &full, &a), HT_OK);
		CHECK_EQ(ht_apnea_spread(window_ring, n, 100, minute, &ringed, &b), HT_OK);
		all &= a == b && full.count == ringed.count && full.sum == ringed.sum && full.sumsq == ringed.sumsq;
	}
	CHECK(all);
	CHECK(full.count > 1000);

	/* At the count cap the night is halved rather than overflowing. */
	ht_apnea_night_reset(&night);
	night.count = HT_APNEA_NIGHT_MAX_COUNT;
	night.sum = (int64_t)HT_APNEA_NIGHT_MAX_COUNT * 800;
	night.sumsq = (int64_t)HT_APNEA_NIGHT_MAX_COUNT * 800 * 800 + (int64_t)HT_APNEA_NIGHT_MAX_COUNT * 400;
	CHECK_EQ(ht_apnea_spread(beats, 6000, 100, 5, &night, &term), HT_OK);
	CHECK(night.count > HT_APNEA_NIGHT_MAX_COUNT / 2 && night.count < HT_APNEA_NIGHT_MAX_COUNT);
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
	test_apnea_spread();
}
