/*
 * hypertiny portable C core: packed-model validation, INT8 kernels, generator synthesis.
 * No XS headers here; see docs/FORMAT.md for the normative format and arithmetic.
 */
#ifndef HT_H
#define HT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	HT_OK = 0,
	HT_E_TRUNCATED = 1,
	HT_E_MAGIC = 2,
	HT_E_VERSION = 3,
	HT_E_SIZE = 4,
	HT_E_CRC = 5,
	HT_E_SECTION_BOUNDS = 6,
	HT_E_SECTION_OVERLAP = 7,
	HT_E_SECTION_ALIGN = 8,
	HT_E_SECTION_MISSING = 9,
	HT_E_SECTION_TYPE = 10,
	HT_E_PLAN = 11,
	HT_E_OPCODE = 12,
	HT_E_TENSOR = 13,
	HT_E_SHAPE = 14,
	HT_E_PARAM_BOUNDS = 15,
	HT_E_PARAM = 16,
	HT_E_ARENA_OVERLAP = 17,
	HT_E_GENERATOR = 18,
	HT_E_SYNTH_RANGE = 19,
	HT_E_ARGUMENT = 20
} ht_status;

/* Stable short name of a status ("CRC", "SHAPE", ...); "UNKNOWN" for others. */
const char *ht_status_name(int status);

enum {
	HT_SEC_META = 1, HT_SEC_PLAN = 2, HT_SEC_BACKBONE = 3, HT_SEC_KEPT_PW = 4,
	HT_SEC_GENERATOR = 5, HT_SEC_HEADS = 6, HT_SEC_CODES = 7, HT_SEC_QPARAMS = 8,
	HT_SEC_SCALES = 9, /* version 2 only */
	HT_SEC_COUNT = 10
};

/* Format versions read (docs/FORMAT.md §9); writers write HT_VERSION_2. */
enum { HT_VERSION_1 = 1, HT_VERSION_2 = 2 };

enum {
	HT_OP_CONV1D = 1, HT_OP_DWCONV1D = 2, HT_OP_PWCONV = 3, HT_OP_ADD = 4,
	HT_OP_AVGPOOL = 5, HT_OP_ATTNPOOL = 6, HT_OP_MAXPOOL = 7, HT_OP_FC = 8
};

#define HT_NONE16 0xFFFFu
#define HT_NONE32 0xFFFFFFFFu

/* What a device can hold (docs/FORMAT.md §8): a model whose arena (PLAN) or one of whose synthesized kernels
 * (GENERATOR) is larger is refused. 256 KiB is all the RAM of the nRF52840, the smallest target. */
#define HT_MAX_ARENA_BYTES (256u * 1024u)
#define HT_MAX_KERNEL_BYTES (256u * 1024u)

/* A validated model: pointers into the caller's blob (read in place, never copied). */
typedef struct {
	const uint8_t *blob;
	uint32_t size;
	uint16_t version; /* major: HT_VERSION_1 or HT_VERSION_2 */
	const uint8_t *sec[HT_SEC_COUNT]; /* NULL when absent */
	uint32_t sec_len[HT_SEC_COUNT];
	uint16_t tensor_count, op_count, gen_count, input_tensor, output_tensor;
	uint32_t arena_bytes;
	uint32_t synth_scratch_bytes; /* scratch ht_synthesize needs for any layer of this model */
	uint32_t max_kernel_bytes;    /* largest synthesized kernel */
} ht_model;

/* Full validation (docs/FORMAT.md §5 order); fills *m only on HT_OK. */
int ht_model_open(ht_model *m, const uint8_t *blob, uint32_t size);

/* Tensor geometry (index checked; HT_E_ARGUMENT on a bad index). */
int ht_tensor_info(const ht_model *m, uint16_t tensor, uint32_t *arena_offset, uint16_t *length,
                   uint16_t *channels, int32_t *zero_point);

/* Op i's generated layer index, or HT_NONE16 when it is not a generated PW (HT_NONE16 also on a bad index). */
uint16_t ht_op_gen_layer(const ht_model *m, uint16_t op);

/* Bytes of the synthesized kernel of generated layer g (0 on a bad index). */
uint32_t ht_gen_kernel_bytes(const ht_model *m, uint16_t g);

/* Synthesize generated layer g into kernel[0..ht_gen_kernel_bytes) using scratch (>= synth_scratch_bytes,
 * 4-byte aligned). kernel must be 4-byte aligned. */
int ht_synthesize(const ht_model *m, uint16_t g, uint8_t *kernel, uint32_t kernel_len,
                  void *scratch, uint32_t scratch_len);

/* Run op i over the arena (>= arena_bytes). For a generated PW, kernel is its synthesized kernel
 * (exactly ht_gen_kernel_bytes long); otherwise kernel must be NULL. */
int ht_run_op(const ht_model *m, uint16_t op, int8_t *arena, uint32_t arena_len,
              const uint8_t *kernel, uint32_t kernel_len);

/* The MBQM of docs/FORMAT.md §3 (exposed for tests). */
int32_t ht_mbqm(int32_t x, int32_t multiplier, int32_t shift);

/* CRC-32 as in the header (zlib). */
uint32_t ht_crc32(uint32_t crc, const uint8_t *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
