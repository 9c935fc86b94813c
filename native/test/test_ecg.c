/* Edges of the ECG core (native/src/ht_ecg*.c): settings checks, memory checks, block boundaries, the event
 * ring, the int64 filter range, block minima. Bit identity with the TypeScript it replaced and with Node is
 * tested in test/ecg-*.test.ts (the same C as WebAssembly) and host/ecg-wasm/compare-old.ts. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "ht_ecg_stages.h"

/* resolveConfig({ sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 }) */
static const int32_t MITDB[HT_ECG_S_COUNT] = { 360, 1024, 0, 2047, 256, 128, 128, 6, 2, 310, 312, 55, 6, 54, 0, 72,
	130, 72, 34, 36, 720, 2880, 720, 180, 720, 4, 360, 36, 0, 2048 };
/* ... { sampleRate: 1000, adcGain: 2000, adcZero: 0, adcMin: -32768, adcMax: 32767, mainsHz: 50 }: the widest span */
static const int32_t WIDE[HT_ECG_S_COUNT] = { 1000, 0, -32768, 32767, 256, 128, 128, 20, 2, 860, 869, 151, 20, 150, 3,
	200, 360, 200, 95, 100, 2000, 8000, 2000, 500, 2000, 40, 1000, 100, 0, 4096 };

static ht_ecg *open_state(const int32_t *settings)
{
	uint32_t bytes = 0;
	void *memory;
	CHECK_EQ(ht_ecg_check_settings(settings, HT_ECG_S_COUNT, &bytes), HT_ECG_SETTINGS_OK);
	memory = calloc(1, bytes);
	CHECK_EQ(ht_ecg_init(memory, bytes, settings, HT_ECG_S_COUNT), HT_ECG_SETTINGS_OK);
	return memory;
}

/* A synthetic ECG: spikes every ~0.8 s (jittered) on a slow wander, plus noise; a few bad stretches. */
static void synthetic(int16_t *x, uint32_t n, uint32_t seed)
{
	uint32_t s = seed, i, next = 200;
	for (i = 0; i < n; i++) {
		int32_t v = 1024 + (int32_t)(test_rand(&s) % 9) - 4 + (int32_t)((i / 97) % 40) - 20;
		if (i >= next && i < next + 8)
			v += (int32_t)(i - next < 4 ? (i - next + 1) * 60 : (8 - (i - next)) * 60);
		if (i == next + 8)
			next += 250 + test_rand(&s) % 80;
		x[i] = (int16_t)v;
	}
	for (i = 20000; i < 21000 && i < n; i++) /* flatline */
		x[i] = 1100;
	for (i = 30000; i < 30500 && i < n; i++) /* pinned at the rail: lead-off */
		x[i] = 2047;
	for (i = 40000; i < n; i += 3001) /* garbage */
		x[i] = 4000;
}

typedef struct {
	int64_t log[40000];
	uint32_t length;
} event_log;

static void drain(ht_ecg *e, event_log *log, int32_t *window)
{
	ht_ecg_event ev;
	while (ht_ecg_next_event(e, &ev, window, 256) != HT_ECG_EV_NONE) {
		uint32_t k;
		uint64_t sum = 0;
		if (ev.kind == HT_ECG_EV_BEAT)
			for (k = 0; k < 256; k++)
				sum = sum * 31u + (uint32_t)window[k];
		if (log->length + 6 <= sizeof(log->log) / sizeof(log->log[0])) {
			int64_t *l = log->log + log->length;
			l[0] = ev.kind, l[1] = ev.sample_index, l[2] = ev.rr_previous, l[3] = ev.rr_next, l[4] = ev.rejected, l[5] = (int64_t)(sum >> 1);
			log->length += 6;
		}
	}
}

/* Pushes x in blocks of the sizes given (cycled), draining after each push. */
static void run_blocks(const int16_t *x, uint32_t n, const uint32_t *sizes, uint32_t size_count, event_log *log, int64_t *counters)
{
	ht_ecg *e = open_state(MITDB);
	int32_t window[256];
	uint32_t i = 0, k = 0;
	log->length = 0;
	while (i < n) {
		uint32_t want = sizes[k++ % size_count], got;
		if (want > n - i)
			want = n - i;
		got = ht_ecg_push_i16(e, x + i, want);
		CHECK(got >= 1 && got <= want);
		/* a push stops exactly after a sample that queued events */
		CHECK(got == want || ht_ecg_pending(e) > 0);
		i += got;
		drain(e, log, window);
	}
	ht_ecg_flush(e);
	drain(e, log, window);
	ht_ecg_counters(e, counters);
	CHECK_EQ(e->ring_overflow, 0);
	free(e);
}

static void test_block_boundaries(void)
{
	enum { N = 60000 };
	static int16_t x[N];
	static event_log whole, single, odd;
	int64_t c1[HT_ECG_COUNTER_COUNT], c2[HT_ECG_COUNTER_COUNT], c3[HT_ECG_COUNTER_COUNT];
	const uint32_t all[] = { N }, one[] = { 1 }, mixed[] = { 7, 1, 4096, 333, 2, 65 };
	uint32_t k, beats = 0, kinds = 0;
	synthetic(x, N, 7);
	run_blocks(x, N, all, 1, &whole, c1);
	run_blocks(x, N, one, 1, &single, c2);
	run_blocks(x, N, mixed, 6, &odd, c3);
	CHECK_EQ(whole.length, single.length);
	CHECK_EQ(whole.length, odd.length);
	CHECK(memcmp(whole.log, single.log, whole.length * sizeof(int64_t)) == 0);
	CHECK(memcmp(whole.log, odd.log, whole.length * sizeof(int64_t)) == 0);
	CHECK(memcmp(c1, c2, sizeof(c1)) == 0);
	CHECK(memcmp(c1, c3, sizeof(c1)) == 0);
	for (k = 0; k < whole.length; k += 6) {
		beats += whole.log[k] == HT_ECG_EV_BEAT;
		kinds |= 1u << whole.log[k];
	}
	/* the signal exercised beats and every quality event (the rail stretch is lead-off and saturation) */
	CHECK(beats > 100);
	CHECK_EQ(kinds, (1u << HT_ECG_EV_BEAT) | (1u << HT_ECG_EV_OK) | (1u << HT_ECG_EV_LEAD_OFF) | (1u << HT_ECG_EV_FLATLINE) |
		(1u << HT_ECG_EV_SATURATION) | (1u << HT_ECG_EV_GARBAGE));
	CHECK_EQ(c1[0], N);
	CHECK(c1[1] > 0);
	CHECK_EQ(c1[2], c1[3] + c1[4]);
	CHECK_EQ(c1[3], beats);
}

static void test_ring(void)
{
	ht_ecg *e = open_state(MITDB);
	int32_t x[2000], window[256];
	ht_ecg_event ev;
	uint32_t i, got;
	int32_t n;
	for (i = 0; i < 2000; i++)
		x[i] = 1024 + (int32_t)(i % 7);
	x[10] = HT_ECG_INVALID_SAMPLE; /* garbage: an event at sample 10 */
	got = ht_ecg_push_i32(e, x, 2000);
	CHECK_EQ(got, 11);
	CHECK_EQ(ht_ecg_pending(e), 1);
	CHECK_EQ(ht_ecg_next_event(e, &ev, window, 256), HT_ECG_EV_GARBAGE);
	CHECK_EQ(ev.sample_index, 10);
	CHECK_EQ(ev.rejected, 1);
	CHECK_EQ(ht_ecg_next_event(e, &ev, window, 256), HT_ECG_EV_NONE);
	/* events left in the ring: pushes go on one sample at a time (each returns at once: events wait); the ring
	 * fills, then counts what it loses */
	for (n = 0; n < HT_ECG_RING_CAPACITY + 6; n++) {
		int32_t sample = -5; /* outside adcMin..adcMax, more than a window after the last: a new span */
		CHECK_EQ(ht_ecg_push_i32(e, &sample, 1), 1);
		for (i = 0; i < 300; i++) {
			sample = 1024 + (int32_t)(i % 2) * 10; /* not flat */
			CHECK_EQ(ht_ecg_push_i32(e, &sample, 1), 1);
		}
	}
	CHECK_EQ(ht_ecg_pending(e), HT_ECG_RING_CAPACITY);
	CHECK(e->ring_overflow >= 6); /* 46 garbage spans and the ok event after learning, 40 kept */
	for (n = 0; ht_ecg_next_event(e, &ev, window, 256) != HT_ECG_EV_NONE; n++)
		CHECK(ev.kind == HT_ECG_EV_GARBAGE || ev.kind == HT_ECG_EV_OK);
	CHECK_EQ(n, HT_ECG_RING_CAPACITY);
	/* a zero-length push does nothing */
	CHECK_EQ(ht_ecg_push_i32(e, x, 0), 0);
	free(e);
}

static void test_settings(void)
{
	int32_t s[HT_ECG_S_COUNT];
	uint32_t bytes = 0, i;
	uint8_t *memory;
	CHECK_EQ(ht_ecg_check_settings(MITDB, HT_ECG_S_COUNT - 1, &bytes), HT_ECG_BAD_COUNT);
	CHECK_EQ(ht_ecg_check_settings(NULL, HT_ECG_S_COUNT, &bytes), HT_ECG_BAD_COUNT);
	CHECK_EQ(ht_ecg_check_settings(WIDE, HT_ECG_S_COUNT, &bytes), HT_ECG_SETTINGS_OK);
	CHECK_EQ(ht_ecg_check_settings(MITDB, HT_ECG_S_COUNT, &bytes), HT_ECG_SETTINGS_OK);
	CHECK(bytes > sizeof(ht_ecg) + 4 * 2048 && bytes < 32768);
	CHECK(strcmp(ht_ecg_setting_name(HT_ECG_S_HISTORY_LENGTH), "historyLength") == 0);
	CHECK(strcmp(ht_ecg_setting_name(HT_ECG_S_COUNT), "?") == 0);
	/* every setting: values far out of range are refused, named by their index (the ADC values by one of
	 * theirs: they are checked together); the few that are legal are accepted */
	for (i = 0; i < HT_ECG_S_COUNT; i++) {
		static const int32_t bad[] = { -1, 0, 1 << 30, INT32_MIN };
		uint32_t k;
		for (k = 0; k < 4; k++) {
			int legal = (i == HT_ECG_S_ADC_MIN && (bad[k] == -1 || bad[k] == 0)) ||
				(bad[k] == 0 && (i == HT_ECG_S_ADC_ZERO || i == HT_ECG_S_ENERGY_SHIFT ||
					i == HT_ECG_S_RAIL_MARGIN));
			int32_t r;
			memcpy(s, MITDB, sizeof(s));
			s[i] = bad[k];
			r = ht_ecg_check_settings(s, HT_ECG_S_COUNT, &bytes);
			if (legal)
				CHECK_EQ(r, HT_ECG_SETTINGS_OK);
			else if (i >= HT_ECG_S_ADC_ZERO && i <= HT_ECG_S_ADC_MAX)
				CHECK(r >= HT_ECG_S_ADC_ZERO && r <= HT_ECG_S_ADC_MAX);
			else if (i == HT_ECG_S_WINDOW_PRE && bad[k] == 0)
				CHECK_EQ(r, HT_ECG_S_WINDOW_POST); /* legal alone, but windowPost no longer matches */
			else
				CHECK_EQ(r, (int32_t)i);
		}
	}
	/* relations resolveConfig derives */
	memcpy(s, MITDB, sizeof(s));
	s[HT_ECG_S_WINDOW_POST] = 129;
	CHECK_EQ(ht_ecg_check_settings(s, HT_ECG_S_COUNT, &bytes), HT_ECG_S_WINDOW_POST);
	memcpy(s, MITDB, sizeof(s));
	s[HT_ECG_S_HISTORY_LENGTH] = 1024; /* too short for a window plus maxRr */
	CHECK_EQ(ht_ecg_check_settings(s, HT_ECG_S_COUNT, &bytes), HT_ECG_S_HISTORY_LENGTH);
	s[HT_ECG_S_HISTORY_LENGTH] = 3000; /* not a power of two */
	CHECK_EQ(ht_ecg_check_settings(s, HT_ECG_S_COUNT, &bytes), HT_ECG_S_HISTORY_LENGTH);
	memcpy(s, MITDB, sizeof(s));
	s[HT_ECG_S_FILTER_DELAY] = 311;
	CHECK_EQ(ht_ecg_check_settings(s, HT_ECG_S_COUNT, &bytes), HT_ECG_S_FILTER_DELAY);
	/* a span the 32-bit moving sums cannot hold at this rate (mains 10 Hz: 100-sample low-pass) */
	memcpy(s, WIDE, sizeof(s));
	s[HT_ECG_S_LOWPASS_LENGTH] = s[HT_ECG_S_DERIVATIVE_SPAN] = 100;
	s[HT_ECG_S_FILTER_DELAY] = 859 + 50;
	CHECK_EQ(ht_ecg_check_settings(s, HT_ECG_S_COUNT, &bytes), HT_ECG_S_ADC_MAX);
	/* memory: too small, misaligned, NULL */
	CHECK_EQ(ht_ecg_check_settings(MITDB, HT_ECG_S_COUNT, &bytes), HT_ECG_SETTINGS_OK);
	memory = malloc(bytes + 8);
	CHECK_EQ(ht_ecg_init(memory, bytes - 1, MITDB, HT_ECG_S_COUNT), HT_ECG_BAD_MEMORY);
	CHECK_EQ(ht_ecg_init(memory + 4, bytes, MITDB, HT_ECG_S_COUNT), HT_ECG_BAD_MEMORY);
	CHECK_EQ(ht_ecg_init(NULL, bytes, MITDB, HT_ECG_S_COUNT), HT_ECG_BAD_MEMORY);
	CHECK_EQ(ht_ecg_init(memory, bytes, MITDB, 3), HT_ECG_BAD_COUNT);
	CHECK_EQ(ht_ecg_init(memory, bytes, MITDB, HT_ECG_S_COUNT), HT_ECG_SETTINGS_OK);
	free(memory);
}

/* The band-pass against a direct evaluation (sums recomputed from scratch, int64), at full scale on the widest
 * ADC span and the longest filter: the numerator far exceeds 32 bits. */
static void test_filter_range(void)
{
	enum { N = 6000 };
	static int32_t x[N], y[N], lp[N], b1[N], b2[N];
	static int64_t m[N], sm[N];
	ht_ecg *e = open_state(WIDE);
	const int32_t lpl = WIDE[HT_ECG_S_LOWPASS_LENGTH], hp = WIDE[HT_ECG_S_HIGHPASS_LENGTH];
	const int64_t scale = (int64_t)lpl * 2 * hp * hp;
	int64_t widest = 0;
	uint32_t s = 99;
	int32_t n, k, mismatches = 0;
	for (n = 0; n < N; n++) /* full-scale square wave with noise, then rails */
		x[n] = (n / 137) % 2 ? 32767 - (int32_t)(test_rand(&s) % 50) : -32768 + (int32_t)(test_rand(&s) % 50);
	x[77] = HT_ECG_INVALID_SAMPLE; /* garbage: the last valid sample stands in */
	ht_ecg_filter_i32(e, x, 3000, y);
	ht_ecg_filter_i32(e, x + 3000, N - 3000, y + 3000); /* a block boundary */
	/* direct: x held before the start (reset), garbage replaced */
	for (n = 0; n < N; n++) {
		int64_t sum = 0, numerator;
		for (k = 0; k < lpl; k++) {
			int32_t i = n - k < 0 ? 0 : n - k;
			sum += i == 77 ? x[76] : x[i];
		}
		m[n] = sum;
		sm[n] = m[n] + (n > 0 ? m[n - 1] : m[0]);
		lp[n] = (int32_t)sm[n];
		sum = 0;
		for (k = 0; k < hp; k++)
			sum += lp[n - k < 0 ? 0 : n - k];
		b1[n] = (int32_t)sum;
		sum = 0;
		for (k = 0; k < hp; k++)
			sum += b1[n - k < 0 ? 0 : n - k];
		numerator = (int64_t)lp[n - (hp - 1) < 0 ? 0 : n - (hp - 1)] * hp * hp - sum;
		if (numerator > widest)
			widest = numerator;
		if (numerator < -widest)
			widest = -numerator;
		b2[n] = (int32_t)ht_ecg_floor_div(numerator + scale / 2, scale);
		if (b2[n] != y[n])
			mismatches++;
	}
	CHECK_EQ(mismatches, 0);
	CHECK(widest > ((int64_t)1 << 40));
	free(e);
}

/* Block minima (the quiet test's memory): lowest value between two sample indices, to block precision. */
static void test_block_minima(void)
{
	int32_t ring[8];
	ht_ecg_block_minima b;
	static const int32_t values[] = { 9, 7, 8, 9, 5, 6, 9, 9, 9, 9, 9, 3, 8, 8 };
	int64_t i;
	b.block_shift = 2;
	b.minima.ring = ring;
	b.minima.length = 8;
	b.minima.mask = 7;
	b.minima.newest = -1;
	ht_ecg_minima_clear(&b);
	CHECK_EQ(ht_ecg_minima_lowest(&b, 0, 100), -1);
	for (i = 0; i < 14; i++)
		ht_ecg_minima_push(&b, i, values[i]);
	CHECK_EQ(ht_ecg_minima_lowest(&b, 0, 3), 7);
	CHECK_EQ(ht_ecg_minima_lowest(&b, 2, 5), 5);
	CHECK_EQ(ht_ecg_minima_lowest(&b, 8, 13), 3);
	CHECK_EQ(ht_ecg_minima_lowest(&b, 12, 13), 8);
	CHECK_EQ(ht_ecg_minima_lowest(&b, 12, 1000), 8);
	for (i = 14; i < 44; i++)
		ht_ecg_minima_push(&b, i, (int32_t)(20 + i));
	CHECK_EQ(ht_ecg_minima_lowest(&b, 0, 43), 8);
	CHECK_EQ(ht_ecg_minima_lowest(&b, 0, 11), -1);
	CHECK_EQ(ht_ecg_minima_lowest(&b, 40, 43), 60);
	CHECK_EQ(ht_ecg_minima_lowest(&b, -1, 43), 8); /* before the first index: floor division */
	ht_ecg_minima_clear(&b);
	CHECK_EQ(ht_ecg_minima_lowest(&b, 0, 39), -1);
	ht_ecg_minima_push(&b, 41, 4);
	CHECK_EQ(ht_ecg_minima_lowest(&b, 0, 41), 4);
	CHECK_EQ(ht_ecg_floor_div(-1, 4), -1);
	CHECK_EQ(ht_ecg_floor_div(-4, 4), -1);
	CHECK_EQ(ht_ecg_floor_div(-5, 4), -2);
	CHECK_EQ(ht_ecg_sar64(-1, 2), -1);
	CHECK_EQ(ht_ecg_sar64(-5, 2), -2);
	CHECK_EQ(ht_ecg_sar64(-4, 2), -1);
	CHECK_EQ(ht_ecg_sar64(7, 2), 1);
	CHECK_EQ(ht_ecg_sar(-9, 2), -3);
	CHECK_EQ(ht_ecg_wrap32(((int64_t)1 << 32) + 5), 5);
	CHECK_EQ(ht_ecg_wrap32(((int64_t)1 << 31)), INT32_MIN);
}

void test_ecg(void)
{
	test_settings();
	test_block_boundaries();
	test_ring();
	test_filter_range();
	test_block_minima();
}
