/*
 * Thin xsmc bindings over native/include/ht_input.h: a beat's model input written by C into the interpreter's input
 * tensor (docs/FORMAT.md §6), through a plan made once per model (the ECG lead's rule as a threshold table). Every argument is checked here or in the core; failures throw
 * new Error("htpw ARGUMENT (20): <what>") as native/xs/ht_xs.c does.
 *
 * xsmc hands out the bytes of byte views only, so the Int32Array window and the Float32Array features are taken
 * apart here: their type by instanceof, then buffer, byteOffset and length (which may run script: all of them are
 * read before any data pointer is fetched, and nothing runs script or allocates after that), each checked against
 * the bytes the buffer really has.
 */

#include <string.h>

#include "xsmc.h"
#include "ht.h"
#include "ht_input.h"
#include "ht_xs_args.h"

#define throwInput(the, ...) htxs_throw_status(the, HT_E_ARGUMENT, __VA_ARGS__)

/* A number argument as it is (no coercion: no script runs). */
static double numberArgument(xsMachine *the, int index, const char *name)
{
	double value;
	if (!htxs_number(the, index, &value))
		throwInput(the, "%s must be a number", name);
	return value;
}

typedef struct {
	int slot;        /* xsVar holding the view's buffer */
	uint32_t offset; /* byteOffset */
	uint32_t count;  /* elements */
} typedView;

/* The view's buffer (into xsVar(slot)), byteOffset and length; its type checked by instanceof globalThis[type]. */
static typedView typedArgument(xsMachine *the, int index, int slot, const char *type, const char *name)
{
	typedView v;
	double offset, length;
	v.slot = slot;
	if (xsmcTypeOf(xsArg(index)) != xsReferenceType)
		throwInput(the, "%s must be an %s", name, type);
	xsmcGet(xsVar(slot), xsGlobal, xsID(type));
	xsmcGet(xsVar(slot), xsVar(slot), xsID("prototype"));
	if (!xsmcIsInstanceOf(xsArg(index), xsVar(slot)))
		throwInput(the, "%s must be an %s", name, type);
	xsmcGet(xsVar(slot), xsArg(index), xsID("byteOffset"));
	offset = xsmcToNumber(xsVar(slot));
	xsmcGet(xsVar(slot), xsArg(index), xsID("length"));
	length = xsmcToNumber(xsVar(slot));
	if (!(offset >= 0 && offset <= 0x7FFFFFFF && offset == (double)(int32_t)offset))
		throwInput(the, "%s.byteOffset is not a valid offset", name);
	if (!(length >= 0 && length <= 0x1FFFFFFF && length == (double)(int32_t)length))
		throwInput(the, "%s.length is not a valid length", name);
	xsmcGet(xsVar(slot), xsArg(index), xsID("buffer"));
	v.offset = (uint32_t)offset;
	v.count = (uint32_t)length;
	return v;
}

/* The view's first byte, once every getter has run: its extent checked against the buffer's real size. */
static const uint8_t *typedData(xsMachine *the, typedView v, const char *name)
{
	void *data = NULL;
	xsUnsignedValue bytes = 0;
	xsTry {
		xsmcGetBufferReadable(xsVar(v.slot), &data, &bytes);
	}
	xsCatch {
		data = NULL;
	}
	if (!data)
		throwInput(the, "%s.buffer must be an ArrayBuffer or host buffer", name);
	if ((uint64_t)v.offset + 4u * (uint64_t)v.count > (uint64_t)bytes)
		throwInput(the, "%s (%u values at byte %u) is outside its buffer of %u bytes", name, (unsigned)v.count,
			(unsigned)v.offset, (unsigned)bytes);
	return (const uint8_t *)data + v.offset;
}

#ifndef c_malloc /* builds without INCLUDE_XSPLATFORM */
	#include <stdlib.h>
	#define c_free free
	#define c_malloc malloc
#endif

void xs_ht_input_plan_destructor(void *data)
{
	if (data)
		c_free(data);
}

static double zeroPointArgument(xsMachine *the, int index)
{
	double zeroPoint = numberArgument(the, index, "zeroPoint");
	if (!(zeroPoint >= -128 && zeroPoint <= 127 && zeroPoint == (double)(int32_t)zeroPoint))
		throwInput(the, "zeroPoint must be an integer in -128..127, got %g", zeroPoint);
	return zeroPoint;
}

/* xs_ht_input_plan(adcGain, scale, zeroPoint): the ECG lead's rule precomputed (ht_input_plan_init), a host object
 * outside the XS heap for xs_ht_input_beat. */
void xs_ht_input_plan(xsMachine *the)
{
	ht_input_plan *plan;
	double adcGain, scale, zeroPoint;
	if (xsmcArgc < 3)
		throwInput(the, "xs_ht_input_plan expects 3 arguments, got %d", (int)xsmcArgc);
	adcGain = numberArgument(the, 0, "adcGain");
	scale = numberArgument(the, 1, "scale");
	zeroPoint = zeroPointArgument(the, 2);
	xsResult = xsNewHostObject(xs_ht_input_plan_destructor);
	plan = c_malloc(sizeof(ht_input_plan));
	if (!plan)
		xsUnknownError("xs_ht_input_plan: out of memory");
	xsmcSetHostBuffer(xsResult, plan, 0); /* an empty buffer: a view of the plan shows nothing */
	if (ht_input_plan_init(plan, adcGain, scale, (int32_t)zeroPoint) != HT_OK)
		throwInput(the, "no input plan for adcGain %g, scale %g: not finite numbers > 0, or float32(adc / adcGain) overflows",
			adcGain, scale);
}

static ht_input_plan *planArgument(xsMachine *the, int index)
{
	ht_input_plan *plan = htxs_host_data(the, index, (void *)xs_ht_input_plan_destructor);
	if (!plan)
		throwInput(the, "plan must be made by xs_ht_input_plan");
	return plan;
}

/* A model names each beat feature at most once (docs/FORMAT.md §6: eleven today): 32 columns keep the picked
 * values' stack frame small on the device's native stack. */
enum { MAX_PICKED = 32 };

/* xs_ht_input_beat(out: Int8Array, window: Int32Array, plan, features: Float32Array[, columns: Int32Array]):
 * out[L * (1 + F)] = the beat's quantized input (ht_input_beat_planned), L = window.length; the features are
 * features[0..F) (F = features.length), or with columns features[columns[0]], ..., features[columns[F - 1]]
 * (F = columns.length, each column checked against features.length): the model's features picked from all the beat
 * context computes, here rather than by a copy in XS (~1,600 instructions a value on the Cortex-M4: bench:m4app).
 * More than MAX_PICKED columns are refused. */
void xs_ht_input_beat(xsMachine *the)
{
	typedView window, features, columns = {2, 0, 0};
	ht_input_plan *plan;
	void *out;
	uint32_t outBytes, count, k;
	const uint8_t *w, *f;
	float picked[MAX_PICKED];
	int status, pick;
	xsmcVars(3);
	if (xsmcArgc < 4)
		throwInput(the, "xs_ht_input_beat expects 4 arguments, got %d", (int)xsmcArgc);
	pick = xsmcArgc > 4 && xsmcTypeOf(xsArg(4)) != xsUndefinedType;
	plan = planArgument(the, 2);
	window = typedArgument(the, 1, 0, "Int32Array", "window");
	features = typedArgument(the, 3, 1, "Float32Array", "features");
	if (pick)
		columns = typedArgument(the, 4, 2, "Int32Array", "columns");
	/* No script runs from here on. */
	out = htxs_buffer(the, 0, 1, &outBytes);
	if (!out)
		throwInput(the, "out must be a writable Int8Array (the interpreter's input)");
	w = typedData(the, window, "window");
	f = typedData(the, features, "features");
	count = features.count;
	if (pick) {
		const uint8_t *c = typedData(the, columns, "columns");
		if (columns.count > MAX_PICKED)
			throwInput(the, "%u columns, more than %d", (unsigned)columns.count, MAX_PICKED);
		for (k = 0; k < columns.count; k++) {
			int32_t column;
			memcpy(&column, c + 4u * k, 4);
			if (column < 0 || (uint32_t)column >= features.count)
				throwInput(the, "column %d is not one of the %u features", (int)column, (unsigned)features.count);
			memcpy(&picked[k], f + 4u * (uint32_t)column, 4);
		}
		f = (const uint8_t *)picked;
		count = columns.count;
	}
	status = ht_input_beat_planned(out, (uint32_t)outBytes, w, window.count, plan, count ? f : NULL, count);
	if (status != HT_OK)
		throwInput(the, "cannot write a %u-sample window with %u features into %u input values: lengths disagree, or a "
			"feature is not finite", (unsigned)window.count, (unsigned)count, (unsigned)outBytes);
}

/* xs_ht_quantize_value(x, scale, zeroPoint): the §6 rule for one value (C's, for comparison with the TS rule). */
void xs_ht_quantize_value(xsMachine *the)
{
	int8_t q = 0;
	double x, scale, zeroPoint;
	if (xsmcArgc < 3)
		throwInput(the, "xs_ht_quantize_value expects 3 arguments, got %d", (int)xsmcArgc);
	x = numberArgument(the, 0, "x");
	scale = numberArgument(the, 1, "scale");
	zeroPoint = zeroPointArgument(the, 2);
	if (ht_quantize_value(x, scale, (int32_t)zeroPoint, &q) != HT_OK)
		throwInput(the, "cannot quantize %g at scale %g: not finite, or the scale is not > 0", x, scale);
	xsmcSetInteger(xsResult, q);
}
