/* Naive reference kernels written straight from docs/FORMAT.md §3 (int64 accumulators wrapped to int32
 * at the end, plain int32 parameter arrays), to cross-check the library's kernels. */
#ifndef HT_REF_KERNELS_H
#define HT_REF_KERNELS_H

#include <stdint.h>

typedef struct {
	int32_t zi, zo, lo, hi;
	const int32_t *bias, *mult, *shift; /* bias may be NULL */
	int per_tensor;
} ref_quant;

typedef struct {
	int k, stride, dilation, pad_left, pad_right;
} ref_window;

int ref_out_len(int length, const ref_window *w);
void ref_conv1d(const ref_quant *q, const ref_window *w, const int8_t *x, int len, int cin, const int8_t *wt,
                int cout, int8_t *y);
void ref_dwconv1d(const ref_quant *q, const ref_window *w, const int8_t *x, int len, int ch, const int8_t *wt,
                  int8_t *y);
void ref_pwconv(const ref_quant *q, const int8_t *x, int len, int cin, const int8_t *wt, int cout, int8_t *y);
void ref_fc(const ref_quant *q, const int8_t *x, int n, const int8_t *wt, int cout, int8_t *y);
/* aux: left_shift, m1, s1, m2, s2, mo, so */
void ref_add(const int32_t aux[7], int32_t z1, int32_t z2, int32_t zo, int32_t lo, int32_t hi, const int8_t *x1,
             const int8_t *x2, int n, int8_t *y);
void ref_avgpool(int32_t m, int32_t s, int32_t zi, int32_t zo, int32_t lo, int32_t hi, const int8_t *x, int len,
                 int ch, int8_t *y);
/* aux: ms, ss, mo, so */
void ref_attnpool(int32_t bias, const int32_t aux[4], int32_t zi, int32_t zo, int32_t lo, int32_t hi,
                  const int8_t *x, int len, int ch, const int8_t *wt, int8_t *y);
void ref_maxpool(const ref_window *w, int32_t lo, int32_t hi, const int8_t *x, int len, int ch, int8_t *y);

#endif
