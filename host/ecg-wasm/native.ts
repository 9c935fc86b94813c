// The C ECG pipeline, beat template, RR context and apnea minute input (native/src/ht_ecg*.c) in Node: the same C compiled to
// WebAssembly (ht_ecg.wasm, built by build.mjs), behind functions with the names and semantics of its xsmc binding
// (native/xs/ht_xs_ecg.c), so modules/ecg runs unchanged in Node, in the simulator and on the device. Every
// argument is checked here as the binding checks it. One wasm instance per handle (its own linear memory: state,
// event and staging space).
import { readFileSync } from "node:fs";
import { ECG_SETTING_NAMES } from "../../modules/ecg/config.ts";

export const ECG_WASM = new URL("./ht_ecg.wasm", import.meta.url);

const SETTINGS_OK = -1;
const BAD_COUNT = -2;
const EVENT_BYTES = 40;
const COUNTERS = 5;
/** Samples copied into wasm memory per call (a push returns after fewer when an event comes). */
export const CHUNK = 4096;
const MAX_INT32 = 2147483647;
/** HT_RR_FEATURES float32s. */
const RR_FEATURES = 9;
const RR_OUT_BYTES = 4 * RR_FEATURES;

// The few WebAssembly types used here (the project's TypeScript libs declare no WebAssembly namespace).
interface WasmMemory {
	readonly buffer: ArrayBuffer;
	grow(pages: number): number;
}
interface WasmApi {
	Module: new (bytes: Uint8Array) => object;
	Instance: new (module: object, imports: object) => { exports: unknown };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
	memory: WasmMemory;
	__heap_base: { value: number };
	ht_ecg_check_settings(settings: number, count: number, bytes: number): number;
	ht_ecg_init(memory: number, bytes: number, settings: number, count: number): number;
	ht_ecg_push_i16(e: number, samples: number, count: number): number;
	ht_ecg_push_i32(e: number, samples: number, count: number): number;
	ht_ecg_set_lead_off(e: number, on: number): void;
	ht_ecg_flush(e: number): void;
	ht_ecg_counters(e: number, out: number): void;
	ht_ecg_pending(e: number): number;
	ht_ecg_next_event(e: number, event: number, window: number, length: number): number;
	ht_ecg_filter_i16(e: number, samples: number, count: number, out: number): void;
	ht_ecg_filter_i32(e: number, samples: number, count: number, out: number): void;
	ht_tpl_before(rate: number): number;
	ht_tpl_after(rate: number): number;
	ht_tpl_state_bytes(rate: number, pre: number, windowLength: number): number;
	ht_tpl_init(memory: number, bytes: number, rate: number, pre: number, windowLength: number): number;
	ht_tpl_reset(t: number): number;
	ht_tpl_next(t: number, window: number, windowLength: number, weighs: number, out: number): number;
	ht_rr_state_bytes(): number;
	ht_rr_init(memory: number, bytes: number, rate: number): number;
	ht_rr_reset(r: number): number;
	ht_rr_next(r: number, rrPrevious: number, rrNext: number, out: number): number;
	ht_apnea_input(beats: number, count: number, rate: number, minute: number, window: number): number;
	ht_apnea_quantize(window: number, scale: number, zeroPoint: number, q: number): number;
	ht_apnea_night_reset(night: number): number;
	ht_apnea_spread(beats: number, count: number, rate: number, minute: number, night: number, term: number): number;
}

const SETTING_NAMES = ECG_SETTING_NAMES;

let compiled: object | undefined;

function wasmModule(): object {
	compiled ??= new WebAssemblyApi.Module(readFileSync(ECG_WASM));
	return compiled;
}

const align8 = (n: number) => (n + 7) & ~7;

/** Grows an instance's memory to hold `end` bytes. */
function reserve(memory: WasmMemory, end: number): void {
	if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
}

/** A pipeline state in its own wasm instance. */
class WasmEcg {
	readonly x: Exports;
	readonly state: number;
	readonly windowLength: number;
	readonly event: number;
	readonly counters: number;
	readonly window: number;
	readonly input: number;
	readonly output: number;

	constructor(settings: Int32Array) {
		const x = new WebAssemblyApi.Instance(wasmModule(), {}).exports as unknown as Exports;
		this.x = x;
		let at = align8(x.__heap_base.value);
		const settingsAt = at;
		at += align8(settings.byteLength + 8);
		const bytesAt = at;
		at += 8;
		reserve(x.memory, at);
		new Int32Array(x.memory.buffer, settingsAt, settings.length).set(settings);
		const check = x.ht_ecg_check_settings(settingsAt, settings.length, bytesAt);
		if (check !== SETTINGS_OK) throw settingsError(check, settings);
		const bytes = new Uint32Array(x.memory.buffer, bytesAt, 1)[0];
		this.windowLength = settings[4];
		this.state = at;
		at = align8(at + bytes);
		this.event = at;
		at += align8(EVENT_BYTES);
		this.counters = at;
		at += 8 * COUNTERS;
		this.window = at;
		at += align8(4 * this.windowLength);
		this.input = at;
		at += 4 * CHUNK;
		this.output = at;
		at += 4 * CHUNK;
		reserve(x.memory, at);
		const status = x.ht_ecg_init(this.state, bytes, settingsAt, settings.length);
		if (status !== SETTINGS_OK) throw settingsError(status, settings);
	}

	#memory: ArrayBuffer | undefined;
	#views: MemoryViews | undefined;

	/** Views of the instance's fixed areas, made again only when its memory grows (no allocation per call). */
	views(): MemoryViews {
		const buffer = this.x.memory.buffer;
		if (buffer !== this.#memory || !this.#views) {
			this.#memory = buffer;
			this.#views = {
				event: new Int32Array(buffer, this.event, EVENT_BYTES / 4),
				window: new Int32Array(buffer, this.window, this.windowLength),
				counters: new Int32Array(buffer, this.counters, 2 * COUNTERS),
				input16: new Int16Array(buffer, this.input, CHUNK),
				input32: new Int32Array(buffer, this.input, CHUNK),
				output: new Int32Array(buffer, this.output, CHUNK),
			};
		}
		return this.#views;
	}

	/** Copies count (<= CHUNK) samples from data[first..] into the input staging area (a loop: no view per call). */
	stage(data: Int16Array | Int32Array, first: number, count: number): void {
		const v = this.views();
		const input = data instanceof Int16Array ? v.input16 : v.input32;
		for (let i = 0; i < count; i++) input[i] = data[first + i];
	}
}

/** A beat-template state (native/include/ht_ecg_template.h) in its own wasm instance. */
class WasmTemplate {
	readonly x: Exports;
	readonly state: number;
	readonly windowLength: number;
	readonly window: number;
	readonly out: number;
	#memory: ArrayBuffer | undefined;
	/** Views of the window and output areas (see refresh()). */
	windowView = new Int32Array(0);
	outView = new Float32Array(0);

	constructor(rate: number, pre: number, windowLength: number) {
		const x = new WebAssemblyApi.Instance(wasmModule(), {}).exports as unknown as Exports;
		this.x = x;
		const bytes = x.ht_tpl_state_bytes(rate, pre, windowLength);
		if (bytes === 0) fail(`beat template: the QRS segment (${x.ht_tpl_before(rate)} before, ${x.ht_tpl_after(rate)} after the R peak at ${pre}) does not fit a ${windowLength}-sample window`);
		this.windowLength = windowLength;
		this.state = align8(x.__heap_base.value);
		this.window = align8(this.state + bytes);
		this.out = align8(this.window + 4 * windowLength);
		reserve(x.memory, this.out + 8);
		if (x.ht_tpl_init(this.state, bytes, rate, pre, windowLength) !== 0) fail("beat template not initialized");
	}

	/** Makes the views again when the memory has grown (no allocation per call otherwise). */
	refresh(): void {
		const buffer = this.x.memory.buffer;
		if (buffer !== this.#memory) {
			this.#memory = buffer;
			this.windowView = new Int32Array(buffer, this.window, this.windowLength);
			this.outView = new Float32Array(buffer, this.out, 2);
		}
	}
}

/** An RR-context state (native/include/ht_ecg_rr.h) in its own wasm instance. */
class WasmRr {
	readonly x: Exports;
	readonly state: number;
	readonly out: number;
	#memory: ArrayBuffer | undefined;
	/** The output area's bytes (see refresh()). */
	outBytes = new Uint8Array(0);

	constructor(rate: number) {
		const x = new WebAssemblyApi.Instance(wasmModule(), {}).exports as unknown as Exports;
		this.x = x;
		const bytes = x.ht_rr_state_bytes();
		this.state = align8(x.__heap_base.value);
		this.out = align8(this.state + bytes);
		reserve(x.memory, this.out + RR_OUT_BYTES);
		if (x.ht_rr_init(this.state, bytes, rate) !== 0) fail("RR context not initialized");
	}

	/** Makes the view again when the memory has grown (no allocation per call otherwise). */
	refresh(): void {
		const buffer = this.x.memory.buffer;
		if (buffer !== this.#memory) {
			this.#memory = buffer;
			this.outBytes = new Uint8Array(buffer, this.out, RR_OUT_BYTES);
		}
	}
}

/** HT_APNEA_WINDOW (native/include/ht_ecg_apnea.h) and HT_APNEA_MAX_RATE. */
const APNEA_WINDOW = 256;
const APNEA_MAX_RATE = 10000;
/** sizeof(ht_apnea_night_t): int64 until, sum, sumsq; uint32 count, reserved. */
const APNEA_NIGHT_BYTES = 32;

/**
 * The apnea minute's input (native/include/ht_ecg_apnea.h: no state) in one shared wasm instance: its window and
 * int8 areas, then room for the beats, grown to the largest count asked so far.
 */
class WasmApnea {
	readonly x: Exports;
	readonly window: number;
	readonly q: number;
	/** A ht_apnea_night_t staged from and back to the caller's buffer, and the term's int32. */
	readonly night: number;
	readonly term: number;
	readonly beats: number;
	#capacity = 0;
	#memory: ArrayBuffer | undefined;
	windowView = new Float32Array(0);
	windowBytes = new Uint8Array(0);
	qView = new Int8Array(0);
	beatsView = new Uint32Array(0);
	nightBytes = new Uint8Array(0);
	termView = new Int32Array(0);

	constructor() {
		const x = new WebAssemblyApi.Instance(wasmModule(), {}).exports as unknown as Exports;
		this.x = x;
		this.window = align8(x.__heap_base.value);
		this.q = this.window + 4 * APNEA_WINDOW;
		this.night = align8(this.q + APNEA_WINDOW);
		this.term = this.night + APNEA_NIGHT_BYTES;
		this.beats = align8(this.term + 4);
		this.reserve(4096);
	}

	/** Room for `count` beats; the views made again when the memory grows (no allocation per call otherwise). */
	reserve(count: number): void {
		if (count > this.#capacity) {
			this.#capacity = Math.max(count, 2 * this.#capacity);
			reserve(this.x.memory, this.beats + 4 * this.#capacity);
		}
		const buffer = this.x.memory.buffer;
		if (buffer !== this.#memory || this.beatsView.length !== this.#capacity) {
			this.#memory = buffer;
			this.windowView = new Float32Array(buffer, this.window, APNEA_WINDOW);
			this.windowBytes = new Uint8Array(buffer, this.window, 4 * APNEA_WINDOW);
			this.qView = new Int8Array(buffer, this.q, APNEA_WINDOW);
			this.beatsView = new Uint32Array(buffer, this.beats, this.#capacity);
			this.nightBytes = new Uint8Array(buffer, this.night, APNEA_NIGHT_BYTES);
			this.termView = new Int32Array(buffer, this.term, 1);
		}
	}
}

let apnea: WasmApnea | undefined;
const uint32Sources = new WeakMap<ArrayBufferLike, Uint32Array>();

/** The apnea functions' shared arguments once checked (one object: nothing allocated per call). */
interface ApneaArgs {
	times: Uint32Array<ArrayBufferLike>;
	first: number;
	count: number;
	rate: number;
	minute: number;
	window: Uint8Array<ArrayBufferLike>;
	windowAt: number;
}
const APNEA_ARGS: ApneaArgs = { times: new Uint32Array(0), first: 0, count: 0, rate: 1, minute: 0, window: new Uint8Array(0), windowAt: 0 };

/** Checks arguments 0..4 (beats, beatsByteOffset, count, sampleRate, minute) as the binding does. */
function apneaBeatArguments(args: unknown[], name: string): ApneaArgs {
	const [beats, beatsByteOffset, count, sampleRate, minute] = args;
	const a = APNEA_ARGS;
	const source = bufferOf(beats, "beats");
	const at = integer(beatsByteOffset, 0, source.byteLength, "beatsByteOffset", name);
	if ((source.byteOffset + at) % 4 !== 0) fail(`${name}: beats are not aligned to uint32`);
	a.count = integer(count, 0, Math.floor((source.byteLength - at) / 4), "count", name);
	a.rate = integer(sampleRate, 1, APNEA_MAX_RATE, "sampleRate", name);
	a.minute = integer(minute, 0, 4294967295, "minute", name);
	let times = uint32Sources.get(source.buffer);
	if (!times) uint32Sources.set(source.buffer, (times = new Uint32Array(source.buffer, 0, Math.floor(source.buffer.byteLength / 4))));
	a.times = times;
	a.first = (source.byteOffset + at) / 4;
	return a;
}

/** Checks arguments 0..6 (the beats, then window, windowByteOffset) as the binding does. */
function apneaArguments(args: unknown[], name: string): ApneaArgs {
	const [, , , , , window, windowByteOffset] = args;
	const a = apneaBeatArguments(args, name);
	a.window = bufferOf(window, "window", true);
	a.windowAt = integer(windowByteOffset, 0, a.window.byteLength, "windowByteOffset", name);
	if ((a.window.byteOffset + a.windowAt) % 4 !== 0) fail(`${name}: window is not aligned to float32`);
	if (a.window.byteLength - a.windowAt < 4 * APNEA_WINDOW) fail(`${name}: ${APNEA_WINDOW} values at byte ${a.windowAt} exceed window (${a.window.byteLength} bytes)`);
	return a;
}

/** The caller's ht_apnea_night_t bytes (argument `arg`, its byte offset after it), checked as the binding checks them. */
function apneaNightOf(args: unknown[], arg: number, name: string): { bytes: Uint8Array; at: number } {
	const bytes = bufferOf(args[arg], "night", true);
	const at = integer(args[arg + 1], 0, bytes.byteLength, "nightByteOffset", name);
	if ((bytes.byteOffset + at) % 8 !== 0) fail(`${name}: night is not aligned to int64`);
	if (bytes.byteLength - at < APNEA_NIGHT_BYTES) fail(`${name}: ${APNEA_NIGHT_BYTES} bytes at byte ${at} exceed night (${bytes.byteLength} bytes)`);
	return { bytes, at };
}

/** The apnea instance with the checked arguments' beats copied into its memory. */
function apneaWithBeats(a: ApneaArgs): WasmApnea {
	const w = (apnea ??= new WasmApnea());
	w.reserve(a.count);
	w.beatsView.set(a.times.subarray(a.first, a.first + a.count));
	return w;
}

/** ht_apnea_input on checked arguments: the window's float32s in the instance (and their bytes in the window argument). */
function apneaInputRun(a: ApneaArgs, name: string): { w: WasmApnea; held: number } {
	const w = apneaWithBeats(a);
	const held = w.x.ht_apnea_input(w.beats, a.count, a.rate, a.minute, w.window);
	if (held < 0) fail(`${name}: arguments refused`);
	a.window.set(w.windowBytes, a.windowAt);
	return { w, held };
}

/** An int64 the C wrote (little-endian words lo, hi; exact below 2^53) as a number, without a BigInt. */
function int64At(words: Int32Array, k: number): number {
	return (words[2 * k] >>> 0) + words[2 * k + 1] * 4294967296;
}

interface MemoryViews {
	/** The event record as int32 words: [0..3] kind, rrPrevious, rrNext, heartRate; int64s from word 4. */
	event: Int32Array;
	window: Int32Array;
	/** COUNTERS int64s as int32 word pairs. */
	counters: Int32Array;
	input16: Int16Array;
	input32: Int32Array;
	output: Int32Array;
}

function settingsError(check: number, settings: Int32Array): Error {
	if (check === BAD_COUNT) return new Error(`ecg: settings must hold ${SETTING_NAMES.length} values, got ${settings.length}`);
	if (check >= 0) return new Error(`ecg: setting ${SETTING_NAMES[check]} (${check}) is invalid: ${settings[check]}`);
	return new Error("ecg: pipeline state not initialized");
}

/** Errors read as the xsmc binding's: "ecg: <what>". */
function fail(message: string): never {
	throw new Error(`ecg: ${message}`);
}

function handleOf(handle: unknown, name: string): WasmEcg {
	if (!(handle instanceof WasmEcg)) fail("handle must be made by xs_ecg_open");
	return handle;
}

function integer(value: unknown, min: number, max: number, what: string, name: string): number {
	if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) fail(typeof value !== "number" ? `${what} must be a number` : `${what} must be an integer in ${min}..${max}, got ${String(value)}`);
	return value;
}

/** The bytes xsmc would hand out for value: an ArrayBuffer or a byte view (Uint8Array, Int8Array, DataView). */
function bufferOf(value: unknown, what: string, writable = false): Uint8Array {
	if (value instanceof ArrayBuffer) return new Uint8Array(value);
	if (value instanceof DataView || value instanceof Uint8Array || value instanceof Int8Array || value instanceof Uint8ClampedArray)
		return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
	fail(`${what} must be ${writable ? "a writable" : "an"} ArrayBuffer`);
}

// modules/ecg pushes blocks of the same few ArrayBuffers again and again: a view of each, per element type, is made once.
const int16Sources = new WeakMap<ArrayBufferLike, Int16Array>();
const int32Sources = new WeakMap<ArrayBufferLike, Int32Array>();

function sourceView(buffer: ArrayBufferLike, bytes: number): Int16Array | Int32Array {
	if (bytes === 2) {
		let view = int16Sources.get(buffer);
		if (!view) int16Sources.set(buffer, (view = new Int16Array(buffer, 0, Math.floor(buffer.byteLength / 2))));
		return view;
	}
	let view = int32Sources.get(buffer);
	if (!view) int32Sources.set(buffer, (view = new Int32Array(buffer, 0, Math.floor(buffer.byteLength / 4))));
	return view;
}

/** The samples of a block argument: all of its buffer as the element type, from element `first`, `count` of them. */
interface Block {
	data: Int16Array | Int32Array;
	first: number;
	count: number;
}
const BLOCK: Block = { data: new Int16Array(0), first: 0, count: 0 };

/**
 * count elements of elementBytes (2: int16, 4: int32) at byteOffset in buffer, checked as the binding checks them.
 * Returns the one shared Block (no allocation for an ArrayBuffer seen before): use it before the next call.
 */
function block(buffer: unknown, elementBytes: unknown, byteOffset: unknown, count: unknown, name: string): Block {
	const bytes = integer(elementBytes, 2, 4, "elementBytes", name);
	if (bytes === 3) fail(`${name}: elementBytes must be 2 (int16) or 4 (int32)`);
	let source: ArrayBufferLike;
	let base = 0;
	let length: number;
	if (buffer instanceof ArrayBuffer) {
		source = buffer;
		length = buffer.byteLength;
	} else {
		const data = bufferOf(buffer, "data");
		source = data.buffer;
		base = data.byteOffset;
		length = data.byteLength;
	}
	const at = integer(byteOffset, 0, length, "byteOffset", name);
	if ((base + at) % bytes !== 0) fail(`${name}: data is not aligned to its elements`);
	BLOCK.count = integer(count, 0, Math.floor((length - at) / bytes), "count", name);
	BLOCK.data = sourceView(source, bytes);
	BLOCK.first = (base + at) / bytes;
	return BLOCK;
}

// modules/ecg hands the same ArrayBuffers (its fields, counters, window and features) to every call: their views
// are made once.
const dataViews = new WeakMap<ArrayBufferLike, DataView>();
const byteViews = new WeakMap<ArrayBufferLike, Uint8Array>();
const int32Views = new WeakMap<ArrayBuffer, Int32Array>();

/** A DataView of all of buffer, made once per buffer. */
function wholeView(buffer: ArrayBufferLike): DataView {
	let view = dataViews.get(buffer);
	if (!view) dataViews.set(buffer, (view = new DataView(buffer)));
	return view;
}

/** A Uint8Array of all of buffer, made once per buffer. */
function wholeBytes(buffer: ArrayBufferLike): Uint8Array {
	let view = byteViews.get(buffer);
	if (!view) byteViews.set(buffer, (view = new Uint8Array(buffer)));
	return view;
}

/** Where doubles k = 0, 1, ... go: setFloat64(8k, value, true) (a DataView: a byte view need not be 8-byte aligned; the binding copies bytes too). */
function float64Out(out: unknown, length: number, name: string): DataView {
	let view: DataView;
	if (out instanceof ArrayBuffer) view = wholeView(out);
	else {
		const bytes = bufferOf(out, "fields", true);
		view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}
	if (view.byteLength < 8 * length) fail(`${name}: expects a Float64Array of at least ${length} values`);
	return view;
}

/** The int32 view of a window argument (an Int32Array's buffer of exactly windowLength samples). */
function windowOut(window: unknown, windowLength: number): Int32Array {
	let view = window instanceof ArrayBuffer ? int32Views.get(window) : undefined;
	if (!view) {
		const target = bufferOf(window, "window", true);
		if (target.byteOffset % 4 !== 0 || target.byteLength % 4 !== 0) fail(`xs_ecg_event: window must be an Int32Array of ${windowLength} samples`);
		view = new Int32Array(target.buffer, target.byteOffset, target.byteLength / 4);
		if (window instanceof ArrayBuffer) int32Views.set(window, view);
	}
	if (view.length !== windowLength) fail(`xs_ecg_event: window must be an Int32Array of ${windowLength} samples`);
	return view;
}

/** Arguments each function needs (checked first, as the binding does). */
const ARGC: Record<string, number> = {
	xs_ecg_open: 1,
	xs_ecg_push: 2,
	xs_ecg_push_block: 5,
	xs_ecg_event: 3,
	xs_ecg_set_lead_off: 2,
	xs_ecg_flush: 1,
	xs_ecg_counters: 2,
	xs_ecg_filter: 7,
	xs_ecg_template_open: 3,
	xs_ecg_template_next: 6,
	xs_ecg_template_reset: 1,
	xs_ecg_rr_open: 1,
	xs_ecg_rr_next: 5,
	xs_ecg_rr_reset: 1,
	xs_ecg_apnea_input: 7,
	xs_ecg_apnea_minute: 11,
	xs_ecg_apnea_night_reset: 2,
	xs_ecg_apnea_spread: 7,
};

function rrOf(handle: unknown): WasmRr {
	if (!(handle instanceof WasmRr)) fail("handle must be made by xs_ecg_rr_open");
	return handle;
}

function templateOf(handle: unknown): WasmTemplate {
	if (!(handle instanceof WasmTemplate)) fail("handle must be made by xs_ecg_template_open");
	return handle;
}

/** The host functions, by the names native() finds them under in XS. */
const FUNCTIONS: Record<string, (...args: any[]) => any> = {
	xs_ecg_open(settings: unknown): object {
		const bytes = bufferOf(settings, "settings");
		if (bytes.byteOffset % 4 !== 0 || bytes.byteLength % 4 !== 0) fail("settings must be an Int32Array's buffer");
		if (bytes.byteLength !== 4 * SETTING_NAMES.length) fail(`settings must hold ${SETTING_NAMES.length} values, got ${bytes.byteLength / 4}`);
		return new WasmEcg(new Int32Array(bytes.buffer, bytes.byteOffset, SETTING_NAMES.length).slice());
	},
	xs_ecg_push(handle: unknown, sample: unknown): number {
		const e = handleOf(handle, "xs_ecg_push");
		const value = integer(sample, -MAX_INT32 - 1, MAX_INT32, "sample", "xs_ecg_push");
		new Int32Array(e.x.memory.buffer, e.input, 1)[0] = value;
		e.x.ht_ecg_push_i32(e.state, e.input, 1);
		return e.x.ht_ecg_pending(e.state);
	},
	xs_ecg_push_block(handle: unknown, buffer: unknown, elementBytes: unknown, byteOffset: unknown, count: unknown): number {
		const e = handleOf(handle, "xs_ecg_push_block");
		const b = block(buffer, elementBytes, byteOffset, count, "xs_ecg_push_block");
		const chunk = Math.min(b.count, CHUNK);
		if (chunk === 0) return 0;
		e.stage(b.data, b.first, chunk);
		return b.data instanceof Int16Array ? e.x.ht_ecg_push_i16(e.state, e.input, chunk) : e.x.ht_ecg_push_i32(e.state, e.input, chunk);
	},
	xs_ecg_event(handle: unknown, fields: unknown, window: unknown): number {
		const e = handleOf(handle, "xs_ecg_event");
		const target = windowOut(window, e.windowLength);
		const out = float64Out(fields, 5, "xs_ecg_event");
		const kind = e.x.ht_ecg_next_event(e.state, e.event, e.window, e.windowLength);
		if (kind === 0) return 0;
		const v = e.views();
		const event = v.event;
		out.setFloat64(0, int64At(event, 2), true);
		out.setFloat64(8, event[1], true);
		out.setFloat64(16, event[2], true);
		out.setFloat64(24, event[3], true);
		out.setFloat64(32, int64At(event, 3), true);
		if (kind === 1) target.set(v.window);
		return kind;
	},
	xs_ecg_set_lead_off(handle: unknown, on: unknown): void {
		const e = handleOf(handle, "xs_ecg_set_lead_off");
		e.x.ht_ecg_set_lead_off(e.state, on ? 1 : 0);
	},
	xs_ecg_flush(handle: unknown): number {
		const e = handleOf(handle, "xs_ecg_flush");
		e.x.ht_ecg_flush(e.state);
		return e.x.ht_ecg_pending(e.state);
	},
	xs_ecg_counters(handle: unknown, out: unknown): void {
		const e = handleOf(handle, "xs_ecg_counters");
		const target = float64Out(out, COUNTERS, "xs_ecg_counters");
		e.x.ht_ecg_counters(e.state, e.counters);
		const values = e.views().counters;
		for (let i = 0; i < COUNTERS; i++) target.setFloat64(8 * i, int64At(values, i), true);
	},
	xs_ecg_filter(handle: unknown, buffer: unknown, elementBytes: unknown, byteOffset: unknown, count: unknown, out: unknown, outByteOffset: unknown): void {
		const e = handleOf(handle, "xs_ecg_filter");
		const { data, first, count: n } = block(buffer, elementBytes, byteOffset, count, "xs_ecg_filter");
		const outputs = bufferOf(out, "out", true);
		const at = integer(outByteOffset, 0, outputs.byteLength, "outByteOffset", "xs_ecg_filter");
		if ((outputs.byteOffset + at) % 4 !== 0) fail("xs_ecg_filter: out is not aligned to int32");
		if (n > Math.floor((outputs.byteLength - at) / 4)) fail(`xs_ecg_filter: ${n} outputs at byte ${at} exceed out (${outputs.byteLength} bytes)`);
		const target = new Int32Array(outputs.buffer, outputs.byteOffset + at, n);
		for (let done = 0; done < n; ) {
			const chunk = Math.min(n - done, CHUNK);
			e.stage(data, first + done, chunk);
			if (data instanceof Int16Array) e.x.ht_ecg_filter_i16(e.state, e.input, chunk, e.output);
			else e.x.ht_ecg_filter_i32(e.state, e.input, chunk, e.output);
			target.set(e.views().output.subarray(0, chunk), done);
			done += chunk;
		}
	},
	xs_ecg_template_open(sampleRate: unknown, pre: unknown, windowLength: unknown): object {
		const rate = integer(sampleRate, 1, 10000, "sampleRate", "xs_ecg_template_open");
		const length = integer(windowLength, 1, 65536, "windowLength", "xs_ecg_template_open");
		return new WasmTemplate(rate, integer(pre, 0, length - 1, "pre", "xs_ecg_template_open"), length);
	},
	xs_ecg_template_next(handle: unknown, window: unknown, windowByteOffset: unknown, out: unknown, outByteOffset: unknown, weighs: unknown): void {
		const t = templateOf(handle);
		const source = bufferOf(window, "window");
		const at = integer(windowByteOffset, 0, source.byteLength, "windowByteOffset", "xs_ecg_template_next");
		if ((source.byteOffset + at) % 4 !== 0) fail("xs_ecg_template_next: window is not aligned to int32");
		if (t.windowLength > Math.floor((source.byteLength - at) / 4)) fail(`xs_ecg_template_next: a window of ${t.windowLength} samples at byte ${at} exceeds its buffer (${source.byteLength} bytes)`);
		const target = bufferOf(out, "out", true);
		const outAt = integer(outByteOffset, 0, target.byteLength, "outByteOffset", "xs_ecg_template_next");
		if (target.byteLength - outAt < 8) fail(`xs_ecg_template_next: 2 features at byte ${outAt} exceed out (${target.byteLength} bytes)`);
		const weigh = integer(weighs, 0, 1, "weighs", "xs_ecg_template_next");
		const samples = sourceView(source.buffer, 4);
		const floats = wholeView(target.buffer);
		t.refresh();
		const staged = t.windowView;
		const first = (source.byteOffset + at) / 4;
		for (let i = 0; i < t.windowLength; i++) staged[i] = samples[first + i]!;
		if (t.x.ht_tpl_next(t.state, t.window, t.windowLength, weigh, t.out) !== 0) fail("xs_ecg_template_next: template state not initialized");
		floats.setFloat32(target.byteOffset + outAt, t.outView[0]!, true);
		floats.setFloat32(target.byteOffset + outAt + 4, t.outView[1]!, true);
	},
	xs_ecg_template_reset(handle: unknown): void {
		const t = templateOf(handle);
		t.x.ht_tpl_reset(t.state);
	},
	xs_ecg_rr_open(sampleRate: unknown): object {
		return new WasmRr(integer(sampleRate, 1, 10000, "sampleRate", "xs_ecg_rr_open"));
	},
	xs_ecg_rr_next(handle: unknown, rrPrevious: unknown, rrNext: unknown, out: unknown, outByteOffset: unknown): void {
		const r = rrOf(handle);
		const previous = integer(rrPrevious, -MAX_INT32 - 1, MAX_INT32, "rrPrevious", "xs_ecg_rr_next");
		const next = integer(rrNext, -MAX_INT32 - 1, MAX_INT32, "rrNext", "xs_ecg_rr_next");
		const target = bufferOf(out, "out", true);
		const outAt = integer(outByteOffset, 0, target.byteLength, "outByteOffset", "xs_ecg_rr_next");
		if (outAt % 4 !== 0) fail(`xs_ecg_rr_next: outByteOffset ${outAt} is not a float32's`);
		if (target.byteLength - outAt < RR_OUT_BYTES) fail(`xs_ecg_rr_next: ${RR_FEATURES} features at byte ${outAt} exceed out (${target.byteLength} bytes)`);
		if (r.x.ht_rr_next(r.state, previous, next, r.out) !== 0) fail("xs_ecg_rr_next: RR context not initialized");
		r.refresh();
		wholeBytes(target.buffer).set(r.outBytes, target.byteOffset + outAt);
	},
	xs_ecg_rr_reset(handle: unknown): void {
		const r = rrOf(handle);
		r.x.ht_rr_reset(r.state);
	},
	xs_ecg_apnea_input(...args: unknown[]): number {
		return apneaInputRun(apneaArguments(args, "xs_ecg_apnea_input"), "xs_ecg_apnea_input").held;
	},
	xs_ecg_apnea_minute(...args: unknown[]): number {
		const name = "xs_ecg_apnea_minute";
		const a = apneaArguments(args, name);
		const [, , , , , , , input, inputByteOffset, scale, zeroPoint] = args;
		if (typeof scale !== "number") fail("scale must be a number");
		if (!(scale > 0 && scale <= Number.MAX_VALUE)) fail(`${name}: scale must be a finite number > 0, got ${String(scale)}`);
		const zero = integer(zeroPoint, -128, 127, "zeroPoint", name);
		const target = bufferOf(input, "input", true);
		const at = integer(inputByteOffset, 0, target.byteLength, "inputByteOffset", name);
		if (target.byteLength - at < APNEA_WINDOW) fail(`${name}: ${APNEA_WINDOW} values at byte ${at} exceed input (${target.byteLength} bytes)`);
		const { w, held } = apneaInputRun(a, name);
		if (w.x.ht_apnea_quantize(w.window, scale, zero, w.q) !== 0) fail(`${name}: arguments refused`);
		target.set(w.qView, at);
		return held;
	},
	xs_ecg_apnea_night_reset(...args: unknown[]): void {
		const night = apneaNightOf(args, 0, "xs_ecg_apnea_night_reset");
		const w = (apnea ??= new WasmApnea());
		w.reserve(0);
		w.x.ht_apnea_night_reset(w.night);
		night.bytes.set(w.nightBytes, night.at);
	},
	xs_ecg_apnea_spread(...args: unknown[]): number {
		const name = "xs_ecg_apnea_spread";
		const a = apneaBeatArguments(args, name);
		const night = apneaNightOf(args, 5, name);
		const w = apneaWithBeats(a);
		w.nightBytes.set(night.bytes.subarray(night.at, night.at + APNEA_NIGHT_BYTES));
		if (w.x.ht_apnea_spread(w.beats, a.count, a.rate, a.minute, w.night, w.term) !== 0) fail(`${name}: arguments refused`);
		night.bytes.set(w.nightBytes, night.at);
		return w.termView[0]!;
	},
};

export const ECG_NATIVES: Record<string, (...args: unknown[]) => unknown> = {};
for (const [name, f] of Object.entries(FUNCTIONS)) {
	ECG_NATIVES[name] = function (this: unknown, ...args: unknown[]) {
		if (args.length < ARGC[name]) fail(`${name} expects ${ARGC[name]} arguments, got ${args.length}`);
		return f.apply(this, args);
	};
}

/**
 * Makes native(name) find the ECG functions in Node (modules/ecg calls it as XS code does). Any native()
 * already installed keeps answering the other names. Idempotent.
 */
export function installEcgNatives(): void {
	const g = globalThis as { native?: (name: string) => unknown };
	const previous = g.native;
	if (previous && (previous as { ecg?: boolean }).ecg) return;
	const lookup = (name: string): unknown => {
		const f = ECG_NATIVES[name];
		if (f) return f;
		if (previous) return previous(name);
		throw new Error(`native: no host function ${String(name)} in Node (only the ECG pipeline's)`);
	};
	(lookup as { ecg?: boolean }).ecg = true;
	g.native = lookup;
}
