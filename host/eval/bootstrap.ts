// Cluster bootstrap over records (ARCHITECTURE §8): each resample draws as many records as the split has, with
// replacement, and pools their windows; the decisions (t* included) stay frozen. Seeded, so reruns give the
// same intervals. Each record's confusion matrix and score histograms are computed once and added with the
// resample's multiplicities.
import { Rng } from "../pack/rng.ts";
import { addScaled, emptyConfusion, emptyHistograms, metrics, type Confusion, type Metrics, type ScoreHistograms } from "./metrics.ts";

export const BOOTSTRAP_RESAMPLES = 2000;
export const BOOTSTRAP_SEED = 20260325;

export interface RecordPart {
	record: number;
	confusion: Confusion;
	histograms: ScoreHistograms;
}

/** Lower and upper bounds over the resamples where the metric is defined (null: defined in none). */
export type Interval = [number, number] | null;

export interface MetricIntervals {
	macro_f1: Interval;
	balanced_accuracy: Interval;
	auc: Interval;
	per_class: { f1: Interval; sensitivity: Interval; ppv: Interval }[];
}

/** Percentile with linear interpolation between order statistics (R's type 7). */
export function quantile(sorted: number[], p: number): number {
	const h = (sorted.length - 1) * p;
	const lo = Math.floor(h);
	const hi = Math.min(lo + 1, sorted.length - 1);
	return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function interval(draws: (number | null)[], level: number): Interval {
	const defined = draws.filter((d): d is number => d !== null).sort((a, b) => a - b);
	if (defined.length === 0) return null;
	const tail = (1 - level) / 2;
	return [quantile(defined, tail), quantile(defined, 1 - tail)];
}

export function pooled(parts: RecordPart[], weights: number[]): Metrics {
	const classes = parts[0].confusion.classes;
	const c = emptyConfusion(classes);
	const h = emptyHistograms(classes);
	parts.forEach((p, i) => {
		if (weights[i] === 0) return;
		addScaled(c.counts, p.confusion.counts, weights[i]);
		addScaled(h.pos, p.histograms.pos, weights[i]);
		addScaled(h.neg, p.histograms.neg, weights[i]);
	});
	return metrics(c, h);
}

/**
 * Each resample's multiplicity per record: `records` draws with replacement. The array is reused between yields;
 * every caller with the same seed sees the same resamples.
 */
export function* resampleWeights(records: number, resamples = BOOTSTRAP_RESAMPLES, seed = BOOTSTRAP_SEED): Generator<number[]> {
	const rng = new Rng(seed);
	const weights = new Array<number>(records);
	for (let r = 0; r < resamples; r++) {
		weights.fill(0);
		for (let i = 0; i < records; i++) weights[rng.int(0, records - 1)]++;
		yield weights;
	}
}

export function recordBootstrap(parts: RecordPart[], resamples = BOOTSTRAP_RESAMPLES, seed = BOOTSTRAP_SEED, level = 0.95): MetricIntervals {
	if (parts.length === 0) throw new Error("the bootstrap needs at least one record");
	const draws: Metrics[] = [];
	for (const weights of resampleWeights(parts.length, resamples, seed)) draws.push(pooled(parts, weights));
	const classes = parts[0].confusion.classes;
	return {
		macro_f1: interval(draws.map((d) => d.macro_f1), level),
		balanced_accuracy: interval(draws.map((d) => d.balanced_accuracy), level),
		auc: interval(draws.map((d) => d.auc), level),
		per_class: Array.from({ length: classes }, (_, k) => ({
			f1: interval(draws.map((d) => d.per_class[k].f1), level),
			sensitivity: interval(draws.map((d) => d.per_class[k].sensitivity), level),
			ppv: interval(draws.map((d) => d.per_class[k].ppv), level),
		})),
	};
}
