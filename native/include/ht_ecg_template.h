/*
 * A beat's morphology context (docs/FORMAT.md §6 features tpl_corr, tpl_rdiff): how its QRS compares with the
 * patient's dominant beat. The one definition, for the dataset (host/data, through WebAssembly) and the device
 * (modules/ecg/beat-template.ts through native/xs/ht_xs_ecg.c).
 *
 * Up to HT_TPL_SLOTS templates of the QRS segment (round(fs / 10) samples before the R peak to round(fs / 5)
 * after) are kept, each with a weight: the recent frequency of the beats that matched it (Pearson correlation
 * >= 0.9; weights decay by 63/64 per beat; a beat may be told not to weigh). The dominant template is the
 * heaviest (the first of equals). A beat is described against the dominant template as it was before the beat,
 * then joins its best match (running mean over the first 8 matches, then 1/8) or, matching none, replaces the
 * lightest template.
 *
 * Arithmetic is integer, so every target computes the same bits: samples saturate to int16, templates are int32
 * in Q4 (updated with C's truncating division), sums are int64; only the final correlation and RMS ratio of
 * each template are IEEE-754 doubles (a few operations per template and beat), rounded to float32.
 * Portable: no XS headers, no allocation, no C library.
 */
#ifndef HT_ECG_TEMPLATE_H
#define HT_ECG_TEMPLATE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HT_TPL_SLOTS 4
#define HT_TPL_FEATURES 2

/* Samples of the QRS segment before the R peak (round(fs / 10)) and after it (round(fs / 5)). */
int32_t ht_tpl_before(int32_t sample_rate);
int32_t ht_tpl_after(int32_t sample_rate);

/* HT_OK, or HT_E_ARGUMENT when the QRS segment of a sample_rate (1..10000 Hz) does not fit a window of
 * window_length samples (1..65536) with the R peak at sample pre. *start and *length get the segment. */
int ht_tpl_segment(int32_t sample_rate, int32_t pre, int32_t window_length, int32_t *start, int32_t *length);

/* Bytes of a state for these settings (8-byte aligned memory); 0 when ht_tpl_segment refuses them. */
uint32_t ht_tpl_state_bytes(int32_t sample_rate, int32_t pre, int32_t window_length);

/* A fresh state in memory (8-byte aligned, `bytes` long): HT_OK, or HT_E_ARGUMENT when the settings are refused
 * or bytes is too small. */
int ht_tpl_init(void *memory, uint32_t bytes, int32_t sample_rate, int32_t pre, int32_t window_length);

/* The window length the state takes; 0 for memory ht_tpl_init did not make a state. */
int32_t ht_tpl_window_length(const void *state);

/* After a gap in the beat sequence (signal lost, electrodes moved): templates are learnt afresh. */
int ht_tpl_reset(void *state);

/* The features of the next beat (window_length int32 band-passed samples) into out[0] = tpl_corr (-1..1; 1
 * before any template) and out[1] = tpl_rdiff (RMS of beat - template over RMS of the template, 0..4; 0 before
 * any template), then the beat joins the templates. weighs = 0: the beat still shapes the template it matches,
 * but adds no weight to it (a template it starts gets weight 1, not 256), so it cannot make a template dominant;
 * the on-time template (tpl_ontime_*) is fed so, for beats premature against the patient's long-term mean RR.
 * HT_E_ARGUMENT (nothing changed) when the state is not one ht_tpl_init made or window_length differs from its
 * own. */
int ht_tpl_next(void *state, const int32_t *window, uint32_t window_length, int weighs, float out[HT_TPL_FEATURES]);

#ifdef __cplusplus
}
#endif

#endif
