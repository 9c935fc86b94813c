/* libFuzzer harness for the C ECG pipeline (ht_ecg.c, ht_ecg_detect.c, ht_ecg_filter.c).
 * Input: 1 mode byte, HT_ECG_S_COUNT little-endian int32 settings, then samples (int16 or int32, little-endian).
 * Settings ht_ecg_check_settings refuses must also be refused by ht_ecg_init; accepted ones run the pipeline
 * over an exact-size heap state (so ASan sees any access past it), in chunks whose size the mode byte picks,
 * lead-off toggled between chunks when asked, then flushed; every queued event is taken with its window.
 * Mode bit 0: int32 samples; bit 1: whole-record filtering (ht_ecg_filter_*) instead of push; bit 2: toggle
 * lead-off between chunks; bits 3..7: chunk size / 16 - 1. A crash, a sanitizer report, a push that consumes
 * nothing, an event kind outside 1..6, a ring overflow, or counters that disagree with the events taken abort. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ht_ecg.h"

enum { MAX_SAMPLES = 1 << 14 };

static int32_t ld32(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static int32_t samples32[MAX_SAMPLES];
static int16_t samples16[MAX_SAMPLES];
static int32_t filtered[MAX_SAMPLES];

static int64_t beats_taken;

static void drain(ht_ecg *e, int32_t *window, uint32_t window_length)
{
	ht_ecg_event ev;
	uint32_t pending = ht_ecg_pending(e);
	for (uint32_t k = 0; k < pending; k++) {
		int32_t kind = ht_ecg_next_event(e, &ev, window, window_length);
		if (kind < HT_ECG_EV_BEAT || kind > HT_ECG_EV_GARBAGE || ev.kind != kind)
			abort();
		beats_taken += kind == HT_ECG_EV_BEAT;
	}
	if (ht_ecg_pending(e) != 0 || ht_ecg_next_event(e, &ev, window, window_length) != HT_ECG_EV_NONE)
		abort();
	if (e->ring_overflow)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t head = 1 + 4u * HT_ECG_S_COUNT;
	if (size < head)
		return 0;
	uint8_t mode = data[0];
	int32_t settings[HT_ECG_S_COUNT];
	for (int i = 0; i < HT_ECG_S_COUNT; i++)
		settings[i] = ld32(data + 1 + 4 * i);

	uint32_t bytes = 0;
	int32_t verdict = ht_ecg_check_settings(settings, HT_ECG_S_COUNT, &bytes);
	if (verdict != HT_ECG_SETTINGS_OK) {
		static uint64_t small[64];
		if (verdict < 0 || verdict >= HT_ECG_S_COUNT)
			abort(); /* only a setting index can be wrong here */
		if (ht_ecg_init(small, sizeof(small), settings, HT_ECG_S_COUNT) != verdict)
			abort();
		return 0;
	}
	if (bytes == 0 || bytes > (64u << 20))
		abort();
	void *memory = malloc(bytes);
	if (!memory)
		return 0;
	if (ht_ecg_init(memory, bytes, settings, HT_ECG_S_COUNT) != HT_ECG_SETTINGS_OK)
		abort();
	ht_ecg *e = (ht_ecg *)memory;
	uint32_t window_length = (uint32_t)settings[HT_ECG_S_WINDOW_LENGTH];
	int32_t *window = malloc(sizeof(int32_t) * window_length);

	const uint8_t *body = data + head;
	size_t body_bytes = size - head;
	int wide = mode & 1;
	uint32_t count = (uint32_t)(body_bytes / (wide ? 4 : 2));
	if (count > MAX_SAMPLES)
		count = MAX_SAMPLES;
	for (uint32_t i = 0; i < count; i++) {
		if (wide)
			samples32[i] = ld32(body + 4 * i);
		else
			samples16[i] = (int16_t)(body[2 * i] | body[2 * i + 1] << 8);
	}

	beats_taken = 0;
	uint32_t chunk = 16u * (uint32_t)((mode >> 3) + 1);
	int lead_off = 0;
	for (uint32_t at = 0; at < count;) {
		uint32_t n = count - at < chunk ? count - at : chunk;
		if (mode & 2) {
			if (wide)
				ht_ecg_filter_i32(e, samples32 + at, n, filtered + at);
			else
				ht_ecg_filter_i16(e, samples16 + at, n, filtered + at);
			at += n;
		} else {
			for (uint32_t done = 0; done < n;) {
				uint32_t used = wide ? ht_ecg_push_i32(e, samples32 + at + done, n - done)
						     : ht_ecg_push_i16(e, samples16 + at + done, n - done);
				if (used == 0 || used > n - done)
					abort();
				done += used;
				drain(e, window, window_length);
			}
			at += n;
		}
		if (mode & 4) {
			lead_off = !lead_off;
			ht_ecg_set_lead_off(e, lead_off);
		}
	}
	if (!(mode & 2)) {
		ht_ecg_flush(e);
		drain(e, window, window_length);
		int64_t counters[HT_ECG_COUNTER_COUNT];
		ht_ecg_counters(e, counters);
		/* samples, rejected, detected, delivered, suppressed */
		if (counters[0] != (int64_t)count || counters[1] < 0 || counters[1] > counters[0] || counters[3] < 0 ||
		    counters[4] < 0 || counters[3] + counters[4] > counters[2] || counters[3] != beats_taken)
			abort();
	}
	free(window);
	free(memory);
	return 0;
}
