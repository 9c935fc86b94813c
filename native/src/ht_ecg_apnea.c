/* The apnea model's minute input (native/include/ht_ecg_apnea.h). Each step is the TypeScript's (the reference in
 * test/apnea-input-reference.ts), in IEEE doubles where it used numbers: beat times (uint32) and their differences
 * are exact, every millisecond value and sum is an integer below 2^53, and the only roundings are the divisions
 * (the interval in ms, floored; the mean, floored; the value in seconds, rounded once to float32; x / scale when
 * quantizing), each correctly rounded on every target. */
#include <stddef.h>

#include "ht.h"
#include "ht_ecg_apnea.h"

/* The wasm build has no C library: clang lowers the builtins to f64.floor; GCC on the M4 calls libm's floor. */
#if defined(__GNUC__)
#define HT_FLOOR(x) __builtin_floor(x)
#define HT_ISFINITE(x) __builtin_isfinite(x)
#else
#include <math.h>
#define HT_FLOOR(x) floor(x)
#define HT_ISFINITE(x) isfinite(x)
#endif

/* The first of the `count` beats whose time is >= t (count when none), by the reference's binary search. */
static uint32_t first_at_or_after(const uint32_t *beats, uint32_t count, double t)
{
	uint32_t lo = 0, hi = count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2u; /* (lo + hi) >> 1 for every count the reference took */
		if ((double)beats[mid] < t)
			lo = mid + 1u;
		else
			hi = mid;
	}
	return lo;
}

int32_t ht_apnea_input(const uint32_t *beats, uint32_t count, int32_t sample_rate, uint32_t minute, float *window)
{
	const double rate = (double)sample_rate;
	const double half = (double)(sample_rate >> 1);
	double start, sum, mean, fill;
	int64_t i; /* beats[i], beats[i + 1] may hold the instant: -1 before the first beat */
	int32_t held = 0, k;
	double last = -1;
	if (!window || (count && !beats) || sample_rate < 1 || sample_rate > HT_APNEA_MAX_RATE)
		return -1;
	/* 60 * minute + offset and its products with the rate stay below 2^53: exact, as in the reference. */
	start = 60.0 * (double)minute + (double)HT_APNEA_WINDOW_OFFSET_S;
	i = (int64_t)first_at_or_after(beats, count, start * rate) - 1;
	for (k = 0; k < HT_APNEA_WINDOW; k++) {
		const double t = (start + (double)(HT_APNEA_STEP_S * k)) * rate;
		double value = -1;
		while (i + 1 < (int64_t)count && (double)beats[i + 1] <= t)
			i++;
		if (i >= 0 && i + 1 < (int64_t)count) {
			const double ms = HT_FLOOR((((double)beats[i + 1] - (double)beats[i]) * 1000.0 + half) / rate);
			if (ms >= HT_APNEA_RR_MIN_MS && ms <= HT_APNEA_RR_MAX_MS)
				value = ms;
		}
		if (value < 0)
			held++;
		else
			last = value;
		window[k] = (float)(value < 0 ? last : value); /* -1 or whole ms up to 2000: exact in float32 */
	}
	/* Samples held before the first usable value take it (or the fallback when there is none). */
	fill = HT_APNEA_RR_FALLBACK_MS;
	for (k = 0; k < HT_APNEA_WINDOW; k++) {
		if (window[k] >= 0) {
			fill = (double)window[k];
			break;
		}
	}
	sum = 0;
	for (k = 0; k < HT_APNEA_WINDOW; k++) {
		if (window[k] < 0)
			window[k] = (float)fill;
		sum += (double)window[k];
	}
	mean = HT_FLOOR(sum / HT_APNEA_WINDOW); /* sum <= 256 * 2000: exact */
	for (k = 0; k < HT_APNEA_WINDOW; k++)
		window[k] = (float)(((double)window[k] - mean) / 1000.0);
	return held;
}

int ht_apnea_quantize(const float *window, double scale, int32_t zero_point, int8_t *q)
{
	int k;
	if (!window || !q || !HT_ISFINITE(scale) || !(scale > 0) || zero_point < -128 || zero_point > 127)
		return HT_E_ARGUMENT;
	for (k = 0; k < HT_APNEA_WINDOW; k++)
		if (!HT_ISFINITE(window[k]))
			return HT_E_ARGUMENT;
	for (k = 0; k < HT_APNEA_WINDOW; k++) {
		/* modules/runtime/quantize.ts quantizeValue: y may be infinite (scale tiny): the clamp holds it. */
		const double y = (double)window[k] / scale;
		const double v = (y < 0 ? -HT_FLOOR(-y + 0.5) : HT_FLOOR(y + 0.5)) + (double)zero_point;
		q[k] = v < -128 ? (int8_t)-128 : v > 127 ? (int8_t)127 : (int8_t)v;
	}
	return HT_OK;
}
