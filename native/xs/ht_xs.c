/*
 * Thin xsmc bindings over the portable C core (native/include/ht.h), as Moddable SDK modules are written.
 * Every argument is checked here; failures throw new Error("htpw <STATUS> (<code>): <what>").
 *
 * Buffers are host buffers (Resource, xs_ht_buffer) or ArrayBuffers and byte views. The bytes of an
 * ArrayBuffer move when XS compacts its heap, so a model keeps section offsets, and every call that runs
 * the model receives the blob again and re-bases the section pointers. A blob that can move or be written
 * could also be rewritten after validation; for it the model keeps private copies of the records the core
 * derives addresses from (PLAN, GENERATOR), so a rewritten blob changes numbers, never memory safety.
 * A Resource (flash, or a read-only mapping in the simulator) is used in place with no copy.
 */

#include "xsmc.h"
#include "ht.h"
#include "ht_xs_args.h"

#ifndef c_malloc /* builds without INCLUDE_XSPLATFORM */
	#include <stdlib.h>
	#include <string.h>
	#define c_calloc calloc
	#define c_free free
	#define c_malloc malloc
	#define c_memcpy memcpy
	#define c_memmove memmove
	#define c_memset memset
#endif

#define kMaxBufferBytes 0x7FFFFFFF

typedef struct {
	ht_model model;
	uint32_t offset[HT_SEC_COUNT]; /* section offsets in the blob */
	uint8_t *records;              /* private PLAN and GENERATOR, or NULL when the blob is immutable */
} xsHtModel;

static void requireArgc(xsMachine *the, int count, const char *function)
{
	if (xsmcArgc < count)
		htxs_throw_status(the, HT_E_ARGUMENT, "%s expects %d arguments, got %d", function, count, (int)xsmcArgc);
}

/* A number that is an integer in 0..max (no coercion: nothing runs a script between buffer fetches). */
static uint32_t integerArgument(xsMachine *the, int index, uint32_t max, const char *name)
{
	double value;
	if (!htxs_number(the, index, &value))
		htxs_throw_status(the, HT_E_ARGUMENT, "%s must be a number", name);
	if (!(value >= 0 && value <= (double)max && value == (double)(int64_t)value))
		htxs_throw_status(the, HT_E_ARGUMENT, "%s must be an integer in 0..%u, got %g", name, (unsigned)max, value);
	return (uint32_t)value;
}

static int isPresent(xsMachine *the, int index)
{
	if (xsmcArgc <= index)
		return 0;
	return xsmcTypeOf(xsArg(index)) != xsUndefinedType && xsmcTypeOf(xsArg(index)) != xsNullType;
}

/* Bytes of a buffer argument; writable ones must not be read-only (a Resource). */
static uint8_t *bufferArgument(xsMachine *the, int index, int writable, uint32_t *length, const char *name)
{
	uint8_t *data = htxs_buffer(the, index, writable, length);
	if (!data)
		htxs_throw_status(the, HT_E_ARGUMENT, "%s must be a %sbuffer (ArrayBuffer, host buffer or byte view)", name,
			writable ? "writable " : "");
	return data;
}

/* ArrayBuffers move and can be written; Resources do neither. */
static int isMovableOrWritable(xsMachine *the, int index)
{
	void *data = NULL;
	xsUnsignedValue count = 0;
	volatile int result = 1;
	xsTry {
		result = xsmcGetBufferReadable(xsArg(index), &data, &count) == xsBufferRelocatable;
		if (!result)
			xsmcGetBufferWritable(xsArg(index), &data, &count);
		result = 1;
	}
	xsCatch {
		result = 0;
	}
	return result;
}

void xs_ht_buffer_destructor(void *data)
{
	if (data)
		c_free(data);
}

/* xs_ht_buffer(bytes): zeroed native memory, 8-byte aligned, outside the XS heap (arena, kernels, scratch). */
void xs_ht_buffer(xsMachine *the)
{
	uint32_t bytes;
	void *data;
	requireArgc(the, 1, "xs_ht_buffer");
	bytes = integerArgument(the, 0, kMaxBufferBytes, "bytes");
	xsResult = xsNewHostObject(xs_ht_buffer_destructor);
	data = c_calloc(1, bytes ? bytes : 1);
	if (!data)
		xsUnknownError("xs_ht_buffer: cannot allocate %u bytes", (unsigned)bytes);
	xsmcSetHostBuffer(xsResult, data, (xsIntegerValue)bytes); /* the destructor owns data from here */
	if ((uintptr_t)data & 7u)
		xsUnknownError("xs_ht_buffer: the allocator returned memory that is not 8-byte aligned");
}

/*
 * xs_ht_copy_bytes(destination, source, length): the first `length` bytes of source to the start of destination,
 * each an ArrayBuffer, host buffer or byte view, in one memmove. The boards' BLE transport copies every packet into
 * its length's buffer (modules/ble/copy-bytes.ts): in XS a loop of byte reads and writes costs ~1,700 instructions a
 * byte on the Cortex-M4 (bench:m4app), ~30,000 a beat for its two packets. Refused: a destination that is not a
 * writable buffer, a source that is not a buffer, a length that is not an integer within both.
 */
void xs_ht_copy_bytes(xsMachine *the)
{
	uint32_t length, toBytes, fromBytes;
	void *to, *from;
	requireArgc(the, 3, "xs_ht_copy_bytes");
	length = integerArgument(the, 2, kMaxBufferBytes, "copy length");
	to = htxs_buffer(the, 0, 1, &toBytes);
	if (!to)
		htxs_throw_status(the, HT_E_ARGUMENT, "copy destination must be a writable buffer");
	from = htxs_buffer(the, 1, 0, &fromBytes);
	if (!from)
		htxs_throw_status(the, HT_E_ARGUMENT, "copy source must be a buffer");
	if (length > toBytes || length > fromBytes)
		htxs_throw_status(the, HT_E_ARGUMENT, "copy length %u is past destination (%u bytes) or source (%u bytes)",
			(unsigned)length, (unsigned)toBytes, (unsigned)fromBytes);
	c_memmove(to, from, length);
}

void xs_ht_model_destructor(void *data)
{
	xsHtModel *hm = data;
	if (hm) {
		c_free(hm->records);
		c_free(hm);
	}
}

static xsHtModel *modelArgument(xsMachine *the, int index)
{
	xsHtModel *hm = htxs_host_data(the, index, (void *)xs_ht_model_destructor);
	if (!hm || !hm->model.blob)
		htxs_throw_status(the, HT_E_ARGUMENT, "model must be a model made by xs_ht_model_open");
	return hm;
}

static int copyRecords(xsHtModel *hm)
{
	ht_model *m = &hm->model;
	uint32_t plan = m->sec_len[HT_SEC_PLAN];
	uint32_t generator = m->sec[HT_SEC_GENERATOR] ? m->sec_len[HT_SEC_GENERATOR] : 0;
	hm->records = c_malloc(plan + generator + 1);
	if (!hm->records)
		return 0;
	c_memcpy(hm->records, m->sec[HT_SEC_PLAN], plan);
	m->sec[HT_SEC_PLAN] = hm->records;
	if (generator) {
		c_memcpy(hm->records + plan, m->sec[HT_SEC_GENERATOR], generator);
		m->sec[HT_SEC_GENERATOR] = hm->records + plan;
	}
	return 1;
}

/* xs_ht_model_open(blob): validates the blob completely (docs/FORMAT.md §5) and returns a model. */
void xs_ht_model_open(xsMachine *the)
{
	xsHtModel *hm;
	uint8_t *blob;
	uint32_t size;
	int status, s, copy;
	requireArgc(the, 1, "xs_ht_model_open");
	xsResult = xsNewHostObject(xs_ht_model_destructor);
	hm = c_calloc(1, sizeof(xsHtModel));
	if (!hm)
		xsUnknownError("xs_ht_model_open: out of memory");
	xsmcSetHostBuffer(xsResult, hm, 0); /* an empty buffer: a view of the handle shows nothing */
	copy = isMovableOrWritable(the, 0);
	blob = bufferArgument(the, 0, 0, &size, "blob");
	status = ht_model_open(&hm->model, blob, size);
	if (status != HT_OK) {
		c_memset(&hm->model, 0, sizeof(hm->model));
		htxs_throw_status(the, status, "the blob (%u bytes) is not a valid model", (unsigned)size);
	}
	for (s = 0; s < HT_SEC_COUNT; s++)
		hm->offset[s] = hm->model.sec[s] ? (uint32_t)(hm->model.sec[s] - blob) : 0;
	if (copy && !copyRecords(hm)) {
		c_memset(&hm->model, 0, sizeof(hm->model));
		xsUnknownError("xs_ht_model_open: out of memory");
	}
}

/* Points the model's sections (other than its private records) at the blob's current address. A model
 * opened on a movable or writable blob accepts any buffer of the same length (its records are private);
 * one opened on a Resource, only that Resource. */
static void rebase(xsMachine *the, xsHtModel *hm, int index)
{
	ht_model *m = &hm->model;
	uint32_t size;
	uint8_t *blob = bufferArgument(the, index, 0, &size, "blob");
	int s;
	if (size != m->size)
		htxs_throw_status(the, HT_E_ARGUMENT, "blob has %u bytes, the model was opened on %u", (unsigned)size,
			(unsigned)m->size);
	if ((uintptr_t)blob & 3u)
		htxs_throw_status(the, HT_E_SECTION_ALIGN, "blob is not 4-byte aligned");
	/* Without private records the core reads the plan from the blob: it must be the validated one. */
	if (!hm->records && blob != m->blob)
		htxs_throw_status(the, HT_E_ARGUMENT, "blob is not the read-only buffer the model was opened on");
	m->blob = blob;
	for (s = 0; s < HT_SEC_COUNT; s++) {
		int private = hm->records && (s == HT_SEC_PLAN || s == HT_SEC_GENERATOR);
		if (m->sec[s] && !private)
			m->sec[s] = blob + hm->offset[s];
	}
}

void xs_ht_model_scratch_bytes(xsMachine *the)
{
	requireArgc(the, 1, "xs_ht_model_scratch_bytes");
	xsmcSetInteger(xsResult, (xsIntegerValue)modelArgument(the, 0)->model.synth_scratch_bytes);
}

void xs_ht_model_arena_bytes(xsMachine *the)
{
	requireArgc(the, 1, "xs_ht_model_arena_bytes");
	xsmcSetInteger(xsResult, (xsIntegerValue)modelArgument(the, 0)->model.arena_bytes);
}

/* xs_ht_model_info(model, blob, out): what the runtime needs of a validated model, as int32s into out (a buffer
 * of at least 4 * HT_XS_INFO_WORDS bytes, native byte order): op count, generated layers, arena bytes, then the
 * input and the output tensor (arena offset, length, channels, zero point each), the header's CRC, and where META
 * lies in the blob (offset, bytes). The device reads a model through this and never parses it in JS. */
enum { HT_XS_INFO_WORDS = 16 };

void xs_ht_model_info(xsMachine *the)
{
	xsHtModel *hm;
	uint32_t length, words[HT_XS_INFO_WORDS];
	uint8_t *out;
	uint32_t i = 0;
	int t;
	requireArgc(the, 3, "xs_ht_model_info");
	hm = modelArgument(the, 0);
	rebase(the, hm, 1);
	out = bufferArgument(the, 2, 1, &length, "out");
	if (length / 4u < HT_XS_INFO_WORDS)
		htxs_throw_status(the, HT_E_ARGUMENT, "out has %u bytes, the model info needs %u", (unsigned)length,
			4u * HT_XS_INFO_WORDS);
	words[i++] = hm->model.op_count;
	words[i++] = hm->model.gen_count;
	words[i++] = hm->model.arena_bytes;
	for (t = 0; t < 2; t++) {
		uint32_t arena_offset = 0;
		uint16_t tensor_length = 0, channels = 0;
		int32_t zero_point = 0;
		ht_tensor_info(&hm->model, t ? hm->model.output_tensor : hm->model.input_tensor, &arena_offset,
			&tensor_length, &channels, &zero_point);
		words[i++] = arena_offset;
		words[i++] = tensor_length;
		words[i++] = channels;
		words[i++] = (uint32_t)zero_point;
	}
	words[i++] = (uint32_t)hm->model.blob[12] | (uint32_t)hm->model.blob[13] << 8 | (uint32_t)hm->model.blob[14] << 16 |
	             (uint32_t)hm->model.blob[15] << 24;
	words[i++] = hm->model.sec[HT_SEC_META] ? hm->offset[HT_SEC_META] : 0;
	words[i++] = hm->model.sec[HT_SEC_META] ? hm->model.sec_len[HT_SEC_META] : 0;
	while (i < HT_XS_INFO_WORDS)
		words[i++] = 0;
	c_memcpy(out, words, sizeof(words));
}

/* xs_ht_model_op_gen_layer(model, op): op's generated layer, or 0xFFFF when it is not a generated PW. */
void xs_ht_model_op_gen_layer(xsMachine *the)
{
	xsHtModel *hm;
	requireArgc(the, 2, "xs_ht_model_op_gen_layer");
	hm = modelArgument(the, 0);
	xsmcSetInteger(xsResult, ht_op_gen_layer(&hm->model, (uint16_t)integerArgument(the, 1, hm->model.op_count - 1u, "op")));
}

static uint16_t generatedLayerArgument(xsMachine *the, xsHtModel *hm, int index)
{
	if (hm->model.gen_count == 0)
		htxs_throw_status(the, HT_E_ARGUMENT, "the model has no generated layers");
	return (uint16_t)integerArgument(the, index, hm->model.gen_count - 1u, "generated layer");
}

/* xs_ht_model_kernel_bytes(model, g): bytes of generated layer g's synthesized kernel. */
void xs_ht_model_kernel_bytes(xsMachine *the)
{
	xsHtModel *hm;
	uint16_t g;
	requireArgc(the, 2, "xs_ht_model_kernel_bytes");
	hm = modelArgument(the, 0);
	g = generatedLayerArgument(the, hm, 1);
	xsmcSetInteger(xsResult, (xsIntegerValue)ht_gen_kernel_bytes(&hm->model, g));
}

static int8_t *arenaArgument(xsMachine *the, xsHtModel *hm, int index, uint32_t *length)
{
	int8_t *arena = (int8_t *)bufferArgument(the, index, 1, length, "arena");
	if (*length < hm->model.arena_bytes)
		htxs_throw_status(the, HT_E_ARGUMENT, "arena has %u bytes, the model needs %u", (unsigned)*length,
			(unsigned)hm->model.arena_bytes);
	return arena;
}

/* The kernel of generated layer g at offset in kernels (length bytes): inside it and 4-byte aligned. */
static uint8_t *kernelAt(xsMachine *the, xsHtModel *hm, uint8_t *kernels, uint32_t length, uint32_t offset, uint16_t g)
{
	uint32_t bytes = ht_gen_kernel_bytes(&hm->model, g);
	if ((uint64_t)offset + bytes > length)
		htxs_throw_status(the, HT_E_ARGUMENT, "kernel of layer %u (%u bytes at %u) is outside the kernel buffer (%u bytes)",
			(unsigned)g, (unsigned)bytes, (unsigned)offset, (unsigned)length);
	if ((uintptr_t)(kernels + offset) & 3u)
		htxs_throw_status(the, HT_E_ARGUMENT, "kernel of layer %u is not 4-byte aligned", (unsigned)g);
	return kernels + offset;
}

/* The kernel of generated layer g at offset in a buffer argument. */
static uint8_t *kernelArgument(xsMachine *the, xsHtModel *hm, int index, uint32_t offset, uint16_t g, int writable)
{
	uint32_t length;
	uint8_t *kernels = bufferArgument(the, index, writable, &length, "kernel buffer");
	return kernelAt(the, hm, kernels, length, offset, g);
}

/* xs_ht_run_op(model, blob, op, arena[, kernelBuffer, kernelOffset]): a kernel only for a generated PW
 * (undefined or null otherwise). */
void xs_ht_run_op(xsMachine *the)
{
	xsHtModel *hm;
	uint32_t op, offset = 0, arena_len;
	int8_t *arena;
	const uint8_t *kernel = NULL;
	uint32_t kernel_len = 0;
	uint16_t g;
	int status, has_kernel;
	requireArgc(the, 4, "xs_ht_run_op");
	hm = modelArgument(the, 0);
	op = integerArgument(the, 2, hm->model.op_count - 1u, "op");
	has_kernel = isPresent(the, 4);
	if (has_kernel) {
		requireArgc(the, 6, "xs_ht_run_op with a kernel");
		offset = integerArgument(the, 5, kMaxBufferBytes, "kernel offset");
	}
	rebase(the, hm, 1);
	arena = arenaArgument(the, hm, 3, &arena_len);
	g = ht_op_gen_layer(&hm->model, (uint16_t)op);
	if (g != HT_NONE16 && !has_kernel)
		htxs_throw_status(the, HT_E_ARGUMENT, "op %u is a generated PW (layer %u): pass its synthesized kernel",
			(unsigned)op, (unsigned)g);
	if (g == HT_NONE16 && has_kernel)
		htxs_throw_status(the, HT_E_ARGUMENT, "op %u is not a generated PW: pass no kernel", (unsigned)op);
	if (has_kernel) {
		kernel = kernelArgument(the, hm, 4, offset, g, 0);
		kernel_len = ht_gen_kernel_bytes(&hm->model, g);
	}
	status = ht_run_op(&hm->model, (uint16_t)op, arena, arena_len, kernel, kernel_len);
	if (status != HT_OK)
		htxs_throw_status(the, status, "op %u failed", (unsigned)op);
}

/* xs_ht_run_ops(model, blob, firstOp, endOp, arena): ops firstOp..endOp-1, none of them generated. */
void xs_ht_run_ops(xsMachine *the)
{
	xsHtModel *hm;
	uint32_t first, end, op, arena_len;
	int8_t *arena;
	requireArgc(the, 5, "xs_ht_run_ops");
	hm = modelArgument(the, 0);
	first = integerArgument(the, 2, hm->model.op_count, "first op");
	end = integerArgument(the, 3, hm->model.op_count, "end op");
	if (end < first)
		htxs_throw_status(the, HT_E_ARGUMENT, "end op %u is before first op %u", (unsigned)end, (unsigned)first);
	rebase(the, hm, 1);
	arena = arenaArgument(the, hm, 4, &arena_len);
	for (op = first; op < end; op++) {
		uint16_t g = ht_op_gen_layer(&hm->model, (uint16_t)op);
		if (g != HT_NONE16)
			htxs_throw_status(the, HT_E_ARGUMENT, "op %u is a generated PW (layer %u): run it with xs_ht_run_op",
				(unsigned)op, (unsigned)g);
	}
	for (op = first; op < end; op++) {
		int status = ht_run_op(&hm->model, (uint16_t)op, arena, arena_len, NULL, 0);
		if (status != HT_OK)
			htxs_throw_status(the, status, "op %u failed", (unsigned)op);
	}
}

/* xs_ht_run_model(model, blob, arena, kernelBuffer, kernelOffsets): every op in plan order, generated layer g's
 * kernel at the uint32 kernelOffsets[g] (a buffer of at least 4 * generated layers bytes, native byte order) in
 * kernelBuffer: one call per inference where the kernels stay put (the boot policy). */
void xs_ht_run_model(xsMachine *the)
{
	xsHtModel *hm;
	uint32_t op, arena_len, kernels_len, offsets_len;
	int8_t *arena;
	uint8_t *kernels;
	const uint8_t *offsets;
	requireArgc(the, 5, "xs_ht_run_model");
	hm = modelArgument(the, 0);
	rebase(the, hm, 1);
	arena = arenaArgument(the, hm, 2, &arena_len);
	kernels = bufferArgument(the, 3, 0, &kernels_len, "kernel buffer");
	offsets = bufferArgument(the, 4, 0, &offsets_len, "kernel offsets");
	if (offsets_len / 4u < hm->model.gen_count)
		htxs_throw_status(the, HT_E_ARGUMENT, "kernel offsets has %u bytes, the model's %u generated layers need %u",
			(unsigned)offsets_len, (unsigned)hm->model.gen_count, 4u * (unsigned)hm->model.gen_count);
	for (op = 0; op < hm->model.op_count; op++) {
		uint16_t g = ht_op_gen_layer(&hm->model, (uint16_t)op);
		const uint8_t *kernel = NULL;
		uint32_t kernel_len = 0;
		int status;
		if (g != HT_NONE16) {
			uint32_t offset;
			c_memcpy(&offset, offsets + 4u * g, 4);
			kernel = kernelAt(the, hm, kernels, kernels_len, offset, g);
			kernel_len = ht_gen_kernel_bytes(&hm->model, g);
		}
		status = ht_run_op(&hm->model, (uint16_t)op, arena, arena_len, kernel, kernel_len);
		if (status != HT_OK)
			htxs_throw_status(the, status, "op %u failed", (unsigned)op);
	}
}

/* xs_ht_synthesize(model, blob, g, kernelBuffer, kernelOffset, scratch) */
void xs_ht_synthesize(xsMachine *the)
{
	xsHtModel *hm;
	uint16_t g;
	uint32_t offset, scratch_len;
	uint8_t *kernel, *scratch;
	int status;
	requireArgc(the, 6, "xs_ht_synthesize");
	hm = modelArgument(the, 0);
	g = generatedLayerArgument(the, hm, 2);
	offset = integerArgument(the, 4, kMaxBufferBytes, "kernel offset");
	rebase(the, hm, 1);
	kernel = kernelArgument(the, hm, 3, offset, g, 1);
	scratch = bufferArgument(the, 5, 1, &scratch_len, "scratch");
	if (scratch_len < hm->model.synth_scratch_bytes)
		htxs_throw_status(the, HT_E_ARGUMENT, "scratch has %u bytes, the model needs %u", (unsigned)scratch_len,
			(unsigned)hm->model.synth_scratch_bytes);
	if ((uintptr_t)scratch & 3u)
		htxs_throw_status(the, HT_E_ARGUMENT, "scratch is not 4-byte aligned");
	status = ht_synthesize(&hm->model, g, kernel, ht_gen_kernel_bytes(&hm->model, g), scratch, scratch_len);
	if (status != HT_OK)
		htxs_throw_status(the, status, "synthesis of generated layer %u failed", (unsigned)g);
}
