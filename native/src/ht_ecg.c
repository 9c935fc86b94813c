/*
 * The ECG pipeline (modules/ecg/pipeline.ts is its JS face): garbage gate, quality monitor, band-pass filter,
 * filtered history, QRS detector, beat queue and the event ring. Beats wait for their window to complete and
 * for the next beat (or maxRr samples), then become events; quality changes become events too.
 */
#include "ht_ecg_stages.h"

#define NONE (-1)
#define NO_BAD INT64_MAX
#define MAX_INPUT_SPAN 32768

static const char *const setting_names[HT_ECG_S_COUNT] = {
	"sampleRate", "adcZero", "adcMin", "adcMax", "windowLength", "windowPre", "windowPost", "lowpassLength",
	"lowpassSmoothLength", "highpassLength", "filterDelay", "detectHighpassLength", "derivativeSpan",
	"integrationLength", "energyShift", "refractory", "tWaveLimit", "preBlank", "peakTimeout", "refineRadius",
	"learning", "relearnAfter", "maxRr", "leadOffSamples", "flatlineSamples", "flatlineAmplitude",
	"saturationWindow", "saturationCount", "railMargin", "historyLength",
};

const char *ht_ecg_setting_name(int32_t index)
{
	return index >= 0 && index < HT_ECG_S_COUNT ? setting_names[index] : "?";
}

/* ---- layout: the struct, then the rings, each 8-byte aligned */

static uint32_t garbage_capacity(const int32_t *s)
{
	return (uint32_t)((s[HT_ECG_S_HISTORY_LENGTH] + s[HT_ECG_S_WINDOW_LENGTH] - 1) / s[HT_ECG_S_WINDOW_LENGTH]) + 2;
}

static uint32_t align8(uint32_t n)
{
	return (n + 7u) & ~7u;
}

typedef struct {
	uint32_t mains, smooth, base1, base2, highpass, derivative, integrator, minima, history, rail, g_first, g_last;
	uint32_t total;
} layout;

static void layout_of(const int32_t *s, layout *l)
{
	uint32_t at = align8(sizeof(ht_ecg));
	uint32_t g = garbage_capacity(s);
#define TAKE(field, bytes) (l->field = at, at += align8((uint32_t)(bytes)))
	TAKE(mains, 4u * (uint32_t)s[HT_ECG_S_LOWPASS_LENGTH]);
	TAKE(smooth, 4u * (uint32_t)s[HT_ECG_S_LOWPASS_SMOOTH_LENGTH]);
	TAKE(base1, 4u * (uint32_t)s[HT_ECG_S_HIGHPASS_LENGTH]);
	TAKE(base2, 4u * (uint32_t)s[HT_ECG_S_HIGHPASS_LENGTH]);
	TAKE(highpass, 4u * (uint32_t)s[HT_ECG_S_DETECT_HIGHPASS_LENGTH]);
	TAKE(derivative, 4u * ((uint32_t)s[HT_ECG_S_DERIVATIVE_SPAN] + 1u));
	TAKE(integrator, 4u * (uint32_t)s[HT_ECG_S_INTEGRATION_LENGTH]);
	TAKE(minima, 4u * ht_ecg_minima_blocks(s));
	TAKE(history, 4u * (uint32_t)s[HT_ECG_S_HISTORY_LENGTH]);
	TAKE(rail, (uint32_t)s[HT_ECG_S_SATURATION_WINDOW]);
	TAKE(g_first, 8u * g);
	TAKE(g_last, 8u * g);
#undef TAKE
	l->total = at;
}

/* ---- settings: every value checked (resolveConfig's ranges and derivations; bounds the arithmetic needs) */

static int in_range(int32_t v, int64_t min, int64_t max)
{
	return v >= min && v <= max;
}

static int64_t samples_of_ms(int64_t ms, int64_t rate)
{
	/* Math.max(1, Math.round(ms * rate / 1000)) for integer ms */
	int64_t n = (ms * rate * 2 + 1000) / 2000;
	return n < 1 ? 1 : n;
}

int32_t ht_ecg_check_settings(const int32_t *s, uint32_t count, uint32_t *bytes)
{
	int64_t rate, span, lowpass, smooth, highpass, window, history, need;
	layout l;
	if (!s || count != HT_ECG_S_COUNT)
		return HT_ECG_BAD_COUNT;
	rate = s[HT_ECG_S_SAMPLE_RATE];
	if (!in_range(s[HT_ECG_S_SAMPLE_RATE], 100, 1000))
		return HT_ECG_S_SAMPLE_RATE;
	if (!in_range(s[HT_ECG_S_ADC_MIN], -2147483647, 2147483646))
		return HT_ECG_S_ADC_MIN;
	if (!in_range(s[HT_ECG_S_ADC_MAX], (int64_t)s[HT_ECG_S_ADC_MIN] + 1, 2147483647))
		return HT_ECG_S_ADC_MAX;
	if (!in_range(s[HT_ECG_S_ADC_ZERO], s[HT_ECG_S_ADC_MIN], s[HT_ECG_S_ADC_MAX]) ||
		(int64_t)s[HT_ECG_S_ADC_MAX] - s[HT_ECG_S_ADC_ZERO] > MAX_INPUT_SPAN ||
		(int64_t)s[HT_ECG_S_ADC_ZERO] - s[HT_ECG_S_ADC_MIN] > MAX_INPUT_SPAN)
		return HT_ECG_S_ADC_ZERO;
	window = s[HT_ECG_S_WINDOW_LENGTH];
	if (!in_range(s[HT_ECG_S_WINDOW_LENGTH], 16, 4096))
		return HT_ECG_S_WINDOW_LENGTH;
	if (!in_range(s[HT_ECG_S_WINDOW_PRE], 0, window - 1))
		return HT_ECG_S_WINDOW_PRE;
	if (s[HT_ECG_S_WINDOW_POST] != window - s[HT_ECG_S_WINDOW_PRE])
		return HT_ECG_S_WINDOW_POST;
	/* mainsHz 10..1000: lowpassLength = round(rate / mainsHz) */
	lowpass = s[HT_ECG_S_LOWPASS_LENGTH];
	if (!in_range(s[HT_ECG_S_LOWPASS_LENGTH], 1, rate / 10 + 1))
		return HT_ECG_S_LOWPASS_LENGTH;
	smooth = s[HT_ECG_S_LOWPASS_SMOOTH_LENGTH];
	if (smooth != (lowpass % 2 == 0 ? 2 : 1))
		return HT_ECG_S_LOWPASS_SMOOTH_LENGTH;
	/* lengths resolveConfig rounds from seconds: within a sample of the exact value (no double here) */
	highpass = s[HT_ECG_S_HIGHPASS_LENGTH];
	if (!in_range(s[HT_ECG_S_HIGHPASS_LENGTH], 86 * rate / 100 - 1, 86 * rate / 100 + 1))
		return HT_ECG_S_HIGHPASS_LENGTH;
	if (s[HT_ECG_S_FILTER_DELAY] != highpass - 1 + (lowpass + smooth - 2) / 2)
		return HT_ECG_S_FILTER_DELAY;
	span = s[HT_ECG_S_ADC_MAX] - (int64_t)s[HT_ECG_S_ADC_ZERO];
	if ((int64_t)s[HT_ECG_S_ADC_ZERO] - s[HT_ECG_S_ADC_MIN] > span)
		span = (int64_t)s[HT_ECG_S_ADC_ZERO] - s[HT_ECG_S_ADC_MIN];
	/* the filter's moving sums stay within int32 (its rings are int32) */
	if ((span + 1) * lowpass * smooth * highpass > 2147483647)
		return HT_ECG_S_ADC_MAX;
	if (!in_range(s[HT_ECG_S_DETECT_HIGHPASS_LENGTH], 15 * rate / 100 - 1, 15 * rate / 100 + 2) ||
		(s[HT_ECG_S_DETECT_HIGHPASS_LENGTH] & 1) == 0)
		return HT_ECG_S_DETECT_HIGHPASS_LENGTH;
	if (s[HT_ECG_S_DERIVATIVE_SPAN] != lowpass)
		return HT_ECG_S_DERIVATIVE_SPAN;
	if (!in_range(s[HT_ECG_S_INTEGRATION_LENGTH], 15 * rate / 100 - 1, 15 * rate / 100 + 1))
		return HT_ECG_S_INTEGRATION_LENGTH;
	/* the energy divisor detectHighpassLength << energyShift stays within int32 (adcGain <= 1e6) */
	if (!in_range(s[HT_ECG_S_ENERGY_SHIFT], 0, 12))
		return HT_ECG_S_ENERGY_SHIFT;
	if (s[HT_ECG_S_REFRACTORY] != samples_of_ms(200, rate))
		return HT_ECG_S_REFRACTORY;
	if (s[HT_ECG_S_T_WAVE_LIMIT] != samples_of_ms(360, rate))
		return HT_ECG_S_T_WAVE_LIMIT;
	if (s[HT_ECG_S_PRE_BLANK] != samples_of_ms(200, rate))
		return HT_ECG_S_PRE_BLANK;
	if (s[HT_ECG_S_PEAK_TIMEOUT] != samples_of_ms(95, rate))
		return HT_ECG_S_PEAK_TIMEOUT;
	if (s[HT_ECG_S_REFINE_RADIUS] != samples_of_ms(100, rate))
		return HT_ECG_S_REFINE_RADIUS;
	if (!in_range(s[HT_ECG_S_LEARNING], samples_of_ms(500, rate), samples_of_ms(10000, rate)))
		return HT_ECG_S_LEARNING;
	if (s[HT_ECG_S_RELEARN_AFTER] != 8 * rate)
		return HT_ECG_S_RELEARN_AFTER;
	if (!in_range(s[HT_ECG_S_MAX_RR], samples_of_ms(300, rate), samples_of_ms(5000, rate)))
		return HT_ECG_S_MAX_RR;
	if (!in_range(s[HT_ECG_S_LEAD_OFF_SAMPLES], 1, samples_of_ms(10000, rate)))
		return HT_ECG_S_LEAD_OFF_SAMPLES;
	if (!in_range(s[HT_ECG_S_FLATLINE_SAMPLES], samples_of_ms(100, rate), samples_of_ms(60000, rate)))
		return HT_ECG_S_FLATLINE_SAMPLES;
	/* flatlineMv <= 10, adcGain <= 1e6 */
	if (!in_range(s[HT_ECG_S_FLATLINE_AMPLITUDE], 1, 10000000))
		return HT_ECG_S_FLATLINE_AMPLITUDE;
	if (!in_range(s[HT_ECG_S_SATURATION_WINDOW], samples_of_ms(10, rate), samples_of_ms(10000, rate)))
		return HT_ECG_S_SATURATION_WINDOW;
	if (!in_range(s[HT_ECG_S_SATURATION_COUNT], 1, s[HT_ECG_S_SATURATION_WINDOW]))
		return HT_ECG_S_SATURATION_COUNT;
	if (!in_range(s[HT_ECG_S_RAIL_MARGIN], 0, MAX_INPUT_SPAN))
		return HT_ECG_S_RAIL_MARGIN;
	history = s[HT_ECG_S_HISTORY_LENGTH];
	need = window + s[HT_ECG_S_MAX_RR] + samples_of_ms(600, rate) + s[HT_ECG_S_REFINE_RADIUS];
	if (history < need || history >= 2 * need || (history & (history - 1)) != 0)
		return HT_ECG_S_HISTORY_LENGTH;
	layout_of(s, &l);
	if (bytes)
		*bytes = l.total;
	return HT_ECG_SETTINGS_OK;
}

/* ---- small stages */

void ht_ecg_history_fill(ht_ecg_history *h, int32_t value)
{
	uint32_t i;
	for (i = 0; i < h->length; i++)
		h->ring[i] = value;
}

static int history_holds(const ht_ecg_history *h, int64_t first, int64_t last)
{
	return first > h->newest - h->length && last <= h->newest && first <= last;
}

/* Garbage spans: where rejected samples were replaced, merged when closer than a window. 1 when index starts a
 * new span. */
static int garbage_add(ht_ecg *e, int64_t index)
{
	int32_t newest = e->g_newest, slot;
	if (newest >= 0 && index - e->g_last[newest] <= e->s[HT_ECG_S_WINDOW_LENGTH]) {
		e->g_last[newest] = index;
		return 0;
	}
	slot = (newest + 1) % e->g_capacity;
	e->g_first[slot] = index;
	e->g_last[slot] = index;
	e->g_newest = slot;
	return 1;
}

static int garbage_overlaps(const ht_ecg *e, int64_t first, int64_t last)
{
	int32_t i;
	for (i = 0; i < e->g_capacity; i++)
		if (e->g_last[i] >= first && e->g_first[i] <= last && e->g_first[i] >= 0)
			return 1;
	return 0;
}

/* Quality monitor: lead-off (input or pinned at a rail), flatline, saturation (with hysteresis). */
static int32_t quality_step(ht_ecg *e, int64_t index, int32_t sample)
{
	const int32_t *s = e->s;
	int at_rail = sample <= e->q_low_rail || sample >= e->q_high_rail;
	int32_t active = 0, threshold;
	int64_t deviation;

	e->q_rail_run = at_rail ? e->q_rail_run + 1 : 0;
	if (e->q_lead_off_input && (e->q_active & HT_ECG_LEAD_OFF) == 0)
		e->q_lead_off_since = index;
	if (e->q_lead_off_input || e->q_rail_run >= s[HT_ECG_S_LEAD_OFF_SAMPLES])
		active |= HT_ECG_LEAD_OFF;

	deviation = (int64_t)sample - e->q_flat_anchor;
	if (e->q_flat_run == 0 || deviation > s[HT_ECG_S_FLATLINE_AMPLITUDE] || deviation < -(int64_t)s[HT_ECG_S_FLATLINE_AMPLITUDE]) {
		e->q_flat_anchor = sample;
		e->q_flat_run = 1;
	} else
		e->q_flat_run++;
	if (e->q_flat_run >= s[HT_ECG_S_FLATLINE_SAMPLES] && !at_rail)
		active |= HT_ECG_FLATLINE;

	e->q_rail_count += (at_rail ? 1 : 0) - e->q_rail_flags[e->q_rail_next];
	e->q_rail_flags[e->q_rail_next] = at_rail ? 1 : 0;
	e->q_rail_next = e->q_rail_next + 1 == s[HT_ECG_S_SATURATION_WINDOW] ? 0 : e->q_rail_next + 1;
	threshold = (e->q_active & HT_ECG_SATURATION) ? (s[HT_ECG_S_SATURATION_COUNT] + 1) >> 1 : s[HT_ECG_S_SATURATION_COUNT];
	if (e->q_rail_count >= threshold)
		active |= HT_ECG_SATURATION;

	e->q_active = active;
	return active;
}

/* For an active condition, the sample index where it began (index: the current sample). */
static int64_t quality_since(const ht_ecg *e, int32_t bit, int64_t index)
{
	if (bit == HT_ECG_LEAD_OFF)
		return e->q_lead_off_input ? e->q_lead_off_since : index - e->q_rail_run + 1;
	if (bit == HT_ECG_FLATLINE)
		return index - e->q_flat_run + 1;
	return index - e->s[HT_ECG_S_SATURATION_WINDOW] + 1;
}

/* ---- events */

static ht_ecg_event *queue_event(ht_ecg *e, int32_t kind, int64_t sample_index)
{
	ht_ecg_event *ev;
	if (e->ring_size == HT_ECG_RING_CAPACITY) {
		e->ring_overflow++;
		return 0;
	}
	ev = &e->ring[(e->ring_head + e->ring_size++) % HT_ECG_RING_CAPACITY];
	ev->kind = kind;
	ev->sample_index = sample_index;
	ev->rr_previous = ev->rr_next = ev->heart_rate = 0;
	ev->rejected = e->rejected;
	ev->window_first = 0;
	return ev;
}

static int64_t queue_position(const ht_ecg *e, int32_t k)
{
	return e->b_position[(e->b_head + k) % HT_ECG_QUEUE_CAPACITY];
}

static void deliver_oldest(ht_ecg *e)
{
	const int32_t *s = e->s;
	int32_t head = e->b_head;
	int64_t position = e->b_position[head];
	int64_t first = position - s[HT_ECG_S_WINDOW_PRE];
	int64_t last = first + s[HT_ECG_S_WINDOW_LENGTH] - 1;
	int usable = first >= e->epoch + s[HT_ECG_S_FILTER_DELAY] && last < e->bad_from &&
		history_holds(&e->history, first, last) && !garbage_overlaps(e, first, last);
	if (usable) {
		ht_ecg_event *ev = queue_event(e, HT_ECG_EV_BEAT, position);
		if (ev) {
			ev->rr_previous = e->b_rr_previous[head];
			ev->rr_next = e->b_size > 1 ? ht_ecg_wrap32(queue_position(e, 1) - position) : 0;
			ev->heart_rate = e->b_heart_rate[head];
			ev->window_first = first;
		}
		e->delivered++;
	} else
		e->suppressed++;
	e->b_head = (head + 1) % HT_ECG_QUEUE_CAPACITY;
	e->b_size--;
}

/* Delivers queued beats whose window is complete and whose successor is known (all of them when flush). */
static void release(ht_ecg *e, int64_t newest, int flush)
{
	while (e->b_size > 0) {
		int64_t position = queue_position(e, 0);
		if (!flush && newest < position + e->s[HT_ECG_S_WINDOW_POST] - 1)
			return;
		if (!flush && e->b_size == 1 && newest < position + e->s[HT_ECG_S_MAX_RR])
			return;
		deliver_oldest(e);
	}
}

void ht_ecg_detected(ht_ecg *e, int64_t position)
{
	int32_t rr_previous, median, heart_rate, slot;
	if (e->last_beat != NONE && position <= e->last_beat)
		return;
	e->detected++;
	rr_previous = e->last_beat == NONE ? 0 : ht_ecg_wrap32(position - e->last_beat);
	median = ht_ecg_rr_median(&e->rr);
	/* Math.round(60 * rate / median), median > 0 */
	heart_rate = median == 0 ? 0 : (int32_t)(((int64_t)120 * e->s[HT_ECG_S_SAMPLE_RATE] + median) / ((int64_t)2 * median));
	e->last_beat = position;
	if (e->b_size == HT_ECG_QUEUE_CAPACITY)
		deliver_oldest(e);
	slot = (e->b_head + e->b_size) % HT_ECG_QUEUE_CAPACITY;
	e->b_position[slot] = position;
	e->b_rr_previous[slot] = rr_previous;
	e->b_heart_rate[slot] = heart_rate;
	e->b_size++;
}

static void quality_changed(ht_ecg *e, int64_t index, int32_t bits)
{
	int32_t added = bits & ~e->quality_bits;
	if (e->quality_bits == 0) {
		/* conditions are recognised late: refuse queued windows reaching into the bad stretch */
		int64_t onset = index, since;
		if (added & HT_ECG_LEAD_OFF && (since = quality_since(e, HT_ECG_LEAD_OFF, index)) < onset)
			onset = since;
		if (added & HT_ECG_FLATLINE && (since = quality_since(e, HT_ECG_FLATLINE, index)) < onset)
			onset = since;
		if (added & HT_ECG_SATURATION && (since = quality_since(e, HT_ECG_SATURATION, index)) < onset)
			onset = since;
		e->bad_from = onset;
		release(e, e->history.newest, 1);
		e->bad_from = NO_BAD;
		e->epoch = NONE;
	}
	e->quality_bits = bits;
	if (added & HT_ECG_LEAD_OFF)
		queue_event(e, HT_ECG_EV_LEAD_OFF, quality_since(e, HT_ECG_LEAD_OFF, index));
	if (added & HT_ECG_FLATLINE)
		queue_event(e, HT_ECG_EV_FLATLINE, quality_since(e, HT_ECG_FLATLINE, index));
	if (added & HT_ECG_SATURATION)
		queue_event(e, HT_ECG_EV_SATURATION, quality_since(e, HT_ECG_SATURATION, index));
}

static int is_valid(const ht_ecg *e, int32_t sample)
{
	return sample >= e->s[HT_ECG_S_ADC_MIN] && sample <= e->s[HT_ECG_S_ADC_MAX];
}

static void push_one(ht_ecg *e, int32_t sample)
{
	int64_t index = e->samples++;
	int64_t t;
	int32_t value = sample, bits, filtered;
	if (is_valid(e, sample))
		e->last_valid = sample;
	else {
		value = e->last_valid;
		e->rejected++;
		if (garbage_add(e, index))
			queue_event(e, HT_ECG_EV_GARBAGE, index);
	}

	bits = quality_step(e, index, value);
	if (bits != e->quality_bits)
		quality_changed(e, index, bits);
	if (bits != 0)
		return;
	if (e->epoch == NONE) {
		ht_ecg_filter_reset(e, value);
		ht_ecg_detector_restart(e, index);
		e->epoch = index;
		e->announced = 0;
		e->last_beat = NONE;
	}

	t = index - e->s[HT_ECG_S_FILTER_DELAY];
	filtered = ht_ecg_filter_step(e, value);
	ht_ecg_history_write(&e->history, t, filtered);
	if (t < e->epoch)
		return;
	ht_ecg_detector_step(e, t, filtered);
	if (!e->announced && e->d_learning_end == 0) {
		e->announced = 1;
		queue_event(e, HT_ECG_EV_OK, e->epoch);
	}
	if (e->b_size > 0)
		release(e, t, 0);
}

uint32_t ht_ecg_push_i16(ht_ecg *e, const int16_t *samples, uint32_t count)
{
	uint32_t i;
	for (i = 0; i < count; i++) {
		push_one(e, samples[i]);
		if (e->ring_size)
			return i + 1;
	}
	return count;
}

uint32_t ht_ecg_push_i32(ht_ecg *e, const int32_t *samples, uint32_t count)
{
	uint32_t i;
	for (i = 0; i < count; i++) {
		push_one(e, samples[i]);
		if (e->ring_size)
			return i + 1;
	}
	return count;
}

void ht_ecg_set_lead_off(ht_ecg *e, int on)
{
	e->q_lead_off_input = on ? 1 : 0;
}

void ht_ecg_flush(ht_ecg *e)
{
	while (e->b_size > 0 && e->history.newest >= queue_position(e, 0) + e->s[HT_ECG_S_WINDOW_POST] - 1)
		deliver_oldest(e);
	e->suppressed += e->b_size;
	e->b_size = 0;
}

void ht_ecg_counters(const ht_ecg *e, int64_t *out)
{
	out[0] = e->samples;
	out[1] = e->rejected;
	out[2] = e->detected;
	out[3] = e->delivered;
	out[4] = e->suppressed;
}

uint32_t ht_ecg_pending(const ht_ecg *e)
{
	return (uint32_t)e->ring_size;
}

int32_t ht_ecg_next_event(ht_ecg *e, ht_ecg_event *event, int32_t *window, uint32_t window_length)
{
	const ht_ecg_event *ev;
	if (e->ring_size == 0) {
		event->kind = HT_ECG_EV_NONE;
		return HT_ECG_EV_NONE;
	}
	ev = &e->ring[e->ring_head];
	*event = *ev;
	e->ring_head = (e->ring_head + 1) % HT_ECG_RING_CAPACITY;
	e->ring_size--;
	if (event->kind == HT_ECG_EV_BEAT && window && window_length == (uint32_t)e->s[HT_ECG_S_WINDOW_LENGTH]) {
		uint32_t i;
		for (i = 0; i < window_length; i++)
			window[i] = ht_ecg_history_at(&e->history, event->window_first + i);
	}
	return event->kind;
}

/* ---- whole-record filtering */

static int32_t filter_one(ht_ecg *e, int32_t sample)
{
	if (is_valid(e, sample))
		e->r_last_valid = sample;
	if (e->r_samples++ == 0)
		ht_ecg_filter_reset(e, e->r_last_valid);
	return ht_ecg_filter_step(e, e->r_last_valid);
}

void ht_ecg_filter_i16(ht_ecg *e, const int16_t *samples, uint32_t count, int32_t *out)
{
	uint32_t i;
	for (i = 0; i < count; i++)
		out[i] = filter_one(e, samples[i]);
}

void ht_ecg_filter_i32(ht_ecg *e, const int32_t *samples, uint32_t count, int32_t *out)
{
	uint32_t i;
	for (i = 0; i < count; i++)
		out[i] = filter_one(e, samples[i]);
}

/* ---- init */

int32_t ht_ecg_init(void *memory, uint32_t bytes, const int32_t *settings, uint32_t count)
{
	uint8_t *base = memory;
	uint32_t need = 0, i;
	int32_t check = ht_ecg_check_settings(settings, count, &need);
	ht_ecg *e = memory;
	layout l;
	if (check != HT_ECG_SETTINGS_OK)
		return check;
	if (!memory || ((uintptr_t)memory & 7u) || bytes < need)
		return HT_ECG_BAD_MEMORY;
	for (i = 0; i < need; i++)
		base[i] = 0;
	for (i = 0; i < HT_ECG_S_COUNT; i++)
		e->s[i] = settings[i];
	layout_of(settings, &l);
	ht_ecg_msum_init(&e->f_mains, (int32_t *)(base + l.mains), (uint32_t)settings[HT_ECG_S_LOWPASS_LENGTH]);
	ht_ecg_msum_init(&e->f_smooth, (int32_t *)(base + l.smooth), (uint32_t)settings[HT_ECG_S_LOWPASS_SMOOTH_LENGTH]);
	ht_ecg_msum_init(&e->f_base1, (int32_t *)(base + l.base1), (uint32_t)settings[HT_ECG_S_HIGHPASS_LENGTH]);
	ht_ecg_msum_init(&e->f_base2, (int32_t *)(base + l.base2), (uint32_t)settings[HT_ECG_S_HIGHPASS_LENGTH]);
	ht_ecg_filter_setup(e);
	ht_ecg_msum_init(&e->d_highpass, (int32_t *)(base + l.highpass), (uint32_t)settings[HT_ECG_S_DETECT_HIGHPASS_LENGTH]);
	ht_ecg_msum_init(&e->d_derivative, (int32_t *)(base + l.derivative), (uint32_t)settings[HT_ECG_S_DERIVATIVE_SPAN] + 1u);
	ht_ecg_msum_init(&e->d_integrator, (int32_t *)(base + l.integrator), (uint32_t)settings[HT_ECG_S_INTEGRATION_LENGTH]);
	e->energy_minima.minima.ring = (int32_t *)(base + l.minima);
	ht_ecg_detector_setup(e, ht_ecg_minima_blocks(settings));
	e->history.ring = (int32_t *)(base + l.history);
	e->history.length = (uint32_t)settings[HT_ECG_S_HISTORY_LENGTH];
	e->history.mask = e->history.length - 1;
	e->history.newest = -1;
	e->q_low_rail = settings[HT_ECG_S_ADC_MIN] + settings[HT_ECG_S_RAIL_MARGIN];
	e->q_high_rail = settings[HT_ECG_S_ADC_MAX] - settings[HT_ECG_S_RAIL_MARGIN];
	e->q_rail_flags = base + l.rail;
	e->g_capacity = (int32_t)garbage_capacity(settings);
	e->g_first = (int64_t *)(base + l.g_first);
	e->g_last = (int64_t *)(base + l.g_last);
	for (i = 0; i < (uint32_t)e->g_capacity; i++)
		e->g_first[i] = e->g_last[i] = -1;
	e->g_newest = -1;
	e->last_valid = settings[HT_ECG_S_ADC_ZERO];
	e->r_last_valid = settings[HT_ECG_S_ADC_ZERO];
	e->epoch = NONE;
	e->last_beat = NONE;
	e->bad_from = NO_BAD;
	return HT_ECG_SETTINGS_OK;
}
