/* The test models: one description drives both the blob (blob_builder) and an independent reference
 * forward pass (ref_kernels + ref_synth).
 *   A (HEAD):    conv1d -> dwconv1d -> pw (stored, per-tensor) -> pw (generated, 4-bit heads) -> add
 *                -> avgpool -> fc
 *   B (LOWRANK): conv1d -> maxpool -> pw (generated) -> pw (generated) -> attnpool -> fc, 6-bit factors */
#ifndef HT_TEST_BLOBS_H
#define HT_TEST_BLOBS_H

#include <stdint.h>

#include "blob_builder.h"

enum { SPEC_MAX_W = 4096, SPEC_MAX_C = 64, SPEC_MAX_MLP = 3, SPEC_MAX_GEN = 3 };

typedef struct {
	int in_dim, out_dim, bits, act_min, act_max, in_zp, out_zp;
	int8_t w[SPEC_MAX_W];
	int32_t bias[SPEC_MAX_C], mult, shift;
} mlp_spec;

typedef struct {
	int cout, cin, head_bits, code_bits;
	int8_t code[SPEC_MAX_C];
	int8_t heads[SPEC_MAX_W]; /* HEAD: H [cout*cin][dh]; LOWRANK: U [cout][rank] then V [rank][cin] */
	int32_t bias_unit[SPEC_MAX_C], m0, s0;
} gen_layer_spec;

typedef struct {
	int family, code_dim, mlp_count, gen_count;
	mlp_spec mlp[SPEC_MAX_MLP];
	gen_layer_spec gen[SPEC_MAX_GEN];
} gen_spec;

typedef struct {
	int8_t w[SPEC_MAX_W];
	int32_t bias[SPEC_MAX_C], mult[SPEC_MAX_C], shift[SPEC_MAX_C];
} layer_spec;

typedef struct {
	char name;
	gen_spec gen;
	layer_spec conv, dw, pw, fc, attn;
	int32_t add_aux[7], avg_aux[2], attn_aux[4];
	int in_len, in_ch, out_n;
} model_spec;

void spec_model_a(model_spec *s, uint32_t seed);
void spec_model_b(model_spec *s, uint32_t seed);
/* The blob of s into out (4-byte aligned, cap bytes); returns its size. */
uint32_t build_model(const model_spec *s, uint8_t *out, uint32_t cap);
/* Reference output of s for one input window. */
void ref_forward(const model_spec *s, const int8_t *in, int8_t *out);

/* Appends GENERATOR, HEADS, CODES and the generator's QPARAMS entries for s. */
void build_generator(blob_builder *b, const gen_spec *s);

/* Reference synthesis of generated layer g (§4) over the unpacked description. Returns an ht_status. */
int ref_synth(const gen_spec *s, int g, int8_t *w, int32_t *bias, int32_t *mult, int32_t *shift);

#endif
