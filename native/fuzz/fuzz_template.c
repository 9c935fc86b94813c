/* libFuzzer harness for the beat template (ht_ecg_template.c).
 * Input: sample_rate, pre, window_length (three little-endian int32), then beats: one control byte (bit 0: reset
 * before the beat, bits 1..5: left shift applied to the samples, bit 6: the beat does not weigh) and window_length
 * little-endian int16 samples.
 * Checked: ht_tpl_state_bytes is 0 exactly when ht_tpl_segment refuses; an accepted state is made in an
 * exact-size heap block (one byte less is refused); wrong window lengths are refused; features are finite,
 * tpl_corr in -1..1 and tpl_rdiff in 0..4, (1, 0) for the first beat after a reset; a second state fed the same
 * beats gives the same bits. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ht.h"
#include "ht_ecg_template.h"

enum { MAX_WINDOW = 4096 };

static int32_t ld32(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static int32_t window[MAX_WINDOW + 1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 12)
		return 0;
	int32_t rate = ld32(data), pre = ld32(data + 4), length = ld32(data + 8);
	int32_t start = 0, segment = 0;
	int seg = ht_tpl_segment(rate, pre, length, &start, &segment);
	uint32_t bytes = ht_tpl_state_bytes(rate, pre, length);
	if ((seg == HT_OK) != (bytes != 0) || (seg != HT_OK && seg != HT_E_ARGUMENT))
		abort();
	if (seg != HT_OK)
		return 0;
	if (start < 0 || segment < 1 || (int64_t)start + segment > length || start > pre || start + segment <= pre)
		abort();
	if (length > MAX_WINDOW)
		return 0;
	void *a = malloc(bytes), *b = malloc(bytes);
	if (ht_tpl_init(a, bytes - 1, rate, pre, length) != HT_E_ARGUMENT || ht_tpl_init(a, bytes, rate, pre, length) != HT_OK ||
	    ht_tpl_init(b, bytes, rate, pre, length) != HT_OK || ht_tpl_window_length(a) != length)
		abort();

	const uint8_t *p = data + 12;
	size_t left = size - 12;
	size_t beat_bytes = 1 + 2 * (size_t)length;
	float fa[HT_TPL_FEATURES], fb[HT_TPL_FEATURES];
	int fresh = 1;
	while (left >= beat_bytes) {
		uint8_t control = p[0];
		int shift = (control >> 1) & 31, weighs = !(control & 64);
		for (int32_t i = 0; i < length; i++) {
			int64_t v = (int64_t)(int16_t)(p[1 + 2 * i] | p[2 + 2 * i] << 8) * ((int64_t)1 << shift);
			window[i] = v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
		}
		if (control & 1) {
			if (ht_tpl_reset(a) != HT_OK || ht_tpl_reset(b) != HT_OK)
				abort();
			fresh = 1;
		}
		if (ht_tpl_next(a, window, (uint32_t)length + 1, weighs, fa) != HT_E_ARGUMENT ||
		    ht_tpl_next(a, window, (uint32_t)length - 1, weighs, fa) != HT_E_ARGUMENT)
			abort();
		if (ht_tpl_next(a, window, (uint32_t)length, weighs, fa) != HT_OK || ht_tpl_next(b, window, (uint32_t)length, weighs, fb) != HT_OK)
			abort();
		if (!isfinite(fa[0]) || !isfinite(fa[1]) || fa[0] < -1.0f || fa[0] > 1.0f || fa[1] < 0.0f || fa[1] > 4.0f)
			abort();
		if (memcmp(fa, fb, sizeof fa) != 0)
			abort();
		if (fresh && (fa[0] != 1.0f || fa[1] != 0.0f))
			abort();
		fresh = 0;
		p += beat_bytes;
		left -= beat_bytes;
	}
	free(b);
	free(a);
	return 0;
}
