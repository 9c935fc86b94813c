/* The beat-template features (native/include/ht_ecg_template.h). */
#include <stddef.h>

#include "ht.h"
#include "ht_ecg_template.h"

/* The few double operations (a product and a square root, a quotient and a square root) contain no
 * multiply-then-add a compiler could fuse: IEEE-754 gives the same bits on every target. */

#define TPL_MAGIC 0x4C505448u /* "HTPL" */
#define MATCH 0.9
#define RATE_LIMIT 8
#define Q 4                    /* template fraction bits */
#define WEIGHT_ONE 256         /* weights in Q8 */
#define DECAY_SHIFT 6          /* w -= w / 64 per beat */
#define RDIFF_LIMIT 4.0
#define SAMPLE_LIMIT 32767
#define MAX_RATE 10000
#define MAX_WINDOW 65536

typedef struct {
	uint32_t magic;
	int32_t start, length, window_length;
	int32_t matches[HT_TPL_SLOTS];
	int32_t weight[HT_TPL_SLOTS];
	/* Sum and sum of squares of each template (Q4 and Q8). */
	int64_t sum[HT_TPL_SLOTS], sum_sq[HT_TPL_SLOTS];
	int32_t templates[]; /* [HT_TPL_SLOTS][length], Q4 */
} tpl_state;

int32_t ht_tpl_before(int32_t sample_rate)
{
	return (sample_rate + 5) / 10;
}

int32_t ht_tpl_after(int32_t sample_rate)
{
	return (sample_rate + 2) / 5;
}

int ht_tpl_segment(int32_t sample_rate, int32_t pre, int32_t window_length, int32_t *start, int32_t *length)
{
	int32_t before, after;
	if (sample_rate < 1 || sample_rate > MAX_RATE || window_length < 1 || window_length > MAX_WINDOW || pre < 0 || pre >= window_length)
		return HT_E_ARGUMENT;
	before = ht_tpl_before(sample_rate);
	after = ht_tpl_after(sample_rate);
	if (before < 1 || pre < before || window_length - pre < after)
		return HT_E_ARGUMENT;
	*start = pre - before;
	*length = before + after;
	return HT_OK;
}

uint32_t ht_tpl_state_bytes(int32_t sample_rate, int32_t pre, int32_t window_length)
{
	int32_t start, length;
	if (ht_tpl_segment(sample_rate, pre, window_length, &start, &length) != HT_OK)
		return 0;
	return (uint32_t)(sizeof(tpl_state) + (size_t)HT_TPL_SLOTS * (size_t)length * sizeof(int32_t));
}

int ht_tpl_init(void *memory, uint32_t bytes, int32_t sample_rate, int32_t pre, int32_t window_length)
{
	tpl_state *s = memory;
	uint32_t need = ht_tpl_state_bytes(sample_rate, pre, window_length);
	if (!s || need == 0 || bytes < need || ((uintptr_t)memory & 7u) != 0)
		return HT_E_ARGUMENT;
	ht_tpl_segment(sample_rate, pre, window_length, &s->start, &s->length);
	s->window_length = window_length;
	s->magic = TPL_MAGIC;
	return ht_tpl_reset(s);
}

int32_t ht_tpl_window_length(const void *state)
{
	const tpl_state *s = state;
	return s && s->magic == TPL_MAGIC ? s->window_length : 0;
}

int ht_tpl_reset(void *state)
{
	tpl_state *s = state;
	int k;
	if (!s || s->magic != TPL_MAGIC)
		return HT_E_ARGUMENT;
	for (k = 0; k < HT_TPL_SLOTS; k++) {
		s->matches[k] = 0;
		s->weight[k] = 0;
		s->sum[k] = 0;
		s->sum_sq[k] = 0;
	}
	return HT_OK;
}

static int32_t saturate(int32_t x)
{
	return x > SAMPLE_LIMIT ? SAMPLE_LIMIT : x < -SAMPLE_LIMIT ? -SAMPLE_LIMIT : x;
}

static void template_sums(tpl_state *s, int k)
{
	const int32_t *t = s->templates + (size_t)k * (size_t)s->length;
	int64_t st = 0, stt = 0;
	int32_t i;
	for (i = 0; i < s->length; i++) {
		st += t[i];
		stt += (int64_t)t[i] * t[i];
	}
	s->sum[k] = st;
	s->sum_sq[k] = stt;
}

/* Pearson correlation from n times the covariance and variances: cov / sqrt(vx * vt); 0 when either is flat. */
static double correlation(int64_t cov, int64_t vx, int64_t vt)
{
	double d, c;
	if (vx <= 0 || vt <= 0)
		return 0;
	d = __builtin_sqrt((double)vx * (double)vt);
	c = (double)cov / d;
	return c > 1 ? 1 : c < -1 ? -1 : c;
}

/* RMS of (beat - template) over the template's, from the sums (both in Q8), clamped to 0..RDIFF_LIMIT. */
static double relative_difference(int64_t difference, int64_t template_energy)
{
	double r;
	if (template_energy <= 0)
		return difference > 0 ? RDIFF_LIMIT : 0;
	r = __builtin_sqrt((double)difference / (double)template_energy);
	return r > RDIFF_LIMIT ? RDIFF_LIMIT : r;
}

int ht_tpl_next(void *state, const int32_t *window, uint32_t window_length, int weighs, float out[HT_TPL_FEATURES])
{
	tpl_state *s = state;
	const int32_t *x;
	double corr[HT_TPL_SLOTS];
	int64_t n, sx = 0, sxx = 0, vx;
	int32_t i, length, *t;
	int k, dominant = -1, best = -1, lightest;

	if (!s || s->magic != TPL_MAGIC || !window || !out || window_length != (uint32_t)s->window_length)
		return HT_E_ARGUMENT;
	length = s->length;
	n = length;
	x = window + s->start;
	for (i = 0; i < length; i++) {
		int32_t v = saturate(x[i]);
		sx += v;
		sxx += (int64_t)v * v;
	}
	vx = n * sxx - sx * sx;
	out[0] = 1.0f;
	out[1] = 0.0f;
	for (k = 0; k < HT_TPL_SLOTS; k++) {
		int64_t sxt = 0, st, stt;
		corr[k] = -2;
		if (s->matches[k] == 0)
			continue;
		if (dominant < 0 || s->weight[k] > s->weight[dominant])
			dominant = k;
		t = s->templates + (size_t)k * (size_t)length;
		for (i = 0; i < length; i++)
			sxt += (int64_t)saturate(x[i]) * t[i];
		st = s->sum[k];
		stt = s->sum_sq[k];
		/* The beat in Q4 against the template: x * 16 and t. */
		corr[k] = correlation(n * sxt - sx * st, vx, n * stt - st * st);
		if (best < 0 || corr[k] > corr[best])
			best = k;
		if (k == dominant) {
			out[0] = (float)corr[k];
			out[1] = (float)relative_difference(sxx * (1 << (2 * Q)) - sxt * (2 << Q) + stt, stt);
		}
	}
	for (k = 0; k < HT_TPL_SLOTS; k++)
		s->weight[k] -= s->weight[k] >> DECAY_SHIFT;
	if (best >= 0 && corr[best] >= MATCH) {
		int32_t m = s->matches[best] < RATE_LIMIT ? ++s->matches[best] : RATE_LIMIT;
		t = s->templates + (size_t)best * (size_t)length;
		for (i = 0; i < length; i++)
			t[i] += (saturate(x[i]) * (1 << Q) - t[i]) / m;
		if (weighs)
			s->weight[best] += WEIGHT_ONE;
		template_sums(s, best);
		return HT_OK;
	}
	lightest = 0;
	for (k = 1; k < HT_TPL_SLOTS; k++)
		if (s->weight[k] < s->weight[lightest])
			lightest = k;
	t = s->templates + (size_t)lightest * (size_t)length;
	for (i = 0; i < length; i++)
		t[i] = saturate(x[i]) * (1 << Q);
	s->weight[lightest] = weighs ? WEIGHT_ONE : 1; /* 1: the first to go, unless beats that weigh match it */
	s->matches[lightest] = 1;
	template_sums(s, lightest);
	return HT_OK;
}
