// Thin TypeScript faces of the C ECG pipeline, beat template, RR context, apnea minute input and spread term (native/src/ht_ecg*.c) through their
// xsmc binding (native/xs/ht_xs_ecg.c) on the device and in the simulator; in Node the same names are backed by
// the same C compiled to WebAssembly (host/ecg-wasm). Each wrapper body is only `return native("name").call(this, ...)`
// (see modules/runtime/native.ts for why). Typed arrays travel as their ArrayBuffer and a byte offset (xsmc
// reads only byte views and buffers); C checks every length, offset and alignment against the buffer.

export type EcgHandle = object;

/** Event kinds xs_ecg_event returns (HT_ECG_EV_* in native/include/ht_ecg.h). */
export const EV_NONE = 0;
export const EV_BEAT = 1;
export const EV_OK = 2;
export const EV_LEAD_OFF = 3;
export const EV_FLATLINE = 4;
export const EV_SATURATION = 5;
export const EV_GARBAGE = 6;

/** What push() hands C for a sample isValidSample would refuse (NaN, fractions, ...): always out of range. */
export const INVALID_SAMPLE = -2147483648;

/** A pipeline state for these settings (the buffer of settingsArray()); C checks every value. */
export function ecgOpen(this: void, settings: ArrayBufferLike): EcgHandle {
	return native("xs_ecg_open").call(this, settings);
}

/** One sample (an int32; INVALID_SAMPLE for garbage); returns the events now waiting. */
export function ecgPush(this: void, handle: EcgHandle, sample: number): number {
	return native("xs_ecg_push").call(this, handle, sample);
}

/**
 * count samples of elementBytes (2: int16, 4: int32) at byteOffset in buffer, until they end or a sample queued
 * events; returns how many it consumed (at least one when count > 0).
 */
export function ecgPushBlock(this: void, handle: EcgHandle, buffer: ArrayBufferLike, elementBytes: number, byteOffset: number, count: number): number {
	return native("xs_ecg_push_block").call(this, handle, buffer, elementBytes, byteOffset, count);
}

/**
 * The oldest waiting event: returns its kind (EV_NONE when none); fields (a Float64Array(5)'s buffer) gets
 * sampleIndex, rrPrevious, rrNext, heartRate, rejectedSamples; window (an Int32Array(windowLength)'s buffer) a
 * beat's window.
 */
export function ecgEvent(this: void, handle: EcgHandle, fields: ArrayBufferLike, window: ArrayBufferLike): number {
	return native("xs_ecg_event").call(this, handle, fields, window);
}

export function ecgSetLeadOff(this: void, handle: EcgHandle, on: boolean): void {
	native("xs_ecg_set_lead_off").call(this, handle, on);
}

/** End of the stream; returns the events now waiting. */
export function ecgFlush(this: void, handle: EcgHandle): number {
	return native("xs_ecg_flush").call(this, handle);
}

/** out (a Float64Array(5)'s buffer) gets samples, rejectedSamples, beatsDetected, beatsDelivered, beatsSuppressed. */
export function ecgCounters(this: void, handle: EcgHandle, out: ArrayBufferLike): void {
	native("xs_ecg_counters").call(this, handle, out);
}

/**
 * Whole-record filtering on a fresh handle: count int32 outputs at outByteOffset in out get the filter's output
 * for the count samples at byteOffset in buffer (each the filtered value of the sample filterDelay earlier); the
 * first sample resets the filter.
 */
export function ecgFilter(this: void, handle: EcgHandle, buffer: ArrayBufferLike, elementBytes: number, byteOffset: number, count: number, out: ArrayBufferLike, outByteOffset: number): void {
	native("xs_ecg_filter").call(this, handle, buffer, elementBytes, byteOffset, count, out, outByteOffset);
}

export type TemplateHandle = object;

/** A beat-template state (native/include/ht_ecg_template.h) for this rate, R-peak sample and window length. */
export function templateOpen(this: void, sampleRate: number, pre: number, windowLength: number): TemplateHandle {
	return native("xs_ecg_template_open").call(this, sampleRate, pre, windowLength);
}

/** A beat's window (windowLength int32 at windowByteOffset in window) in, its two float32 features out; weighs 0 or 1 (ht_tpl_next). */
export function templateNext(this: void, handle: TemplateHandle, window: ArrayBufferLike, windowByteOffset: number, out: ArrayBufferLike, outByteOffset: number, weighs: number): void {
	native("xs_ecg_template_next").call(this, handle, window, windowByteOffset, out, outByteOffset, weighs);
}

export function templateReset(this: void, handle: TemplateHandle): void {
	native("xs_ecg_template_reset").call(this, handle);
}

export type RrHandle = object;

/** An RR-context state (native/include/ht_ecg_rr.h) for intervals at this sample rate (an integer, 1..10000 Hz). */
export function rrContextOpen(this: void, sampleRate: number): RrHandle {
	return native("xs_ecg_rr_open").call(this, sampleRate);
}

/**
 * A beat's intervals (int32 samples, <= 0 when unknown) in, its nine float32 features out (at outByteOffset in out),
 * then rrPrevious joins the histories.
 */
export function rrContextNext(this: void, handle: RrHandle, rrPrevious: number, rrNext: number, out: ArrayBufferLike, outByteOffset: number): void {
	native("xs_ecg_rr_next").call(this, handle, rrPrevious, rrNext, out, outByteOffset);
}

export function rrContextReset(this: void, handle: RrHandle): void {
	native("xs_ecg_rr_reset").call(this, handle);
}

/**
 * The apnea model's input for minute `minute` (native/include/ht_ecg_apnea.h): from the first `count` beat times
 * (uint32 sample indices at sampleRate Hz, 1..10000, at beatsByteOffset in beats), 256 float32 values at
 * windowByteOffset in window; returns how many of them are held rather than measured.
 */
export function apneaInputNative(this: void, beats: ArrayBufferLike, beatsByteOffset: number, count: number, sampleRate: number, minute: number, window: ArrayBufferLike, windowByteOffset: number): number {
	return native("xs_ecg_apnea_input").call(this, beats, beatsByteOffset, count, sampleRate, minute, window, windowByteOffset);
}

/**
 * apneaInputNative, then the window quantized by the model's input scale and zero point (docs/FORMAT.md §6) into
 * the 256 int8 values at inputByteOffset in input (the interpreter's input tensor): the minute's JS is this call.
 */
export function apneaMinuteNative(this: void, beats: ArrayBufferLike, beatsByteOffset: number, count: number, sampleRate: number, minute: number, window: ArrayBufferLike, windowByteOffset: number, input: ArrayBufferLike, inputByteOffset: number, scale: number, zeroPoint: number): number {
	return native("xs_ecg_apnea_minute").call(this, beats, beatsByteOffset, count, sampleRate, minute, window, windowByteOffset, input, inputByteOffset, scale, zeroPoint);
}

/**
 * A new recording's night statistics (ht_apnea_night_t, APNEA_NIGHT_BYTES at an 8-byte aligned nightByteOffset in
 * night) for apneaSpreadNative.
 */
export function apneaNightResetNative(this: void, night: ArrayBufferLike, nightByteOffset: number): void {
	native("xs_ecg_apnea_night_reset").call(this, night, nightByteOffset);
}

/**
 * Minute `minute`'s spread term (native/include/ht_ecg_apnea.h ht_apnea_spread: round(256 log2) of the sd of the
 * window's RR intervals over the night's) from the first `count` beat times, extending the night statistics.
 */
export function apneaSpreadNative(this: void, beats: ArrayBufferLike, beatsByteOffset: number, count: number, sampleRate: number, minute: number, night: ArrayBufferLike, nightByteOffset: number): number {
	return native("xs_ecg_apnea_spread").call(this, beats, beatsByteOffset, count, sampleRate, minute, night, nightByteOffset);
}
