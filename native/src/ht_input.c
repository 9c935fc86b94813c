/* A beat's model input tensor (native/include/ht_input.h, docs/FORMAT.md §6). The arithmetic is the TypeScript
 * rule's, operation by operation, in IEEE doubles (soft-float on the Cortex-M4, SSE2 on hosts: both exact):
 *   x / scale, then Math.floor(y + 0.5) or -Math.floor(-y + 0.5), then + zero_point, then the clamp;
 * the ECG lead's x is the double quotient adc / adc_gain rounded to float32, as a Float32Array store rounds it. */
#include <math.h>
#include <string.h>

#include "ht.h"
#include "ht_input.h"

/* Four bytes at any alignment, one load (the builtin: Moddable's nRF52 flags include -fno-builtin, which would
 * turn memcpy into a call per value). */
#if defined(__GNUC__)
#define HT_LOAD4(dst, src) __builtin_memcpy((dst), (src), 4)
#define HT_STORE4(dst, src) __builtin_memcpy((dst), (src), 4)
#else
#define HT_LOAD4(dst, src) memcpy((dst), (src), 4)
#define HT_STORE4(dst, src) memcpy((dst), (src), 4)
#endif

static int valid_quant(double scale, int32_t zero_point)
{
	return isfinite(scale) && scale > 0 && zero_point >= -128 && zero_point <= 127;
}

/* x finite, scale finite > 0 (checked by the callers). y may be infinite (x huge, scale tiny): the clamp holds it. */
static int8_t quantize(double x, double scale, int32_t zero_point)
{
	double y = x / scale;
	double v = (y < 0 ? -floor(-y + 0.5) : floor(y + 0.5)) + (double)zero_point;
	return v < -128 ? (int8_t)-128 : v > 127 ? (int8_t)127 : (int8_t)v;
}

int ht_quantize_value(double x, double scale, int32_t zero_point, int8_t *out)
{
	if (!out || !isfinite(x) || !valid_quant(scale, zero_point))
		return HT_E_ARGUMENT;
	*out = quantize(x, scale, zero_point);
	return HT_OK;
}

enum { MAX_FEATURES = 255 };

/* The checks both beat writers share: the tensor's shape ([length][1 + feature_count] in out_count values) and
 * finite features, quantized into fq (they are constant along the window). Nothing is written to out. */
static int prepare_features(const int8_t *out, uint32_t out_count, const void *window, uint32_t length,
	const void *features, uint32_t feature_count, double scale, int32_t zero_point, int8_t *fq, uint32_t *channels)
{
	const uint8_t *f = features;
	uint32_t k;
	if (!out || !window || length == 0 || (feature_count && !features) || feature_count > MAX_FEATURES)
		return HT_E_ARGUMENT;
	*channels = 1 + feature_count;
	if (out_count / *channels != length || out_count % *channels != 0)
		return HT_E_ARGUMENT;
	for (k = 0; k < feature_count; k++) {
		float x;
		HT_LOAD4(&x, f + 4u * k);
		if (!isfinite(x))
			return HT_E_ARGUMENT;
		fq[k] = quantize((double)x, scale, zero_point);
	}
	return HT_OK;
}

int ht_input_beat(int8_t *out, uint32_t out_count, const void *window, uint32_t length, double adc_gain,
	const void *features, uint32_t feature_count, double scale, int32_t zero_point)
{
	int8_t fq[MAX_FEATURES];
	const uint8_t *w = window;
	uint32_t channels, i, k;
	int status;
	/* Every value is checked before anything is written: a refused beat leaves the input as it was. */
	if (!isfinite(adc_gain) || !(adc_gain > 0) || !valid_quant(scale, zero_point))
		return HT_E_ARGUMENT;
	status = prepare_features(out, out_count, window, length, features, feature_count, scale, zero_point, fq, &channels);
	if (status != HT_OK)
		return status;
	/* |adc| < 2^31 and adc_gain > 0: the quotient is finite, but float32 overflows when adc_gain < ~2^-97. */
	if (!isfinite((float)((double)INT32_MIN / adc_gain)))
		return HT_E_ARGUMENT;
	for (i = 0; i < length; i++) {
		int32_t a;
		float x;
		int8_t *row = out + (size_t)i * channels;
		HT_LOAD4(&a, w + 4u * i);
		x = (float)((double)a / adc_gain);
		row[0] = quantize((double)x, scale, zero_point);
		for (k = 0; k < feature_count; k++)
			row[1 + k] = fq[k];
	}
	return HT_OK;
}

#define PLAN_MAGIC 0x4E4C5049u /* "IPLN" */

static int8_t lead(int32_t adc, double adc_gain, double scale, int32_t zero_point)
{
	float x = (float)((double)adc / adc_gain);
	return quantize((double)x, scale, zero_point);
}

/* Smallest adc in (lo, INT32_MAX] with lead(adc) >= level, given lead(lo) < level and lead(INT32_MAX) >= level;
 * the search gallops from an estimate, then bisects (lead is non-decreasing in adc). */
static int64_t first_reaching(int64_t lo, int32_t level, double estimate, const ht_input_plan *p)
{
	int64_t hi, step;
	if (!(estimate > (double)lo))
		estimate = (double)lo + 1;
	if (estimate > (double)INT32_MAX)
		estimate = (double)INT32_MAX;
	hi = (int64_t)estimate;
	if (lead((int32_t)hi, p->adc_gain, p->scale, p->zero_point) < level) {
		for (step = 1;; step *= 2) {
			lo = hi;
			hi = lo + step > INT32_MAX ? INT32_MAX : lo + step;
			if (lead((int32_t)hi, p->adc_gain, p->scale, p->zero_point) >= level)
				break;
		}
	} else {
		for (step = 1;; step *= 2) {
			int64_t probe = hi - step;
			if (probe <= lo)
				break;
			if (lead((int32_t)probe, p->adc_gain, p->scale, p->zero_point) < level) {
				lo = probe;
				break;
			}
			hi = probe;
		}
	}
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (lead((int32_t)mid, p->adc_gain, p->scale, p->zero_point) >= level)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

int ht_input_plan_init(ht_input_plan *plan, double adc_gain, double scale, int32_t zero_point)
{
	int32_t level, lowest, highest;
	int64_t previous;
	if (!plan || !isfinite(adc_gain) || !(adc_gain > 0) || !valid_quant(scale, zero_point))
		return HT_E_ARGUMENT;
	if (!isfinite((float)((double)INT32_MIN / adc_gain)))
		return HT_E_ARGUMENT;
	memset(plan, 0, sizeof *plan);
	plan->zero_point = zero_point;
	plan->adc_gain = adc_gain;
	plan->scale = scale;
	previous = (int64_t)INT32_MIN - 1; /* below every sample: lead(previous) "<" any level */
	lowest = lead(INT32_MIN, adc_gain, scale, zero_point);
	highest = lead(INT32_MAX, adc_gain, scale, zero_point);
	for (level = -127; level <= 127; level++) {
		int64_t t;
		if (lowest >= level)
			t = INT32_MIN;
		else if (highest < level)
			t = INT64_MAX;
		else
			t = first_reaching(previous < INT32_MIN ? INT32_MIN : previous - 1 < INT32_MIN ? INT32_MIN : previous - 1,
				level, ((double)(level - zero_point) - 0.5) * scale * adc_gain, plan);
		plan->threshold[level + 127] = t;
		if (t != INT64_MAX)
			previous = t;
	}
	plan->magic = PLAN_MAGIC;
	return HT_OK;
}

int ht_input_beat_planned(int8_t *out, uint32_t out_count, const void *window, uint32_t length,
	const ht_input_plan *plan, const void *features, uint32_t feature_count)
{
	int8_t fq[MAX_FEATURES];
	int8_t tmpl[64];
	const uint8_t *w = window;
	const int64_t *t;
	uint32_t channels, i, k, n, words;
	int status;
	if (!plan || plan->magic != PLAN_MAGIC)
		return HT_E_ARGUMENT;
	status = prepare_features(out, out_count, window, length, features, feature_count, plan->scale, plan->zero_point,
		fq, &channels);
	if (status != HT_OK)
		return status;
	t = plan->threshold;
	/* A row of whole words (12 channels: 1 + 11 features) is written as words, the lead's byte after them. */
	words = channels % 4u == 0 && channels <= sizeof tmpl ? channels / 4u : 0;
	if (words) {
		tmpl[0] = 0;
		memcpy(tmpl + 1, fq, feature_count);
	}
	for (i = 0, n = 0; i < length; i++) {
		int32_t a;
		int8_t *row = out + (size_t)i * channels;
		HT_LOAD4(&a, w + 4u * i);
		/* n = how many thresholds a reaches (they are sorted): the level is n - 128. Found from the previous
		 * sample's count, which a band-passed ECG rarely moves by more than a few levels. */
		while (n < HT_INPUT_LEVELS && t[n] <= a)
			n++;
		while (n > 0 && t[n - 1] > a)
			n--;
		if (words) {
			for (k = 0; k < words; k++)
				HT_STORE4(row + 4u * k, tmpl + 4u * k);
		} else {
			for (k = 0; k < feature_count; k++)
				row[1 + k] = fq[k];
		}
		row[0] = (int8_t)((int32_t)n - 128);
	}
	return HT_OK;
}
