/* The beat template's core (native/src/ht_ecg_template.c) on its own: refusals, the first beat, repeats, an unlike
 * beat, saturation, reset. Its features over MIT-BIH are checked in Node (test/dataset-build.test.ts) and against
 * the XS binding (test/ecg-wasm.test.ts). */
#include <math.h> /* isfinite only */
#include <string.h>

#include "ht.h"
#include "ht_ecg_template.h"
#include "test_util.h"

#define WINDOW 256
#define PRE 128

static uint64_t state[(8192 + 7) / 8];

/* A triangular QRS of this half-width (samples) and height at the R peak (no libm in the test builds). */
static void beat(int32_t *w, int32_t width, int32_t height)
{
	int32_t i;
	for (i = 0; i < WINDOW; i++) {
		int32_t d = i > PRE ? i - PRE : PRE - i;
		w[i] = d < width ? height * (width - d) / width : 0;
	}
}

void test_template(void)
{
	int32_t start, length, normal[WINDOW], wide[WINDOW], extreme[WINDOW];
	float f[HT_TPL_FEATURES];
	uint32_t bytes = ht_tpl_state_bytes(360, PRE, WINDOW);
	int i;

	CHECK_EQ(ht_tpl_segment(360, PRE, WINDOW, &start, &length), HT_OK);
	CHECK_EQ(start, PRE - 36);
	CHECK_EQ(length, 36 + 72);
	CHECK_EQ(ht_tpl_segment(250, PRE, WINDOW, &start, &length), HT_OK);
	CHECK_EQ(length, 25 + 50);
	CHECK_EQ(ht_tpl_segment(360, 20, WINDOW, &start, &length), HT_E_ARGUMENT);   /* too little before the peak */
	CHECK_EQ(ht_tpl_segment(360, 200, WINDOW, &start, &length), HT_E_ARGUMENT);  /* too little after */
	CHECK_EQ(ht_tpl_segment(0, PRE, WINDOW, &start, &length), HT_E_ARGUMENT);
	CHECK_EQ(ht_tpl_segment(360, WINDOW, WINDOW, &start, &length), HT_E_ARGUMENT);
	CHECK_EQ(ht_tpl_state_bytes(360, 20, WINDOW), 0);
	CHECK(bytes > 0 && bytes <= sizeof(state));

	CHECK_EQ(ht_tpl_init(state, bytes - 1, 360, PRE, WINDOW), HT_E_ARGUMENT);
	CHECK_EQ(ht_tpl_init((uint8_t *)state + 4, bytes, 360, PRE, WINDOW), HT_E_ARGUMENT); /* misaligned */
	memset(state, 0, sizeof(state));
	CHECK_EQ(ht_tpl_window_length(state), 0);
	CHECK_EQ(ht_tpl_next(state, normal, WINDOW, 1, f), HT_E_ARGUMENT); /* not initialized */
	CHECK_EQ(ht_tpl_reset(state), HT_E_ARGUMENT);
	CHECK_EQ(ht_tpl_init(state, bytes, 360, PRE, WINDOW), HT_OK);
	CHECK_EQ(ht_tpl_window_length(state), WINDOW);

	beat(normal, 8, 400);
	beat(wide, 30, -700);
	CHECK_EQ(ht_tpl_next(state, normal, WINDOW - 1, 1, f), HT_E_ARGUMENT);
	CHECK_EQ(ht_tpl_next(state, NULL, WINDOW, 1, f), HT_E_ARGUMENT);
	CHECK_EQ(ht_tpl_next(state, normal, WINDOW, 1, f), HT_OK);
	CHECK(f[0] == 1.0f && f[1] == 0.0f); /* no template yet */
	for (i = 0; i < 10; i++) {
		CHECK_EQ(ht_tpl_next(state, normal, WINDOW, 1, f), HT_OK);
		CHECK(f[0] == 1.0f && f[1] == 0.0f);
	}
	CHECK_EQ(ht_tpl_next(state, wide, WINDOW, 1, f), HT_OK);
	CHECK(f[0] < 0.0f && f[1] > 1.0f);
	CHECK_EQ(ht_tpl_next(state, normal, WINDOW, 1, f), HT_OK);
	CHECK(f[0] == 1.0f); /* the unlike beat took its own template */

	for (i = 0; i < WINDOW; i++)
		extreme[i] = i % 2 ? INT32_MAX : INT32_MIN;
	for (i = 0; i < 3; i++) {
		CHECK_EQ(ht_tpl_next(state, extreme, WINDOW, 1, f), HT_OK);
		CHECK(isfinite(f[0]) && f[0] >= -1.0f && f[0] <= 1.0f && isfinite(f[1]) && f[1] >= 0.0f && f[1] <= 4.0f);
	}
	CHECK_EQ(ht_tpl_reset(state), HT_OK);
	CHECK_EQ(ht_tpl_next(state, wide, WINDOW, 1, f), HT_OK);
	CHECK(f[0] == 1.0f && f[1] == 0.0f); /* forgotten */

	/* Beats that do not weigh shape templates but cannot make theirs dominant: after a long run of them the
	 * weighing beat's template is still the one described against; when they weigh, their template takes over. */
	CHECK_EQ(ht_tpl_reset(state), HT_OK);
	for (i = 0; i < 20; i++)
		CHECK_EQ(ht_tpl_next(state, normal, WINDOW, 1, f), HT_OK);
	for (i = 0; i < 200; i++)
		CHECK_EQ(ht_tpl_next(state, wide, WINDOW, 0, f), HT_OK);
	CHECK(f[0] < 0.0f);
	CHECK_EQ(ht_tpl_next(state, normal, WINDOW, 0, f), HT_OK);
	CHECK(f[0] == 1.0f);
	for (i = 0; i < 200; i++)
		CHECK_EQ(ht_tpl_next(state, wide, WINDOW, 1, f), HT_OK);
	CHECK(f[0] == 1.0f);
	CHECK_EQ(ht_tpl_next(state, normal, WINDOW, 1, f), HT_OK);
	CHECK(f[0] < 0.0f);
}
