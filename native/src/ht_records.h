/* Decoded PLAN and GENERATOR records (docs/FORMAT.md §2, §4). Decoding never validates. */
#ifndef HT_RECORDS_H
#define HT_RECORDS_H

#include <stdint.h>

#include "ht.h"

enum {
	HT_HEADER_BYTES = 32,
	HT_SECTION_ENTRY_BYTES = 16,
	HT_PLAN_HEADER_BYTES = 16,
	HT_TENSOR_BYTES = 12,
	HT_OP_BYTES = 48,
	HT_GEN_HEADER_BYTES = 8,
	HT_MLP_BYTES = 24,
	HT_GEN_RECORD_BYTES = 24,
	HT_MAX_RECORDS = 1024,
	HT_MAX_SECTIONS = 16
};

enum { HT_FLAG_PER_TENSOR = 1 };
enum { HT_FAMILY_HEAD = 1, HT_FAMILY_LOWRANK = 2 };

typedef struct {
	uint32_t arena_offset;
	uint16_t length, channels;
	int32_t zero_point;
} ht_tensor_rec;

typedef struct {
	uint8_t opcode, flags;
	uint16_t in0, in1, out, k;
	uint8_t stride, dilation, pad_left, pad_right;
	uint16_t gen_layer;
	int8_t act_min, act_max;
	uint16_t reserved0;
	uint32_t weights_off, weights_len, bias_off, mult_off, shift_off, aux_off, reserved1;
} ht_op_rec;

typedef struct {
	uint16_t family;
	uint8_t code_dim, mlp_count;
	uint16_t gen_count, reserved;
} ht_gen_header;

typedef struct {
	uint16_t in_dim, out_dim;
	uint8_t bits, reserved;
	int8_t act_min, act_max;
	int32_t in_zp, out_zp;
	uint32_t weights_off, qp_off;
} ht_mlp_rec;

typedef struct {
	uint16_t cout, cin;
	uint8_t head_bits, code_bits, rank, reserved0;
	uint32_t code_off, head_off, qp_off, reserved1; /* reserved1: version 2's float32 unit_scale */
} ht_gen_rec;

void ht_decode_tensor(const uint8_t *p, ht_tensor_rec *t);
void ht_decode_op(const uint8_t *p, ht_op_rec *op);
void ht_decode_gen_header(const uint8_t *p, ht_gen_header *h);
void ht_decode_mlp(const uint8_t *p, ht_mlp_rec *r);
void ht_decode_gen_rec(const uint8_t *p, ht_gen_rec *r);
/* Version 2: the record's unit_scale (docs/FORMAT.md §4). */
float ht_gen_unit_scale(const ht_gen_rec *r);

/* Record addresses inside a model whose PLAN/GENERATOR framing has been validated. */
const uint8_t *ht_tensor_ptr(const ht_model *m, uint16_t tensor);
const uint8_t *ht_op_ptr(const ht_model *m, uint16_t op);
const uint8_t *ht_mlp_ptr(const ht_model *m, uint8_t layer);
const uint8_t *ht_gen_rec_ptr(const ht_model *m, uint16_t g);

/* align4(cout*cin) + 12*cout, in 64 bits (a hostile record may not fit 32). */
uint64_t ht_kernel_bytes64(uint32_t cout, uint32_t cin);

static inline uint32_t ht_align4(uint32_t v)
{
	return (v + 3u) & ~3u;
}

#endif
