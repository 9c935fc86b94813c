// The C ECG pipeline (native/src/ht_ecg*.c) in Node: the same C compiled to WebAssembly (ht_ecg.wasm, built
// by build.mjs), behind functions with the names and semantics of its xsmc binding (native/xs/ht_xs_ecg.c),
// so modules/ecg runs unchanged in Node, in the simulator and on the device. Every argument is checked here as
// the binding checks it. One wasm instance per handle (its own linear memory: state, event and staging space).
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
}

const SETTING_NAMES = ECG_SETTING_NAMES;

let compiled: object | undefined;

function wasmModule(): object {
	compiled ??= new WebAssemblyApi.Module(readFileSync(ECG_WASM));
	return compiled;
}

const align8 = (n: number) => (n + 7) & ~7;

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
		this.#reserve(at);
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
		this.#reserve(at);
		const status = x.ht_ecg_init(this.state, bytes, settingsAt, settings.length);
		if (status !== SETTINGS_OK) throw settingsError(status, settings);
	}

	#reserve(end: number): void {
		const memory = this.x.memory;
		if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
	}

	/** Copies the first count (<= CHUNK) samples into the input staging area. */
	stage(data: Int16Array | Int32Array, count: number): void {
		const buffer = this.x.memory.buffer;
		if (data instanceof Int16Array) new Int16Array(buffer, this.input, count).set(data.subarray(0, count));
		else new Int32Array(buffer, this.input, count).set(data.subarray(0, count));
	}
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

/** count elements of elementBytes (2: int16, 4: int32) at byteOffset in buffer, checked as the binding checks them. */
function block(buffer: unknown, elementBytes: unknown, byteOffset: unknown, count: unknown, name: string): Int16Array | Int32Array {
	const bytes = integer(elementBytes, 2, 4, "elementBytes", name);
	if (bytes === 3) fail(`${name}: elementBytes must be 2 (int16) or 4 (int32)`);
	const data = bufferOf(buffer, "data");
	const at = integer(byteOffset, 0, data.byteLength, "byteOffset", name);
	if ((data.byteOffset + at) % bytes !== 0) fail(`${name}: data is not aligned to its elements`);
	const n = integer(count, 0, Math.floor((data.byteLength - at) / bytes), "count", name);
	const start = data.byteOffset + at;
	return bytes === 2 ? new Int16Array(data.buffer, start, n) : new Int32Array(data.buffer, start, n);
}

/** Writes doubles k = 0, 1, ... (through a DataView: a byte view need not be 8-byte aligned; the binding copies bytes too). */
function float64Out(out: unknown, length: number, name: string): (k: number, value: number) => void {
	const bytes = bufferOf(out, "fields", true);
	if (bytes.byteLength < 8 * length) fail(`${name}: expects a Float64Array of at least ${length} values`);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	return (k, value) => view.setFloat64(8 * k, value, true);
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
};

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
		const samples = block(buffer, elementBytes, byteOffset, count, "xs_ecg_push_block");
		const chunk = Math.min(samples.length, CHUNK);
		if (chunk === 0) return 0;
		e.stage(samples, chunk);
		return samples instanceof Int16Array ? e.x.ht_ecg_push_i16(e.state, e.input, chunk) : e.x.ht_ecg_push_i32(e.state, e.input, chunk);
	},
	xs_ecg_event(handle: unknown, fields: unknown, window: unknown): number {
		const e = handleOf(handle, "xs_ecg_event");
		const target = bufferOf(window, "window", true);
		if (target.byteOffset % 4 !== 0 || target.byteLength !== 4 * e.windowLength) fail(`xs_ecg_event: window must be an Int32Array of ${e.windowLength} samples`);
		const out = float64Out(fields, 5, "xs_ecg_event");
		const kind = e.x.ht_ecg_next_event(e.state, e.event, e.window, e.windowLength);
		if (kind === 0) return 0;
		const memory = e.x.memory.buffer;
		const head = new Int32Array(memory, e.event, 4);
		const wide = new BigInt64Array(memory, e.event + 16, 3);
		out(0, Number(wide[0]));
		out(1, head[1]);
		out(2, head[2]);
		out(3, head[3]);
		out(4, Number(wide[1]));
		if (kind === 1) new Int32Array(target.buffer, target.byteOffset, e.windowLength).set(new Int32Array(memory, e.window, e.windowLength));
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
		const values = new BigInt64Array(e.x.memory.buffer, e.counters, COUNTERS);
		for (let i = 0; i < COUNTERS; i++) target(i, Number(values[i]));
	},
	xs_ecg_filter(handle: unknown, buffer: unknown, elementBytes: unknown, byteOffset: unknown, count: unknown, out: unknown, outByteOffset: unknown): void {
		const e = handleOf(handle, "xs_ecg_filter");
		const samples = block(buffer, elementBytes, byteOffset, count, "xs_ecg_filter");
		const outputs = bufferOf(out, "out", true);
		const at = integer(outByteOffset, 0, outputs.byteLength, "outByteOffset", "xs_ecg_filter");
		if ((outputs.byteOffset + at) % 4 !== 0) fail("xs_ecg_filter: out is not aligned to int32");
		const n = samples.length;
		if (n > Math.floor((outputs.byteLength - at) / 4)) fail(`xs_ecg_filter: ${n} outputs at byte ${at} exceed out (${outputs.byteLength} bytes)`);
		const target = new Int32Array(outputs.buffer, outputs.byteOffset + at, n);
		for (let done = 0; done < n; ) {
			const chunk = Math.min(n - done, CHUNK);
			e.stage(samples.subarray(done, done + chunk), chunk);
			if (samples instanceof Int16Array) e.x.ht_ecg_filter_i16(e.state, e.input, chunk, e.output);
			else e.x.ht_ecg_filter_i32(e.state, e.input, chunk, e.output);
			target.set(new Int32Array(e.x.memory.buffer, e.output, chunk), done);
			done += chunk;
		}
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
