/* Kernels: small hand-computed vectors, argument checks, and randomized cross-checks of the library
 * kernels (zero-point folding, channel pairs, tap ranges, channel blocks) against ref_kernels.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ht_bytes.h"
#include "ht_conv1d.h"
#include "ht_kernels.h"
#include "ref_kernels.h"
#include "test_util.h"

#define ONE_M 1073741824 /* with shift 1: MBQM(x) == x */
#define MAXN 12288 /* 187 positions x 64 channels fit */

/* int32 values as the little-endian bytes the kernels read. */
static uint8_t *le(uint8_t *dst, const int32_t *v, int n)
{
	for (int i = 0; i < n; i++)
		ht_st32(dst + 4 * i, (uint32_t)v[i]);
	return dst;
}

static int same(const int8_t *a, const int8_t *b, int n)
{
	return memcmp(a, b, (size_t)n) == 0;
}

static void hand_conv1d(void)
{
	const int8_t x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	const int8_t w[4] = {1, -1, 2, 1};
	const int32_t bias[1] = {10}, mult[1] = {ONE_M}, shift[1] = {1};
	uint8_t b[4], m[4], s[4];
	ht_act act = {1, -3, -128, 15};
	ht_window win = {2, 2, 1, 1, 0};
	ht_requant rq = {le(b, bias, 1), le(m, mult, 1), le(s, shift, 1), 0};
	ht_dims in = {4, 2}, out = {2, 1};
	int8_t y[2];
	CHECK_EQ(ht_conv1d_s8(&act, &win, &rq, &in, x, w, &out, y), HT_OK);
	CHECK_EQ(y[0], 8);
	CHECK_EQ(y[1], 15); /* 19 clamped */
	out.length = 3;
	CHECK_EQ(ht_conv1d_s8(&act, &win, &rq, &in, x, w, &out, y), HT_E_ARGUMENT);
}

static void hand_dwconv1d(void)
{
	const int8_t x[6] = {1, -1, 2, -2, 3, -3};
	const int8_t w[6] = {1, 1, 1, 1, 1, 1};
	const int32_t bias[2] = {0, 100}, mult[2] = {ONE_M, ONE_M}, shift[2] = {1, 0};
	uint8_t b[8], m[8], s[8];
	ht_act act = {0, 0, -128, 127};
	ht_window win = {3, 1, 2, 2, 2};
	ht_requant rq = {le(b, bias, 2), le(m, mult, 2), le(s, shift, 2), 0};
	ht_dims in = {3, 2}, out = {3, 2};
	int8_t y[6];
	const int8_t want[6] = {4, 48, 2, 49, 4, 48};
	CHECK_EQ(ht_dwconv1d_s8(&act, &win, &rq, &in, x, w, &out, y), HT_OK);
	CHECK(same(y, want, 6));
}

static void hand_pwconv(void)
{
	const int8_t x[6] = {1, 2, 3, -1, 0, 1};
	const int8_t w[9] = {1, 0, -1, 2, 2, 2, 0, 0, 1};
	const int32_t bias[3] = {5, -5, 0}, mult[1] = {ONE_M}, shift[1] = {1};
	uint8_t b[12], m[4], s[4];
	ht_act act = {-1, 1, -128, 127};
	ht_requant rq = {le(b, bias, 3), le(m, mult, 1), le(s, shift, 1), 1};
	ht_dims in = {2, 3}, out = {2, 3};
	int8_t y[6];
	const int8_t want[6] = {4, 14, 5, 4, 2, 3};
	CHECK_EQ(ht_pwconv_s8(&act, &rq, &in, x, w, &out, y), HT_OK);
	CHECK(same(y, want, 6));
	rq.bias = NULL;
	CHECK_EQ(ht_pwconv_s8(&act, &rq, &in, x, w, &out, y), HT_OK);
	CHECK_EQ(y[0], -1); /* -2 + 1 */
	act.act_min = 5;
	act.act_max = 4;
	CHECK_EQ(ht_pwconv_s8(&act, &rq, &in, x, w, &out, y), HT_E_ARGUMENT);
}

static void hand_fc(void)
{
	const int8_t x[4] = {1, 2, 3, 4};
	const int8_t w[8] = {1, 1, 1, 1, 1, -1, 1, -1};
	const int32_t mult[1] = {ONE_M}, shift[1] = {1};
	uint8_t m[4], s[4];
	ht_act act = {0, 0, -1, 127};
	ht_requant rq = {NULL, le(m, mult, 1), le(s, shift, 1), 1};
	ht_dims in = {2, 2}, out = {1, 2};
	int8_t y[2];
	CHECK_EQ(ht_fc_s8(&act, &rq, &in, x, w, &out, y), HT_OK);
	CHECK_EQ(y[0], 10);
	CHECK_EQ(y[1], -1);
}

static void hand_add(void)
{
	const int8_t x1[2] = {10, -10}, x2[2] = {5, 5};
	ht_add_params p = {20, ONE_M, -19, ONE_M, -19, ONE_M, 1, 0, 5};
	ht_act act = {0, 3, -128, 127};
	ht_dims d = {1, 2};
	int8_t y[2];
	CHECK_EQ(ht_add_s8(&act, &p, &d, x1, x2, y), HT_OK);
	CHECK_EQ(y[0], 13);
	CHECK_EQ(y[1], -7);
}

static void hand_pools(void)
{
	const int8_t x[4] = {1, 2, 3, 5};
	ht_act act = {1, 0, -128, 127};
	ht_dims d = {4, 1};
	int8_t y[3];
	CHECK_EQ(ht_avgpool_s8(&act, ONE_M, -1, &d, x, y), HT_OK);
	CHECK_EQ(y[0], 2); /* sum 7: SRDHM 4, >> 1 -> 2 */

	const int8_t xm[5] = {1, 5, -3, 2, 9};
	ht_act am = {0, 0, -128, 6};
	ht_window win = {2, 2, 1, 1, 0};
	ht_dims dm = {5, 1}, om = {3, 1};
	CHECK_EQ(ht_maxpool_s8(&am, &win, &dm, xm, &om, y), HT_OK);
	CHECK_EQ(y[0], 1);
	CHECK_EQ(y[1], 5);
	CHECK_EQ(y[2], 6);

	const int8_t xa[2] = {4, 8}, wa[1] = {1};
	ht_attnpool_params pa = {0, ONE_M, 1, ONE_M, -3};
	ht_act aa = {0, 0, -128, 127};
	ht_dims da = {2, 1};
	CHECK_EQ(ht_attnpool_s8(&aa, &pa, &da, xa, wa, y), HT_OK);
	CHECK_EQ(y[0], 6); /* weights 215, 256; avg16 = rdiv(16*2908, 471) = 99; 99/8 -> 6 */
}

/* Random quantization parameters: mostly sensible, sometimes extreme (wrapping accumulators). */
static void random_quant(uint32_t *seed, int n, int32_t *bias, int32_t *mult, int32_t *shift)
{
	for (int i = 0; i < n; i++) {
		uint32_t r = test_rand(seed);
		bias[i] = (r & 7) == 0 ? (int32_t)test_rand(seed) : (int32_t)(test_rand(seed) % 20001) - 10000;
		mult[i] = (r & 31) == 1 ? 0 : (int32_t)(0x40000000u + (test_rand(seed) & 0x3FFFFFFFu));
		shift[i] = (r & 15) == 2 ? (int32_t)(test_rand(seed) % 62) - 31 : -(int32_t)(test_rand(seed) % 12);
	}
}

static void random_s8(uint32_t *seed, int8_t *v, int n)
{
	for (int i = 0; i < n; i++)
		v[i] = (int8_t)test_rand(seed);
}

typedef struct {
	int32_t bias[MAXN], mult[MAXN], shift[MAXN];
	uint8_t b[4 * MAXN], m[4 * MAXN], s[4 * MAXN];
	int8_t x[MAXN], x2[MAXN], w[MAXN * 4], y[MAXN], y_ref[MAXN];
} workspace;

static int rnd(uint32_t *seed, int lo, int hi)
{
	return lo + (int)(test_rand(seed) % (uint32_t)(hi - lo + 1));
}

static void setup_quant(uint32_t *seed, workspace *ws, int cout, int per_tensor, int with_bias, ht_act *act,
                        ht_requant *rq, ref_quant *q)
{
	static int calls;
	random_quant(seed, cout, ws->bias, ws->mult, ws->shift);
	/* The first calls pin the input zero point to its extremes (offset lanes of +128 and -127). */
	act->in_zp = calls < 32 ? ((calls & 1) ? 127 : -128) : rnd(seed, -128, 127);
	calls++;
	act->out_zp = rnd(seed, -128, 127);
	act->act_min = (int8_t)rnd(seed, -128, 0);
	act->act_max = (int8_t)rnd(seed, act->act_min, 127);
	/* Every third call has no clamp at all, as deployed layers mostly do (the DSP kernels' no-clamp paths). */
	if (calls % 3 == 0)
		act->act_min = -128, act->act_max = 127;
	rq->bias = with_bias ? le(ws->b, ws->bias, cout) : NULL;
	rq->mult = le(ws->m, ws->mult, cout);
	rq->shift = le(ws->s, ws->shift, cout);
	rq->per_tensor = (uint8_t)per_tensor;
	q->zi = act->in_zp;
	q->zo = act->out_zp;
	q->lo = act->act_min;
	q->hi = act->act_max;
	q->bias = with_bias ? ws->bias : NULL;
	q->mult = ws->mult;
	q->shift = ws->shift;
	q->per_tensor = per_tensor;
}

static void random_window(uint32_t *seed, int len, ht_window *hw, ref_window *rw, int maxpool)
{
	for (;;) {
		rw->k = rnd(seed, 1, 7);
		rw->stride = rnd(seed, 1, 3);
		rw->dilation = maxpool ? 1 : rnd(seed, 1, 3);
		rw->pad_left = rnd(seed, 0, maxpool ? rw->k - 1 : 6);
		rw->pad_right = rnd(seed, 0, maxpool ? rw->k - 1 : 6);
		if (ref_out_len(len, rw) >= 1)
			break;
	}
	hw->k = (uint16_t)rw->k;
	hw->stride = (uint8_t)rw->stride;
	hw->dilation = (uint8_t)rw->dilation;
	hw->pad_left = (uint8_t)rw->pad_left;
	hw->pad_right = (uint8_t)rw->pad_right;
}

static void cross_check(workspace *ws)
{
	uint32_t seed = 0xC0FFEEu;
	int ok[8] = {1, 1, 1, 1, 1, 1, 1, 1};
	for (int iter = 0; iter < 300; iter++) {
		int len = rnd(&seed, 1, 24), cin = rnd(&seed, 1, 13), cout = rnd(&seed, 1, 11);
		int per_tensor = rnd(&seed, 0, 1), with_bias = rnd(&seed, 0, 3) != 0;
		ht_act act;
		ht_requant rq;
		ref_quant q;
		ht_window hw;
		ref_window rw;
		ht_dims in = {(uint16_t)len, (uint16_t)cin}, out;
		random_s8(&seed, ws->x, len * cin);
		random_s8(&seed, ws->x2, len * cin);
		random_s8(&seed, ws->w, cout * 7 * cin);

		setup_quant(&seed, ws, cout, per_tensor, with_bias, &act, &rq, &q);
		random_window(&seed, len, &hw, &rw, 0);
		out.length = (uint16_t)ref_out_len(len, &rw);
		out.channels = (uint16_t)cout;
		ref_conv1d(&q, &rw, ws->x, len, cin, ws->w, cout, ws->y_ref);
		ok[0] &= ht_conv1d_s8(&act, &hw, &rq, &in, ws->x, ws->w, &out, ws->y) == HT_OK &&
		         same(ws->y, ws->y_ref, out.length * cout);

		setup_quant(&seed, ws, cin, per_tensor, with_bias, &act, &rq, &q);
		random_window(&seed, len, &hw, &rw, 0);
		out.length = (uint16_t)ref_out_len(len, &rw);
		out.channels = (uint16_t)cin;
		ref_dwconv1d(&q, &rw, ws->x, len, cin, ws->w, ws->y_ref);
		ok[1] &= ht_dwconv1d_s8(&act, &hw, &rq, &in, ws->x, ws->w, &out, ws->y) == HT_OK &&
		         same(ws->y, ws->y_ref, out.length * cin);

		setup_quant(&seed, ws, cout, per_tensor, with_bias, &act, &rq, &q);
		out.length = (uint16_t)len;
		out.channels = (uint16_t)cout;
		ref_pwconv(&q, ws->x, len, cin, ws->w, cout, ws->y_ref);
		ok[2] &= ht_pwconv_s8(&act, &rq, &in, ws->x, ws->w, &out, ws->y) == HT_OK &&
		         same(ws->y, ws->y_ref, len * cout);

		setup_quant(&seed, ws, cout, per_tensor, with_bias, &act, &rq, &q);
		out.length = 1;
		ref_fc(&q, ws->x, len * cin, ws->w, cout, ws->y_ref);
		ok[3] &= ht_fc_s8(&act, &rq, &in, ws->x, ws->w, &out, ws->y) == HT_OK && same(ws->y, ws->y_ref, cout);

		int32_t aux[7];
		int32_t m3[3], s3[3], b3[3];
		random_quant(&seed, 3, b3, m3, s3);
		aux[0] = rnd(&seed, 0, 24);
		aux[1] = m3[0], aux[2] = s3[0], aux[3] = m3[1], aux[4] = s3[1], aux[5] = m3[2], aux[6] = s3[2];
		ht_add_params ap = {aux[0], aux[1], aux[2], aux[3], aux[4], aux[5], aux[6], rnd(&seed, -128, 127),
		                    rnd(&seed, -128, 127)};
		setup_quant(&seed, ws, 1, 1, 0, &act, &rq, &q);
		ref_add(aux, ap.z1, ap.z2, act.out_zp, act.act_min, act.act_max, ws->x, ws->x2, len * cin, ws->y_ref);
		ok[4] &= ht_add_s8(&act, &ap, &in, ws->x, ws->x2, ws->y) == HT_OK && same(ws->y, ws->y_ref, len * cin);

		setup_quant(&seed, ws, 1, 1, 0, &act, &rq, &q);
		ref_avgpool(ws->mult[0], ws->shift[0], act.in_zp, act.out_zp, act.act_min, act.act_max, ws->x, len, cin,
		            ws->y_ref);
		ok[5] &= ht_avgpool_s8(&act, ws->mult[0], ws->shift[0], &in, ws->x, ws->y) == HT_OK &&
		         same(ws->y, ws->y_ref, cin);

		setup_quant(&seed, ws, 2, 0, 0, &act, &rq, &q);
		int32_t attn_aux[4] = {ws->mult[0], ws->shift[0], ws->mult[1], ws->shift[1]};
		int32_t sbias = ws->bias[1];
		int ach = rnd(&seed, 1, 80); /* crosses the 32-channel blocks */
		ht_dims ain = {(uint16_t)len, (uint16_t)ach};
		random_s8(&seed, ws->x, len * ach);
		random_s8(&seed, ws->w, ach);
		ht_attnpool_params pp = {sbias, attn_aux[0], attn_aux[1], attn_aux[2], attn_aux[3]};
		ref_attnpool(sbias, attn_aux, act.in_zp, act.out_zp, act.act_min, act.act_max, ws->x, len, ach, ws->w,
		             ws->y_ref);
		ok[6] &= ht_attnpool_s8(&act, &pp, &ain, ws->x, ws->w, ws->y) == HT_OK && same(ws->y, ws->y_ref, ach);

		setup_quant(&seed, ws, 1, 1, 0, &act, &rq, &q);
		act.out_zp = act.in_zp;
		random_window(&seed, len, &hw, &rw, 1);
		out.length = (uint16_t)ref_out_len(len, &rw);
		out.channels = (uint16_t)cin;
		ref_maxpool(&rw, act.act_min, act.act_max, ws->x, len, cin, ws->y_ref);
		ok[7] &= ht_maxpool_s8(&act, &hw, &in, ws->x, &out, ws->y) == HT_OK &&
		         same(ws->y, ws->y_ref, out.length * cin);
	}
	for (int k = 0; k < 8; k++)
		CHECK(ok[k]);
}

/* Shapes the DSP paths (ht_pwconv_dsp.h, ht_dwconv_dsp.h) care about: channel groups of 4 and their tails,
 * quads of positions and their remainders, more than 64 output channels, inputs wider than the widening
 * buffer, long kernels, interiors and edges; plus the deployment shapes (187 positions, 64 channels, K 7);
 * and ADD over enough elements to take its tabulated path. */
static void cross_check_wide(workspace *ws)
{
	uint32_t seed = 0xD5Bu;
	int ok_pw = 1, ok_dw = 1, ok_add = 1, deployed = 0;
	for (int iter = 0; iter < 60; iter++) {
		const int deploy = iter < 2;
		int len = deploy ? 187 : rnd(&seed, 1, 40), cin = deploy ? 64 : rnd(&seed, 1, iter % 3 ? 140 : 300);
		int cout = deploy ? 64 : rnd(&seed, 1, 70);
		if (len * cin > MAXN || cin * cout > 4 * MAXN || len * cout > MAXN)
			continue;
		int per_tensor = rnd(&seed, 0, 3) == 0, with_bias = rnd(&seed, 0, 3) != 0;
		ht_act act;
		ht_requant rq;
		ref_quant q;
		ht_dims in = {(uint16_t)len, (uint16_t)cin}, out = {(uint16_t)len, (uint16_t)cout};
		random_s8(&seed, ws->x, len * cin);
		random_s8(&seed, ws->w, cin * cout);
		setup_quant(&seed, ws, cout, per_tensor, with_bias, &act, &rq, &q);
		ref_pwconv(&q, ws->x, len, cin, ws->w, cout, ws->y_ref);
		ok_pw &= ht_pwconv_s8(&act, &rq, &in, ws->x, ws->w, &out, ws->y) == HT_OK && same(ws->y, ws->y_ref, len * cout);

		int32_t aux[7], m3[3], s3[3], b3[3];
		random_quant(&seed, 3, b3, m3, s3);
		aux[0] = rnd(&seed, 0, 24);
		aux[1] = m3[0], aux[2] = s3[0], aux[3] = m3[1], aux[4] = s3[1], aux[5] = m3[2], aux[6] = s3[2];
		ht_add_params ap = {aux[0], aux[1], aux[2], aux[3], aux[4], aux[5], aux[6], rnd(&seed, -128, 127),
		                    rnd(&seed, -128, 127)};
		random_s8(&seed, ws->x2, len * cin);
		ref_add(aux, ap.z1, ap.z2, act.out_zp, act.act_min, act.act_max, ws->x, ws->x2, len * cin, ws->y_ref);
		ok_add &= ht_add_s8(&act, &ap, &in, ws->x, ws->x2, ws->y) == HT_OK && same(ws->y, ws->y_ref, len * cin);

		ht_window hw = {7, 1, 1, 3, 3};
		ref_window rw = {7, 1, 1, 3, 3};
		if (!deploy) {
			rw.k = rnd(&seed, 1, iter % 10 == 9 ? 40 : 9);
			rw.stride = rnd(&seed, 1, 3);
			rw.dilation = rnd(&seed, 1, 2);
			rw.pad_left = rnd(&seed, 0, rw.k);
			rw.pad_right = rnd(&seed, 0, rw.k);
			hw = (ht_window){(uint16_t)rw.k, (uint8_t)rw.stride, (uint8_t)rw.dilation, (uint8_t)rw.pad_left,
			                 (uint8_t)rw.pad_right};
		}
		if (ref_out_len(len, &rw) < 1 || rw.k * cin > 4 * MAXN)
			continue;
		setup_quant(&seed, ws, cin, per_tensor, with_bias, &act, &rq, &q);
		out.length = (uint16_t)ref_out_len(len, &rw);
		out.channels = (uint16_t)cin;
		random_s8(&seed, ws->w, rw.k * cin);
		ref_dwconv1d(&q, &rw, ws->x, len, cin, ws->w, ws->y_ref);
		ok_dw &= ht_dwconv1d_s8(&act, &hw, &rq, &in, ws->x, ws->w, &out, ws->y) == HT_OK &&
		         same(ws->y, ws->y_ref, out.length * cin);
		deployed += deploy;
	}
	CHECK(ok_pw);
	CHECK(ok_dw);
	CHECK(ok_add);
	CHECK_EQ(deployed, 2);
}

/* Conv1d's plain path on the shapes its DSP path (ht_conv1d_dsp.h) cares about: rows of K·cin bytes that are and
 * are not multiples of 4, up to past the path's 128-byte limit (the portable code then), receptive fields read in
 * place, gathered at padded edges and with dilation, paddings wider than the kernel, strides 1..4, chunks of
 * positions and partial quads, more than 32 output channels (channel blocks), per-channel and per-tensor
 * requantization with every kind of shift, clamps; plus the anchor shape (256 x 8 -> 32, K 7, stride 2, pad 3). */
static void cross_check_conv1d(workspace *ws)
{
	uint32_t seed = 0xC1D8u;
	int ok = 1, anchors = 0;
	for (int iter = 0; iter < 300; iter++) {
		const int anchor = iter < 2;
		ref_window rw = {7, 2, 1, 3, 3};
		int len = anchor ? 256 : rnd(&seed, 1, iter % 4 == 0 ? 300 : 40);
		int cin = anchor ? 8 : rnd(&seed, 1, iter % 7 == 0 ? 40 : 12), cout = anchor ? 32 : rnd(&seed, 1, 70);
		if (!anchor) {
			rw.k = rnd(&seed, 1, iter % 5 == 0 ? 16 : 9);
			rw.stride = rnd(&seed, 1, 4);
			rw.dilation = rnd(&seed, 0, 3) == 0 ? rnd(&seed, 2, 3) : 1;
			rw.pad_left = rnd(&seed, 0, rw.k + 2);
			rw.pad_right = rnd(&seed, 0, rw.k + 2);
		}
		const int out_len = ref_out_len(len, &rw);
		if (out_len < 1 || len * cin > MAXN || cout * rw.k * cin > 4 * MAXN || out_len * cout > MAXN)
			continue;
		int per_tensor = !anchor && rnd(&seed, 0, 3) == 0, with_bias = anchor || rnd(&seed, 0, 3) != 0;
		ht_act act;
		ht_requant rq;
		ref_quant q;
		random_s8(&seed, ws->x, len * cin);
		random_s8(&seed, ws->w, cout * rw.k * cin);
		setup_quant(&seed, ws, cout, per_tensor, with_bias, &act, &rq, &q);
		if (iter % 3 == 0) { /* mostly the fast requantization's shifts */
			for (int c = 0; c < cout; c++)
				ws->shift[c] = rnd(&seed, 0, 7) == 0 ? rnd(&seed, -31, 0) : -rnd(&seed, 1, 23);
			rq.shift = le(ws->s, ws->shift, cout);
		}
		if (anchor || iter % 4 == 1) { /* no activation clamp */
			q.lo = act.act_min = -128;
			q.hi = act.act_max = 127;
		}
		ht_window hw = {(uint16_t)rw.k, (uint8_t)rw.stride, (uint8_t)rw.dilation, (uint8_t)rw.pad_left,
		                (uint8_t)rw.pad_right};
		ht_dims in = {(uint16_t)len, (uint16_t)cin}, out = {(uint16_t)out_len, (uint16_t)cout};
		ref_conv1d(&q, &rw, ws->x, len, cin, ws->w, cout, ws->y_ref);
		ok &= ht_conv1d_s8(&act, &hw, &rq, &in, ws->x, ws->w, &out, ws->y) == HT_OK &&
		      same(ws->y, ws->y_ref, out_len * cout);
		anchors += anchor;
	}
	CHECK(ok);
	CHECK_EQ(anchors, 2);
}

/* FC on the shapes its DSP path (ht_fc_dsp.h) cares about: inputs of any length (odd, not a multiple of 4, past
 * the 512-input widening chunk), outputs in blocks of 4, pairs and an odd last one, blocks of 32, per-channel and
 * per-tensor requantization with every kind of shift (ones its fast MBQM takes, −1, positive, out of range),
 * negative and zero multipliers, no bias, activation clamps; plus the anchor shape (64 -> 32, per channel). */
static void cross_check_fc(workspace *ws)
{
	uint32_t seed = 0xFC64u;
	int ok = 1, anchors = 0;
	for (int iter = 0; iter < 400; iter++) {
		const int anchor = iter < 2;
		int n = anchor ? 64 : iter % 5 == 0 ? rnd(&seed, 500, 1300) : rnd(&seed, 1, 200);
		int cout = anchor ? 32 : rnd(&seed, 1, 70);
		if (n * cout > 4 * MAXN)
			cout = 4 * MAXN / n;
		int per_tensor = !anchor && rnd(&seed, 0, 3) == 0, with_bias = anchor || rnd(&seed, 0, 3) != 0;
		ht_act act;
		ht_requant rq;
		ref_quant q;
		random_s8(&seed, ws->x, n);
		random_s8(&seed, ws->w, n * cout);
		setup_quant(&seed, ws, cout, per_tensor, with_bias, &act, &rq, &q);
		if (iter % 3 == 0) { /* the fast shifts only, and sometimes shift -1, the fast path's edge */
			for (int c = 0; c < cout; c++)
				ws->shift[c] = rnd(&seed, 0, 7) == 0 ? -1 : -rnd(&seed, 1, 23);
			rq.shift = le(ws->s, ws->shift, cout);
		}
		if (anchor || iter % 4 == 1) { /* no activation clamp */
			q.lo = act.act_min = -128;
			q.hi = act.act_max = 127;
		}
		/* 1 x n or, as a flattened 2-D input, (n / k) x k */
		int k = n % 3 == 0 ? 3 : 1;
		ht_dims in = {(uint16_t)(n / k), (uint16_t)k}, out = {1, (uint16_t)cout};
		ref_fc(&q, ws->x, n, ws->w, cout, ws->y_ref);
		ok &= ht_fc_s8(&act, &rq, &in, ws->x, ws->w, &out, ws->y) == HT_OK && same(ws->y, ws->y_ref, cout);
		anchors += anchor;
	}
	CHECK(ok);
	CHECK_EQ(anchors, 2);
}

/* An int8 that is often an extreme (-128, 127) or the zero point, otherwise random. */
static int8_t edgy_s8(uint32_t *seed, int extremes, int32_t zp)
{
	if (extremes) {
		int r = rnd(seed, 0, 3);
		if (r < 3)
			return (int8_t)(r == 0 ? -128 : r == 1 ? 127 : zp);
	}
	return (int8_t)test_rand(seed);
}

/* Conv1d over inputs whose channels 1.. are constant along the window (a beat's context features, FORMAT §6):
 * the lead-only path against the plain definition (ref_conv1d), with 1..16 constant channels, strides 1 and 2
 * (sometimes 3), dilation 1 or 2, paddings up to beyond the kernel (every edge pattern), K up to the path's
 * limit, int8 extremes in the lead, the features and the weights, and zero points at both ends. The same input
 * with one feature byte changed must leave the fast path and still match. */
static void cross_check_constant_channels(workspace *ws)
{
	uint32_t seed = 0xFEA7u;
	int ok_fast = 1, ok_plain = 1, taken = 0, left = 0, long_kernel_plain = 1;
	for (int iter = 0; iter < 1600; iter++) {
		const int features = 1 + iter % 16, cin = 1 + features, extremes = (iter >> 4) % 3 != 0;
		int len = rnd(&seed, 1, 48), cout = rnd(&seed, 1, 9);
		int per_tensor = rnd(&seed, 0, 3) == 0, with_bias = rnd(&seed, 0, 3) != 0;
		ht_act act;
		ht_requant rq;
		ref_quant q;
		ref_window rw;
		for (;;) {
			rw.k = rnd(&seed, 1, (int)HT_CONV1D_LEAD_TAPS_MAX);
			rw.stride = iter % 8 == 7 ? 3 : 1 + iter % 2;
			rw.dilation = rnd(&seed, 0, 3) == 0 ? 2 : 1;
			rw.pad_left = rnd(&seed, 0, rw.k + 1);
			rw.pad_right = rnd(&seed, 0, rw.k + 1);
			if (ref_out_len(len, &rw) >= 1)
				break;
		}
		ht_window hw = {(uint16_t)rw.k, (uint8_t)rw.stride, (uint8_t)rw.dilation, (uint8_t)rw.pad_left,
		                (uint8_t)rw.pad_right};
		ht_dims in = {(uint16_t)len, (uint16_t)cin}, out = {(uint16_t)ref_out_len(len, &rw), (uint16_t)cout};
		setup_quant(&seed, ws, cout, per_tensor, with_bias, &act, &rq, &q);
		if (extremes)
			q.zi = act.in_zp = rnd(&seed, 0, 1) ? -128 : 127;
		if (iter % 4 == 3) { /* no activation clamp: the DSP path's unclamped store */
			q.lo = act.act_min = -128;
			q.hi = act.act_max = 127;
		}
		for (int f = 1; f < cin; f++)
			ws->x[f] = edgy_s8(&seed, extremes, act.in_zp);
		for (int i = 0; i < len; i++) {
			ws->x[i * cin] = edgy_s8(&seed, extremes, act.in_zp);
			if (i)
				memcpy(ws->x + i * cin + 1, ws->x + 1, (size_t)features);
		}
		for (int i = 0; i < cout * rw.k * cin; i++)
			ws->w[i] = edgy_s8(&seed, extremes, 0);

		ref_conv1d(&q, &rw, ws->x, len, cin, ws->w, cout, ws->y_ref);
		taken += ht_conv1d_lead_applies(&in, &hw, ws->x);
		ok_fast &= ht_conv1d_s8(&act, &hw, &rq, &in, ws->x, ws->w, &out, ws->y) == HT_OK &&
		           same(ws->y, ws->y_ref, out.length * cout);
		if (len > 1) {
			int at = rnd(&seed, 1, len - 1) * cin + rnd(&seed, 1, features);
			ws->x[at] = (int8_t)(ws->x[at] ^ (1 << rnd(&seed, 0, 7)));
			left += !ht_conv1d_lead_applies(&in, &hw, ws->x);
			ref_conv1d(&q, &rw, ws->x, len, cin, ws->w, cout, ws->y_ref);
			ok_plain &= ht_conv1d_s8(&act, &hw, &rq, &in, ws->x, ws->w, &out, ws->y) == HT_OK &&
			            same(ws->y, ws->y_ref, out.length * cout);
		} else {
			left++;
		}
	}
	/* A kernel longer than the path's tables runs the plain path, constant channels or not. */
	ht_window longer = {(uint16_t)(HT_CONV1D_LEAD_TAPS_MAX + 1u), 1, 1, 0, 0};
	ht_dims in = {(uint16_t)(HT_CONV1D_LEAD_TAPS_MAX + 1u), 2};
	memset(ws->x, 5, 2 * in.length);
	long_kernel_plain = !ht_conv1d_lead_applies(&in, &longer, ws->x);
	in.channels = 1;
	long_kernel_plain &= !ht_conv1d_lead_applies(&in, &(ht_window){1, 1, 1, 0, 0}, ws->x);
	CHECK(ok_fast);
	CHECK(ok_plain);
	CHECK_EQ(taken, 1600);
	CHECK_EQ(left, 1600);
	CHECK(long_kernel_plain);
}

static void argument_checks(void)
{
	int8_t x[4] = {0}, y[4];
	uint8_t m[4] = {0}, s[4] = {0};
	ht_act act = {0, 0, -128, 127};
	ht_requant rq = {NULL, m, s, 1};
	ht_dims d = {2, 2}, zero = {0, 2};
	CHECK_EQ(ht_pwconv_s8(&act, &rq, &zero, x, x, &d, y), HT_E_ARGUMENT);
	CHECK_EQ(ht_pwconv_s8(&act, &rq, &d, NULL, x, &d, y), HT_E_ARGUMENT);
	rq.mult = NULL;
	CHECK_EQ(ht_fc_s8(&act, &rq, &d, x, x, &d, y), HT_E_ARGUMENT);
	ht_window bad = {1, 0, 1, 0, 0};
	rq.mult = m;
	CHECK_EQ(ht_conv1d_s8(&act, &bad, &rq, &d, x, x, &d, y), HT_E_ARGUMENT);
	act.in_zp = 300;
	CHECK_EQ(ht_avgpool_s8(&act, 0, 0, &d, x, y), HT_E_ARGUMENT);
}

/* Depthwise on the shapes its DSP path (ht_dwconv_dsp.h) cares about: channel counts with and without a tail of
 * 1..3 after groups of 4, strides 1 and 2 (the asm loops, K 3, 5, 7, pairs of outputs and an odd last one) and
 * the rest (stride 3, dilation 2, other K, K past the path's limit), every padding up to past the kernel,
 * lengths across the 1 KiB plane chunks, every shift -31..30 (fast and generic requantization side by side),
 * with and without a clamp, and the extreme inputs (zero point 127 or -128, weights -128). */
static void cross_check_dw(workspace *ws)
{
	uint32_t seed = 0xD3Cu;
	int ok = 1, runs = 0;
	for (int iter = 0; iter < 600; iter++) {
		const int long_run = iter % 8 == 7;
		int len = long_run ? rnd(&seed, 100, 400) : rnd(&seed, 1, 40);
		int ch = iter % 5 == 4 ? rnd(&seed, 14, 90) : rnd(&seed, 1, 13);
		if (len * ch > MAXN)
			ch = MAXN / len;
		ref_window rw;
		const int kinds[] = {3, 5, 7, 3, 5, 7, 1, 2, 4, 6, 8, 9, 15, 16, 17};
		rw.k = kinds[rnd(&seed, 0, 14)];
		rw.stride = iter % 6 == 5 ? 3 : 1 + (iter & 1);
		rw.dilation = iter % 11 == 10 ? 2 : 1;
		rw.pad_left = rnd(&seed, 0, rw.k + 1);
		rw.pad_right = rnd(&seed, 0, rw.k + 1);
		if (ref_out_len(len, &rw) < 1 || rw.k * ch > 4 * MAXN)
			continue;
		ht_window hw = {(uint16_t)rw.k, (uint8_t)rw.stride, (uint8_t)rw.dilation, (uint8_t)rw.pad_left,
		                (uint8_t)rw.pad_right};
		ht_act act;
		ht_requant rq;
		ref_quant q;
		setup_quant(&seed, ws, ch, rnd(&seed, 0, 7) == 0, rnd(&seed, 0, 3) != 0, &act, &rq, &q);
		if (iter % 3 == 0) { /* every shift across the channels, mostly fast ones */
			for (int c = 0; c < ch; c++)
				ws->shift[c] = (c + iter) % 4 == 0 ? (c * 7 + iter) % 62 - 31 : -1 - (c + iter) % 23;
			rq.shift = le(ws->s, ws->shift, ch);
		}
		if (iter & 2) { /* no clamp: the other asm variant */
			act.act_min = -128;
			act.act_max = 127;
			q.lo = -128;
			q.hi = 127;
		}
		random_s8(&seed, ws->x, len * ch);
		random_s8(&seed, ws->w, rw.k * ch);
		if (iter % 13 == 12) {
			act.in_zp = q.zi = (iter & 1) ? 127 : -128;
			memset(ws->x, (iter & 1) ? 0x80 : 0x7F, (size_t)(len * ch));
			memset(ws->w, 0x80, (size_t)(rw.k * ch));
		}
		const int out_len = ref_out_len(len, &rw);
		ht_dims in = {(uint16_t)len, (uint16_t)ch}, out = {(uint16_t)out_len, (uint16_t)ch};
		ref_dwconv1d(&q, &rw, ws->x, len, ch, ws->w, ws->y_ref);
		const int good = ht_dwconv1d_s8(&act, &hw, &rq, &in, ws->x, ws->w, &out, ws->y) == HT_OK &&
		                 same(ws->y, ws->y_ref, out_len * ch);
		if (!good && ok)
			printf("dw mismatch: iter %d len %d ch %d k %d stride %d dilation %d pad %d,%d\n", iter, len, ch, rw.k,
			       rw.stride, rw.dilation, rw.pad_left, rw.pad_right);
		ok &= good;
		runs++;
	}
	CHECK(ok);
	CHECK(runs > 500);
}

void test_kernels(void)
{
	hand_conv1d();
	hand_dwconv1d();
	hand_pwconv();
	hand_fc();
	hand_add();
	hand_pools();
	argument_checks();
	workspace *ws = malloc(sizeof *ws);
	cross_check(ws);
	cross_check_wide(ws);
	cross_check_dw(ws);
	cross_check_conv1d(ws);
	cross_check_fc(ws);
	cross_check_constant_channels(ws);
	free(ws);
}
