/* Kernel bench for the Cortex-M4F: counted calls of the hot kernels at the deployment shapes
 *   pw   ht_pwconv_s8, 187 positions, 64 -> 64 channels, per-channel requantization
 *   dw   ht_dwconv1d_s8, 187 positions, 64 channels, K = 7, stride 1, "same" padding (3, 3)
 *   conv1d       ht_conv1d_s8 at the beat models' first layer: 256 positions, 6 -> 16 channels, K = 7, stride 2,
 *                padding (3, 3), every channel varying (the plain path)
 *   conv1d-beat  the same with channels 1..5 constant along the window, as a beat's context features are
 *                (docs/FORMAT.md §6): the lead-only path of ht_conv1d.c
 *   conv1d-8x32  ht_conv1d_s8 at the anchor shape of issue 18: 256 positions, 8 -> 32 channels, K = 7, stride 2,
 *                padding (3, 3), every channel varying
 *   fc-64x32     ht_fc_s8, 64 inputs -> 32 outputs, per-channel requantization, batch 1
 *   pw-192x64    ht_pwconv_s8 past the widened-quad buffer: 47 positions, 192 -> 64 channels
 *   pw-30x64     ht_pwconv_s8 with input channels not a multiple of 4: 187 positions, 30 -> 64 channels
 * each with and without a fused activation clamp, plus "@macs" (nominal: every tap, padding included) and
 * "@match 1" when the output equals the naive reference kernels of native/test bit for bit. */
#include <string.h>

#include "ht_bytes.h"
#include "ht_kernels.h"
#include "ht_xorshift32.h"
#include "ref_kernels.h"
#include "report.h"

/* Built twice: with the DSP kernels, and with -DHT_PORTABLE (the portable C ones), whose labels get a prefix. */
#ifdef HT_PORTABLE
#define LABEL(name) "portable-" name
#else
#define LABEL(name) name
#endif

enum { LEN = 187, CH = 64, K = 7 };

enum { WIDE_LEN = 47, WIDE_IN = 192 };

static int8_t x[LEN * CH], w[WIDE_IN * CH], y[LEN * CH], y_ref[LEN * CH];
static int32_t bias[CH], mult[CH], shift[CH];
static uint8_t bias_le[4 * CH], mult_le[4 * CH], shift_le[4 * CH];

/* Realistic per-channel requantization: outputs spread over the int8 range, some clamped. */
static void random_data(uint32_t seed)
{
	for (int i = 0; i < LEN * CH; i++)
		x[i] = (int8_t)ht_xorshift32(&seed);
	for (int i = 0; i < CH * CH; i++)
		w[i] = (int8_t)ht_xorshift32(&seed);
	for (int c = 0; c < CH; c++) {
		bias[c] = (int32_t)(ht_xorshift32(&seed) % 20001u) - 10000;
		mult[c] = (int32_t)(0x40000000u + (ht_xorshift32(&seed) & 0x3FFFFFFFu));
		shift[c] = -8 - (int32_t)(ht_xorshift32(&seed) % 4u);
		ht_st32(bias_le + 4 * c, (uint32_t)bias[c]);
		ht_st32(mult_le + 4 * c, (uint32_t)mult[c]);
		ht_st32(shift_le + 4 * c, (uint32_t)shift[c]);
	}
}

/* The weights past the first CH x CH (the wide PW's), after the rest so the other shapes' data stay as they were. */
static void random_wide_weights(uint32_t seed)
{
	for (int i = CH * CH; i < WIDE_IN * CH; i++)
		w[i] = (int8_t)ht_xorshift32(&seed);
}

static void report_match(void)
{
	report_u32("match", memcmp(y, y_ref, sizeof y) == 0);
}

static int bench_pw(const char *label, int8_t act_min, int8_t act_max)
{
	ht_act act = {-3, 5, act_min, act_max};
	ht_requant rq = {bias_le, mult_le, shift_le, 0};
	ht_dims in = {LEN, CH}, out = {LEN, CH};
	ref_quant q = {act.in_zp, act.out_zp, act_min, act_max, bias, mult, shift, 0};
	report_u32("macs", LEN * CH * CH);
	report_region(label, 0);
	region_begin();
	int st = ht_pwconv_s8(&act, &rq, &in, x, w, &out, y);
	region_end();
	ref_pwconv(&q, x, LEN, CH, w, CH, y_ref);
	report_match();
	return st;
}

/* A pointwise convolution of another width: len positions, cin -> CH channels, no clamp. */
static int bench_pw_shape(const char *label, int len, int cin)
{
	ht_act act = {-3, 5, -128, 127};
	ht_requant rq = {bias_le, mult_le, shift_le, 0};
	ht_dims in = {(uint32_t)len, (uint32_t)cin}, out = {(uint32_t)len, CH};
	ref_quant q = {act.in_zp, act.out_zp, act.act_min, act.act_max, bias, mult, shift, 0};
	report_u32("macs", (uint32_t)(len * cin * CH));
	report_region(label, 0);
	region_begin();
	int st = ht_pwconv_s8(&act, &rq, &in, x, w, &out, y);
	region_end();
	memset(y_ref, 0, sizeof y_ref);
	memset(y + len * CH, 0, sizeof y - (size_t)(len * CH));
	ref_pwconv(&q, x, len, cin, w, CH, y_ref);
	report_match();
	return st;
}

static int bench_dw(const char *label, int8_t act_min, int8_t act_max)
{
	ht_act act = {4, -6, act_min, act_max};
	ht_requant rq = {bias_le, mult_le, shift_le, 0};
	ht_window win = {K, 1, 1, K / 2, K / 2};
	ht_dims in = {LEN, CH}, out = {LEN, CH};
	ref_quant q = {act.in_zp, act.out_zp, act_min, act_max, bias, mult, shift, 0};
	ref_window rw = {K, 1, 1, K / 2, K / 2};
	report_u32("macs", LEN * CH * K);
	report_region(label, 0);
	region_begin();
	int st = ht_dwconv1d_s8(&act, &win, &rq, &in, x, w, &out, y);
	region_end();
	ref_dwconv1d(&q, &rw, x, LEN, CH, w, y_ref);
	report_match();
	return st;
}

enum { C_LEN = 256, C_IN = 6, C_OUT = 16 };

static int bench_conv1d(const char *label, int constant_features)
{
	ht_act act = {-2, 3, -128, 127};
	ht_requant rq = {bias_le, mult_le, shift_le, 0};
	ht_window win = {K, 2, 1, K / 2, K / 2};
	ht_dims in = {C_LEN, C_IN}, out = {C_LEN / 2, C_OUT};
	ref_quant q = {act.in_zp, act.out_zp, act.act_min, act.act_max, bias, mult, shift, 0};
	ref_window rw = {K, 2, 1, K / 2, K / 2};
	if (constant_features)
		for (int i = 1; i < C_LEN; i++)
			memcpy(x + i * C_IN + 1, x + 1, C_IN - 1);
	report_u32("macs", (C_LEN / 2) * C_OUT * K * C_IN);
	report_region(label, 0);
	region_begin();
	int st = ht_conv1d_s8(&act, &win, &rq, &in, x, w, &out, y);
	region_end();
	memset(y_ref, 0, sizeof y_ref);
	memset(y + (C_LEN / 2) * C_OUT, 0, sizeof y - (C_LEN / 2) * C_OUT);
	ref_conv1d(&q, &rw, x, C_LEN, C_IN, w, C_OUT, y_ref);
	report_match();
	return st;
}

enum { A_LEN = 256, A_IN = 8, A_OUT = 32, FC_IN = 64, FC_OUT = 32 };

static int bench_conv1d_anchor(const char *label)
{
	ht_act act = {-2, 3, -128, 127};
	ht_requant rq = {bias_le, mult_le, shift_le, 0};
	ht_window win = {K, 2, 1, K / 2, K / 2};
	ht_dims in = {A_LEN, A_IN}, out = {A_LEN / 2, A_OUT};
	ref_quant q = {act.in_zp, act.out_zp, act.act_min, act.act_max, bias, mult, shift, 0};
	ref_window rw = {K, 2, 1, K / 2, K / 2};
	report_u32("macs", (A_LEN / 2) * A_OUT * K * A_IN);
	report_region(label, 0);
	region_begin();
	int st = ht_conv1d_s8(&act, &win, &rq, &in, x, w, &out, y);
	region_end();
	memset(y_ref, 0, sizeof y_ref);
	memset(y + (A_LEN / 2) * A_OUT, 0, sizeof y - (A_LEN / 2) * A_OUT);
	ref_conv1d(&q, &rw, x, A_LEN, A_IN, w, A_OUT, y_ref);
	report_match();
	return st;
}

static int bench_fc(const char *label)
{
	ht_act act = {-5, 2, -128, 127};
	ht_requant rq = {bias_le, mult_le, shift_le, 0};
	ht_dims in = {1, FC_IN}, out = {1, FC_OUT};
	ref_quant q = {act.in_zp, act.out_zp, act.act_min, act.act_max, bias, mult, shift, 0};
	report_u32("macs", FC_IN * FC_OUT);
	report_region(label, 0);
	region_begin();
	int st = ht_fc_s8(&act, &rq, &in, x, w, &out, y);
	region_end();
	memset(y_ref, 0, sizeof y_ref);
	memset(y + FC_OUT, 0, sizeof y - FC_OUT);
	ref_fc(&q, x, FC_IN, w, FC_OUT, y_ref);
	report_match();
	return st;
}

int main(void)
{
	random_data(0x5EED1234u);
	report_region("empty", 0);
	region_begin();
	region_end();
	int st = bench_pw(LABEL("pw"), -128, 127);
	st |= bench_pw(LABEL("pw-relu"), 5, 127);
	st |= bench_dw(LABEL("dw"), -128, 127);
	st |= bench_dw(LABEL("dw-relu"), -6, 127);
	st |= bench_conv1d(LABEL("conv1d"), 0);
	st |= bench_conv1d(LABEL("conv1d-beat"), 1);
	random_data(0x5EED1234u); /* conv1d-beat made channels 1..5 constant */
	st |= bench_conv1d_anchor(LABEL("conv1d-8x32"));
	st |= bench_fc(LABEL("fc-64x32"));
	random_wide_weights(0x5EED5678u);
	st |= bench_pw_shape(LABEL("pw-192x64"), WIDE_LEN, WIDE_IN);
	st |= bench_pw_shape(LABEL("pw-30x64"), LEN, 30);
	report_u32("done", (uint32_t)st);
	return st;
}
