/* The apnea model's minute input (native/include/ht_ecg_apnea.h). Each step gives the TypeScript's doubles (the
 * reference in test/apnea-input-reference.ts): there, beat times (uint32), their differences, the instants, every
 * millisecond value and sum are integers below 2^53, so here they are int64s (no soft-float on the Cortex-M4), and
 * the floored divisions are integer floor divisions: a double quotient of integers below 2^53 by one of 1..10^4
 * never rounds across an integer. The roundings left are the value in seconds (float32) and x / scale when
 * quantizing, each correctly rounded on every target. */
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
static uint32_t first_at_or_after(const uint32_t *beats, uint32_t count, int64_t t)
{
	uint32_t lo = 0, hi = count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2u; /* (lo + hi) >> 1 for every count the reference took */
		if ((int64_t)beats[mid] < t)
			lo = mid + 1u;
		else
			hi = mid;
	}
	return lo;
}

/* floor(n / d) for d > 0. */
static int64_t floor_div(int64_t n, int64_t d)
{
	const int64_t q = n / d;
	return q * d > n ? q - 1 : q;
}

int32_t ht_apnea_input(const uint32_t *beats, uint32_t count, int32_t sample_rate, uint32_t minute, float *window)
{
	const int64_t rate = sample_rate, half = sample_rate >> 1;
	int64_t start, sum, mean, i; /* beats[i], beats[i + 1] may hold the instant: i = -1 before the first beat */
	int32_t held = 0, k, last = -1, fill;
	if (!window || (count && !beats) || sample_rate < 1 || sample_rate > HT_APNEA_MAX_RATE)
		return -1;
	start = 60 * (int64_t)minute + HT_APNEA_WINDOW_OFFSET_S;
	i = (int64_t)first_at_or_after(beats, count, start * rate) - 1;
	for (k = 0; k < HT_APNEA_WINDOW; k++) {
		const int64_t t = (start + HT_APNEA_STEP_S * k) * rate;
		int32_t value = -1;
		while (i + 1 < (int64_t)count && (int64_t)beats[i + 1] <= t)
			i++;
		if (i >= 0 && i + 1 < (int64_t)count) {
			const int64_t ms = floor_div(((int64_t)beats[i + 1] - (int64_t)beats[i]) * 1000 + half, rate);
			if (ms >= HT_APNEA_RR_MIN_MS && ms <= HT_APNEA_RR_MAX_MS)
				value = (int32_t)ms;
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
			fill = (int32_t)window[k];
			break;
		}
	}
	sum = 0;
	for (k = 0; k < HT_APNEA_WINDOW; k++) {
		if (window[k] < 0)
			window[k] = (float)fill;
		sum += (int32_t)window[k];
	}
	mean = floor_div(sum, HT_APNEA_WINDOW);
	/* (value − mean) is a whole number of ms in −1700..1700: float32 division gives the float32 rounding of the
	 * exact double quotient for every integer up to 2^20 in magnitude (test_apnea.c checks them all). */
	for (k = 0; k < HT_APNEA_WINDOW; k++)
		window[k] = (float)((int32_t)window[k] - (int32_t)mean) / 1000.0f;
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
