#include "ref_kernels.h"

#include <stdlib.h>

#include "ht.h"

static int32_t wrap(int64_t v)
{
	return (int32_t)(uint32_t)(uint64_t)v;
}

static int8_t clamp(int64_t v, int32_t lo, int32_t hi)
{
	return (int8_t)(v < lo ? lo : v > hi ? hi : v);
}

static int8_t requant(const ref_quant *q, int c, int64_t acc)
{
	int i = q->per_tensor ? 0 : c;
	return clamp(wrap((int64_t)ht_mbqm(wrap(acc), q->mult[i], q->shift[i]) + q->zo), q->lo, q->hi);
}

int ref_out_len(int length, const ref_window *w)
{
	int span = length + w->pad_left + w->pad_right - w->dilation * (w->k - 1) - 1;
	return span < 0 ? 0 : span / w->stride + 1;
}

void ref_conv1d(const ref_quant *q, const ref_window *w, const int8_t *x, int len, int cin, const int8_t *wt,
                int cout, int8_t *y)
{
	int lo_len = ref_out_len(len, w);
	for (int o = 0; o < lo_len; o++)
		for (int c = 0; c < cout; c++) {
			int64_t acc = q->bias ? q->bias[c] : 0;
			for (int k = 0; k < w->k; k++) {
				int i = o * w->stride - w->pad_left + k * w->dilation;
				if (i < 0 || i >= len)
					continue;
				for (int ci = 0; ci < cin; ci++)
					acc += wt[(c * w->k + k) * cin + ci] * (x[i * cin + ci] - q->zi);
			}
			y[o * cout + c] = requant(q, c, acc);
		}
}

void ref_dwconv1d(const ref_quant *q, const ref_window *w, const int8_t *x, int len, int ch, const int8_t *wt,
                  int8_t *y)
{
	int lo_len = ref_out_len(len, w);
	for (int o = 0; o < lo_len; o++)
		for (int c = 0; c < ch; c++) {
			int64_t acc = q->bias ? q->bias[c] : 0;
			for (int k = 0; k < w->k; k++) {
				int i = o * w->stride - w->pad_left + k * w->dilation;
				if (i >= 0 && i < len)
					acc += wt[k * ch + c] * (x[i * ch + c] - q->zi);
			}
			y[o * ch + c] = requant(q, c, acc);
		}
}

void ref_pwconv(const ref_quant *q, const int8_t *x, int len, int cin, const int8_t *wt, int cout, int8_t *y)
{
	for (int t = 0; t < len; t++)
		for (int c = 0; c < cout; c++) {
			int64_t acc = q->bias ? q->bias[c] : 0;
			for (int i = 0; i < cin; i++)
				acc += wt[c * cin + i] * (x[t * cin + i] - q->zi);
			y[t * cout + c] = requant(q, c, acc);
		}
}

void ref_fc(const ref_quant *q, const int8_t *x, int n, const int8_t *wt, int cout, int8_t *y)
{
	for (int c = 0; c < cout; c++) {
		int64_t acc = q->bias ? q->bias[c] : 0;
		for (int i = 0; i < n; i++)
			acc += wt[c * n + i] * (x[i] - q->zi);
		y[c] = requant(q, c, acc);
	}
}

void ref_add(const int32_t aux[7], int32_t z1, int32_t z2, int32_t zo, int32_t lo, int32_t hi, const int8_t *x1,
             const int8_t *x2, int n, int8_t *y)
{
	for (int i = 0; i < n; i++) {
		int32_t a = ht_mbqm(wrap((int64_t)(x1[i] - z1) * ((int64_t)1 << aux[0])), aux[1], aux[2]);
		int32_t b = ht_mbqm(wrap((int64_t)(x2[i] - z2) * ((int64_t)1 << aux[0])), aux[3], aux[4]);
		y[i] = clamp(wrap((int64_t)ht_mbqm(wrap((int64_t)a + b), aux[5], aux[6]) + zo), lo, hi);
	}
}

void ref_avgpool(int32_t m, int32_t s, int32_t zi, int32_t zo, int32_t lo, int32_t hi, const int8_t *x, int len,
                 int ch, int8_t *y)
{
	for (int c = 0; c < ch; c++) {
		int64_t sum = 0;
		for (int t = 0; t < len; t++)
			sum += x[t * ch + c] - zi;
		y[c] = clamp(wrap((int64_t)ht_mbqm(wrap(sum), m, s) + zo), lo, hi);
	}
}

static const int exp2_q8[16] = {256, 245, 235, 225, 215, 206, 197, 189, 181, 173, 166, 159, 152, 146, 140, 134};

static int64_t rdiv(int64_t n, int64_t d)
{
	int64_t a = n < 0 ? -n : n;
	int64_t r = (2 * a + d) / (2 * d);
	return n < 0 ? -r : r;
}

void ref_attnpool(int32_t bias, const int32_t aux[4], int32_t zi, int32_t zo, int32_t lo, int32_t hi,
                  const int8_t *x, int len, int ch, const int8_t *wt, int8_t *y)
{
	int *score = malloc(sizeof(int) * (size_t)len);
	int best = -128;
	for (int t = 0; t < len; t++) {
		int64_t acc = bias;
		for (int c = 0; c < ch; c++)
			acc += wt[c] * (x[t * ch + c] - zi);
		score[t] = clamp(ht_mbqm(wrap(acc), aux[0], aux[1]), -128, 127);
		best = score[t] > best ? score[t] : best;
	}
	for (int c = 0; c < ch; c++) {
		int64_t num = 0, den = 0;
		for (int t = 0; t < len; t++) {
			int d = best - score[t];
			int64_t w8 = exp2_q8[d & 15] >> (d >> 4);
			num += w8 * (x[t * ch + c] - zi);
			den += w8;
		}
		int32_t avg16 = (int32_t)rdiv(16 * num, den);
		y[c] = clamp(wrap((int64_t)ht_mbqm(avg16, aux[2], aux[3]) + zo), lo, hi);
	}
	free(score);
}

void ref_maxpool(const ref_window *w, int32_t lo, int32_t hi, const int8_t *x, int len, int ch, int8_t *y)
{
	int lo_len = ref_out_len(len, w);
	for (int o = 0; o < lo_len; o++)
		for (int c = 0; c < ch; c++) {
			int best = -128;
			for (int k = 0; k < w->k; k++) {
				int i = o * w->stride - w->pad_left + k * w->dilation;
				if (i >= 0 && i < len && x[i * ch + c] > best)
					best = x[i * ch + c];
			}
			y[o * ch + c] = clamp(best, lo, hi);
		}
}
