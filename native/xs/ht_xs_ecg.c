/*
 * Thin xsmc binding of the C ECG pipeline (native/include/ht_ecg.h) for modules/ecg/native.ts. Typed arrays come
 * as their ArrayBuffer plus a byte offset (xsmc hands out only byte views and buffers); every length, offset and
 * alignment is checked here against the buffer; failures throw new Error("ecg: ..."). A handle is a host object
 * owning its state (allocated once, when the pipeline is made; nothing is allocated per sample). The beat
 * template (native/include/ht_ecg_template.h) and the RR context (native/include/ht_ecg_rr.h) have their own
 * handles, made by xs_ecg_template_open and xs_ecg_rr_open; the apnea minute's input (native/include/ht_ecg_apnea.h)
 * needs none (xs_ecg_apnea_input, xs_ecg_apnea_minute), and its spread term keeps the night's statistics in a buffer
 * the caller owns (xs_ecg_apnea_spread, xs_ecg_apnea_night_reset).
 * host/ecg-wasm/native.ts gives Node the same functions over the same C compiled to WebAssembly.
 */
#include <stdarg.h>

#include "xsmc.h"
#include "ht.h"
#include "ht_ecg.h"
#include "ht_ecg_template.h"
#include "ht_ecg_rr.h"
#include "ht_ecg_apnea.h"
#include "ht_xs_args.h"

#ifndef c_malloc /* builds without INCLUDE_XSPLATFORM */
	#include <stdlib.h>
	#include <string.h>
	#define c_calloc calloc
	#define c_free free
	#define c_memcpy memcpy
#endif

#define kFields 5

static void ecgThrow(xsMachine *the, const char *format, ...) XS_FUNCTION_NORETURN;
static void ecgThrow(xsMachine *the, const char *format, ...)
{
	va_list arguments;
	va_start(arguments, format);
	htxs_throw(the, "ecg: ", format, arguments);
}

static void ecgArgc(xsMachine *the, int count, const char *function)
{
	if (xsmcArgc < count)
		ecgThrow(the, "%s expects %d arguments, got %d", function, count, (int)xsmcArgc);
}

/* A number that is an integer in min..max (no coercion). */
static int64_t ecgInteger(xsMachine *the, int index, int64_t min, int64_t max, const char *name)
{
	double value;
	if (!htxs_number(the, index, &value))
		ecgThrow(the, "%s must be a number", name);
	if (!(value >= (double)min && value <= (double)max && value == (double)(int64_t)value))
		ecgThrow(the, "%s must be an integer in %lld..%lld, got %g", name, (long long)min, (long long)max, value);
	return (int64_t)value;
}

static void *ecgBuffer(xsMachine *the, int index, int writable, uint32_t *bytes, const char *name)
{
	void *data = htxs_buffer(the, index, writable, bytes);
	if (!data)
		ecgThrow(the, "%s must be a%s ArrayBuffer", name, writable ? " writable" : "n");
	return data;
}

void xs_ecg_destructor(void *data)
{
	if (data)
		c_free(data);
}

static ht_ecg *ecgHandle(xsMachine *the, int index)
{
	ht_ecg *e = htxs_host_data(the, index, (void *)xs_ecg_destructor);
	if (!e)
		ecgThrow(the, "handle must be made by xs_ecg_open");
	return e;
}

/* xs_ecg_open(settings: Int32Array) */
void xs_ecg_open(xsMachine *the)
{
	uint32_t bytes, need = 0, i;
	const int32_t *view;
	int32_t settings[HT_ECG_S_COUNT], check;
	void *state;
	ecgArgc(the, 1, "xs_ecg_open");
	view = ecgBuffer(the, 0, 0, &bytes, "settings");
	if (((uintptr_t)view & 3u) || bytes % 4u)
		ecgThrow(the, "settings must be an Int32Array's buffer");
	if (bytes / 4u != HT_ECG_S_COUNT)
		ecgThrow(the, "settings must hold %d values, got %u", HT_ECG_S_COUNT, (unsigned)(bytes / 4u));
	for (i = 0; i < HT_ECG_S_COUNT; i++) /* a copy: allocating below may move the view's bytes */
		settings[i] = view[i];
	check = ht_ecg_check_settings(settings, HT_ECG_S_COUNT, &need);
	if (check != HT_ECG_SETTINGS_OK)
		ecgThrow(the, "setting %s (%d) is invalid: %d", ht_ecg_setting_name(check), (int)check, (int)settings[check]);
	xsResult = xsNewHostObject(xs_ecg_destructor);
	state = c_calloc(1, need);
	if (!state)
		ecgThrow(the, "cannot allocate the pipeline state (%u bytes)", (unsigned)need);
	xsmcSetHostData(xsResult, state); /* the destructor owns it from here */
	if (ht_ecg_init(state, need, settings, HT_ECG_S_COUNT) != HT_ECG_SETTINGS_OK)
		ecgThrow(the, "pipeline state not initialized");
}

/* xs_ecg_push(handle, sample): returns the events waiting. */
void xs_ecg_push(xsMachine *the)
{
	ht_ecg *e;
	int32_t sample;
	ecgArgc(the, 2, "xs_ecg_push");
	e = ecgHandle(the, 0);
	sample = (int32_t)ecgInteger(the, 1, INT32_MIN, INT32_MAX, "sample");
	ht_ecg_push_i32(e, &sample, 1);
	xsmcSetInteger(xsResult, (xsIntegerValue)ht_ecg_pending(e));
}

/* count elements of elementBytes (2: int16, 4: int32) at byteOffset in the buffer argument index (then
 * elementBytes, byteOffset, count), checked against the buffer. */
static const void *ecgBlock(xsMachine *the, int index, uint32_t *element, uint32_t *count, const char *function)
{
	uint32_t bytes, offset;
	const uint8_t *data;
	*element = (uint32_t)ecgInteger(the, index + 1, 2, 4, "elementBytes");
	if (*element == 3)
		ecgThrow(the, "%s: elementBytes must be 2 (int16) or 4 (int32)", function);
	data = ecgBuffer(the, index, 0, &bytes, "data");
	offset = (uint32_t)ecgInteger(the, index + 2, 0, bytes, "byteOffset");
	if ((uintptr_t)(data + offset) & (*element - 1u))
		ecgThrow(the, "%s: data is not aligned to its elements", function);
	*count = (uint32_t)ecgInteger(the, index + 3, 0, (bytes - offset) / *element, "count");
	return data + offset;
}

/* xs_ecg_push_block(handle, data, elementBytes, offset, count): returns the samples consumed. */
void xs_ecg_push_block(xsMachine *the)
{
	ht_ecg *e;
	uint32_t element, count, done;
	const void *data;
	ecgArgc(the, 5, "xs_ecg_push_block");
	e = ecgHandle(the, 0);
	data = ecgBlock(the, 1, &element, &count, "xs_ecg_push_block");
	done = element == 2 ? ht_ecg_push_i16(e, data, count) : ht_ecg_push_i32(e, data, count);
	xsmcSetInteger(xsResult, (xsIntegerValue)done);
}

/* An output buffer of at least need doubles (written with byte copies: no alignment needed). */
static uint8_t *ecgFields(xsMachine *the, int index, uint32_t need, const char *function)
{
	uint32_t bytes;
	uint8_t *out = ecgBuffer(the, index, 1, &bytes, "fields");
	if (bytes < need * 8u)
		ecgThrow(the, "%s: expects a Float64Array of at least %u values", function, (unsigned)need);
	return out;
}

static void ecgPutDouble(uint8_t *out, uint32_t k, double value)
{
	const uint8_t *bytes = (const uint8_t *)&value;
	uint32_t i;
	for (i = 0; i < 8; i++)
		out[8 * k + i] = bytes[i];
}

/* xs_ecg_event(handle, fields: Float64Array(5), window: Int32Array(windowLength)): the kind of the oldest event. */
void xs_ecg_event(xsMachine *the)
{
	ht_ecg *e;
	ht_ecg_event event;
	uint8_t *fields;
	int32_t *window;
	uint32_t bytes, length;
	int32_t kind;
	ecgArgc(the, 3, "xs_ecg_event");
	e = ecgHandle(the, 0);
	length = (uint32_t)e->s[HT_ECG_S_WINDOW_LENGTH];
	window = ecgBuffer(the, 2, 1, &bytes, "window");
	if (((uintptr_t)window & 3u) || bytes != length * 4u)
		ecgThrow(the, "xs_ecg_event: window must be an Int32Array of %u samples", (unsigned)length);
	fields = ecgFields(the, 1, kFields, "xs_ecg_event");
	kind = ht_ecg_next_event(e, &event, window, length);
	if (kind != HT_ECG_EV_NONE) {
		ecgPutDouble(fields, 0, (double)event.sample_index);
		ecgPutDouble(fields, 1, event.rr_previous);
		ecgPutDouble(fields, 2, event.rr_next);
		ecgPutDouble(fields, 3, event.heart_rate);
		ecgPutDouble(fields, 4, (double)event.rejected);
	}
	xsmcSetInteger(xsResult, kind);
}

void xs_ecg_set_lead_off(xsMachine *the)
{
	ecgArgc(the, 2, "xs_ecg_set_lead_off");
	ht_ecg_set_lead_off(ecgHandle(the, 0), xsmcTest(xsArg(1)));
}

/* xs_ecg_flush(handle): returns the events waiting. */
void xs_ecg_flush(xsMachine *the)
{
	ht_ecg *e;
	ecgArgc(the, 1, "xs_ecg_flush");
	e = ecgHandle(the, 0);
	ht_ecg_flush(e);
	xsmcSetInteger(xsResult, (xsIntegerValue)ht_ecg_pending(e));
}

/* xs_ecg_counters(handle, out: Float64Array(5)) */
void xs_ecg_counters(xsMachine *the)
{
	ht_ecg *e;
	uint8_t *out;
	int64_t counters[HT_ECG_COUNTER_COUNT];
	int i;
	ecgArgc(the, 2, "xs_ecg_counters");
	e = ecgHandle(the, 0);
	out = ecgFields(the, 1, HT_ECG_COUNTER_COUNT, "xs_ecg_counters");
	ht_ecg_counters(e, counters);
	for (i = 0; i < HT_ECG_COUNTER_COUNT; i++)
		ecgPutDouble(out, (uint32_t)i, (double)counters[i]);
}

/* xs_ecg_filter(handle, buffer, elementBytes, byteOffset, count, out, outByteOffset) */
void xs_ecg_filter(xsMachine *the)
{
	ht_ecg *e;
	uint32_t element, count, bytes, at;
	const void *data;
	uint8_t *out;
	ecgArgc(the, 7, "xs_ecg_filter");
	e = ecgHandle(the, 0);
	data = ecgBlock(the, 1, &element, &count, "xs_ecg_filter");
	out = ecgBuffer(the, 5, 1, &bytes, "out");
	at = (uint32_t)ecgInteger(the, 6, 0, bytes, "outByteOffset");
	if ((uintptr_t)(out + at) & 3u)
		ecgThrow(the, "xs_ecg_filter: out is not aligned to int32");
	if (count > (bytes - at) / 4u)
		ecgThrow(the, "xs_ecg_filter: %u outputs at byte %u exceed out (%u bytes)", (unsigned)count, (unsigned)at, (unsigned)bytes);
	if (element == 2)
		ht_ecg_filter_i16(e, data, count, (int32_t *)(out + at));
	else
		ht_ecg_filter_i32(e, data, count, (int32_t *)(out + at));
}

void xs_ecg_template_destructor(void *data)
{
	if (data)
		c_free(data);
}

static void *templateHandle(xsMachine *the, int index)
{
	void *t = htxs_host_data(the, index, (void *)xs_ecg_template_destructor);
	if (!t)
		ecgThrow(the, "handle must be made by xs_ecg_template_open");
	return t;
}

/* xs_ecg_template_open(sampleRate, pre, windowLength) */
void xs_ecg_template_open(xsMachine *the)
{
	int32_t rate, pre, length;
	uint32_t need;
	void *state;
	ecgArgc(the, 3, "xs_ecg_template_open");
	rate = (int32_t)ecgInteger(the, 0, 1, 10000, "sampleRate");
	length = (int32_t)ecgInteger(the, 2, 1, 65536, "windowLength");
	pre = (int32_t)ecgInteger(the, 1, 0, length - 1, "pre");
	need = ht_tpl_state_bytes(rate, pre, length);
	if (need == 0)
		ecgThrow(the, "beat template: the QRS segment (%d before, %d after the R peak at %d) does not fit a %d-sample window",
			(int)ht_tpl_before(rate), (int)ht_tpl_after(rate), (int)pre, (int)length);
	xsResult = xsNewHostObject(xs_ecg_template_destructor);
	state = c_calloc(1, need);
	if (!state)
		ecgThrow(the, "cannot allocate the beat template (%u bytes)", (unsigned)need);
	xsmcSetHostData(xsResult, state); /* the destructor owns it from here */
	if (ht_tpl_init(state, need, rate, pre, length) != HT_OK)
		ecgThrow(the, "beat template not initialized");
}

/* xs_ecg_template_next(handle, window, windowByteOffset, out, outByteOffset, weighs): the beat's window (int32,
 * the template's window length) in, its two float32 features out; weighs 0 or 1 (ht_tpl_next). */
void xs_ecg_template_next(xsMachine *the)
{
	void *t;
	uint32_t bytes, at, outBytes, outAt, length;
	const uint8_t *window;
	uint8_t *out;
	float features[HT_TPL_FEATURES];
	int weighs;
	ecgArgc(the, 6, "xs_ecg_template_next");
	t = templateHandle(the, 0);
	length = (uint32_t)ht_tpl_window_length(t);
	window = ecgBuffer(the, 1, 0, &bytes, "window");
	at = (uint32_t)ecgInteger(the, 2, 0, bytes, "windowByteOffset");
	if ((uintptr_t)(window + at) & 3u)
		ecgThrow(the, "xs_ecg_template_next: window is not aligned to int32");
	if (length > (bytes - at) / 4u)
		ecgThrow(the, "xs_ecg_template_next: a window of %u samples at byte %u exceeds its buffer (%u bytes)", (unsigned)length, (unsigned)at, (unsigned)bytes);
	out = ecgBuffer(the, 3, 1, &outBytes, "out");
	outAt = (uint32_t)ecgInteger(the, 4, 0, outBytes, "outByteOffset");
	if (outBytes - outAt < sizeof(features))
		ecgThrow(the, "xs_ecg_template_next: %u features at byte %u exceed out (%u bytes)", (unsigned)HT_TPL_FEATURES, (unsigned)outAt, (unsigned)outBytes);
	weighs = (int)ecgInteger(the, 5, 0, 1, "weighs");
	if (ht_tpl_next(t, (const int32_t *)(window + at), length, weighs, features) != HT_OK)
		ecgThrow(the, "xs_ecg_template_next: template state not initialized");
	c_memcpy(out + outAt, features, sizeof(features));
}

void xs_ecg_template_reset(xsMachine *the)
{
	ecgArgc(the, 1, "xs_ecg_template_reset");
	ht_tpl_reset(templateHandle(the, 0));
}

void xs_ecg_rr_destructor(void *data)
{
	if (data)
		c_free(data);
}

static void *rrHandle(xsMachine *the, int index)
{
	void *r = htxs_host_data(the, index, (void *)xs_ecg_rr_destructor);
	if (!r)
		ecgThrow(the, "handle must be made by xs_ecg_rr_open");
	return r;
}

/* xs_ecg_rr_open(sampleRate) */
void xs_ecg_rr_open(xsMachine *the)
{
	int32_t rate;
	uint32_t need = ht_rr_state_bytes();
	void *state;
	ecgArgc(the, 1, "xs_ecg_rr_open");
	rate = (int32_t)ecgInteger(the, 0, 1, HT_RR_MAX_RATE, "sampleRate");
	xsResult = xsNewHostObject(xs_ecg_rr_destructor);
	state = c_calloc(1, need);
	if (!state)
		ecgThrow(the, "cannot allocate the RR context (%u bytes)", (unsigned)need);
	xsmcSetHostData(xsResult, state); /* the destructor owns it from here */
	if (ht_rr_init(state, need, rate) != HT_OK)
		ecgThrow(the, "RR context not initialized");
}

/* xs_ecg_rr_next(handle, rrPrevious, rrNext, out, outByteOffset): a beat's intervals (int32 samples, <= 0 when
 * unknown) in, its nine float32 features out. */
void xs_ecg_rr_next(xsMachine *the)
{
	void *r;
	int32_t previous, next;
	uint32_t outBytes, outAt;
	uint8_t *out;
	float features[HT_RR_FEATURES];
	ecgArgc(the, 5, "xs_ecg_rr_next");
	r = rrHandle(the, 0);
	previous = (int32_t)ecgInteger(the, 1, INT32_MIN, INT32_MAX, "rrPrevious");
	next = (int32_t)ecgInteger(the, 2, INT32_MIN, INT32_MAX, "rrNext");
	out = ecgBuffer(the, 3, 1, &outBytes, "out");
	outAt = (uint32_t)ecgInteger(the, 4, 0, outBytes, "outByteOffset");
	if (outAt & 3u) /* a Float32Array's element: what a fractional feature offset would miss */
		ecgThrow(the, "xs_ecg_rr_next: outByteOffset %u is not a float32's", (unsigned)outAt);
	if (outBytes - outAt < sizeof(features))
		ecgThrow(the, "xs_ecg_rr_next: %u features at byte %u exceed out (%u bytes)", (unsigned)HT_RR_FEATURES, (unsigned)outAt, (unsigned)outBytes);
	if (ht_rr_next(r, previous, next, features) != HT_OK)
		ecgThrow(the, "xs_ecg_rr_next: RR context not initialized");
	c_memcpy(out + outAt, features, sizeof(features));
}

void xs_ecg_rr_reset(xsMachine *the)
{
	ecgArgc(the, 1, "xs_ecg_rr_reset");
	ht_rr_reset(rrHandle(the, 0));
}

/* The arguments both apnea functions share: beats, beatsByteOffset, count, sampleRate, minute, window,
 * windowByteOffset (arguments 0..6): the ring of beat times (uint32 at a uint32's alignment, `count` of them from
 * the offset) and the float32 window (HT_APNEA_WINDOW values at a float32's alignment). */
typedef struct {
	const uint32_t *beats;
	uint32_t count, minute;
	int32_t rate;
	float *window;
} apneaArgs;

/* Arguments 0..4 (beats, beatsByteOffset, count, sampleRate, minute) into a (window left NULL). The beats pointer
 * stays valid while nothing is allocated. */
static void apneaBeats(xsMachine *the, apneaArgs *a, const char *function)
{
	uint32_t bytes, at;
	const uint8_t *beats;
	beats = ecgBuffer(the, 0, 0, &bytes, "beats");
	at = (uint32_t)ecgInteger(the, 1, 0, bytes, "beatsByteOffset");
	if ((uintptr_t)(beats + at) & 3u)
		ecgThrow(the, "%s: beats are not aligned to uint32", function);
	a->count = (uint32_t)ecgInteger(the, 2, 0, (bytes - at) / 4u, "count");
	a->rate = (int32_t)ecgInteger(the, 3, 1, HT_APNEA_MAX_RATE, "sampleRate");
	a->minute = (uint32_t)ecgInteger(the, 4, 0, UINT32_MAX, "minute");
	a->beats = (const uint32_t *)(beats + at);
	a->window = NULL;
}

static void apneaArguments(xsMachine *the, apneaArgs *a, const char *function)
{
	uint32_t windowBytes, windowAt;
	uint8_t *window;
	apneaBeats(the, a, function);
	window = ecgBuffer(the, 5, 1, &windowBytes, "window");
	windowAt = (uint32_t)ecgInteger(the, 6, 0, windowBytes, "windowByteOffset");
	if ((uintptr_t)(window + windowAt) & 3u)
		ecgThrow(the, "%s: window is not aligned to float32", function);
	if (windowBytes - windowAt < 4u * HT_APNEA_WINDOW)
		ecgThrow(the, "%s: %u values at byte %u exceed window (%u bytes)", function, (unsigned)HT_APNEA_WINDOW, (unsigned)windowAt, (unsigned)windowBytes);
	/* Nothing is allocated from here on: the pointers stay valid. */
	a->window = (float *)(window + windowAt);
}

/* xs_ecg_apnea_input(beats, beatsByteOffset, count, sampleRate, minute, window, windowByteOffset): minute's input
 * (HT_APNEA_WINDOW float32s) into window from the first count beat times; returns the samples held. */
void xs_ecg_apnea_input(xsMachine *the)
{
	apneaArgs a;
	int32_t held;
	ecgArgc(the, 7, "xs_ecg_apnea_input");
	apneaArguments(the, &a, "xs_ecg_apnea_input");
	held = ht_apnea_input(a.beats, a.count, a.rate, a.minute, a.window);
	if (held < 0)
		ecgThrow(the, "xs_ecg_apnea_input: arguments refused");
	xsmcSetInteger(xsResult, held);
}

/* xs_ecg_apnea_minute(beats, beatsByteOffset, count, sampleRate, minute, window, windowByteOffset, input,
 * inputByteOffset, scale, zeroPoint): xs_ecg_apnea_input, then the window quantized into the HT_APNEA_WINDOW int8s
 * at inputByteOffset in input (the model's input tensor); returns the samples held. */
void xs_ecg_apnea_minute(xsMachine *the)
{
	apneaArgs a;
	uint32_t bytes, at;
	uint8_t *input;
	double scale;
	int32_t zero, held;
	ecgArgc(the, 11, "xs_ecg_apnea_minute");
	apneaArguments(the, &a, "xs_ecg_apnea_minute");
	if (!htxs_number(the, 9, &scale))
		ecgThrow(the, "scale must be a number");
	if (!(scale > 0 && scale <= 1.7976931348623157e308))
		ecgThrow(the, "xs_ecg_apnea_minute: scale must be a finite number > 0, got %g", scale);
	zero = (int32_t)ecgInteger(the, 10, -128, 127, "zeroPoint");
	input = ecgBuffer(the, 7, 1, &bytes, "input");
	at = (uint32_t)ecgInteger(the, 8, 0, bytes, "inputByteOffset");
	if (bytes - at < HT_APNEA_WINDOW)
		ecgThrow(the, "xs_ecg_apnea_minute: %u values at byte %u exceed input (%u bytes)", (unsigned)HT_APNEA_WINDOW, (unsigned)at, (unsigned)bytes);
	held = ht_apnea_input(a.beats, a.count, a.rate, a.minute, a.window);
	if (held < 0 || ht_apnea_quantize(a.window, scale, zero, (int8_t *)(input + at)) != HT_OK)
		ecgThrow(the, "xs_ecg_apnea_minute: arguments refused");
	xsmcSetInteger(xsResult, held);
}

/* The night's statistics for xs_ecg_apnea_spread (a ht_apnea_night_t at an 8-byte alignment, argument `arg` and the
 * byte offset after it). */
static ht_apnea_night_t *apneaNight(xsMachine *the, int arg, const char *function)
{
	uint32_t bytes, at;
	uint8_t *night = ecgBuffer(the, arg, 1, &bytes, "night");
	at = (uint32_t)ecgInteger(the, arg + 1, 0, bytes, "nightByteOffset");
	if ((uintptr_t)(night + at) & 7u)
		ecgThrow(the, "%s: night is not aligned to int64", function);
	if (bytes - at < (uint32_t)sizeof(ht_apnea_night_t))
		ecgThrow(the, "%s: %u bytes at byte %u exceed night (%u bytes)", function, (unsigned)sizeof(ht_apnea_night_t), (unsigned)at, (unsigned)bytes);
	return (ht_apnea_night_t *)(night + at);
}

/* xs_ecg_apnea_night_reset(night, nightByteOffset): a new recording's night (ht_apnea_night_reset). */
void xs_ecg_apnea_night_reset(xsMachine *the)
{
	ecgArgc(the, 2, "xs_ecg_apnea_night_reset");
	ht_apnea_night_reset(apneaNight(the, 0, "xs_ecg_apnea_night_reset"));
}

/* xs_ecg_apnea_spread(beats, beatsByteOffset, count, sampleRate, minute, night, nightByteOffset): minute's spread
 * term (ht_apnea_spread) from the first count beat times, extending the night's statistics; returns the term. */
void xs_ecg_apnea_spread(xsMachine *the)
{
	apneaArgs a;
	ht_apnea_night_t *night;
	int32_t term;
	ecgArgc(the, 7, "xs_ecg_apnea_spread");
	apneaBeats(the, &a, "xs_ecg_apnea_spread");
	night = apneaNight(the, 5, "xs_ecg_apnea_spread");
	if (ht_apnea_spread(a.beats, a.count, a.rate, a.minute, night, &term) != HT_OK)
		ecgThrow(the, "xs_ecg_apnea_spread: arguments refused");
	xsmcSetInteger(xsResult, term);
}

