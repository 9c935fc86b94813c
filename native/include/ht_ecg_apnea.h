/*
 * The apnea model's input for one minute (docs/FORMAT.md §6, "RR sequence"): the RR interval in force every
 * HT_APNEA_STEP_S seconds at HT_APNEA_WINDOW instants from (60 * minute + HT_APNEA_WINDOW_OFFSET_S) s, in integer
 * milliseconds (intervals outside HT_APNEA_RR_MIN_MS..HT_APNEA_RR_MAX_MS, and instants before the first or after
 * the last beat, hold the last usable value; the window's first usable one before any; 1000 ms when there is
 * none), minus the window's mean (floored to whole ms), as float32 seconds; then, optionally, quantized to int8
 * by the §6 rule q = clamp(round_half_away(x / scale) + zero_point, -128, 127). The one definition, for the device
 * and simulators (modules/app/apnea-minutes.ts through native/xs/ht_xs_ecg.c) and the host's dataset builder
 * (modules/rhythm/apnea-input.ts over host/ecg-wasm).
 *
 * Every value is an integer until the last division, computed in int64 where the earlier TypeScript used doubles
 * that held integers exactly, then one float32 division per value; the quantization is the TypeScript's double
 * arithmetic (test/apnea-input-reference.ts keeps that TypeScript; test/apnea-input.test.ts holds the two equal bit
 * for bit): every target (Cortex-M4, x86, wasm) computes the same bits.
 * Portable: no XS headers, no allocation, no C library but floor().
 */
#ifndef HT_ECG_APNEA_H
#define HT_ECG_APNEA_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HT_APNEA_WINDOW 256
#define HT_APNEA_STEP_S 2
#define HT_APNEA_WINDOW_OFFSET_S (30 - (HT_APNEA_WINDOW * HT_APNEA_STEP_S) / 2)
#define HT_APNEA_RR_MIN_MS 300
#define HT_APNEA_RR_MAX_MS 2000
#define HT_APNEA_RR_FALLBACK_MS 1000
#define HT_APNEA_MAX_RATE 10000

/* Minute `minute`'s input into window (HT_APNEA_WINDOW float32s) from the first `count` beat times of `beats`
 * (sample indices at sample_rate Hz, increasing: the device's ring): the number of samples whose value is held
 * rather than measured (0..HT_APNEA_WINDOW), or -1 (nothing written) when sample_rate is outside
 * 1..HT_APNEA_MAX_RATE or a pointer is NULL where values are needed (beats may be NULL when count is 0). */
int32_t ht_apnea_input(const uint32_t *beats, uint32_t count, int32_t sample_rate, uint32_t minute, float *window);

/* The window's HT_APNEA_WINDOW values quantized into q (modules/runtime/quantize.ts quantizeInto, in doubles):
 * HT_OK, or HT_E_ARGUMENT (nothing written) when a pointer is NULL, scale is not a finite number > 0, zero_point
 * is outside -128..127 or a value is not finite. */
int ht_apnea_quantize(const float *window, double scale, int32_t zero_point, int8_t *q);

/* The apnea spread term (modules/rhythm/apnea-spread.ts; a decision term `apnea cv` scores, not yet in the packed
 * format or the app): how much the RR intervals vary in minute m's
 * window against the whole recording so far, as round(256 * log2(sd of the window's intervals / sd of the night's)).
 * An RR interval [b_i, b_i+1) counts when its whole milliseconds (rounded as in ht_apnea_input) are in
 * HT_APNEA_RR_MIN_MS..HT_APNEA_RR_MAX_MS and it closes by the window's last instant L (the sample index
 * (60 * minute + HT_APNEA_WINDOW_OFFSET_S + HT_APNEA_STEP_S * (HT_APNEA_WINDOW - 1)) * rate, when the device assesses
 * the minute: every beat up to L is then known); the window's intervals also open at or after its first instant.
 * The night's are kept in ht_apnea_night_t, which each call extends by the intervals that close after its `until`
 * and by L: call it for every minute in turn (0, 1, 2, ...: a skipped minute's intervals would be missed where the
 * beats are a ring), on beats that reach back to the interval open at the window's first instant (the device's ring
 * does). Integers only (int64 sums, an integer log2), so every target computes the same term. */
#define HT_APNEA_SPREAD_MAX 4096
/* The night's intervals are halved (count, sum and sum of squares, floored) when their count reaches this, so the
 * sums stay within int64 over any run; the mean and the spread barely move. */
#define HT_APNEA_NIGHT_MAX_COUNT (1u << 20)

typedef struct {
	int64_t until; /* intervals closing at or before this sample index are in; -1 at the start */
	int64_t sum;   /* of their milliseconds */
	int64_t sumsq; /* of their milliseconds squared */
	uint32_t count;
	uint32_t reserved;
} ht_apnea_night_t;

/* A new recording: no interval counted. HT_OK, or HT_E_ARGUMENT when night is NULL. */
int ht_apnea_night_reset(ht_apnea_night_t *night);

/* Minute `minute`'s spread term into *term (-HT_APNEA_SPREAD_MAX..HT_APNEA_SPREAD_MAX; 0 while the window or the
 * night has fewer than two intervals or the night's do not vary; -HT_APNEA_SPREAD_MAX when the window's do not vary),
 * after extending night: HT_OK, or HT_E_ARGUMENT (nothing changed) when sample_rate is outside
 * 1..HT_APNEA_MAX_RATE, night or term is NULL, night holds what no call leaves there (until below -1, a negative sum,
 * count above HT_APNEA_NIGHT_MAX_COUNT), or beats is NULL with count > 0. */
int ht_apnea_spread(const uint32_t *beats, uint32_t count, int32_t sample_rate, uint32_t minute, ht_apnea_night_t *night, int32_t *term);

/* 65536 * log2(x) for x >= 1, truncated: at most one step below (bit by bit: the integer part from the highest set
 * bit, each fraction bit from squaring the 32-bit mantissa); 0 for x = 0. Exposed for tests. */
int64_t ht_log2_q16(uint64_t x);

#ifdef __cplusplus
}
#endif

#endif
