// The app's rhythm rule for beat classes (modules/rhythm/beat-in-af.ts) and its evaluation twin
// (host/eval/af-context.ts): while the AF detector reports AF, S is reported N, and V whose QRS matches the dominant
// beat (tpl_corr ≥ AF_V_TEMPLATE_MATCH) too; nothing changes outside AF.
import test from "ava";
import { AF_V_TEMPLATE_MATCH, classDuringAf } from "../modules/rhythm/beat-in-af.ts";
import { beatOrderOf, decideWithRhythm, type BeatOrder } from "../host/eval/af-context.ts";
import type { DatasetIndex } from "../host/data/dataset-format.ts";
import { RR_FEATURE_COUNT, RR_FEATURE_NAMES, RrContext } from "../modules/ecg/rr-features.ts";
import { Xorshift32 } from "../modules/runtime/xorshift32.ts";

const NSVF = ["N", "S", "V", "F"];

test("classDuringAf: S becomes N; V with a QRS like the dominant beat's becomes N; N, F and other V stay; a model without N keeps its calls", (t) => {
	const below = Math.fround(AF_V_TEMPLATE_MATCH) < AF_V_TEMPLATE_MATCH ? Math.fround(AF_V_TEMPLATE_MATCH) : AF_V_TEMPLATE_MATCH - 1e-6;
	t.true(AF_V_TEMPLATE_MATCH > 0 && AF_V_TEMPLATE_MATCH < 1);
	for (const match of [NaN, -1, 0, below])
		t.deepEqual([0, 1, 2, 3].map((c) => classDuringAf(NSVF, c, match)), [0, 0, 2, 3], `tpl_corr ${match}`);
	for (const match of [AF_V_TEMPLATE_MATCH, (AF_V_TEMPLATE_MATCH + 1) / 2, 1])
		t.deepEqual([0, 1, 2, 3].map((c) => classDuringAf(NSVF, c, match)), [0, 0, 0, 3], `tpl_corr ${match}`);
	t.is(classDuringAf(["rest", "V"], 1, 1), 1);
	t.is(classDuringAf(["S", "V"], 0, 1), 0);
	t.is(classDuringAf(["S", "V"], 1, 1), 1);
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
		templateMatch: new Float32Array(n).fill(1),
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
	const order: BeatOrder = { sampleRate: 360, records: [Array.from({ length: n }, (_, i) => i)], sample, rrPrevious: Int32Array.from(rr), rrNext: Int32Array.from(rr.map((_, i) => rr[i + 1] ?? 0)), templateMatch: new Float32Array(n).fill(1) };
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

test("beatOrderOf reads back the RR intervals the C RR context encoded in rr_pre_s / rr_post_s and each beat's tpl_corr, and orders each record's beats in time", (t) => {
	const rate = 360;
	const rr = [250, 288, 301, 120, 700, 1000, 288, 389];
	const match = [1, 0.5, -0.25, 0.875, 0.8125, 0.96875, 0, 0.75];
	const stride = RR_FEATURE_COUNT + 1;
	const context = new RrContext(rate);
	const features = new Float32Array(rr.length * stride);
	rr.forEach((r, i) => {
		context.next(r, rr[i + 1] ?? 288, features, i * stride);
		features[i * stride + RR_FEATURE_COUNT] = match[i]!;
	});
	// two records, their windows interleaved and out of time order in the arrays
	const record = Uint16Array.from(rr, (_, i) => (i % 2 === 0 ? 100 : 101));
	const sample = Uint32Array.from(rr, (_, i) => 10000 - i);
	const index = { sampleRate: rate, features: [...RR_FEATURE_NAMES, "tpl_corr"] } as unknown as DatasetIndex;
	const order = beatOrderOf(index, features, record, sample, 0, rr.length);
	t.deepEqual([...order.rrPrevious], rr);
	t.deepEqual([...order.rrNext], rr.map((_, i) => rr[i + 1] ?? 288));
	t.deepEqual([...order.templateMatch], match);
	t.deepEqual(order.records, [[6, 4, 2, 0], [7, 5, 3, 1]]);
	const noMatch = { sampleRate: rate, features: [...RR_FEATURE_NAMES] } as unknown as DatasetIndex;
	t.throws(() => beatOrderOf(noMatch, features, record, sample, 0, rr.length), { message: /lack tpl_corr/ });
});

test("decideWithRhythm: in AF a V call whose QRS matches the dominant beat is reported N, one that does not stays V; outside AF both stay V", (t) => {
	const { order, outputs, decided } = record(200, 400);
	const n = decided.length;
	const timeOrder = order.records[0]!;
	// every 7th beat in time called V, alternately with a QRS like the dominant one and unlike it
	timeOrder.forEach((w, i) => {
		if (i % 7 !== 3) return;
		decided[w] = 2;
		outputs.set([-60, -60, 60, -60], w * 4);
		order.templateMatch[w] = i % 14 === 3 ? Math.fround(AF_V_TEMPLATE_MATCH + 0.05) : Math.fround(AF_V_TEMPLATE_MATCH - 0.3);
	});
	const { classes, inAf } = decideWithRhythm(order, outputs, NSVF, decided, () => ({ scale: 0.05, zero_point: 0 }));
	const first = timeOrder.map((w) => inAf[w]).indexOf(1);
	t.true(first > 200 && first < n, `AF from beat ${first}`);
	let matchedInAf = 0;
	let unlikeInAf = 0;
	timeOrder.forEach((w, i) => {
		if (decided[w] !== 2) return;
		const matches = order.templateMatch[w]! >= AF_V_TEMPLATE_MATCH;
		if (!inAf[w]) t.is(classes[w], 2, `V at beat ${i}, before AF`);
		else if (matches) {
			t.is(classes[w], 0, `V like the dominant beat at beat ${i}, in AF`);
			matchedInAf++;
		} else {
			t.is(classes[w], 2, `V unlike the dominant beat at beat ${i}, in AF`);
			unlikeInAf++;
		}
	});
	t.true(matchedInAf > 20 && unlikeInAf > 20, `${matchedInAf} / ${unlikeInAf} V calls in AF`);
	t.true(timeOrder.slice(0, first).some((w) => decided[w] === 2 && order.templateMatch[w]! >= AF_V_TEMPLATE_MATCH), "a matching V before AF, kept V");
});
