/* The beat's rhythm context (native/include/ht_ecg_rr.h). */
#include <stddef.h>

#include "ht.h"
#include "ht_ecg_rr.h"

#define RR_MAGIC 0x52525448u /* "HTRR" */
#define LOCAL_SIZE 8         /* intervals behind the local median */
#define IRREGULAR_SIZE 16    /* intervals (and differences) behind the irregularity */
#define IRREGULAR_MIN 4      /* differences before the irregularity is more than 0 */
#define LONG_SIZE 256        /* intervals behind the long-term mean (about 3.4 minutes at 75 bpm) */
#define LIMIT 2.0
#define CENTRE_S 0.8         /* seconds-valued features are centred on 75 bpm */

typedef struct {
	uint32_t magic;
	int32_t sample_rate;
	/* The local rhythm: the last LOCAL_SIZE intervals as they came (ring) and ascending (sorted[0..count)). */
	int32_t local_count, local_next;
	int32_t local_ring[LOCAL_SIZE], local_sorted[LOCAL_SIZE];
	/* The irregularity: the last IRREGULAR_SIZE intervals and their sum, the last IRREGULAR_SIZE differences (ring
	 * and ascending), the last interval (0: none since the reset). */
	int32_t irr_count, irr_next, diff_count, diff_next, last;
	int64_t irr_sum;
	int32_t irr_ring[IRREGULAR_SIZE], diffs[IRREGULAR_SIZE], diff_sorted[IRREGULAR_SIZE];
	/* The long-term mean: the last LONG_SIZE intervals and their sum (below 2^39: exact as a double). */
	int32_t long_count, long_next;
	int64_t long_sum;
	int32_t long_ring[LONG_SIZE];
} rr_state;

uint32_t ht_rr_state_bytes(void)
{
	return (uint32_t)sizeof(rr_state);
}

int ht_rr_init(void *memory, uint32_t bytes, int32_t sample_rate)
{
	rr_state *s = memory;
	if (!s || bytes < sizeof(rr_state) || ((uintptr_t)memory & 7u) != 0 || sample_rate < 1 || sample_rate > HT_RR_MAX_RATE)
		return HT_E_ARGUMENT;
	s->sample_rate = sample_rate;
	s->long_count = 0;
	s->long_next = 0;
	s->long_sum = 0;
	s->magic = RR_MAGIC;
	return ht_rr_reset(s);
}

int ht_rr_reset(void *state)
{
	rr_state *s = state;
	if (!s || s->magic != RR_MAGIC)
		return HT_E_ARGUMENT;
	s->local_count = 0;
	s->local_next = 0;
	s->irr_count = 0;
	s->irr_next = 0;
	s->diff_count = 0;
	s->diff_next = 0;
	s->last = 0;
	s->irr_sum = 0;
	return HT_OK;
}

/* Inserts value into sorted[0..count) (ascending; room for one more). */
static void sorted_insert(int32_t *sorted, int32_t count, int32_t value)
{
	int32_t j = count;
	while (j > 0 && sorted[j - 1] > value) {
		sorted[j] = sorted[j - 1];
		j--;
	}
	sorted[j] = value;
}

/* Replaces one `old` (which sorted[0..count) holds) by value, keeping sorted[0..count) ascending. */
static void sorted_replace(int32_t *sorted, int32_t count, int32_t old, int32_t value)
{
	int32_t i = 0;
	while (i < count - 1 && sorted[i] != old)
		i++;
	if (value > old) {
		while (i + 1 < count && sorted[i + 1] < value) {
			sorted[i] = sorted[i + 1];
			i++;
		}
	} else {
		while (i > 0 && sorted[i - 1] > value) {
			sorted[i] = sorted[i - 1];
			i--;
		}
	}
	sorted[i] = value;
}

/* A known interval (rr > 0) joins the three histories. */
static void add(rr_state *s, int32_t rr)
{
	if (s->local_count == LOCAL_SIZE)
		sorted_replace(s->local_sorted, LOCAL_SIZE, s->local_ring[s->local_next], rr);
	else
		sorted_insert(s->local_sorted, s->local_count++, rr);
	s->local_ring[s->local_next] = rr;
	s->local_next = (s->local_next + 1) % LOCAL_SIZE;

	if (s->long_count == LONG_SIZE)
		s->long_sum -= s->long_ring[s->long_next];
	else
		s->long_count++;
	s->long_ring[s->long_next] = rr;
	s->long_sum += rr;
	s->long_next = (s->long_next + 1) % LONG_SIZE;

	if (s->last > 0) {
		int32_t d = rr > s->last ? rr - s->last : s->last - rr; /* both in 1..2^31 - 1 */
		if (s->diff_count < IRREGULAR_SIZE)
			sorted_insert(s->diff_sorted, s->diff_count++, d);
		else
			sorted_replace(s->diff_sorted, IRREGULAR_SIZE, s->diffs[s->diff_next], d);
		s->diffs[s->diff_next] = d;
		s->diff_next = (s->diff_next + 1) % IRREGULAR_SIZE;
	}
	s->last = rr;
	if (s->irr_count == IRREGULAR_SIZE)
		s->irr_sum -= s->irr_ring[s->irr_next];
	else
		s->irr_count++;
	s->irr_ring[s->irr_next] = rr;
	s->irr_sum += rr;
	s->irr_next = (s->irr_next + 1) % IRREGULAR_SIZE;
}

static double clamp(double x)
{
	return x < -LIMIT ? -LIMIT : x > LIMIT ? LIMIT : x;
}

/* rr / base - 1, clamped; 0 unless both are known. */
static double ratio(double rr, double base)
{
	if (!(base > 0 && rr > 0))
		return 0;
	return clamp(rr / base - 1);
}

/* rr in seconds - CENTRE_S, clamped; 0 when unknown. */
static double seconds(double rr, double fs)
{
	return rr > 0 ? clamp(rr / fs - CENTRE_S) : 0;
}

int ht_rr_next(void *state, int32_t rr_previous, int32_t rr_next, float out[HT_RR_FEATURES])
{
	rr_state *s = state;
	double fs, pre, post, local, long_term, irregular;
	if (!s || s->magic != RR_MAGIC || !out)
		return HT_E_ARGUMENT;
	fs = (double)s->sample_rate;
	pre = (double)rr_previous;
	post = (double)rr_next;
	local = s->local_count == 0 ? 0 : (double)s->local_sorted[(s->local_count - 1) >> 1];
	long_term = s->long_count == 0 ? 0 : (double)s->long_sum / (double)s->long_count;
	/* Lower median of the differences times the count of intervals over their sum: the mean in one division (the
	 * product is below 2^35, exact). */
	irregular = s->diff_count < IRREGULAR_MIN ? 0
		: (double)((int64_t)s->diff_sorted[(s->diff_count - 1) >> 1] * s->irr_count) / (double)s->irr_sum;
	out[0] = (float)ratio(pre, local);
	out[1] = (float)ratio(post, local);
	out[2] = (float)seconds(local, fs);
	out[3] = (float)ratio(pre, long_term);
	out[4] = (float)ratio(post, long_term);
	out[5] = (float)ratio(local, long_term);
	out[6] = (float)seconds(pre, fs);
	out[7] = (float)seconds(post, fs);
	out[8] = (float)(irregular > LIMIT ? LIMIT : irregular);
	if (rr_previous > 0)
		add(s, rr_previous);
	return HT_OK;
}
