/* The C ECG pipeline (native/src/ht_ecg*.c) on the Cortex-M4, counted: 60 s of a synthetic 360 Hz ECG with a
 * few bad stretches, pushed in blocks of 36 samples (100 ms, as the boards deliver them), events drained after
 * each push. Prints the instructions of the whole run; `make m4-ecg` divides by the samples. */
#include <stdint.h>

#include "ht_ecg.h"
#include "report.h"

#define RATE 360
#define SECONDS 60
#define N (RATE * SECONDS)
#define BLOCK 36

/* resolveConfig({ sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 }) */
static const int32_t SETTINGS[HT_ECG_S_COUNT] = { 360, 1024, 0, 2047, 256, 128, 128, 6, 2, 310, 312, 55, 6, 54, 0,
	72, 130, 72, 34, 36, 720, 2880, 720, 180, 720, 4, 360, 36, 0, 2048 };

static uint64_t state[3072]; /* 24 KiB, 8-byte aligned */
static int16_t signal[N];
static int32_t window[256];

static uint32_t next_random(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static void synthetic(void)
{
	uint32_t s = 7, i, next = 200;
	for (i = 0; i < N; i++) {
		int32_t v = 1024 + (int32_t)(next_random(&s) % 9) - 4 + (int32_t)((i / 97) % 40) - 20;
		if (i >= next && i < next + 8)
			v += (int32_t)(i - next < 4 ? (i - next + 1) * 60 : (8 - (i - next)) * 60);
		if (i == next + 8)
			next += 250 + next_random(&s) % 80;
		signal[i] = (int16_t)v;
	}
	for (i = 20 * RATE; i < 23 * RATE; i++) /* flatline */
		signal[i] = 1100;
	for (i = 40 * RATE; i < 41 * RATE; i++) /* lead-off at the rail */
		signal[i] = 2047;
}

int main(void)
{
	ht_ecg *e = (ht_ecg *)state;
	ht_ecg_event ev;
	uint32_t bytes = 0, i, beats = 0, events = 0;
	int32_t status = ht_ecg_check_settings(SETTINGS, HT_ECG_S_COUNT, &bytes);
	if (status != HT_ECG_SETTINGS_OK || bytes > sizeof(state)) {
		report_error("settings", status);
		return 1;
	}
	ht_ecg_init(state, sizeof(state), SETTINGS, HT_ECG_S_COUNT);
	synthetic();
	report_u32("state_bytes", bytes);
	report_u32("samples", N);
	report_region("ecg_pipeline", 0);
	region_begin();
	for (i = 0; i < N; i += BLOCK) {
		uint32_t done = 0;
		while (done < BLOCK) {
			done += ht_ecg_push_i16(e, signal + i + done, BLOCK - done);
			while (ht_ecg_next_event(e, &ev, window, 256) != HT_ECG_EV_NONE) {
				events++;
				beats += ev.kind == HT_ECG_EV_BEAT;
			}
		}
	}
	region_end();
	report_u32("beats", beats);
	report_u32("events", events);
	report_u32("stack_bytes", stack_used_bytes());
	report_u32("done", 0);
	return 0;
}
