// The app's rhythm rule for beat classes (modules/rhythm/beat-in-af.ts) and its evaluation twin
// (host/eval/af-context.ts): while the AF detector reports AF, S is reported N; nothing changes outside AF.
import test from "ava";
import { classDuringAf } from "../modules/rhythm/beat-in-af.ts";
import { beatOrderOf, decideWithRhythm, type BeatOrder } from "../host/eval/af-context.ts";
import type { DatasetIndex } from "../host/data/dataset-format.ts";
import { RR_FEATURE_COUNT, RR_FEATURE_NAMES, RrContext } from "../modules/ecg/rr-features.ts";
import { Xorshift32 } from "../modules/runtime/xorshift32.ts";

const NSVF = ["N", "S", "V", "F"];

test("classDuringAf: S becomes N; N, V and F stay; a model without N keeps its S", (t) => {
	t.deepEqual([0, 1, 2, 3].map((c) => classDuringAf(NSVF, c)), [0, 0, 2, 3]);
	t.is(classDuringAf(["rest", "V"], 1), 1);
	t.is(classDuringAf(["S", "V"], 0), 0);
});

/** One record: `regular` beats at 0.8 s, then `irregular` beats drawn from 0.35..1.1 s; every beat's logits call S. */
function record(regular: number, irregular: number): { order: BeatOrder; outputs: Int8Array; decided: Uint8Array } {
	const rng = new Xorshift32(7);
	const rr = [...Array.from({ length: regular }, () => 288), ...Array.from({ length: irregular }, () => 126 + (rng.next() % 271))];
	const n = rr.length;
	const sample = new Uint32Array(n);
	let at = 0;
	rr.forEach((r, i) => (sample[i] = at += r));
	const order: BeatOrder = {
		sampleRate: 360,
		// time order given by the list, not by the arrays' order: the arrays are reversed here
		records: [Array.from({ length: n }, (_, i) => n - 1 - i)],
		sample: sample.slice().reverse(),
		rrPrevious: Int32Array.from(rr).reverse(),
		rrNext: Int32Array.from(rr.map((_, i) => rr[i + 1] ?? 0)).reverse(),
	};
	const outputs = new Int8Array(n * 4);
	for (let w = 0; w < n; w++) outputs.set([10, 40, -60, -60], w * 4);
	return { order, outputs, decided: new Uint8Array(n).fill(1) };
}

test("decideWithRhythm: S calls stay S in sinus rhythm and become N once the detector reports AF, beats in time order", (t) => {
	const { order, outputs, decided } = record(200, 400);
	const { classes, inAf } = decideWithRhythm(order, outputs, NSVF, decided, () => ({ scale: 0.05, zero_point: 0 }));
	const timeOrder = order.records[0]!;
	const states = timeOrder.map((w) => inAf[w]);
	const first = states.indexOf(1);
	t.true(first > 200, `AF reported from beat ${first}, after the regular stretch`);
	t.true(first < 200 + 120, `AF reported by beat ${first}`);
	t.true(states.slice(first).every((s) => s === 1), "AF holds to the end of the irregular stretch");
	timeOrder.forEach((w, i) => t.is(classes[w], i < first ? 1 : 0, `beat ${i}`));
	t.deepEqual(decided, new Uint8Array(decided.length).fill(1), "the decisions given are not modified");
});

test("decideWithRhythm: trigeminy is not AF, so its S calls stay S and its V calls V", (t) => {
	const n = 900;
	const rr = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 160 : i % 3 === 1 ? 416 : 288)); // V early, pause, sinus
	const sample = new Uint32Array(n);
	let at = 0;
	rr.forEach((r, i) => (sample[i] = at += r));
	const order: BeatOrder = { sampleRate: 360, records: [Array.from({ length: n }, (_, i) => i)], sample, rrPrevious: Int32Array.from(rr), rrNext: Int32Array.from(rr.map((_, i) => rr[i + 1] ?? 0)) };
	const outputs = new Int8Array(n * 4);
	const decided = new Uint8Array(n);
	for (let w = 0; w < n; w++) {
		const v = w % 3 === 0;
		outputs.set(v ? [-60, -60, 60, -60] : [40, 20, -60, -60], w * 4);
		decided[w] = v ? 2 : 1; // the others called S: AF would show as S turned N
	}
	for (const scale of [0.05, 0.001]) {
		// V at probability ~1 (ectopic for the detector) or ~0.25 (its RR counts; the prematurity rule takes the beat out)
		const { classes, inAf } = decideWithRhythm(order, outputs, NSVF, decided, () => ({ scale, zero_point: 0 }));
		t.is(inAf.indexOf(1), -1, `output scale ${scale}`);
		t.deepEqual(classes, decided);
	}
});

test("beatOrderOf reads back the RR intervals the C RR context encoded in rr_pre_s / rr_post_s, and orders each record's beats in time", (t) => {
	const rate = 360;
	const rr = [250, 288, 301, 120, 700, 1000, 288, 389];
	const context = new RrContext(rate);
	const features = new Float32Array(rr.length * RR_FEATURE_COUNT);
	rr.forEach((r, i) => context.next(r, rr[i + 1] ?? 288, features, i * RR_FEATURE_COUNT));
	// two records, their windows interleaved and out of time order in the arrays
	const record = Uint16Array.from(rr, (_, i) => (i % 2 === 0 ? 100 : 101));
	const sample = Uint32Array.from(rr, (_, i) => 10000 - i);
	const index = { sampleRate: rate, features: [...RR_FEATURE_NAMES] } as unknown as DatasetIndex;
	const order = beatOrderOf(index, features, record, sample, 0, rr.length);
	t.deepEqual([...order.rrPrevious], rr);
	t.deepEqual([...order.rrNext], rr.map((_, i) => rr[i + 1] ?? 288));
	t.deepEqual(order.records, [[6, 4, 2, 0], [7, 5, 3, 1]]);
});
