/* Validation stages of ht_model_open, in the order of docs/FORMAT.md §5. Each fills part of *m. */
#ifndef HT_VALIDATE_H
#define HT_VALIDATE_H

#include "ht.h"
#include "ht_records.h"

/* Header (codes 1-5): sets m->blob, m->size; *section_count on success. */
int ht_check_header(ht_model *m, const uint8_t *blob, uint32_t size, uint16_t *section_count);
/* Section table (6-10, then reserved fields): sets m->sec, m->sec_len. */
int ht_check_sections(ht_model *m, uint16_t section_count);
/* PLAN header and tensor records (11, 13, then reserved): sets the counts and arena_bytes. */
int ht_check_plan_header(ht_model *m);
/* Op i (12, 11, 14-17); written: bitset of tensors written by ops < i, updated with op i's output. */
int ht_check_op(const ht_model *m, uint16_t i, uint8_t written[HT_MAX_RECORDS / 8]);
/* GENERATOR, HEADS, CODES (9, 18, 14-16): sets synth_scratch_bytes and max_kernel_bytes. */
int ht_check_generator(ht_model *m);

/* Version 2: tensor t's float32 scale (SCALES, checked by ht_check_plan_header). */
float ht_tensor_scale(const ht_model *m, uint16_t tensor);
/* QPARAMS int32 array of n entries at byte offset off: aligned and inside the section. */
int ht_qparams_in_bounds(const ht_model *m, uint32_t off, uint64_t n);
/* Q0.31 multiplier and shift rules (values read from QPARAMS at mult_off, shift_off; n entries). */
int ht_requant_arrays_ok(const ht_model *m, uint32_t mult_off, uint32_t shift_off, uint32_t n);

#endif
