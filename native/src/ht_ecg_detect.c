/*
 * Pan-Tompkins QRS detector in integer arithmetic, fed the band-passed signal one sample at a time: 5 Hz
 * high-pass, derivative, squaring, 150 ms moving-window integration, Hamilton-Tompkins peak picking, adaptive
 * signal/noise thresholds, search-back for missed beats (at 166 % of the mean RR, against 3/8 of the threshold),
 * a 200 ms refractory period, the T-wave slope test (within 360 ms) and a quiet test (the energy must have
 * fallen to a fraction of the peak since the last QRS). A detection is refined to the largest |filtered value|
 * within 100 ms and reported, in order, to ht_ecg_detected as a sample index of the original signal (beats
 * found in the learning period are reported when it ends). See modules/ecg/README.md.
 */
#include "ht_ecg_stages.h"

#define NONE (-1)
#define MAX_INT32 2147483647
/* A QRS complex is a burst: a peak counts as a QRS only if the integrated energy fell below QUIET_NUMERATOR/32
 * of that peak since the last QRS (ventricular flutter and sustained muscle noise keep it up). */
#define QUIET_NUMERATOR 5
/* A QRS complex's band-passed peak exceeds this many eighths of the flatline gate's amplitude (flatlineMv, 0.02 mV
 * by default, so 0.03 mV): after 8 s without a beat the detector learns again, and in a beat-free signal with the
 * electrodes on (asystole, a device on a table: wander and noise) it would take noise peaks of 0.01-0.025 mV for
 * beats. Of MIT-BIH's beats 1 of 100,646 on MLII and 0.04 % on the second leads are smaller. */
#define QRS_OVER_FLATLINE_EIGHTHS 12
/* Search-back takes the largest rejected peak above this many eighths of the threshold. */
#define SEARCH_BACK_EIGHTHS 3
/* The quiet test remembers the energy's minimum per block of this many samples, for the learning period plus
 * QUIET_MARGIN_SECONDS (0.5 s: peaks found while learning are judged when it ends). */
#define QUIET_BLOCK 4
#define QUIET_BLOCK_SHIFT 2

/* ---- block minima: the minimum of a non-negative signal per block of 2^block_shift sample indices, last
 * `length` blocks (a power of two); -1 marks an unknown block. */

void ht_ecg_minima_clear(ht_ecg_block_minima *b)
{
	ht_ecg_history_fill(&b->minima, -1);
	b->current = -1;
}

/* Sample indices arrive in increasing order; values are non-negative. */
void ht_ecg_minima_push(ht_ecg_block_minima *b, int64_t index, int32_t value)
{
	int64_t block = ht_ecg_sar64(index, b->block_shift);
	if (block != b->current) {
		b->current = block;
		b->lowest = value;
	} else if (value < b->lowest)
		b->lowest = value;
	ht_ecg_history_write(&b->minima, block, b->lowest);
}

/* Lowest value of the blocks holding sample indices first..last (clipped to the blocks kept); -1 if none. */
int32_t ht_ecg_minima_lowest(const ht_ecg_block_minima *b, int64_t first, int64_t last)
{
	const ht_ecg_history *m = &b->minima;
	int64_t oldest = m->newest - m->length + 1;
	int64_t from = ht_ecg_sar64(first, b->block_shift);
	int64_t to = ht_ecg_sar64(last, b->block_shift);
	int64_t k;
	int32_t lowest = -1;
	if (to > m->newest)
		to = m->newest;
	if (from < oldest)
		from = oldest;
	for (k = from; k <= to; k++) {
		int32_t v = ht_ecg_history_at(m, k);
		if (v >= 0 && (lowest < 0 || v < lowest))
			lowest = v;
	}
	return lowest;
}

uint32_t ht_ecg_minima_blocks(const int32_t *s)
{
	/* blocks * QUIET_BLOCK < learning + 0.5 * sampleRate, compared doubled to stay in integers */
	uint32_t blocks = 2;
	while ((int64_t)2 * blocks * QUIET_BLOCK < (int64_t)2 * s[HT_ECG_S_LEARNING] + s[HT_ECG_S_SAMPLE_RATE])
		blocks *= 2;
	return blocks;
}

/* ---- RR history: the last eight RR intervals (samples). */

static void rr_clear(ht_ecg_rr *rr)
{
	rr->count = rr->next = 0;
	rr->sum = 0;
}

static void rr_add(ht_ecg_rr *rr, int32_t value)
{
	if (rr->count == 8)
		rr->sum -= rr->ring[rr->next];
	else
		rr->count++;
	rr->ring[rr->next] = value;
	rr->sum += value;
	rr->next = (rr->next + 1) % 8;
}

static int64_t rr_mean(const ht_ecg_rr *rr)
{
	return rr->count == 0 ? 0 : ht_ecg_floor_div(rr->sum, rr->count);
}

/* Lower median; 0 when empty. */
int32_t ht_ecg_rr_median(ht_ecg_rr *rr)
{
	int32_t n = rr->count, i;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		int32_t v = rr->ring[i];
		int32_t j = i;
		while (j > 0 && rr->sorted[j - 1] > v) {
			rr->sorted[j] = rr->sorted[j - 1];
			j--;
		}
		rr->sorted[j] = v;
	}
	return rr->sorted[(n - 1) >> 1];
}

/* ---- peak picker (Hamilton & Tompkins): a peak is the running maximum once the signal has fallen below half
 * of it (or timeout samples passed); of two peaks less than pre_blank apart only the larger is kept. */

static void picker_reset(ht_ecg_picker *p)
{
	p->max = p->since_max = p->last = p->held = p->blank = 0;
}

static int32_t picker_pick(ht_ecg_picker *p, int32_t energy, int64_t position)
{
	int32_t peak = 0;
	if (p->since_max > 0)
		p->since_max++;
	if (energy > p->last && energy > p->max) {
		p->max = energy;
		p->max_position = position;
		if (energy > 2)
			p->since_max = 1;
	} else if (energy < (p->max >> 1) || p->since_max > p->timeout) {
		peak = p->max;
		p->max = 0;
		p->since_max = 0;
	}
	p->last = energy;
	return peak;
}

static void picker_hold(ht_ecg_picker *p, int32_t peak)
{
	p->held = peak;
	p->held_position = p->max_position;
	p->blank = p->pre_blank;
}

static int picker_step(ht_ecg_picker *p, int32_t energy, int64_t position)
{
	int32_t peak = picker_pick(p, energy, position);
	if (peak > 0 && p->blank == 0) {
		picker_hold(p, peak);
		return 0;
	}
	if (peak > 0 && peak > p->held) {
		picker_hold(p, peak);
		return 0;
	}
	if (p->blank > 0 && --p->blank == 0) {
		p->value = p->held;
		p->position = p->held_position;
		p->held = 0;
		return 1;
	}
	return 0;
}

/* ---- detector */

void ht_ecg_detector_setup(ht_ecg *e, uint32_t minima_blocks)
{
	const int32_t *s = e->s;
	int32_t highpass_length = s[HT_ECG_S_DETECT_HIGHPASS_LENGTH];
	e->picker.timeout = s[HT_ECG_S_PEAK_TIMEOUT];
	e->picker.pre_blank = s[HT_ECG_S_PRE_BLANK];
	picker_reset(&e->picker);
	e->energy_minima.block_shift = QUIET_BLOCK_SHIFT;
	e->energy_minima.minima.length = minima_blocks;
	e->energy_minima.minima.mask = minima_blocks - 1;
	e->energy_minima.minima.newest = -1;
	ht_ecg_minima_clear(&e->energy_minima);
	e->d_centre_ago = (highpass_length - 1) >> 1;
	e->d_energy_divisor = highpass_length << s[HT_ECG_S_ENERGY_SHIFT];
	e->d_max_energy = MAX_INT32 / s[HT_ECG_S_INTEGRATION_LENGTH];
	e->d_delay = e->d_centre_ago + ((s[HT_ECG_S_DERIVATIVE_SPAN] + s[HT_ECG_S_INTEGRATION_LENGTH] - 1) >> 1);
	e->d_primed = 0;
	e->d_learning_end = 0;
	e->d_last_qrs = e->d_last_beat = NONE;
}

/* Forgets everything and learns thresholds again from sample start on. */
void ht_ecg_detector_restart(ht_ecg *e, int64_t start)
{
	e->d_primed = 0;
	ht_ecg_minima_clear(&e->energy_minima);
	picker_reset(&e->picker);
	e->d_learning_end = start + e->s[HT_ECG_S_LEARNING];
	e->d_learning_max = 0;
	e->d_learning_sum = 0;
	e->learned_count = 0;
	e->d_last_qrs = e->d_last_beat = NONE;
	e->d_search_peak = 0;
	rr_clear(&e->rr);
}

static int32_t energy_of(ht_ecg *e, int32_t value)
{
	int64_t centred, slope64, energy;
	int32_t slope;
	if (!e->d_primed) {
		ht_ecg_msum_fill(&e->d_highpass, value);
		ht_ecg_msum_fill(&e->d_derivative, 0);
		ht_ecg_msum_fill(&e->d_integrator, 0);
		e->d_integrated = 0;
		e->d_primed = 1;
	}
	ht_ecg_msum_push(&e->d_highpass, value);
	centred = (int64_t)ht_ecg_msum_at(&e->d_highpass, (uint32_t)e->d_centre_ago) * e->d_highpass.length - e->d_highpass.sum;
	ht_ecg_msum_push(&e->d_derivative, centred);
	slope64 = centred - ht_ecg_msum_at(&e->d_derivative, e->d_derivative.length - 1);
	/* truncating division; 32-bit when the difference fits (always, in practice: one SDIV on the M4) */
	if (slope64 >= INT32_MIN && slope64 <= INT32_MAX)
		slope = (int32_t)slope64 / e->d_energy_divisor;
	else
		slope = ht_ecg_wrap32(slope64 / e->d_energy_divisor);
	energy = (int64_t)slope * slope;
	return energy > e->d_max_energy ? e->d_max_energy : (int32_t)energy;
}

static void update_threshold(ht_ecg *e)
{
	e->d_threshold = e->d_noise + ht_ecg_sar(e->d_signal - e->d_noise, 2);
}

/* Largest |filtered value| (d_refined) and steepest slope (d_slope) within refineRadius of the detection. */
static void refine(ht_ecg *e, int64_t position)
{
	const ht_ecg_history *history = &e->history;
	int32_t span = e->s[HT_ECG_S_DERIVATIVE_SPAN];
	int32_t radius = e->s[HT_ECG_S_REFINE_RADIUS];
	int64_t centre = position - e->d_delay;
	int64_t last = centre + radius < history->newest ? centre + radius : history->newest;
	int64_t best = centre, i;
	int64_t best_magnitude = -1;
	int64_t steepest = 0;
	for (i = centre - radius; i <= last; i++) {
		int64_t v = ht_ecg_history_at(history, i);
		int64_t magnitude = v < 0 ? -v : v;
		int64_t rise, steepness;
		if (magnitude > best_magnitude) {
			best_magnitude = magnitude;
			best = i;
		}
		rise = v - ht_ecg_history_at(history, i - span);
		steepness = rise < 0 ? -rise : rise;
		if (steepness > steepest)
			steepest = steepness;
	}
	e->d_refined = best;
	e->d_slope = ht_ecg_wrap32(steepest);
	e->d_refined_amplitude = best_magnitude > MAX_INT32 ? MAX_INT32 : (int32_t)best_magnitude;
}

/* Expects refine(position) to have run. */
static int tall_enough(const ht_ecg *e)
{
	return (int64_t)e->d_refined_amplitude * 8 > (int64_t)QRS_OVER_FLATLINE_EIGHTHS * e->s[HT_ECG_S_FLATLINE_AMPLITUDE];
}

static int is_t_wave(ht_ecg *e, int64_t position, int64_t since_qrs)
{
	refine(e, position);
	return e->d_last_beat != NONE && since_qrs < e->s[HT_ECG_S_T_WAVE_LIMIT] &&
		e->d_slope < ht_ecg_sar(e->d_last_slope, 1);
}

static int rose_from_quiet(ht_ecg *e, int32_t peak, int64_t position)
{
	int32_t lowest = ht_ecg_minima_lowest(&e->energy_minima, e->d_last_qrs, position);
	return lowest >= 0 && (int64_t)lowest <= (int64_t)ht_ecg_sar(peak, 5) * QUIET_NUMERATOR;
}

/* Expects refine(position) to have run. */
static void accept(ht_ecg *e, int64_t position)
{
	int64_t beat;
	update_threshold(e);
	beat = e->d_refined;
	if (e->d_last_beat != NONE && beat > e->d_last_beat)
		rr_add(&e->rr, ht_ecg_wrap32(beat - e->d_last_beat));
	e->d_last_qrs = position;
	e->d_last_slope = e->d_slope;
	e->d_last_beat = beat;
	e->d_search_peak = 0;
	ht_ecg_detected(e, beat);
}

static int classify(ht_ecg *e, int32_t peak, int64_t position)
{
	int64_t since_qrs = position - e->d_last_qrs;
	int64_t search_threshold;
	if (e->d_last_beat != NONE && since_qrs < e->s[HT_ECG_S_REFRACTORY])
		return 0;
	if (peak > e->d_threshold && !is_t_wave(e, position, since_qrs) && tall_enough(e) && rose_from_quiet(e, peak, position)) {
		e->d_signal += ht_ecg_sar(peak - e->d_signal, 3);
		accept(e, position);
		return 1;
	}
	e->d_noise += ht_ecg_sar(peak - e->d_noise, 3);
	update_threshold(e);
	search_threshold = (int64_t)ht_ecg_sar(e->d_threshold, 3) * SEARCH_BACK_EIGHTHS;
	if (peak > search_threshold && peak > e->d_search_peak && !is_t_wave(e, position, since_qrs) && tall_enough(e) &&
		rose_from_quiet(e, peak, position)) {
		e->d_search_peak = peak;
		e->d_search_position = position;
	}
	return 0;
}

static int search_back(ht_ecg *e, int64_t t)
{
	int64_t limit;
	if (e->d_search_peak == 0)
		return 0;
	limit = ht_ecg_wrap32(rr_mean(&e->rr) * 166 / 100);
	if (limit == 0 || t - e->d_last_qrs <= limit)
		return 0;
	e->d_signal += ht_ecg_sar(e->d_search_peak - e->d_signal, 2);
	refine(e, e->d_search_position);
	accept(e, e->d_search_position);
	return 1;
}

static void remember_peak(ht_ecg *e, int32_t value, int64_t position)
{
	if (e->learned_count == HT_ECG_LEARNING_PEAKS)
		return;
	e->learned_value[e->learned_count] = value;
	e->learned_position[e->learned_count++] = position;
}

static void learn(ht_ecg *e, int64_t t, int32_t integrated)
{
	int32_t i;
	if (integrated > e->d_learning_max)
		e->d_learning_max = integrated;
	e->d_learning_sum += integrated;
	if (t + 1 < e->d_learning_end)
		return;
	e->d_signal = e->d_learning_max;
	e->d_noise = ht_ecg_wrap32(ht_ecg_floor_div(e->d_learning_sum, e->s[HT_ECG_S_LEARNING]));
	update_threshold(e);
	e->d_learning_end = 0;
	e->d_last_qrs = t - e->s[HT_ECG_S_LEARNING]; /* not a beat: anchors the relearn timer */
	e->d_last_beat = NONE;
	for (i = 0; i < e->learned_count; i++)
		classify(e, e->learned_value[i], e->learned_position[i]);
}

/* value is the filtered sample t, already written to the history. */
void ht_ecg_detector_step(ht_ecg *e, int64_t t, int32_t value)
{
	int32_t energy = energy_of(e, value);
	int32_t integrated = ht_ecg_wrap32(ht_ecg_msum_push(&e->d_integrator, energy));
	int picked;
	/* the zeros the integrator was primed with are not a quiet signal */
	if (e->d_integrated == (int32_t)e->d_integrator.length)
		ht_ecg_minima_push(&e->energy_minima, t, integrated);
	else
		e->d_integrated++;
	picked = picker_step(&e->picker, integrated, t);
	if (e->d_learning_end > 0) {
		if (picked)
			remember_peak(e, e->picker.value, e->picker.position);
		learn(e, t, integrated);
	} else if (picked && classify(e, e->picker.value, e->picker.position))
		return;
	else if (search_back(e, t))
		return;
	else if (t - e->d_last_qrs > e->s[HT_ECG_S_RELEARN_AFTER])
		ht_ecg_detector_restart(e, t);
}
