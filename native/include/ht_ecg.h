/*
 * hypertiny streaming ECG front end (the one implementation of modules/ecg's EcgPipeline): garbage gate,
 * quality monitor, linear-phase integer band-pass, Pan-Tompkins detector with Hamilton-Tompkins peak picking,
 * beat windows. Portable C: no XS headers, no allocation, no C library; all state lives in one caller-provided
 * block of ht_ecg_state_bytes() bytes (8-byte aligned; it must not move after ht_ecg_init, the state keeps
 * pointers into itself).
 *
 * The integer settings come from modules/ecg/config.ts (resolveConfig, the one place they are derived) as an
 * int32 array in the order below; ht_ecg_check_settings checks every value.
 *
 * Arithmetic follows the TypeScript definition it replaced bit for bit: sample indices and counters are int64
 * (JS numbers), moving sums are int64 over int32 rings (Int32Array), the filter's numerator is int64.
 */
#ifndef HT_ECG_H
#define HT_ECG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Order of the settings array (modules/ecg/config.ts ECG_SETTING_NAMES lists the same names). */
enum {
	HT_ECG_S_SAMPLE_RATE,
	HT_ECG_S_ADC_ZERO,
	HT_ECG_S_ADC_MIN,
	HT_ECG_S_ADC_MAX,
	HT_ECG_S_WINDOW_LENGTH,
	HT_ECG_S_WINDOW_PRE,
	HT_ECG_S_WINDOW_POST,
	HT_ECG_S_LOWPASS_LENGTH,
	HT_ECG_S_LOWPASS_SMOOTH_LENGTH,
	HT_ECG_S_HIGHPASS_LENGTH,
	HT_ECG_S_FILTER_DELAY,
	HT_ECG_S_DETECT_HIGHPASS_LENGTH,
	HT_ECG_S_DERIVATIVE_SPAN,
	HT_ECG_S_INTEGRATION_LENGTH,
	HT_ECG_S_ENERGY_SHIFT,
	HT_ECG_S_REFRACTORY,
	HT_ECG_S_T_WAVE_LIMIT,
	HT_ECG_S_PRE_BLANK,
	HT_ECG_S_PEAK_TIMEOUT,
	HT_ECG_S_REFINE_RADIUS,
	HT_ECG_S_LEARNING,
	HT_ECG_S_RELEARN_AFTER,
	HT_ECG_S_MAX_RR,
	HT_ECG_S_LEAD_OFF_SAMPLES,
	HT_ECG_S_FLATLINE_SAMPLES,
	HT_ECG_S_FLATLINE_AMPLITUDE,
	HT_ECG_S_SATURATION_WINDOW,
	HT_ECG_S_SATURATION_COUNT,
	HT_ECG_S_RAIL_MARGIN,
	HT_ECG_S_HISTORY_LENGTH,
	HT_ECG_S_COUNT
};

/* Event kinds (ht_ecg_event.kind). */
enum {
	HT_ECG_EV_NONE = 0,
	HT_ECG_EV_BEAT = 1,
	HT_ECG_EV_OK = 2,
	HT_ECG_EV_LEAD_OFF = 3,
	HT_ECG_EV_FLATLINE = 4,
	HT_ECG_EV_SATURATION = 5,
	HT_ECG_EV_GARBAGE = 6
};

/* Quality bits. */
#define HT_ECG_LEAD_OFF 1
#define HT_ECG_FLATLINE 2
#define HT_ECG_SATURATION 4

#define HT_ECG_QUEUE_CAPACITY 16
#define HT_ECG_LEARNING_PEAKS 16
/* Events one sample can queue at most: a garbage event, up to LEARNING_PEAKS beats forced out of the queue as
 * learned peaks are accepted, the ok event and a release of the whole queue (or, when the signal goes bad, the
 * queue and three quality events). A push stops after any sample that queued events, so this bounds the ring. */
#define HT_ECG_RING_CAPACITY (1 + HT_ECG_LEARNING_PEAKS + 1 + HT_ECG_QUEUE_CAPACITY + 6)

/* Whatever ht_ecg_init rejects: the index of the first bad setting, or one of these. */
#define HT_ECG_BAD_COUNT (-2)
#define HT_ECG_BAD_MEMORY (-3)
#define HT_ECG_SETTINGS_OK (-1)

/* Running sum of the last `length` values: int32 ring, int64 sum (exact, no drift). */
typedef struct {
	int32_t *ring;
	int64_t sum;
	uint32_t length;
	uint32_t next;
} ht_ecg_msum;

/* Ring of int32 addressed by absolute index (a power-of-two length). */
typedef struct {
	int32_t *ring;
	int64_t newest; /* index of the newest entry written, -1 before the first */
	uint32_t length;
	uint32_t mask;
} ht_ecg_history;

typedef struct {
	int32_t value; /* the peak reported by the last step that returned 1 */
	int64_t position;
	int32_t timeout, pre_blank;
	int32_t max;
	int64_t max_position;
	int32_t since_max, last, held;
	int64_t held_position;
	int32_t blank;
} ht_ecg_picker;

typedef struct {
	int32_t ring[8];
	int32_t sorted[8];
	int32_t count, next;
	int64_t sum;
} ht_ecg_rr;

typedef struct {
	ht_ecg_history minima;
	int32_t block_shift; /* blocks of 1 << block_shift sample indices */
	int64_t current;
	int32_t lowest;
} ht_ecg_block_minima;

typedef struct {
	int32_t kind;
	int32_t rr_previous, rr_next, heart_rate;
	int64_t sample_index;
	int64_t rejected;      /* rejected samples when the event was queued */
	int64_t window_first;  /* beats: sample index of window[0] in the history */
} ht_ecg_event;

typedef struct ht_ecg {
	int32_t s[HT_ECG_S_COUNT];
	/* filter */
	ht_ecg_msum f_mains, f_smooth, f_base1, f_base2;
	int64_t f_centre_gain, f_scale, f_half;
	/* detector */
	ht_ecg_msum d_highpass, d_derivative, d_integrator;
	ht_ecg_picker picker;
	ht_ecg_rr rr;
	ht_ecg_block_minima energy_minima;
	int32_t d_centre_ago, d_energy_divisor, d_max_energy, d_delay;
	int32_t d_primed, d_integrated;
	int64_t d_learning_end;
	int32_t d_learning_max;
	int64_t d_learning_sum;
	int32_t d_signal, d_noise, d_threshold;
	int64_t d_last_qrs;
	int32_t d_last_slope;
	int64_t d_last_beat;
	int32_t d_search_peak;
	int64_t d_search_position;
	int64_t d_refined;
	int32_t d_slope;
	int32_t d_refined_amplitude;
	int32_t learned_value[HT_ECG_LEARNING_PEAKS];
	int64_t learned_position[HT_ECG_LEARNING_PEAKS];
	int32_t learned_count;
	/* quality */
	int32_t q_active, q_low_rail, q_high_rail, q_lead_off_input;
	int64_t q_lead_off_since;
	int64_t q_rail_run;
	int32_t q_flat_anchor;
	int64_t q_flat_run;
	uint8_t *q_rail_flags;
	int32_t q_rail_next, q_rail_count;
	/* garbage spans */
	int64_t *g_first, *g_last;
	int32_t g_capacity, g_newest;
	/* beat queue */
	int64_t b_position[HT_ECG_QUEUE_CAPACITY];
	int32_t b_rr_previous[HT_ECG_QUEUE_CAPACITY];
	int32_t b_heart_rate[HT_ECG_QUEUE_CAPACITY];
	int32_t b_head, b_size;
	/* pipeline */
	ht_ecg_history history;
	int64_t samples, rejected, detected, delivered, suppressed;
	int32_t last_valid, quality_bits, announced;
	int64_t epoch, last_beat, bad_from;
	/* whole-record filtering (ht_ecg_filter_*): its own sample count and last valid sample */
	int64_t r_samples;
	int32_t r_last_valid;
	/* events queued for the caller, oldest first */
	ht_ecg_event ring[HT_ECG_RING_CAPACITY];
	int32_t ring_head, ring_size;
	int32_t ring_overflow; /* never nonzero unless HT_ECG_RING_CAPACITY is wrong */
} ht_ecg;

/*
 * Checks every setting (ranges, the relations resolveConfig derives, arithmetic bounds). Returns
 * HT_ECG_SETTINGS_OK and the state size in *bytes, HT_ECG_BAD_COUNT when count != HT_ECG_S_COUNT, or the index
 * of the first bad setting.
 */
int32_t ht_ecg_check_settings(const int32_t *settings, uint32_t count, uint32_t *bytes);

/* Stable name of a setting index ("sampleRate", ...), "?" for others. */
const char *ht_ecg_setting_name(int32_t index);

/* Lays out and resets the state in memory (bytes from ht_ecg_check_settings, 8-byte aligned). Returns
 * HT_ECG_SETTINGS_OK, HT_ECG_BAD_MEMORY (too small, misaligned or NULL) or what ht_ecg_check_settings does. */
int32_t ht_ecg_init(void *memory, uint32_t bytes, const int32_t *settings, uint32_t count);

/* Samples that fail isValidSample (outside adcMin..adcMax) are replaced by the last valid one and counted.
 * INT32_MIN is always invalid (adcMin > INT32_MIN): bindings map NaN, fractions and the like to it. */
#define HT_ECG_INVALID_SAMPLE INT32_MIN

/*
 * Pushes samples until the block ends or a sample queued events (then the caller takes them with
 * ht_ecg_next_event before pushing more; the history still holds every queued beat's window then). Returns
 * the samples consumed: count when no event came, else up to and including the sample that queued some.
 */
uint32_t ht_ecg_push_i16(ht_ecg *e, const int16_t *samples, uint32_t count);
uint32_t ht_ecg_push_i32(ht_ecg *e, const int32_t *samples, uint32_t count);

void ht_ecg_set_lead_off(ht_ecg *e, int on);

/* End of the stream: queues the beats still waiting for their successor (rrNext 0). */
void ht_ecg_flush(ht_ecg *e);

/* Counters: samples pushed, rejected, beats detected, delivered, suppressed (in this order). */
#define HT_ECG_COUNTER_COUNT 5
void ht_ecg_counters(const ht_ecg *e, int64_t *out);

/* Events waiting in the ring. */
uint32_t ht_ecg_pending(const ht_ecg *e);

/*
 * Takes the oldest queued event into *event; for a beat also copies its window (window_length samples) into
 * window when window_length equals the window length setting (else leaves window alone). Returns the kind,
 * HT_ECG_EV_NONE when the ring is empty.
 */
int32_t ht_ecg_next_event(ht_ecg *e, ht_ecg_event *event, int32_t *window, uint32_t window_length);

/*
 * Whole-record filtering with the pipeline's filter (modules/ecg/record.ts filterRecord): the state's filter is
 * reset by the first sample and then stepped per sample, garbage replaced by the last valid sample as the
 * pipeline does. out[k] receives the filter output of samples[k], i.e. the filtered value of the input sample
 * filter_delay steps earlier. Use a state for either this or push, not both.
 */
void ht_ecg_filter_i16(ht_ecg *e, const int16_t *samples, uint32_t count, int32_t *out);
void ht_ecg_filter_i32(ht_ecg *e, const int32_t *samples, uint32_t count, int32_t *out);

#ifdef __cplusplus
}
#endif

#endif
