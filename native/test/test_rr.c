/* The RR context's core (native/src/ht_ecg_rr.c) on its own: refusals, an empty context, a regular rhythm, a
 * premature beat and its pause, what a reset keeps. Its bits against the TypeScript it replaced, over synthetic
 * streams and MIT-BIH, are checked in Node (test/rr-context.test.ts) and against the XS binding
 * (test/ecg-wasm.test.ts). */
#include <string.h>

#include "ht.h"
#include "ht_ecg_rr.h"
#include "test_util.h"

static uint64_t state[(4096 + 7) / 8];

/* The reference's hash of the random stream below (test/rr-context.test.ts pins the same value). */
#define RR_REFERENCE_HASH 0x12dfae18u

static int all_zero(const float *f)
{
	int k;
	for (k = 0; k < HT_RR_FEATURES; k++)
		if (f[k] != 0.0f)
			return 0;
	return 1;
}

void test_rr(void)
{
	float f[HT_RR_FEATURES];
	uint32_t bytes = ht_rr_state_bytes();
	int i;

	CHECK(bytes > 0 && bytes <= sizeof(state));
	CHECK_EQ(ht_rr_init(state, bytes - 1, 360), HT_E_ARGUMENT);
	CHECK_EQ(ht_rr_init((uint8_t *)state + 4, bytes, 360), HT_E_ARGUMENT); /* misaligned */
	CHECK_EQ(ht_rr_init(state, bytes, 0), HT_E_ARGUMENT);
	CHECK_EQ(ht_rr_init(state, bytes, HT_RR_MAX_RATE + 1), HT_E_ARGUMENT);
	CHECK_EQ(ht_rr_init(NULL, bytes, 360), HT_E_ARGUMENT);
	memset(state, 0, sizeof(state));
	CHECK_EQ(ht_rr_next(state, 288, 288, f), HT_E_ARGUMENT); /* not initialized */
	CHECK_EQ(ht_rr_reset(state), HT_E_ARGUMENT);
	CHECK_EQ(ht_rr_init(state, bytes, 360), HT_OK);
	CHECK_EQ(ht_rr_next(state, 288, 288, NULL), HT_E_ARGUMENT);

	/* Empty histories: only the seconds of the beat's own intervals; 288 samples at 360 Hz is 0.8 s. */
	CHECK_EQ(ht_rr_next(state, 0, -7, f), HT_OK);
	CHECK(all_zero(f));
	CHECK_EQ(ht_rr_next(state, 396, 288, f), HT_OK); /* 1.1 s, then joins the histories */
	CHECK(f[0] == 0.0f && f[2] == 0.0f && f[3] == 0.0f && f[8] == 0.0f);
	CHECK(f[6] == (float)(396.0 / 360 - 0.8) && f[7] == 0.0f);

	/* A regular rhythm at 75 bpm reads as all zeros. */
	CHECK_EQ(ht_rr_init(state, bytes, 360), HT_OK);
	for (i = 0; i < 300; i++)
		CHECK_EQ(ht_rr_next(state, 288, 288, f), HT_OK);
	CHECK(all_zero(f));
	/* A premature beat (200) and its pause (376) against the local and long-term 288; the irregularity is 0 (one
	 * premature beat cannot move a median of 16 differences). */
	CHECK_EQ(ht_rr_next(state, 200, 376, f), HT_OK);
	CHECK(f[0] == (float)(200.0 / 288 - 1) && f[1] == (float)(376.0 / 288 - 1));
	CHECK(f[3] == f[0] && f[4] == f[1] && f[5] == 0.0f && f[8] == 0.0f);
	/* Clamps at 2 (ratios and seconds cannot go below -1 and -0.8). */
	CHECK_EQ(ht_rr_next(state, 376, 2147483647, f), HT_OK);
	CHECK(f[1] == 2.0f && f[4] == 2.0f && f[7] == 2.0f);
	/* 1, 1, 1000, ...: two of three differences are 999, the mean is 334: the irregularity clamps at 2. */
	CHECK_EQ(ht_rr_init(state, bytes, 1), HT_OK);
	for (i = 0; i < 40; i++)
		CHECK_EQ(ht_rr_next(state, i % 3 == 2 ? 1000 : 1, 5, f), HT_OK);
	CHECK(f[8] == 2.0f && f[6] == (float)(1.0 - 0.8) && f[2] == f[6]);

	/* A reset clears the local rhythm and the irregularity but keeps the long-term mean. */
	CHECK_EQ(ht_rr_init(state, bytes, 360), HT_OK);
	for (i = 0; i < 300; i++)
		CHECK_EQ(ht_rr_next(state, i % 2 ? 250 : 326, 288, f), HT_OK);
	CHECK(f[8] > 0.2f);
	CHECK_EQ(ht_rr_reset(state), HT_OK);
	CHECK_EQ(ht_rr_next(state, 360, 288, f), HT_OK);
	CHECK(f[0] == 0.0f && f[2] == 0.0f && f[8] == 0.0f);
	CHECK(f[3] == (float)(360.0 / 288 - 1) && f[4] == 0.0f);

	/* Any int32 intervals, resets at any time, every rate's extremes (run under the sanitizers too): every feature
	 * stays in its range (the ratios and seconds -2..2, the irregularity 0..2; NaN fails both), and the features'
	 * bits hash (FNV-1a over 32-bit words) to what the TypeScript the C replaced gives for the same stream
	 * (test/rr-context.test.ts computes it from test/rr-reference.ts): on the host, and on the Cortex-M4's
	 * soft-float doubles under `make qemu`. */
	{
		static const int32_t extreme[] = { 0, -1, INT32_MIN, 1, 2, INT32_MAX, INT32_MAX - 1, 1 << 30 };
		static const int32_t rates[] = { 1, 360, HT_RR_MAX_RATE };
		uint32_t seed = 0x52521u, hash = 2166136261u;
		int r, k, in_range = 1;
		for (r = 0; r < 3; r++) {
			CHECK_EQ(ht_rr_init(state, bytes, rates[r]), HT_OK);
			for (i = 0; i < 5000; i++) {
				int32_t v[2];
				for (k = 0; k < 2; k++) {
					uint32_t x = test_rand(&seed);
					v[k] = x % 4 == 0 ? extreme[(x >> 2) % 8] : x % 4 == 1 ? (int32_t)(x >> 1) : (int32_t)(200 + (x >> 8) % 300);
				}
				if (test_rand(&seed) % 64 == 0)
					CHECK_EQ(ht_rr_reset(state), HT_OK);
				CHECK_EQ(ht_rr_next(state, v[0], v[1], f), HT_OK);
				for (k = 0; k < HT_RR_FEATURES; k++) {
					uint32_t bits;
					if (!(f[k] >= (k == 8 ? 0.0f : -2.0f) && f[k] <= 2.0f))
						in_range = 0;
					memcpy(&bits, &f[k], sizeof(bits));
					hash = (hash ^ bits) * 16777619u;
				}
			}
		}
		CHECK(in_range);
		CHECK_EQ(hash, RR_REFERENCE_HASH);
	}
}
