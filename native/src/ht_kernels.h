/* INT8 kernels (docs/FORMAT.md §3), CMSIS-NN style: small parameter structs + dims, status codes.
 * Activations are [length][channels] int8. int32 parameter arrays (bias, mult, shift) are little-endian
 * byte arrays read in place (from the blob or a synthesized kernel). Each kernel checks its arguments
 * for consistency and returns HT_E_ARGUMENT instead of touching memory it was not given. */
#ifndef HT_KERNELS_H
#define HT_KERNELS_H

#include <stdint.h>

#include "ht.h"

typedef struct {
	uint16_t length, channels;
} ht_dims;

/* Zero points and fused activation clamp. */
typedef struct {
	int32_t in_zp, out_zp;
	int8_t act_min, act_max;
} ht_act;

/* Per-channel (or per-tensor) requantization: int32 bias (NULL = 0), mult and shift arrays. */
typedef struct {
	const uint8_t *bias, *mult, *shift;
	uint8_t per_tensor;
} ht_requant;

typedef struct {
	uint16_t k;
	uint8_t stride, dilation, pad_left, pad_right;
} ht_window;

typedef struct {
	int32_t left_shift, m1, s1, m2, s2, mo, so;
	int32_t z1, z2;
} ht_add_params;

typedef struct {
	int32_t bias, ms, ss, mo, so;
} ht_attnpool_params;

/* Output length of a windowed op; 0 when the window does not fit (or K/stride/dilation is 0). */
uint32_t ht_window_out_len(uint32_t length, const ht_window *w);

/* weights [Cout][K][Cin] */
int ht_conv1d_s8(const ht_act *act, const ht_window *win, const ht_requant *rq, const ht_dims *in_dims,
                 const int8_t *in, const int8_t *weights, const ht_dims *out_dims, int8_t *out);
/* weights [K][C] */
int ht_dwconv1d_s8(const ht_act *act, const ht_window *win, const ht_requant *rq, const ht_dims *in_dims,
                   const int8_t *in, const int8_t *weights, const ht_dims *out_dims, int8_t *out);
/* weights [Cout][Cin] */
int ht_pwconv_s8(const ht_act *act, const ht_requant *rq, const ht_dims *in_dims, const int8_t *in,
                 const int8_t *weights, const ht_dims *out_dims, int8_t *out);
/* weights [Cout][L*C]; out_dims = [1][Cout] */
int ht_fc_s8(const ht_act *act, const ht_requant *rq, const ht_dims *in_dims, const int8_t *in,
             const int8_t *weights, const ht_dims *out_dims, int8_t *out);
/* act->in_zp is unused (z1, z2 are in p) */
int ht_add_s8(const ht_act *act, const ht_add_params *p, const ht_dims *dims, const int8_t *in1,
              const int8_t *in2, int8_t *out);
/* out = [1][C] */
int ht_avgpool_s8(const ht_act *act, int32_t mult, int32_t shift, const ht_dims *in_dims, const int8_t *in,
                  int8_t *out);
/* score weights [C]; out = [1][C] */
int ht_attnpool_s8(const ht_act *act, const ht_attnpool_params *p, const ht_dims *in_dims, const int8_t *in,
                   const int8_t *score_weights, int8_t *out);
/* requires in_zp == out_zp, dilation 1, pads < K */
int ht_maxpool_s8(const ht_act *act, const ht_window *win, const ht_dims *in_dims, const int8_t *in,
                  const ht_dims *out_dims, int8_t *out);

#endif
