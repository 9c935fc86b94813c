/*
 * A beat's model input (docs/FORMAT.md §6), written straight into the interpreter's int8 input tensor [L][C]:
 * channel 0 is the band-passed window in millivolts, x = float32(adc / adc_gain); channels 1..C-1 are the beat's
 * features (float32), each the same at every position. Every value is quantized by the §6 rule
 *   q = clamp(round_half_away(x / scale) + zero_point, -128, 127)
 * in doubles, bit-identically to modules/runtime/quantize.ts (quantizeValue) applied to what
 * modules/ecg/normalize.ts (windowToMillivolts) stores in its Float32Array.
 * Portable: no XS headers; no allocation.
 */
#ifndef HT_INPUT_H
#define HT_INPUT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The §6 rule for one value. HT_E_ARGUMENT (nothing written) when x is not finite, or scale is not a finite
 * number > 0, or zero_point is outside -128..127; else HT_OK. */
int ht_quantize_value(double x, double scale, int32_t zero_point, int8_t *out);

/* Writes out[i * C + 0] = q(float32(window[i] / adc_gain)) and out[i * C + 1 + f] = q(features[f]) for i < length,
 * C = 1 + feature_count. window: `length` int32 values in native byte order, features: `feature_count` float32
 * values, both at any alignment. Returns HT_E_ARGUMENT and writes nothing when out_count != length * C (or it
 * overflows), length is 0, a pointer is NULL where values are needed, adc_gain or scale is not a finite number > 0,
 * zero_point is outside -128..127, or any value to quantize is not finite (a NaN feature, a gain so small that
 * float32(adc / adc_gain) overflows); else HT_OK. */
int ht_input_beat(int8_t *out, uint32_t out_count, const void *window, uint32_t length, double adc_gain,
	const void *features, uint32_t feature_count, double scale, int32_t zero_point);

/* The ECG lead's rule precomputed for one (adc_gain, scale, zero_point): q(adc) is a non-decreasing step function
 * of the int32 sample, so it is fully described by the smallest sample reaching each level -127..127. A beat then
 * costs a search of that table per sample instead of soft-float double divisions; the values are the same (the
 * thresholds are found with the rule itself). */
#define HT_INPUT_LEVELS 255
typedef struct {
	uint32_t magic;
	int32_t zero_point;
	double adc_gain, scale;
	int64_t threshold[HT_INPUT_LEVELS]; /* threshold[k]: smallest adc with q >= k - 127; INT64_MAX if none */
} ht_input_plan;

/* HT_E_ARGUMENT when adc_gain or scale is not a finite number > 0, zero_point is outside -128..127 or
 * float32(adc / adc_gain) overflows for some int32 adc; else fills *plan, HT_OK. */
int ht_input_plan_init(ht_input_plan *plan, double adc_gain, double scale, int32_t zero_point);

/* ht_input_beat with the plan's gain and quantization: the same bytes, the same refusals (a plan not made by
 * ht_input_plan_init is refused). */
int ht_input_beat_planned(int8_t *out, uint32_t out_count, const void *window, uint32_t length,
	const ht_input_plan *plan, const void *features, uint32_t feature_count);

#ifdef __cplusplus
}
#endif

#endif
