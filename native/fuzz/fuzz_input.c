/* libFuzzer harness for the beat input writer (ht_input.c).
 * Input: adc_gain and scale (two native doubles), zero_point (int32), feature_count (u8), flags (u8), then
 * feature_count native float32 features and the window's int32 samples (the rest, up to 2048).
 * Checked: ht_input_beat and ht_input_beat_planned agree byte for byte and status for status whenever
 * ht_input_plan_init accepts the quantization; with a well-formed tensor and finite features the plan and the
 * direct writer refuse the same gains and quantizations; a refusal writes nothing; a wrong out_count (flags bit 0)
 * is refused; ht_quantize_value refuses exactly non-finite values and bad quantizations, and is monotonic in x. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ht.h"
#include "ht_input.h"

enum { HEAD = 8 + 8 + 4 + 1 + 1, MAX_LENGTH = 2048, FILL = 0x5a };

static ht_input_plan plan;

static int all_fill(const int8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((uint8_t)p[i] != FILL)
			return 0;
	return 1;
}

static void check_value(double x, double scale, int32_t zero_point)
{
	int8_t q = 0, q_up = 0;
	int valid = isfinite(x) && isfinite(scale) && scale > 0 && zero_point >= -128 && zero_point <= 127;
	int st = ht_quantize_value(x, scale, zero_point, &q);
	if (st != (valid ? HT_OK : HT_E_ARGUMENT))
		abort();
	if (ht_quantize_value(x, scale, zero_point, NULL) != HT_E_ARGUMENT)
		abort();
	if (valid) {
		double up = nextafter(x, INFINITY);
		if (isfinite(up) && (ht_quantize_value(up, scale, zero_point, &q_up) != HT_OK || q_up < q))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < HEAD)
		return 0;
	double adc_gain, scale;
	int32_t zero_point;
	memcpy(&adc_gain, data, 8);
	memcpy(&scale, data + 8, 8);
	memcpy(&zero_point, data + 16, 4);
	uint32_t feature_count = data[20];
	uint8_t flags = data[21];
	const uint8_t *rest = data + HEAD;
	size_t rest_bytes = size - HEAD;
	if (rest_bytes < 4u * feature_count)
		feature_count = (uint32_t)(rest_bytes / 4);
	const uint8_t *features = rest;
	const uint8_t *window_bytes = rest + 4u * feature_count;
	uint32_t length = (uint32_t)((rest_bytes - 4u * feature_count) / 4);
	if (length > MAX_LENGTH)
		length = MAX_LENGTH;

	/* Exact-size heap copies: any read past them is an ASan report (the writers take any alignment). */
	uint8_t *f = malloc(4u * feature_count + 1);
	uint8_t *w = malloc(4u * length + 1);
	memcpy(f, features, 4u * feature_count);
	memcpy(w, window_bytes, 4u * length);
	uint32_t channels = 1 + feature_count;
	uint32_t out_count = length * channels;
	uint32_t asked = out_count + (flags & 1);
	size_t out_bytes = (size_t)asked + 1;
	int8_t *direct = malloc(out_bytes);
	int8_t *planned = malloc(out_bytes);
	memset(direct, FILL, out_bytes);
	memset(planned, FILL, out_bytes);

	int st = ht_input_beat(direct, asked, w, length, adc_gain, f, feature_count, scale, zero_point);
	if (st != HT_OK && st != HT_E_ARGUMENT)
		abort();
	if (st != HT_OK && !all_fill(direct, out_bytes))
		abort(); /* a refusal wrote something */
	if ((flags & 1 || length == 0) && st != HT_E_ARGUMENT)
		abort();
	if ((uint8_t)direct[asked] != FILL)
		abort(); /* wrote past out_count */

	int features_finite = 1;
	for (uint32_t k = 0; k < feature_count; k++) {
		float x;
		memcpy(&x, f + 4u * k, 4);
		features_finite &= isfinite(x) != 0;
		check_value((double)x, scale, zero_point);
	}
	int plan_st = ht_input_plan_init(&plan, adc_gain, scale, zero_point);
	if (plan_st != HT_OK && plan_st != HT_E_ARGUMENT)
		abort();
	if (length > 0 && !(flags & 1) && features_finite && (plan_st == HT_OK) != (st == HT_OK))
		abort(); /* the plan and the direct writer disagree about this gain and quantization */
	if (plan_st == HT_OK) {
		int pst = ht_input_beat_planned(planned, asked, w, length, &plan, f, feature_count);
		if (pst != st || memcmp(direct, planned, out_bytes) != 0)
			abort();
	}
	for (uint32_t i = 0; i < length && i < 8; i++) {
		int32_t a;
		memcpy(&a, w + 4u * i, 4);
		check_value((double)a, scale, zero_point);
		if (isfinite(adc_gain) && adc_gain > 0)
			check_value((double)a / adc_gain, scale, zero_point);
	}
	free(planned);
	free(direct);
	free(w);
	free(f);
	return 0;
}
