// Evaluation arithmetic: scores, metrics, t* and the record bootstrap, each against a direct computation.
import test from "ava";
import { pooled, quantile, recordBootstrap, type RecordPart } from "../host/eval/bootstrap.ts";
import { addWindow, auc, emptyConfusion, emptyHistograms, metrics } from "../host/eval/metrics.ts";
import { argmaxClasses, marginScores, thresholdClasses } from "../host/eval/scores.ts";
import { tuneDecider } from "../host/eval/decide.ts";
import { probabilityThreshold, tuneThreshold } from "../host/eval/threshold.ts";
import { Rng } from "../host/pack/rng.ts";

test("margin scores are q_k minus the best other class; argmax ties go to the lower index", (t) => {
	const out = Int8Array.from([3, -5, 127, -128, 7, 7, 0, 1, -2]);
	t.deepEqual(Array.from(marginScores(out.subarray(0, 4), 2)), [8, -8, 255, -255]);
	t.deepEqual(Array.from(marginScores(out.subarray(3, 9), 3)), [-135, 0, 0, -1, 1, -3]);
	t.deepEqual(Array.from(argmaxClasses(out.subarray(3, 9), 3)), [1, 1]);
	t.deepEqual(Array.from(thresholdClasses([-3, 0, 4, 5], 4)), [0, 0, 1, 1]);
	t.throws(() => marginScores(out, 2), { message: /do not split/ });
});

test("per-class F1, sensitivity, PPV, macro-F1 and balanced accuracy from a confusion matrix", (t) => {
	const c = emptyConfusion(3);
	// truth 0: 50 right, 10 as 1; truth 1: 5 as 0, 15 right; truth 2: none, but 4 windows of class 0 predicted 2
	c.counts.set([46, 10, 4, 5, 15, 0, 0, 0, 0]);
	const m = metrics(c, emptyHistograms(3));
	t.is(m.per_class[0].sensitivity, 46 / 60);
	t.is(m.per_class[0].ppv, 46 / 51);
	t.is(m.per_class[1].f1, 30 / (30 + 10 + 5));
	t.is(m.per_class[2].f1, 0, "predicted but absent: F1 0, counted in the macro mean");
	t.is(m.per_class[2].sensitivity, null, "no support: no sensitivity");
	t.is(m.per_class[2].ppv, 0);
	t.is(m.macro_f1, (92 / (92 + 5 + 14) + 30 / 45 + 0) / 3);
	t.is(m.balanced_accuracy, (46 / 60 + 15 / 20) / 2);
	const absent = emptyConfusion(3);
	absent.counts.set([10, 0, 0, 0, 5, 0, 0, 0, 0]);
	t.is(metrics(absent, emptyHistograms(3)).macro_f1, 1, "a class neither present nor predicted is left out");
});

function bruteAuc(scores: number[], positive: boolean[]): number {
	let wins = 0, pairs = 0;
	scores.forEach((s, i) => {
		if (!positive[i]) return;
		scores.forEach((u, j) => {
			if (positive[j]) return;
			pairs++;
			wins += s > u ? 1 : s === u ? 0.5 : 0;
		});
	});
	return wins / pairs;
}

test("AUC from score histograms equals the pairwise Mann-Whitney count, ties as one half", (t) => {
	const rng = new Rng(7);
	for (let trial = 0; trial < 5; trial++) {
		const n = 300;
		const labels = Array.from({ length: n }, () => (rng.bool(0.2) ? 1 : 0));
		const out = new Int8Array(2 * n);
		labels.forEach((l, i) => {
			out[2 * i] = rng.int(-20, 20);
			out[2 * i + 1] = rng.int(-20, 20) + 6 * l; // few distinct values: many ties
		});
		const s = marginScores(out, 2);
		const c = emptyConfusion(2), h = emptyHistograms(2);
		labels.forEach((l, i) => addWindow(c, h, l, 0, s, 2 * i));
		const v = labels.map((_, i) => s[2 * i + 1]);
		t.true(Math.abs((auc(h) as number) - bruteAuc(v, labels.map((l) => l === 1))) < 1e-12);
	}
	const none = emptyHistograms(2);
	t.is(auc(none), null);
});

test("aami5 AUC is the mean one-vs-rest AUC over classes with positives and negatives", (t) => {
	const rng = new Rng(11);
	const n = 200, k = 5;
	const labels = Array.from({ length: n }, () => rng.int(0, 3)); // class 4 absent
	const out = new Int8Array(k * n);
	labels.forEach((l, i) => {
		for (let j = 0; j < k; j++) out[k * i + j] = rng.int(-30, 30) + (j === l ? 15 : 0);
	});
	const s = marginScores(out, k);
	const c = emptyConfusion(k), h = emptyHistograms(k);
	labels.forEach((l, i) => addWindow(c, h, l, 0, s, k * i));
	const perClass = [0, 1, 2, 3].map((j) => bruteAuc(labels.map((_, i) => s[k * i + j]), labels.map((l) => l === j)));
	t.true(Math.abs((auc(h) as number) - perClass.reduce((a, b) => a + b) / 4) < 1e-12);
});

function macroF1At(v: number[], isV: number[], th: number): number {
	let tp = 0, fp = 0, fn = 0, tn = 0;
	v.forEach((s, i) => {
		const p = s >= th;
		if (p && isV[i]) tp++;
		else if (p) fp++;
		else if (isV[i]) fn++;
		else tn++;
	});
	const f = (a: number, b: number, c: number) => (2 * a + b + c ? (2 * a) / (2 * a + b + c) : 0);
	return (f(tp, fp, fn) + f(tn, fn, fp)) / 2;
}

test("t* maximises validation macro-F1 over every integer threshold, middle of a plateau", (t) => {
	const rng = new Rng(3);
	for (let trial = 0; trial < 10; trial++) {
		const n = 400;
		const isV = Array.from({ length: n }, () => (rng.bool(0.1) ? 1 : 0));
		const v = isV.map((y) => Math.max(-255, Math.min(255, rng.int(-60, 40) + y * rng.int(0, 80))));
		const { t_star, macro_f1 } = tuneThreshold(v, isV);
		let best = -1;
		for (let th = -255; th <= 256; th++) best = Math.max(best, macroF1At(v, isV, th));
		t.is(macro_f1, best);
		t.is(macroF1At(v, isV, t_star), best);
	}
	// Separable: every threshold in 1..10 is perfect; the middle one is taken.
	const sep = tuneThreshold([-5, 0, 0, 10, 12], [0, 0, 0, 1, 1]);
	t.deepEqual(sep, { t_star: 5, macro_f1: 1 });
	t.throws(() => tuneThreshold([], []), { message: /non-zero length/ });
});

function part(record: number, tp: number, fn: number, fp: number, tn: number): RecordPart {
	const confusion = emptyConfusion(2);
	confusion.counts.set([tn, fp, fn, tp]);
	const histograms = emptyHistograms(2);
	histograms.pos[255 + 10] = tp; // positives called V score 10, missed ones −10
	histograms.pos[255 - 10] = fn;
	histograms.neg[255 + 10] = fp;
	histograms.neg[255 - 10] = tn;
	return { record, confusion, histograms };
}

test("the record bootstrap is seeded, resamples whole records, and brackets the pooled estimate", (t) => {
	const parts = [part(100, 40, 2, 3, 500), part(101, 0, 30, 1, 400), part(102, 20, 1, 0, 300), part(103, 5, 5, 10, 800), part(104, 60, 0, 2, 900)];
	const a = recordBootstrap(parts, 1000, 42);
	t.deepEqual(recordBootstrap(parts, 1000, 42), a, "same seed, same intervals");
	t.notDeepEqual(recordBootstrap(parts, 1000, 43), a, "another seed, other draws");
	const point = pooled(parts, parts.map(() => 1)).macro_f1 as number;
	const ci = a.macro_f1 as [number, number];
	t.true(ci[0] < point && point < ci[1], `${ci} around ${point}`);
	// Whole records: no resample can be worse than pooling record 101 (every V missed) alone, nor better than 104.
	t.true(ci[0] >= (pooled(parts, [0, 1, 0, 0, 0]).macro_f1 as number));
	t.true(ci[1] <= (pooled(parts, [0, 0, 0, 0, 1]).macro_f1 as number));
	// Identical records: every resample is the same pool, the interval has no width.
	const same = recordBootstrap([part(1, 10, 2, 3, 50), part(2, 10, 2, 3, 50), part(3, 10, 2, 3, 50)], 200, 1);
	const w = same.macro_f1 as [number, number];
	t.true(Math.abs(w[1] - w[0]) < 1e-12);
	t.throws(() => recordBootstrap([], 10, 1), { message: /at least one record/ });
});

test("a metric defined in no resample has no interval; otherwise the defined resamples give it", (t) => {
	const noV = [part(1, 0, 0, 0, 100), part(2, 0, 0, 3, 100)];
	const ci = recordBootstrap(noV, 200, 5);
	t.is(ci.per_class[1].sensitivity, null, "no V beat in any record");
	t.not(ci.per_class[0].sensitivity, null);
	const oneV = recordBootstrap([part(1, 10, 2, 0, 100), part(2, 0, 0, 0, 100)], 200, 5);
	t.deepEqual(oneV.per_class[1].sensitivity, [10 / 12, 10 / 12], "only resamples holding record 1 define V sensitivity");
});

test("quantiles interpolate between order statistics", (t) => {
	t.is(quantile([1, 2, 3, 4, 5], 0.5), 3);
	t.is(quantile([1, 2, 3, 4], 0.25), 1.75);
	t.is(quantile([7], 0.975), 7);
});

test("META.t_star (a P(V) threshold, what the device applies) decides exactly like the integer t* on s_V", (t) => {
	// The device's P(V): softmax of the dequantized int8 logits (modules/app/classifier.ts).
	const pV = (qRest: number, qV: number, scale: number, zero: number) => {
		const a = (qRest - zero) * scale, b = (qV - zero) * scale, m = Math.max(a, b);
		const ea = Math.exp(a - m), eb = Math.exp(b - m);
		return eb / (ea + eb);
	};
	for (const scale of [0.0123, 0.05, 0.0937, 0.13]) {
		for (const tStar of [-255, -40, -16, -1, 0, 1, 7, 100, 255, 256]) {
			const p = probabilityThreshold(tStar, scale);
			let mismatches = 0;
			for (let qRest = -128; qRest <= 127; qRest += 3) for (let qV = -128; qV <= 127; qV++) {
				if ((pV(qRest, qV, scale, -5) >= p) !== (qV - qRest >= tStar)) mismatches++;
			}
			t.is(mismatches, 0, `scale ${scale}, t* ${tStar}`);
		}
	}
	t.throws(() => probabilityThreshold(0.5, 0.1), { message: /integer/ });
	// Where P(V) would round to 0 or 1 in doubles the two forms part: refused, not silently wrong.
	t.throws(() => probabilityThreshold(255, 0.25), { message: /cannot be told apart/ });
});

test("tuneDecider: the trainer's t* and classes are eval's (tuneThreshold, thresholdClasses); argmax for more classes", (t) => {
	const outputs = Int8Array.from([10, -20, 0, 5, -3, 30, 40, 41, 7, 7, -100, 90]);
	const labels = [0, 1, 1, 0, 0, 1];
	const d = tuneDecider(outputs, labels, 2);
	const v = Array.from({ length: 6 }, (_, i) => outputs[2 * i + 1] - outputs[2 * i]);
	const tuned = tuneThreshold(v, labels);
	t.deepEqual({ t_star: d.t_star, validation_macro_f1: d.validation_macro_f1 }, { t_star: tuned.t_star, validation_macro_f1: tuned.macro_f1 });
	t.deepEqual(d.decide(outputs), thresholdClasses(v, d.t_star as number));
	const three = tuneDecider(Int8Array.from([1, 2, 3, 9, 0, 0]), [2, 0], 3);
	t.is(three.t_star, null);
	t.deepEqual(Array.from(three.decide(Int8Array.from([1, 2, 3, 9, 0, 0]))), [2, 0]);
	t.throws(() => tuneDecider(outputs, [0, 1], 2), { message: /12 outputs for 2 windows/ });
});
