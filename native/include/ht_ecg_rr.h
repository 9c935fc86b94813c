/*
 * A beat's rhythm context (docs/FORMAT.md §6 features rr_pre_ratio .. rr_irregularity, in that order): its RR
 * intervals against the local rhythm (lower median of the 8 intervals before it), against the patient's long-term
 * mean (the 256 before it) and in seconds, and how irregular the rhythm before it is (lower median of the last
 * 16 successive differences |RR_i - RR_i-1| over the mean of the last 16 intervals; 0 until there are 4
 * differences). The one definition, for the dataset
 * (host/data, through WebAssembly) and the device and simulators (modules/ecg/rr-features.ts through
 * native/xs/ht_xs_ecg.c).
 *
 * Intervals are int32 samples, <= 0 for unknown; only a known interval before a beat joins the histories, after
 * that beat's features are computed, so a premature beat does not move its own baseline. The histories are
 * integer (sorted rings, exact sums); each feature is a few IEEE-754 double operations (a quotient, a difference,
 * a clamp to +-2, or to 0..2 for the irregularity), rounded to float32 once, with no multiply-then-add a compiler
 * could fuse: every target (Cortex-M4 soft-float, x86, wasm) computes the same bits, the bits the earlier
 * TypeScript definition gave (test/rr-context.test.ts keeps it as the reference).
 * Portable: no XS headers, no allocation, no C library.
 */
#ifndef HT_ECG_RR_H
#define HT_ECG_RR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HT_RR_FEATURES 9
#define HT_RR_MAX_RATE 10000

/* Bytes of a state (8-byte aligned memory). */
uint32_t ht_rr_state_bytes(void);

/* A fresh state in memory (8-byte aligned, `bytes` long) for intervals at sample_rate (1..HT_RR_MAX_RATE Hz):
 * HT_OK, or HT_E_ARGUMENT when the rate is refused, memory is NULL or misaligned, or bytes is too small. */
int ht_rr_init(void *memory, uint32_t bytes, int32_t sample_rate);

/* After a gap in the beat sequence (signal lost, detector restarted): the local rhythm and its irregularity start
 * afresh; the long-term mean is the patient's and carries over. HT_E_ARGUMENT for memory ht_rr_init did not make
 * a state. */
int ht_rr_reset(void *state);

/* The features of the next beat (rr_previous, rr_next: its intervals in samples, <= 0 when unknown) into out,
 * then rr_previous (when > 0) joins the histories. HT_E_ARGUMENT (nothing changed) for a state ht_rr_init did
 * not make or a NULL out. */
int ht_rr_next(void *state, int32_t rr_previous, int32_t rr_next, float out[HT_RR_FEATURES]);

#ifdef __cplusplus
}
#endif

#endif
