/* The stages of ht_ecg (internal to native/src/ht_ecg*.c; ht_ecg.h is the interface). */
#ifndef HT_ECG_STAGES_H
#define HT_ECG_STAGES_H

#include "ht_ecg.h"

/* JS semantics helpers: floor division and arithmetic right shift, defined for negative operands. */
static inline int64_t ht_ecg_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* floor(v / 2^n) */
static inline int64_t ht_ecg_sar64(int64_t v, int n)
{
	return v >= 0 ? v >> n : (int64_t)~(~(uint64_t)v >> n);
}

static inline int32_t ht_ecg_sar(int32_t v, int n)
{
	return v >= 0 ? v >> n : (int32_t)~(~(uint32_t)v >> n);
}

/* ToInt32 of an integer: its low 32 bits. */
static inline int32_t ht_ecg_wrap32(int64_t v)
{
	uint32_t u = (uint32_t)(uint64_t)v;
	return u <= 0x7FFFFFFFu ? (int32_t)u : (int32_t)(u - 0x80000000u) - 0x7FFFFFFF - 1;
}

/* moving sum */
void ht_ecg_msum_init(ht_ecg_msum *m, int32_t *ring, uint32_t length);
void ht_ecg_msum_fill(ht_ecg_msum *m, int64_t value);
static inline int64_t ht_ecg_msum_push(ht_ecg_msum *m, int64_t value)
{
	uint32_t next = m->next;
	m->sum += value - m->ring[next];
	m->ring[next] = ht_ecg_wrap32(value);
	m->next = next + 1 == m->length ? 0 : next + 1;
	return m->sum;
}
static inline int32_t ht_ecg_msum_at(const ht_ecg_msum *m, uint32_t ago)
{
	int64_t i = (int64_t)m->next - 1 - ago;
	if (i < 0)
		i += m->length;
	return m->ring[i];
}

/* history */
static inline int32_t ht_ecg_history_at(const ht_ecg_history *h, int64_t index)
{
	return h->ring[(uint32_t)((uint64_t)index & h->mask)];
}
static inline void ht_ecg_history_write(ht_ecg_history *h, int64_t index, int32_t value)
{
	h->ring[(uint32_t)((uint64_t)index & h->mask)] = value;
	h->newest = index;
}
void ht_ecg_history_fill(ht_ecg_history *h, int32_t value);

/* filter */
void ht_ecg_filter_setup(ht_ecg *e);
void ht_ecg_filter_reset(ht_ecg *e, int32_t sample);
int32_t ht_ecg_filter_step(ht_ecg *e, int32_t sample);

/* detector; found beats go to ht_ecg_detected (the pipeline) */
void ht_ecg_detector_setup(ht_ecg *e, uint32_t minima_blocks);
uint32_t ht_ecg_minima_blocks(const int32_t *s);
void ht_ecg_detector_restart(ht_ecg *e, int64_t start);
void ht_ecg_detector_step(ht_ecg *e, int64_t t, int32_t value);
int32_t ht_ecg_rr_median(ht_ecg_rr *rr);
void ht_ecg_detected(ht_ecg *e, int64_t position);

/* block minima (exposed for tests) */
void ht_ecg_minima_clear(ht_ecg_block_minima *b);
void ht_ecg_minima_push(ht_ecg_block_minima *b, int64_t index, int32_t value);
int32_t ht_ecg_minima_lowest(const ht_ecg_block_minima *b, int64_t first, int64_t last);

#endif
