/* Test-only writer of .htpw blobs per docs/FORMAT.md (the product's writer is host/pack, in TypeScript).
 * Fill section payloads and plan records, then bb_finish lays out header, table, sections and CRC. */
#ifndef HT_BLOB_BUILDER_H
#define HT_BLOB_BUILDER_H

#include <stdint.h>

#include "ht.h"
#include "ht_records.h"

enum { BB_SECTION_CAP = 16 * 1024, BB_MAX_TENSORS = 64, BB_MAX_OPS = 64 };

typedef struct {
	uint8_t data[BB_SECTION_CAP];
	uint32_t len;
	int present;
	uint16_t align;
} bb_section;

typedef struct {
	bb_section sec[HT_SEC_COUNT];
	ht_tensor_rec tensors[BB_MAX_TENSORS];
	ht_op_rec ops[BB_MAX_OPS];
	uint16_t tensor_count, op_count, input, output, gen_count;
	uint32_t arena_bytes;
} blob_builder;

void bb_init(blob_builder *b);
/* Append to a section (marks it present); each returns the byte offset where the data starts. */
uint32_t bb_bytes(blob_builder *b, int sec, const void *data, uint32_t len);
uint32_t bb_i32s(blob_builder *b, const int32_t *v, uint32_t n); /* QPARAMS, 4-aligned */
uint32_t bb_packed(blob_builder *b, int sec, const int8_t *v, uint32_t n, uint32_t bits);
void bb_pad_to(blob_builder *b, int sec, uint32_t align);
/* Packs values into dst (ceil(n*bits/8) bytes), as §4. */
void bb_pack(uint8_t *dst, const int8_t *v, uint32_t n, uint32_t bits);

uint16_t bb_tensor(blob_builder *b, uint32_t arena_offset, uint16_t length, uint16_t channels, int32_t zp);
/* A new op with every unused field at its "none" value; the caller fills the rest. */
ht_op_rec *bb_op(blob_builder *b, uint8_t opcode, uint16_t in0, uint16_t out);

/* Writes the blob (sections in type order) into out (4-byte aligned); returns its size, 0 if too big. */
uint32_t bb_finish(const blob_builder *b, uint8_t *out, uint32_t cap);

/* Helpers over a finished blob. */
void bb_fix_crc(uint8_t *blob, uint32_t size);
int bb_find_section(const uint8_t *blob, uint16_t type, uint32_t *offset, uint32_t *length);
uint32_t bb_op_offset(const uint8_t *blob, uint16_t op);     /* blob offset of op record */
uint32_t bb_tensor_offset(const uint8_t *blob, uint16_t t); /* blob offset of tensor record */

#endif
