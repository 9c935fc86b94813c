/* Helpers shared by the kernel files. */
#ifndef HT_KERNEL_UTIL_H
#define HT_KERNEL_UTIL_H

#include "ht_arith.h"
#include "ht_bytes.h"
#include "ht_kernels.h"

static inline int ht_dims_ok(const ht_dims *d)
{
	return d && d->length > 0 && d->channels > 0;
}

static inline int ht_act_ok(const ht_act *a)
{
	return a && a->act_min <= a->act_max && a->in_zp >= -128 && a->in_zp <= 127 && a->out_zp >= -128 &&
	       a->out_zp <= 127;
}

static inline int ht_requant_ok(const ht_requant *rq)
{
	return rq && rq->mult && rq->shift;
}

static inline int32_t ht_rq_bias(const ht_requant *rq, uint32_t c)
{
	return rq->bias ? ht_ldi32(rq->bias + 4u * c) : 0;
}

/* A channel's bias and prepared requantization. */
typedef struct {
	uint32_t bias;
	ht_rq_prep rq;
} ht_channel_q;

static inline ht_channel_q ht_channel_prepare(const ht_requant *rq, uint32_t c)
{
	uint32_t i = rq->per_tensor ? 0u : 4u * c;
	ht_channel_q q;
	q.bias = (uint32_t)ht_rq_bias(rq, c);
	q.rq = ht_rq_prepare(ht_ldi32(rq->mult + i), ht_ldi32(rq->shift + i));
	return q;
}

/* clamp(MBQM(bias + sum) + zo): sum wraps like every accumulator. */
static HT_ALWAYS_INLINE int8_t ht_channel_out(const ht_channel_q *q, const ht_act *act, uint32_t sum)
{
	return ht_requant_prepared_s8((int32_t)(q->bias + sum), &q->rq, act->out_zp, act->act_min, act->act_max);
}

/* Valid taps [k0, k1) of output position o: input position o*stride - pad_left + k*dilation in [0, L). */
static inline void ht_tap_range(uint32_t o, uint32_t length, const ht_window *w, uint32_t *k0, uint32_t *k1)
{
	int32_t base = (int32_t)(o * w->stride) - (int32_t)w->pad_left;
	int32_t d = w->dilation;
	int32_t lo = base >= 0 ? 0 : (-base + d - 1) / d;
	int32_t hi_pos = (int32_t)length - 1 - base; /* k*d <= hi_pos */
	int32_t hi = hi_pos < 0 ? 0 : hi_pos / d + 1;
	if (hi > (int32_t)w->k)
		hi = w->k;
	*k0 = (uint32_t)lo;
	*k1 = (uint32_t)(hi > lo ? hi : lo);
}

/* Output positions [*lo, *hi) whose taps are all inside [0, length). */
static inline void ht_window_interior(uint32_t length, uint32_t out_len, const ht_window *w, uint32_t *lo,
                                      uint32_t *hi)
{
	const uint32_t s = w->stride, span = (uint32_t)(w->k - 1u) * w->dilation;
	uint32_t first = (w->pad_left + s - 1u) / s;
	uint32_t end = length + w->pad_left >= span + 1u ? (length - 1u + w->pad_left - span) / s + 1u : 0;
	if (end > out_len)
		end = out_len;
	if (first > end)
		first = end;
	*lo = first;
	*hi = end;
}

#endif
