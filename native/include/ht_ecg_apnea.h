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

#ifdef __cplusplus
}
#endif

#endif
