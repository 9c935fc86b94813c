// The RR context in C (native/src/ht_ecg_rr.c; in Node the WebAssembly build, through modules/ecg/rr-features.ts)
// gives bit for bit the features of the TypeScript it replaced (test/rr-reference.ts): on synthetic beat streams
// (regular, bigeminy, AF-like, unknown and negative intervals, resets, huge intervals, sample rates 1..10000 Hz)
// and on the beat annotations of MIT-BIH records, fed as the dataset builder feeds them (rrFeaturesOf). The same
// C in XS answers as here (test/ecg-wasm.test.ts); on the Cortex-M4 it is the same IEEE-754 double arithmetic.
import test from "ava";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DS1, DS2, PACED_RECORDS, aamiClassOf } from "../host/data/aami.ts";
import { rrFeaturesOf } from "../host/data/dataset-record.ts";
import { mitdbPath } from "../host/data/mitdb-path.ts";
import { readHeader } from "../host/data/records.ts";
import { readAnnotations } from "../host/data/wfdb/annotations.ts";
import { isBeatSymbol } from "../host/data/wfdb/codes.ts";
import { RR_FEATURE_COUNT, RR_FEATURE_NAMES, RrContext } from "../modules/ecg/rr-features.ts";
import { mitdbTest } from "./mitdb-data.ts";
import { ReferenceRrContext } from "./rr-reference.ts";
import { rng } from "./xorshift.ts";

const F = RR_FEATURE_COUNT;
const FIXTURE = fileURLToPath(new URL("./fixtures/wfdb", import.meta.url));
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/** A beat: its intervals, or a reset of the context before it. */
type Step = { pre: number; post: number; reset?: boolean };

/**
 * Feeds both contexts the same steps; returns the first difference (beat, feature, both values and their bits)
 * or undefined. The C writes at a moving offset inside a larger array (a view with a byte offset), as the app's
 * and the dataset's callers do.
 */
function firstDifference(rate: number, steps: readonly Step[]): string | undefined {
	const c = new RrContext(rate);
	const ref = new ReferenceRrContext(rate);
	const backing = new Float32Array(3 * F + 5);
	const got = backing.subarray(3); // byteOffset 12
	const want = new Float32Array(F);
	const gotBits = new Uint32Array(backing.buffer, 12, 3 * F + 2);
	const wantBits = new Uint32Array(want.buffer);
	for (let i = 0; i < steps.length; i++) {
		const { pre, post, reset } = steps[i]!;
		if (reset) {
			c.reset();
			ref.reset();
		}
		const offset = i % 3;
		got.fill(Number.NaN);
		c.next(pre, post, got, offset);
		ref.next(pre, post, want, 0);
		for (let k = 0; k < F; k++) {
			if (gotBits[offset + k] !== wantBits[k]) {
				return `${rate} Hz beat ${i} (pre ${pre}, post ${post}): ${RR_FEATURE_NAMES[k]} C ${got[offset + k]} (0x${gotBits[offset + k]!.toString(16)}) reference ${want[k]} (0x${wantBits[k]!.toString(16)})`;
			}
		}
		for (let k = 0; k < got.length; k++) if ((k < offset || k >= offset + F) && !Number.isNaN(got[k])) return `beat ${i}: C wrote outside its ${F} features (at ${k})`;
	}
	return undefined;
}

/** Steps from intervals: rr[i] before beat i, rr[i + 1] after it (0 at the end). */
function stepsOf(rr: readonly number[], resets: (i: number) => boolean = () => false): Step[] {
	return rr.map((pre, i) => ({ pre, post: i + 1 < rr.length ? rr[i + 1]! : 0, reset: resets(i) }));
}

const RATES = [1, 100, 128, 250, 360, 500, 1000, 10000];

test("regular rhythms, with and without jitter, at every rate: C equals the reference bit for bit", (t) => {
	const r = rng(0x5157);
	for (const rate of RATES) {
		const rr = Math.max(1, Math.round(0.8 * rate));
		t.is(firstDifference(rate, stepsOf(Array.from({ length: 600 }, () => rr))), undefined);
		const jitter = Math.max(1, rr >> 5);
		t.is(firstDifference(rate, stepsOf(Array.from({ length: 600 }, () => rr + r.int(2 * jitter + 1) - jitter))), undefined);
		// a rate that drifts from 40 to 180 bpm and back over 1000 beats: the long-term mean lags the local median
		const drift = Array.from({ length: 1000 }, (_, i) => Math.max(1, Math.round((rate * 60) / (110 + 70 * Math.sin((i * Math.PI) / 500)))));
		t.is(firstDifference(rate, stepsOf(drift)), undefined);
	}
});

test("bigeminy, trigeminy and isolated premature beats with compensatory pauses: bit-identical", (t) => {
	for (const rate of [250, 360, 500]) {
		const n = Math.round(0.8 * rate);
		const early = Math.round(0.55 * n);
		const pause = 2 * n - early;
		const bigeminy = Array.from({ length: 800 }, (_, i) => (i % 2 ? early : pause));
		const trigeminy = Array.from({ length: 800 }, (_, i) => [n, early, pause][i % 3]!);
		const isolated = Array.from({ length: 800 }, (_, i) => (i % 37 === 5 ? early : i % 37 === 6 ? pause : n));
		for (const rr of [bigeminy, trigeminy, isolated]) t.is(firstDifference(rate, stepsOf(rr)), undefined);
	}
});

test("AF-like random rhythms, unknown, negative and huge intervals, resets at any time: bit-identical", (t) => {
	const r = rng(0xaf01);
	for (const rate of RATES) {
		const n = Math.max(1, Math.round(0.8 * rate));
		const interval = (): number => {
			switch (r.int(12)) {
				case 0: return 0;
				case 1: return r.pick([-1, -n, INT32_MIN, -(r.next() >>> 1)]);
				case 2: return r.pick([1, 2, 3, INT32_MAX, INT32_MAX - 1, 1 << 30, (1 << 30) + 1]);
				case 3: return r.next() >>> 1; // anything in 0..2^31 - 1
				case 4: return 1 + r.int(65535); // anything a BLE beat packet carries
				default: return Math.max(1, Math.round(n * (0.4 + (r.int(1000) / 1000) * 1.2))); // AF: 0.4..1.6 of the mean
			}
		};
		const steps: Step[] = [];
		for (let i = 0; i < 3000; i++) steps.push({ pre: interval(), post: interval(), reset: r.int(60) === 0 });
		t.is(firstDifference(rate, steps), undefined);
		// huge intervals only: the 256-interval sum reaches 2^39, the irregularity's product 2^35
		t.is(firstDifference(rate, stepsOf(Array.from({ length: 700 }, () => INT32_MAX - r.int(1 << 20)))), undefined);
		t.is(firstDifference(rate, stepsOf(Array.from({ length: 700 }, (_, i) => (i % 2 ? INT32_MAX : 1)))), undefined);
		// long runs of unknown intervals between known ones, resets in the middle of a full long-term window
		t.is(firstDifference(rate, stepsOf(Array.from({ length: 900 }, (_, i) => (i % 50 < 20 ? 0 : n + (i % 7))), (i) => i % 300 === 299)), undefined);
	}
});

test("the first beats of a context and after each reset: every history length from empty to full", (t) => {
	for (let resetAt = 0; resetAt < 40; resetAt++) {
		const rr = Array.from({ length: 300 }, (_, i) => 250 + ((i * 37) % 61));
		t.is(firstDifference(360, stepsOf(rr, (i) => i > 0 && i % (resetAt + 1) === 0)), undefined);
	}
});

test("the C refuses what the reference silently took: fractional or out-of-range intervals and rates, features outside out", (t) => {
	const c = new RrContext(360);
	const out = new Float32Array(F);
	t.throws(() => c.next(288.5, 0, out), { message: "ecg: rrPrevious must be an integer in -2147483648..2147483647, got 288.5" });
	t.throws(() => c.next(288, 2 ** 31, out), { message: /^ecg: rrNext must be an integer in -2147483648\.\.2147483647/ });
	t.throws(() => c.next(288, Number.NaN, out), { message: /^ecg: rrNext must be an integer/ });
	t.throws(() => c.next(288, 288, out, 1), { instanceOf: RangeError });
	t.throws(() => c.next(288, 288, out, -1), { instanceOf: RangeError });
	t.throws(() => c.next(288, 288, new Float32Array(F + 1), 0.5), { message: "ecg: xs_ecg_rr_next: outByteOffset 2 is not a float32's" });
	t.throws(() => c.next(288, 288, new Float32Array(F - 1)), { instanceOf: RangeError });
	t.throws(() => new RrContext(0), { message: "ecg: sampleRate must be an integer in 1..10000, got 0" });
	t.throws(() => new RrContext(360.5), { message: /^ecg: sampleRate must be an integer/ });
	t.throws(() => new RrContext(10001), { message: /^ecg: sampleRate must be an integer/ });
	// nothing changed by a refused call: the next beats read as those of a fresh context
	const fresh = new ReferenceRrContext(360);
	const want = new Float32Array(F);
	for (const rr of [288, 290, 200, 376, 288, 288]) {
		c.next(rr, 288, out);
		fresh.next(rr, 288, want);
		t.deepEqual(Array.from(out), Array.from(want));
	}
});

/** What native/test/test_rr.c pins: the hash of the features of its random stream (below), host and Cortex-M4. */
const C_TEST_HASH = 0x12dfae18;

/**
 * native/test/test_rr.c's random stream (xorshift32 from 0x52521; extreme, any and plausible intervals; resets)
 * through a context at 1, 360 and 10000 Hz: FNV-1a over the 32-bit words of every feature's bits.
 */
function cTestHash(make: (rate: number) => { next(pre: number, post: number, out: Float32Array, offset?: number): void; reset(): void }): number {
	const extreme = [0, -1, INT32_MIN, 1, 2, INT32_MAX, INT32_MAX - 1, 1 << 30];
	const r = rng(0x52521);
	const out = new Float32Array(F);
	const bits = new Uint32Array(out.buffer);
	let hash = 2166136261;
	for (const rate of [1, 360, 10000]) {
		const context = make(rate);
		for (let i = 0; i < 5000; i++) {
			const v = [0, 0].map(() => {
				const x = r.next();
				return x % 4 === 0 ? extreme[(x >>> 2) % 8]! : x % 4 === 1 ? x >>> 1 : 200 + ((x >>> 8) % 300);
			});
			if (r.next() % 64 === 0) context.reset();
			context.next(v[0]!, v[1]!, out, 0);
			for (let k = 0; k < F; k++) hash = Math.imul(hash ^ bits[k]!, 16777619) >>> 0;
		}
	}
	return hash;
}

test("the C unit test's random stream: the reference and the C give the hash native/test/test_rr.c pins (there also on the Cortex-M4)", (t) => {
	const reference = cTestHash((rate) => new ReferenceRrContext(rate));
	t.is(reference.toString(16), C_TEST_HASH.toString(16));
	t.is(cTestHash((rate) => new RrContext(rate)).toString(16), C_TEST_HASH.toString(16));
});

/** A record's beats as the dataset builder takes them (host/data/dataset-record.ts): every beat annotation in order. */
async function beatSamplesOf(dir: string, name: string): Promise<{ rate: number; beats: number[] }> {
	const header = await readHeader(dir, name);
	const annotations = await readAnnotations(join(dir, `${name}.atr`));
	const beats = annotations.filter((a) => isBeatSymbol(a.symbol) || aamiClassOf(a.symbol) !== undefined).map((a) => a.sample);
	return { rate: header.samplingFrequency, beats };
}

/** The reference's features of a record's beats, as rrFeaturesOf feeds the C. */
function referenceFeatures(beats: readonly number[], rate: number): Float32Array {
	const out = new Float32Array(beats.length * F);
	const ref = new ReferenceRrContext(rate);
	for (let i = 0; i < beats.length; i++) {
		const pre = i > 0 ? beats[i]! - beats[i - 1]! : 0;
		const post = i + 1 < beats.length ? beats[i + 1]! - beats[i]! : 0;
		ref.next(pre, post, out, i * F);
	}
	return out;
}

/** Beats of the two feature arrays whose bits differ. */
function differingBeats(a: Float32Array, b: Float32Array): number[] {
	const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
	const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
	const beats = new Set<number>();
	for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) beats.add(Math.floor(i / F));
	return [...beats];
}

test("MIT-BIH record 119 (the fixture), as the dataset builder feeds it: rrFeaturesOf equals the reference bit for bit", async (t) => {
	const { rate, beats } = await beatSamplesOf(FIXTURE, "119");
	t.is(beats.length, 1987);
	const got = rrFeaturesOf(beats, rate);
	t.deepEqual(differingBeats(got, referenceFeatures(beats, rate)), []);
	// and fed with resets every 100 beats, as the app resets after a gap
	const rr = beats.map((s, i) => (i > 0 ? s - beats[i - 1]! : 0));
	t.is(firstDifference(rate, stepsOf(rr, (i) => i % 100 === 99)), undefined);
});

mitdbTest("all 48 MIT-BIH records, as the dataset builder feeds them: rrFeaturesOf equals the reference bit for bit", async (t) => {
	const dir = await mitdbPath();
	const names = [...DS1, ...DS2, ...PACED_RECORDS].sort();
	t.is(names.length, 48);
	let beatsChecked = 0;
	for (const name of names) {
		const { rate, beats } = await beatSamplesOf(dir, name);
		const got = rrFeaturesOf(beats, rate);
		const differ = differingBeats(got, referenceFeatures(beats, rate));
		if (differ.length) t.fail(`record ${name}: ${differ.length} beats differ, the first ${differ[0]}`);
		beatsChecked += beats.length;
	}
	t.true(beatsChecked > 100000, `${beatsChecked} beats`);
});
