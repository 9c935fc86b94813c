// DS1 cross-validation arithmetic (host/eval/cv.ts, decision-bias.ts) on small made-up outputs: pooling folds,
// nested decision biases, AAMI conventions and false alarms per hour.
import test from "ava";
import { biasedClasses, tuneBiases } from "../host/eval/decision-bias.ts";
import { beatFigures, classFigures, crossValidatedDecisions, decisionPolicy, meanSd, poolFolds, seedResult, targetScore, vVsRestMacroF1, type WindowInfo } from "../host/eval/cv.ts";

test("biasedClasses is the argmax of logit + bias, ties to the lower class", (t) => {
	const out = Int8Array.from([10, 9, 0, 0, /**/ 5, 5, 5, 5, /**/ -128, 127, -128, -128]);
	t.deepEqual(Array.from(biasedClasses(out, 4, [0, 0, 0, 0])), [0, 0, 1]);
	t.deepEqual(Array.from(biasedClasses(out, 4, [0, 2, 0, 0])), [1, 1, 1]);
	t.deepEqual(Array.from(biasedClasses(out, 4, [0, 0, 0, 1])), [0, 3, 1]);
	t.throws(() => biasedClasses(out, 4, [0, 0]), { message: /2 decision biases for 4 classes/ });
});

test("tuneBiases finds the shift that separates a rare class whose logits sit just below N's", (t) => {
	// S beats have q_S = q_N − 6, N beats q_S = q_N − 20: argmax calls every S beat N; a bias of 7..20 on S fixes it.
	const labels: number[] = [];
	const out: number[] = [];
	for (let i = 0; i < 200; i++) {
		const isS = i % 20 === 0;
		labels.push(isS ? 1 : 0);
		out.push(40, isS ? 34 : 20, -50, -50);
	}
	const outputs = Int8Array.from(out);
	t.deepEqual(Array.from(biasedClasses(outputs, 4, [0, 0, 0, 0])).filter((c) => c === 1).length, 0);
	const b = tuneBiases(outputs, 4, (d) => targetScore(labels, d));
	t.true(b[1]! >= 7 && b[1]! <= 20, `S bias ${b}`);
	t.is(b[0], 0);
	const called = biasedClasses(outputs, 4, b);
	t.deepEqual(Array.from(called), labels);
});

test("classFigures: Q is not scored, F called V is no VEB false positive, S called V is", (t) => {
	const labels = [2, 2, 3, 1, 4, 0];
	const called = [2, 0, 2, 2, 2, 0];
	const v = classFigures(labels, called, 2);
	t.deepEqual({ tp: v.tp, fp: v.fp, fn: v.fn }, { tp: 1, fp: 1, fn: 1 });
	t.is(v.f1, 0.5);
	const s = classFigures(labels, called, 1);
	t.deepEqual({ tp: s.tp, fn: s.fn, sensitivity: s.sensitivity, ppv: s.ppv }, { tp: 0, fn: 1, sensitivity: 0, ppv: null });
});

test("poolFolds puts every window back in dataset order and refuses gaps and repeats", (t) => {
	const part = (fold: number, index: number[]) => ({ fold, index: Uint32Array.from(index), outputs: Int8Array.from(index.flatMap((i) => [i, -i])), outputs2: null });
	const oof = poolFolds(1, 2, [part(2, [1, 3]), part(1, [0, 2])], 4);
	t.deepEqual(Array.from(oof.index), [0, 1, 2, 3]);
	t.deepEqual(Array.from(oof.fold), [1, 2, 1, 2]);
	t.deepEqual(Array.from(oof.outputs), [0, 0, 1, -1, 2, -2, 3, -3]);
	t.throws(() => poolFolds(1, 2, [part(1, [0, 1])], 3), { message: /hold out 2 windows, DS1 has 3/ });
	t.throws(() => poolFolds(1, 2, [part(1, [0, 1]), part(2, [1])], 3), { message: /window 1 is held out twice/ });
});

test("nested biases: a fold's decisions come from biases fitted on the other folds only", (t) => {
	// Fold 1's S beats need a bias of ≥ 7; fold 2 has no S beats and would want none. Fold 2's own windows never
	// move the bias applied to fold 2, which is fitted on fold 1.
	const labels: number[] = [];
	const out: number[] = [];
	const fold: number[] = [];
	for (let i = 0; i < 400; i++) {
		const f = i < 200 ? 1 : 2;
		const isS = f === 1 && i % 10 === 0;
		labels.push(isS ? 1 : 0);
		out.push(40, isS ? 34 : f === 1 ? 20 : 30, -50, -50);
		fold.push(f);
	}
	const oof = { seed: 1, classes: 4, index: Uint32Array.from(labels.keys()), fold: Uint8Array.from(fold), outputs: Int8Array.from(out), outputs2: null };
	const d = crossValidatedDecisions(oof, Uint8Array.from(labels));
	t.true(d.perFold[2]![1]! >= 7, `fold 2 gets fold 1's S bias: ${d.perFold[2]}`);
	t.is(d.perFold[1]![1], 0, "fold 1's bias is fitted on fold 2, which has no S beats");
	// Applied to fold 2 (q_S = q_N − 10), a bias ≥ 10 turns N beats into S: the cost shows in fold 2's figures.
	const wrong = Array.from(d.classes.subarray(200)).filter((c) => c !== 0).length;
	t.is(wrong, d.perFold[2]![1]! >= 10 ? 200 : 0);
});

test("bias policy zero is plain argmax; a recipe keeps the policy with the better mean of SVEB and VEB F1", (t) => {
	const labels = [0, 1, 2, 0];
	const out = [40, 34, -50, -50, 40, 38, -50, -50, 10, -20, 30, -50, 40, 10, -50, 45];
	const oof = { seed: 1, classes: 4, index: Uint32Array.from(labels.keys()), fold: Uint8Array.from([1, 1, 2, 2]), outputs: Int8Array.from(out), outputs2: null };
	const zero = crossValidatedDecisions(oof, Uint8Array.from(labels), oof.outputs, "zero");
	t.deepEqual(zero.all, [0, 0, 0, 0]);
	t.deepEqual([...zero.classes], [0, 0, 2, 3]);
	const info: WindowInfo = { labels: Uint8Array.from(labels), rhythm: labels.map(() => "N"), record: Uint16Array.from([1, 1, 2, 2]), rhythmHours: { N: 1 } };
	const plain = seedResult(oof, info, ["N", "S", "V", "F"], "zero");
	t.is(plain.lead1.selection, (0 + 1) / 2, "SVEB F1 0 (the S beat called N), VEB F1 1");
	t.is(decisionPolicy({ tuned: [0.5, 0.25], zero: [0.4375, 0.4375] }), "zero");
	t.is(decisionPolicy({ tuned: [0.5, 0.375], zero: [0.4375, 0.4375] }), "tuned", "ties go to tuned");
});

test("false V per hour counts non-ventricular beats called V per hour of each rhythm", (t) => {
	const info: WindowInfo = {
		labels: Uint8Array.from([0, 0, 1, 2, 3, 0]),
		rhythm: ["N", "AFIB", "AFIB", "AFIB", "N", "AFL"],
		record: Uint16Array.from([1, 1, 1, 1, 1, 1]),
		rhythmHours: { N: 1.5, AFIB: 0.25, AFL: 0.25 },
	};
	const f = beatFigures(info, Uint8Array.from([2, 2, 2, 2, 2, 0]), ["N", "S", "V", "F"]);
	t.is(f.false_v_per_hour.by_rhythm["AFIB"]!.count, 2, "an N and an S beat in AF called V");
	t.is(f.false_v_per_hour.af, 2 / 0.5);
	t.is(f.false_v_per_hour.all, 3 / 2);
	t.is(f.false_v_per_hour.outside_af, 1 / 1.5);
});

test("the V-vs-rest view scores F beats called V as false V, unlike VEB's AAMI convention, and leaves Q out", (t) => {
	// labels N V F Q; called V V V N: V-vs-rest has tp 1, fp 2 (N and F), tn 0 of the scored three.
	t.is(vVsRestMacroF1([0, 2, 3, 4], [2, 2, 2, 0]), (2 / 4 + 0) / 2);
	t.is(vVsRestMacroF1([0, 2, 0], [0, 2, 0]), 1);
});

test("meanSd is the sample standard deviation over defined values", (t) => {
	t.deepEqual(meanSd([1, 3, null]), { mean: 2, sd: Math.SQRT2, n: 2 });
	t.is(meanSd([null]), null);
});

test("seedResult with the beats' order scores the classes the app reports (S in AF reported N) and keeps the plain figures beside", (t) => {
	// One record: 40 regular beats, then 200 irregular ones; every beat's logits call S, its label is N.
	const n = 240;
	const rr: number[] = [];
	let x = 12345;
	for (let i = 0; i < n; i++) rr.push(i < 40 ? 288 : 126 + ((x = (x * 1103515245 + 12345) >>> 0) >>> 8) % 271);
	const sample = new Uint32Array(n);
	let at = 0;
	rr.forEach((r, i) => (sample[i] = at += r));
	const order = { sampleRate: 360, records: [Array.from({ length: n }, (_, i) => i)], sample, rrPrevious: Int32Array.from(rr), rrNext: Int32Array.from(rr.map((_, i) => rr[i + 1] ?? 0)), templateMatch: new Float32Array(n) };
	const out: number[] = [];
	for (let i = 0; i < n; i++) out.push(10, 40, -60, -60);
	const oof = { seed: 1, classes: 4, index: Uint32Array.from(rr.keys()), fold: new Uint8Array(n).fill(1), outputs: Int8Array.from(out), outputs2: null, quant: { 1: { scale: 0.05, zero_point: 0 } } };
	const labels = new Uint8Array(n);
	labels[0] = 1; // one true S, in sinus rhythm, so SVEB F1 is defined
	const info: WindowInfo = { labels, rhythm: rr.map(() => "N"), record: new Uint16Array(n).fill(100), rhythmHours: { N: 1 } };
	const plain = seedResult(oof, info, ["N", "S", "V", "F"], "zero");
	t.false(plain.rhythm_rule);
	t.is(plain.without_rhythm_rule, null);
	const ruled = seedResult(oof, info, ["N", "S", "V", "F"], "zero", undefined, order);
	t.true(ruled.rhythm_rule);
	t.is(ruled.without_rhythm_rule!.S_f1, plain.lead1.per_class["S"]!.f1);
	const fpPlain = plain.lead1.per_class["S"]!.fp;
	const fpRuled = ruled.lead1.per_class["S"]!.fp;
	t.true(fpRuled < fpPlain - 100, `S false positives ${fpPlain} -> ${fpRuled}: the irregular stretch is AF, its S calls N`);
	t.true(ruled.lead1.per_class["S"]!.f1! > plain.lead1.per_class["S"]!.f1!);
	const noQuant = seedResult({ ...oof, quant: null }, info, ["N", "S", "V", "F"], "zero", undefined, order);
	t.false(noQuant.rhythm_rule, "without the fold models' output quantization the rule cannot be replayed, and is not");
});
