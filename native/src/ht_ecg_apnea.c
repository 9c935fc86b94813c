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

int64_t ht_log2_q16(uint64_t x)
{
	uint64_t m;
	int64_t r;
	int k = 63, b;
	if (x == 0)
		return 0;
	while (!(x >> k))
		k--;
	m = k >= 31 ? x >> (k - 31) : x << (31 - k); /* the mantissa in [2^31, 2^32): 1.0 to 2.0 in Q31 */
	r = (int64_t)k << 16;
	for (b = 15; b >= 0; b--) {
		m = (m * m) >> 31; /* m < 2^32: the square fits in 64 bits */
		if (m >= ((uint64_t)1 << 32)) {
			m >>= 1;
			r += (int64_t)1 << b;
		}
	}
	return r;
}

int ht_apnea_night_reset(ht_apnea_night_t *night)
{
	if (!night)
		return HT_E_ARGUMENT;
	night->until = -1;
	night->sum = 0;
	night->sumsq = 0;
	night->count = 0;
	night->reserved = 0;
	return HT_OK;
}

/* The interval's whole ms as ht_apnea_input rounds it, or -1 when out of range. */
static int32_t interval_ms(uint32_t open, uint32_t close, int64_t rate)
{
	const int64_t ms = floor_div(((int64_t)close - (int64_t)open) * 1000 + (rate >> 1), rate);
	return ms >= HT_APNEA_RR_MIN_MS && ms <= HT_APNEA_RR_MAX_MS ? (int32_t)ms : -1;
}

/* n * sumsq - sum^2 (n times the sum of squared deviations), >= 0; both below 2^63 for the counts allowed. */
static uint64_t spread_of(uint64_t n, int64_t sum, int64_t sumsq)
{
	const uint64_t a = n * (uint64_t)sumsq, b = (uint64_t)sum * (uint64_t)sum;
	return a > b ? a - b : 0;
}

int ht_apnea_spread(const uint32_t *beats, uint32_t count, int32_t sample_rate, uint32_t minute, ht_apnea_night_t *night, int32_t *term)
{
	const int64_t rate = sample_rate;
	int64_t first, last, wsum = 0, wsumsq = 0, l;
	uint64_t wn = 0, a_w, a_n;
	uint32_t i;
	if (!night || !term || (count && !beats) || sample_rate < 1 || sample_rate > HT_APNEA_MAX_RATE)
		return HT_E_ARGUMENT;
	if (night->until < -1 || night->sum < 0 || night->sumsq < 0 || night->count > HT_APNEA_NIGHT_MAX_COUNT)
		return HT_E_ARGUMENT;
	first = (60 * (int64_t)minute + HT_APNEA_WINDOW_OFFSET_S) * rate;
	last = first + (int64_t)HT_APNEA_STEP_S * (HT_APNEA_WINDOW - 1) * rate;
	/* The first interval that may close after until (or open at the window's start), then each in order. */
	i = first_at_or_after(beats, count, night->until + 1 < first ? night->until + 1 : first);
	i = i > 0 ? i - 1 : 0;
	for (; i + 1 < count && (int64_t)beats[i + 1] <= last; i++) {
		const int32_t ms = interval_ms(beats[i], beats[i + 1], rate);
		if (ms < 0)
			continue;
		if ((int64_t)beats[i + 1] > night->until) {
			if (night->count == HT_APNEA_NIGHT_MAX_COUNT) {
				night->count >>= 1;
				night->sum >>= 1;
				night->sumsq >>= 1;
			}
			night->count++;
			night->sum += ms;
			night->sumsq += (int64_t)ms * ms;
		}
		if ((int64_t)beats[i] >= first) {
			wn++;
			wsum += ms;
			wsumsq += (int64_t)ms * ms;
		}
	}
	if (last > night->until)
		night->until = last;
	*term = 0;
	if (wn < 2 || night->count < 2)
		return HT_OK;
	a_n = spread_of(night->count, night->sum, night->sumsq);
	if (a_n == 0)
		return HT_OK;
	a_w = spread_of(wn, wsum, wsumsq);
	if (a_w == 0) {
		*term = -HT_APNEA_SPREAD_MAX;
		return HT_OK;
	}
	/* 256 log2(sd_w / sd_n) = 128 (log2 a_w - 2 log2 wn - log2 a_n + 2 log2 n), each log2 in Q16: / 512, rounded. */
	l = ht_log2_q16(a_w) - 2 * ht_log2_q16(wn) - ht_log2_q16(a_n) + 2 * ht_log2_q16(night->count);
	l = floor_div(l + 256, 512);
	*term = (int32_t)(l > HT_APNEA_SPREAD_MAX ? HT_APNEA_SPREAD_MAX : l < -HT_APNEA_SPREAD_MAX ? -HT_APNEA_SPREAD_MAX : l);
	return HT_OK;
}
