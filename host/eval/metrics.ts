// Classification metrics from a confusion matrix and score histograms; both are sums over windows, so the
// record bootstrap (bootstrap.ts) can add records' parts instead of revisiting windows.
//
// Conventions: per class, F1 = 2·TP/(2·TP+FP+FN), sensitivity = TP/(TP+FN), PPV = TP/(TP+FP), each null when
// its denominator is 0. Macro-F1 averages F1 over the classes that occur in the labels or the predictions
// (TP+FP+FN > 0); balanced accuracy averages sensitivity over the classes present in the labels. AUC is the
// Mann–Whitney probability that a window of the class scores above one of the other classes (ties count one
// half), from the margin scores of scores.ts; for more than two classes, the mean over classes of one-vs-rest
// AUC (macro), over the classes with both positives and negatives.
import { SCORE_BINS, SCORE_MIN } from "./scores.ts";

/** counts[truth * classes + predicted]. */
export interface Confusion {
	classes: number;
	counts: Float64Array;
}

/** Per class k, histograms of s_k over the windows of class k (pos) and of the other classes (neg). */
export interface ScoreHistograms {
	classes: number;
	pos: Float64Array; // [class][SCORE_BINS]
	neg: Float64Array;
}

export interface ClassMetrics {
	f1: number | null;
	sensitivity: number | null;
	ppv: number | null;
	support: number;
}

export interface Metrics {
	macro_f1: number | null;
	balanced_accuracy: number | null;
	auc: number | null;
	per_class: ClassMetrics[];
}

export function emptyConfusion(classes: number): Confusion {
	return { classes, counts: new Float64Array(classes * classes) };
}

export function emptyHistograms(classes: number): ScoreHistograms {
	return { classes, pos: new Float64Array(classes * SCORE_BINS), neg: new Float64Array(classes * SCORE_BINS) };
}

export function addWindow(c: Confusion, h: ScoreHistograms, truth: number, predicted: number, scores: ArrayLike<number>, scoreAt: number): void {
	c.counts[truth * c.classes + predicted]++;
	for (let k = 0; k < h.classes; k++) {
		const bin = k * SCORE_BINS + scores[scoreAt + k] - SCORE_MIN;
		if (k === truth) h.pos[bin]++;
		else h.neg[bin]++;
	}
}

/** into += weight · part (all arrays of the same shape). */
export function addScaled(into: Float64Array, part: Float64Array, weight: number): void {
	for (let i = 0; i < into.length; i++) into[i] += weight * part[i];
}

function ratio(num: number, den: number): number | null {
	return den > 0 ? num / den : null;
}

function mean(values: (number | null)[]): number | null {
	const present = values.filter((v): v is number => v !== null);
	return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
}

/** One-vs-rest AUC of class k from its histograms; null without positives or negatives. */
function aucOf(h: ScoreHistograms, k: number): number | null {
	const pos = h.pos.subarray(k * SCORE_BINS, (k + 1) * SCORE_BINS);
	const neg = h.neg.subarray(k * SCORE_BINS, (k + 1) * SCORE_BINS);
	let negBelow = 0;
	let wins = 0;
	let nPos = 0;
	let nNeg = 0;
	for (let b = 0; b < SCORE_BINS; b++) {
		wins += pos[b] * (negBelow + neg[b] / 2);
		negBelow += neg[b];
		nPos += pos[b];
	}
	nNeg = negBelow;
	return nPos > 0 && nNeg > 0 ? wins / (nPos * nNeg) : null;
}

/** AUC of the task: the positive class's for two classes (V-vs-rest: class 1), else the one-vs-rest macro mean. */
export function auc(h: ScoreHistograms): number | null {
	if (h.classes === 2) return aucOf(h, 1);
	return mean(Array.from({ length: h.classes }, (_, k) => aucOf(h, k)));
}

export function metrics(c: Confusion, h: ScoreHistograms): Metrics {
	const n = c.classes;
	const per_class: ClassMetrics[] = [];
	for (let k = 0; k < n; k++) {
		let tp = 0, fn = 0, fp = 0;
		for (let j = 0; j < n; j++) {
			if (j === k) tp = c.counts[k * n + k];
			else {
				fn += c.counts[k * n + j];
				fp += c.counts[j * n + k];
			}
		}
		per_class.push({ f1: ratio(2 * tp, 2 * tp + fp + fn), sensitivity: ratio(tp, tp + fn), ppv: ratio(tp, tp + fp), support: tp + fn });
	}
	return {
		macro_f1: mean(per_class.map((m) => m.f1)),
		balanced_accuracy: mean(per_class.map((m) => m.sensitivity)),
		auc: auc(h),
		per_class,
	};
}
