// The spread term's decision on the host (host/rhythm/apnea-eval.ts): the weight a logistic fit gives it, the clamped
// decision score, and the out-of-fold decisions, each fold's weight and threshold from the other folds only.
import test from "ava";
import { spreadDecisions, spreadScores, spreadWeight } from "../host/rhythm/apnea-eval.ts";
import type { OutOfFold } from "../host/eval/cv.ts";
import { rng } from "./xorshift.ts";

/** n minutes: S uniform in ±80, F uniform in ±512, the label a noisy S + wTrue F / 256 ≥ 0. */
function minutes(n: number, wTrue: number, seed: number) {
	const r = rng(seed);
	const scores = new Int16Array(n), spread = new Int16Array(n), labels = new Uint8Array(n);
	for (let i = 0; i < n; i++) {
		scores[i] = r.int(161) - 80;
		spread[i] = r.int(1025) - 512;
		labels[i] = scores[i]! + (wTrue * spread[i]!) / 256 + (r.int(41) - 20) >= 0 ? 1 : 0;
	}
	return { scores, spread, labels };
}

test("spreadWeight recovers the weight the labels were made with, and gives an uninformative term little", (t) => {
	const all = (n: number) => Array.from({ length: n }, (_, i) => i);
	const m = minutes(4000, 40, 7);
	const w = spreadWeight(m.scores, m.spread, m.labels, all(4000));
	t.true(Math.abs(w - 40) <= 6, String(w));
	const none = minutes(4000, 0, 8);
	t.true(Math.abs(spreadWeight(none.scores, none.spread, none.labels, all(4000))) <= 4);
	// Labels that S does not predict at all: no positive weight on S, so no term.
	const flat = { scores: new Int16Array(200), spread: none.spread.subarray(0, 200), labels: none.labels.subarray(0, 200) };
	t.is(spreadWeight(flat.scores, flat.spread, flat.labels, all(200)), 0);
});

test("spreadScores floors w F / 256 and clamps to the score range", (t) => {
	t.deepEqual(Array.from(spreadScores([10, 10, 250, -250], [255, -1, 4096, -4096], 1)), [10, 9, 255, -255]);
	t.deepEqual(Array.from(spreadScores([0], [100], 0)), [0]);
});

test("spreadDecisions: each fold decided by the other folds' weight and threshold, beating S alone where the term informs", (t) => {
	const n = 5000;
	const m = minutes(n, 48, 11);
	const fold = Uint8Array.from({ length: n }, (_, i) => 1 + (i % 5));
	const oof = { seed: 1, fold, outputs: new Int8Array(2 * n) } as unknown as OutOfFold;
	const d = spreadDecisions(oof, m.labels, m.scores, m.spread);
	t.is(d.weights.length, 5);
	for (const w of d.weights) t.true(Math.abs(w - 48) <= 8, String(w));
	const acc = (c: ArrayLike<number>) => Array.from(c).filter((x, i) => x === m.labels[i]).length / n;
	const alone = Uint8Array.from(m.scores, (s) => (s >= 0 ? 1 : 0));
	t.true(acc(d.classes) > acc(alone) + 0.05, `${acc(d.classes)} against ${acc(alone)}`);
	// A minute's decision does not depend on its own fold's labels: flipping fold 3's leaves fold 3's classes as they
	// were, while the other folds, which now learn from the flipped minutes, move.
	const flipped = m.labels.map((y, i) => (fold[i] === 3 ? 1 - y : y));
	const e = spreadDecisions(oof, flipped, m.scores, m.spread);
	t.true(Array.from(fold).every((f, i) => f !== 3 || e.classes[i] === d.classes[i]));
	t.true(Array.from(fold).some((f, i) => f !== 3 && e.classes[i] !== d.classes[i]));
});
