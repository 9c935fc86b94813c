// The apnea minute's input in C (native/src/ht_ecg_apnea.c; in Node the WebAssembly build) gives bit for bit what
// the TypeScript it replaced gave (test/apnea-input-reference.ts, quantized by modules/runtime/quantize.ts): every
// float32 of the window, the held count and every int8 of the model's input, through both faces (apneaInput, the
// host's; apneaMinuteNative, the device's one call per minute) on synthetic beat rings (regular, jitter, gaps,
// out-of-range intervals, empty, minute 0's negative window start, times near 2^32, arbitrary values, 1..10000 Hz)
// and on every Apnea-ECG record's .qrs beats as the dataset builder reads them. The same C in XS answers as here
// (test/ecg-wasm.test.ts, test/apnea-xs.test.ts); native/test/test_apnea.c pins the random stream's hash (below),
// there also on the Cortex-M4.
import test from "ava";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { apneaEcgPath, findApneaEcg, LEARNING_RECORDS, readApneaRecords, TEST_RECORDS } from "../host/data/apnea-ecg.ts";
import { apneaMinuteNative } from "../modules/ecg/native.ts";
import { readModel } from "../modules/model/index.ts";
import { APNEA_WINDOW, apneaBeatTimes, apneaInput } from "../modules/rhythm/apnea-input.ts";
import { quantizeInto, type QuantParams } from "../modules/runtime/quantize.ts";
import { apneaInputReference } from "./apnea-input-reference.ts";
import { IN_CI } from "./toolchain.ts";
import { rng } from "./xorshift.ts";

const MODEL = fileURLToPath(new URL("../models/apnea.htpw", import.meta.url));
const SHIPPED: QuantParams = (readModel(new Uint8Array(readFileSync(MODEL))).meta as { input: QuantParams }).input;
const U32_MAX = 0xffffffff;

/** Scratch for compare(): the C writes at byte offsets 12 (window) and 5 (int8) inside larger buffers, as a ring's and an arena's views do. */
const windowBacking = new Float32Array(APNEA_WINDOW + 5);
const gotWindow = windowBacking.subarray(3);
const gotWindowBits = new Uint32Array(windowBacking.buffer, 12, APNEA_WINDOW);
const inputBacking = new Int8Array(APNEA_WINDOW + 9);
const gotInput = inputBacking.subarray(5, 5 + APNEA_WINDOW);
const hostWindow = new Float32Array(APNEA_WINDOW);
const hostBits = new Uint32Array(hostWindow.buffer);
const want = new Float32Array(APNEA_WINDOW);
const wantBits = new Uint32Array(want.buffer);
const wantInput = new Int8Array(APNEA_WINDOW);

/**
 * Minute `minute` from the first `count` of `ring` at `rate` Hz by the reference and by both C faces; the first
 * difference (held count, a window's float bits, an int8) as text, or undefined.
 */
function compare(ring: Uint32Array, count: number, rate: number, minute: number, q: QuantParams): string | undefined {
	const where = `${rate} Hz minute ${minute} (${count} beats)`;
	const held = apneaInputReference(ring, rate, minute, want, count);
	quantizeInto(want, q, wantInput);
	windowBacking.fill(Number.NaN);
	inputBacking.fill(0x55);
	const deviceHeld = apneaMinuteNative(ring.buffer, ring.byteOffset, count, rate, minute, windowBacking.buffer, 12, inputBacking.buffer, 5, q.scale, q.zero_point);
	if (deviceHeld !== held) return `${where}: held ${deviceHeld} by the device's call, ${held} by the reference`;
	const hostHeld = apneaInput(ring, rate, minute, hostWindow, count);
	if (hostHeld !== held) return `${where}: held ${hostHeld} by apneaInput, ${held} by the reference`;
	for (let k = 0; k < APNEA_WINDOW; k++) {
		if (gotWindowBits[k] !== wantBits[k] || hostBits[k] !== wantBits[k])
			return `${where} sample ${k}: C ${gotWindow[k]} (0x${gotWindowBits[k]!.toString(16)}), apneaInput ${hostWindow[k]}, reference ${want[k]} (0x${wantBits[k]!.toString(16)})`;
		if (gotInput[k] !== wantInput[k]) return `${where} value ${k}: int8 ${gotInput[k]} by C, ${wantInput[k]} by quantizeInto (scale ${q.scale}, zero point ${q.zero_point})`;
	}
	if (!Number.isNaN(windowBacking[0]) || !Number.isNaN(windowBacking[1]) || !Number.isNaN(windowBacking[2]) || !Number.isNaN(windowBacking[APNEA_WINDOW + 3]) || !Number.isNaN(windowBacking[APNEA_WINDOW + 4]))
		return `${where}: C wrote outside the window`;
	for (let k = 0; k < inputBacking.length; k++) if ((k < 5 || k >= 5 + APNEA_WINDOW) && inputBacking[k] !== 0x55) return `${where}: C wrote outside the input (byte ${k})`;
	return undefined;
}

/** Beats from `first` at intervals (ms) of `rrMs`, as sample indices at `rate` Hz (floored; clamped at 2^32 − 1). */
function train(rate: number, first: number, rrMs: readonly number[]): number[] {
	const out = [first];
	let t = first * 1000; // in ms·rate units: integers
	for (const rr of rrMs) {
		t += rr * rate;
		out.push(Math.min(U32_MAX, Math.floor(t / 1000)));
	}
	return out;
}

/** The beats in a ring of `extra` stale slots more (0xffffffff, never read past count). */
function ringOf(beats: readonly number[], extra = 37): Uint32Array {
	const ring = new Uint32Array(beats.length + extra).fill(U32_MAX);
	ring.set(beats);
	return ring;
}

const RATES = [1, 7, 100, 128, 250, 360, 500, 1000, 10000];
const SCALES: QuantParams[] = [SHIPPED, { scale: 1 / 128, zero_point: 0 }, { scale: 0.0173, zero_point: -7 }, { scale: 0.004, zero_point: 127 }, { scale: 1e-6, zero_point: -128 }, { scale: 3.3, zero_point: 3 }];

test("synthetic rings: regular, jitter, gaps and out-of-range intervals, every minute from 0, 1..10000 Hz", (t) => {
	const r = rng(0xa9e1);
	let compared = 0;
	for (const rate of RATES) {
		const streams: number[][] = [];
		streams.push(train(rate, 0, Array(1400).fill(800)));
		streams.push(train(rate, 17, Array.from({ length: 1400 }, () => 250 + r.int(1900)))); // jitter, some out of 300..2000
		const gappy = Array.from({ length: 1200 }, () => 600 + r.int(600));
		for (let i = 0; i < gappy.length; i += 1 + r.int(90)) gappy[i] = r.pick([100, 150, 2001, 2500, 4000, 30000, 120000]);
		streams.push(train(rate, r.int(rate * 100), gappy));
		streams.push(train(rate, 0, Array.from({ length: 900 }, (_, i) => 800 + Math.round(200 * Math.sin(i / 9))))); // apnea-like cycles
		for (const beats of streams) {
			const ring = ringOf(beats);
			const last = Math.floor(beats[beats.length - 1]! / rate / 60) + 6;
			for (let m = 0; m <= last; m++) {
				const d = compare(ring, beats.length, rate, m, SCALES[compared % SCALES.length]!);
				compared++;
				if (d) return t.fail(d);
			}
			for (const count of [0, 1, 2, beats.length >> 1]) {
				const d = compare(ring, count, rate, 3 + (count % 5), SCALES[compared++ % SCALES.length]!);
				if (d) return t.fail(d);
			}
		}
	}
	t.true(compared > 1000, `${compared} minutes`);
});

test("an empty ring, the first minutes (windows starting before 0), huge times and minutes, arbitrary values", (t) => {
	const r = rng(0x5eed);
	const cases: { ring: Uint32Array; count: number; rate: number; minute: number }[] = [];
	for (const rate of RATES) {
		cases.push({ ring: new Uint32Array(0), count: 0, rate, minute: 0 });
		cases.push({ ring: new Uint32Array(4), count: 0, rate, minute: U32_MAX });
		const start = ringOf(train(rate, 0, Array(400).fill(700)));
		for (const minute of [0, 1, 2, 3, 4, 5]) cases.push({ ring: start, count: start.length - 37, rate, minute });
		// Beats up to 2^32 − 1 (a device up for 5 days at 10 kHz): intervals, a clamp at the top, the last minutes.
		const top = train(rate, U32_MAX - rate * 700, Array.from({ length: 1000 }, () => 400 + r.int(1400)));
		const ring = ringOf(top);
		const m0 = Math.floor(top[0]! / rate / 60);
		for (let m = Math.max(0, m0 - 6); m <= Math.floor(U32_MAX / rate / 60) + 6; m++) cases.push({ ring, count: top.length, rate, minute: m });
		cases.push({ ring, count: top.length, rate, minute: U32_MAX });
		// Any uint32 values at all (not increasing, repeated, 0 and 2^32 − 1): the C searches and subtracts as the reference.
		for (let n = 0; n < 6; n++) {
			const any = Uint32Array.from({ length: 1 + r.int(600) }, () => (r.int(4) === 0 ? r.pick([0, 1, U32_MAX, U32_MAX - 1, 2 ** 31]) : r.next()));
			const minute = r.int(3) === 0 ? r.next() : r.int(3) === 0 ? Math.floor(any[0]! / rate / 60) : r.int(100);
			cases.push({ ring: any, count: r.int(any.length + 1), rate, minute });
		}
	}
	for (const c of cases) {
		const d = compare(c.ring, c.count, c.rate, c.minute, SCALES[r.int(SCALES.length)]!);
		if (d) return t.fail(d);
	}
	t.pass();
});

test("apneaInput takes any array of sample indices (copied for the C) and out as a number[]; refuses what the C cannot take", (t) => {
	const beats = train(100, 0, Array.from({ length: 900 }, (_, i) => 700 + ((i * 37) % 500)));
	const want = new Float32Array(APNEA_WINDOW);
	const held = apneaInputReference(beats, 100, 4, want);
	const asNumbers: number[] = [];
	t.is(apneaInput(beats, 100, 4, asNumbers.concat(Array(APNEA_WINDOW).fill(0))), held);
	const out = Array(APNEA_WINDOW).fill(0);
	apneaInput(Int32Array.from(beats), 100, 4, out);
	t.deepEqual(out, Array.from(want));
	const offset = new Float32Array(APNEA_WINDOW + 1);
	apneaInput(beats, 100, 4, offset.subarray(1)); // a Float32Array view: written in place
	t.deepEqual(Array.from(offset.subarray(1)), Array.from(want));
	t.throws(() => apneaInput([0, -100], 100, 0, want), { message: /beat 1 at -100 is not a sample index/ });
	t.throws(() => apneaInput([0, 100.5], 100, 0, want), { message: /beat 1 at 100.5/ });
	t.throws(() => apneaInput([0, 2 ** 32], 100, 0, want), { message: /beat 1/ });
	t.throws(() => apneaInput([0, 100], 10001, 0, want), { message: /sample rate 10001 is not an integer in 1..10000/ });
	t.throws(() => apneaInput([0, 100], 100, 2 ** 32, want), { message: /minute/ });
	t.deepEqual(Array.from(apneaBeatTimes([5, 6, 7], 2)), [5, 6]);
});

const found = findApneaEcg();
const withData = found.path ? test : IN_CI ? (title: string) => test(title, (t) => t.fail(`CI=true but ${found.missing}`)) : test.skip;

withData("every minute of every Apnea-ECG record, as the dataset builder reads the .qrs beats: the C equals the reference", async (t) => {
	const dir = await apneaEcgPath();
	let minutes = 0;
	for (const names of [LEARNING_RECORDS, TEST_RECORDS]) {
		for (const record of readApneaRecords(dir, names)) {
			const ring = apneaBeatTimes(record.beats) as Uint32Array;
			t.deepEqual(Array.from(ring), Array.from(record.beats), `${record.name}: the times are sample indices`);
			for (let m = 0; m < record.labels.length + 2; m++, minutes++) {
				const d = compare(ring, ring.length, 100, m, SCALES[m % SCALES.length]!);
				if (d) return t.fail(`${record.name}: ${d}`);
			}
		}
	}
	t.true(minutes > 34313, `${minutes} minutes`);
});

/** What native/test/test_apnea.c pins: the hash of its random stream (below), host and Cortex-M4. */
const C_TEST_HASH = 0x1c1d9ade;

/**
 * native/test/test_apnea.c's random stream (xorshift32 from 0xa9e1a; increasing rings with plausible, short, long
 * and huge steps, from anywhere up to 2^32 − 1, and arbitrary values; minutes near the beats, small or any; six
 * quantizations) at 1, 100, 360 and 10000 Hz: FNV-1a over the held count, every float's bits and every int8 (as
 * uint8) of each minute, from `input` (window and int8 values, returning held).
 */
export function cTestHash(input: (ring: Uint32Array, count: number, rate: number, minute: number, q: QuantParams, window: Float32Array, out: Int8Array) => number): number {
	const scales = [1 / 128, 0.0173, 0.004, 1e-6, 3.3, 0.05];
	const r = rng(0xa9e1a);
	const ring = new Uint32Array(1200);
	const window = new Float32Array(APNEA_WINDOW);
	const bits = new Uint32Array(window.buffer);
	const out = new Int8Array(APNEA_WINDOW);
	let hash = 2166136261;
	const mix = (w: number) => (hash = Math.imul(hash ^ w, 16777619) >>> 0);
	for (const rate of [1, 100, 360, 10000]) {
		for (let trial = 0; trial < 60; trial++) {
			const count = r.next() % 1200;
			const mode = r.next() % 3;
			let b = mode === 2 ? U32_MAX - (r.next() % (rate * 1000)) : r.next() % (rate * 3600);
			const first = b;
			for (let i = 0; i < count; i++) {
				if (mode === 1) {
					ring[i] = r.next();
					continue;
				}
				ring[i] = b;
				const x = r.next();
				let step = Math.floor(((200 + (x % 2000)) * rate) / 1000);
				if (x % 50 === 0) step += r.next() % (rate * 30);
				b = Math.min(U32_MAX, b + step);
			}
			const per = rate * 60;
			const near = (first - (first % per)) / per;
			const pick = r.next() % 4;
			const minute = pick === 0 ? r.next() : pick === 1 ? r.next() % 16 : Math.max(0, near + (r.next() % 12) - 4);
			const zeroPoint = (r.next() % 256) - 128;
			const q = { scale: scales[r.next() % scales.length]!, zero_point: zeroPoint };
			mix(input(ring, count, rate, minute, q, window, out) >>> 0);
			for (let k = 0; k < APNEA_WINDOW; k++) mix(bits[k]!);
			for (let k = 0; k < APNEA_WINDOW; k++) mix(out[k]! & 0xff);
		}
	}
	return hash;
}

test("the C unit test's random stream: the reference and the C give the hash native/test/test_apnea.c pins (there also on the Cortex-M4)", (t) => {
	const reference = cTestHash((ring, count, rate, minute, q, window, out) => {
		const held = apneaInputReference(ring, rate, minute, window, count);
		quantizeInto(window, q, out);
		return held;
	});
	const c = cTestHash((ring, count, rate, minute, q, window, out) => apneaMinuteNative(ring.buffer, 0, count, rate, minute, window.buffer, 0, out.buffer, 0, q.scale, q.zero_point));
	t.is(c.toString(16), reference.toString(16));
	t.is(reference.toString(16), C_TEST_HASH.toString(16));
});
