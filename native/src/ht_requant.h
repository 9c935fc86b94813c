/* The version 2 requantization rule of docs/FORMAT.md §2a: each multiplier and shift is what TensorFlow Lite
 * Micro's Prepare computes for the matching builtin from the model's float32 scales. Every step is one IEEE
 * binary64 (or, where TFLM does so, binary32) operation in TFLM's order, so the results are TFLM's to the bit on
 * any target whose float and double are IEEE (soft-float doubles on the Cortex-M4 included). */
#ifndef HT_REQUANT_H
#define HT_REQUANT_H

#include <stdint.h>

/* A multiplier and shift; the shift is returned as computed (above 30 the model is invalid). */
typedef struct {
	int32_t mult, shift;
} ht_rq;

enum { HT_TFLM_ADD_LEFT_SHIFT = 20 };

/* The little-endian float32 at p. */
float ht_ldf32(const uint8_t *p);
/* A scale the format accepts: finite and > 0. */
int ht_scale_ok(float s);
/* TFLM QuantizeMultiplier (quantization_util.cc, double rounding). */
ht_rq ht_quantize_multiplier(double real);
/* CONV_2D / DEPTHWISE_CONV_2D / per-channel FULLY_CONNECTED: QM(s_in * s_f / s_out). */
ht_rq ht_conv_requant(float s_in, float s_f, float s_out);
/* FULLY_CONNECTED with one filter scale: QM(f32(s_in * s_f) / s_out). */
ht_rq ht_fc_per_tensor_requant(float s_in, float s_f, float s_out);
/* ADD's aux {left_shift, m1, s1, m2, s2, mo, so} (CalculateOpDataAdd). */
void ht_add_requant(float s1, float s2, float s_out, int32_t aux[7]);
/* MEAN over `length` positions (PrepareMeanOrSumHelper, then QuantizedMeanOrSum's 1/L folding). */
ht_rq ht_mean_requant(float s_in, float s_out, uint32_t length);
/* A generated row's filter scale f32(M * unit_scale) (docs/FORMAT.md §4). */
float ht_generated_filter_scale(uint32_t max_abs, float unit_scale);

#endif
