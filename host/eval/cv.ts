// DS1 cross-validation grouped by record (issue 14): the out-of-fold int8 outputs of a recipe's fold models
// (`hypertiny train --fold k`, host/train) pooled per seed, decision biases chosen without the fold they are
// applied to, and the figures the field reports: per-class Se, +P and F1 (AAMI EC57 / de Chazal), false V alarms
// per hour overall and per rhythm (MIT-BIH rhythm annotations), the second lead, record-bootstrap intervals.
// DS2 is never read here.
import { readFileSync } from "node:fs";
import type { DatasetIndex } from "../data/dataset-format.ts";
import { Rng } from "../pack/rng.ts";
import { decideWithRhythm, type BeatOrder, type OutputQuant } from "./af-context.ts";
import { biasedClasses, tuneBiases } from "./decision-bias.ts";
import { quantile } from "./bootstrap.ts";

/** AAMI classes as the dataset labels them (aami5.u8): N S V F Q. */
export const AAMI = ["N", "S", "V", "F", "Q"] as const;
const S = 1;
const V = 2;
const F = 3;
/**
 * What decision biases maximise and the shipped seed is chosen by: the mean F1 of SVEB, VEB and F. F is in it so that
 * no class serves as a bin for doubtful beats (with S and V alone, a large F bias cut false V by calling them F).
 */
export const TARGETS: readonly number[] = [S, V, F];
/** Rhythms counted as atrial fibrillation or flutter for the false-alarm figure. */
export const AF_RHYTHMS: readonly string[] = ["AFIB", "AFL"];

/** One seed's out-of-fold outputs over every DS1 window, in dataset order. */
export interface OutOfFold {
	seed: number;
	classes: number;
	/** Dataset indices of the DS1 windows, ascending. */
	index: Uint32Array;
	/** The fold (1..) each window was held out in. */
	fold: Uint8Array;
	/** int8 [window][classes] from the lead the model reads (MLII) and, when trained so, the second lead. */
	outputs: Int8Array;
	outputs2: Int8Array | null;
	/** Each fold model's output quantization (by fold), when every checkpoint gave it: the app's rhythm rule needs the confidences. */
	quant?: Record<number, OutputQuant> | null;
}

/** A fold model's held-out part (checkpoint predictions). */
export interface FoldPart {
	fold: number;
	index: Uint32Array;
	outputs: Int8Array;
	outputs2: Int8Array | null;
	output?: OutputQuant;
}

interface Checkpointish {
	classes: string[];
	output?: OutputQuant;
	provenance: { fold?: number; seed?: number };
	predictions?: Record<string, string>;
}

function bytes(b64: string): Uint8Array {
	const b = Buffer.from(b64, "base64");
	return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** A fold model's held-out part, read from its checkpoint (`hypertiny sweep`), with its classes and seed. */
export function readFoldPart(path: string): { classes: string[]; seed: number; part: FoldPart } {
	const c = JSON.parse(readFileSync(path, "utf8")) as Checkpointish;
	const p = c.predictions ?? {};
	if (!p["validation_outputs"] || !p["validation_index"]) throw new Error(`${path}: no held-out outputs (not a fold model of \`hypertiny sweep\`)`);
	const idx = bytes(p["validation_index"]);
	return {
		classes: c.classes, seed: Number(c.provenance.seed),
		part: {
			fold: Number(c.provenance.fold),
			index: new Uint32Array(idx.slice().buffer),
			outputs: new Int8Array(bytes(p["validation_outputs"]).slice().buffer),
			outputs2: p["validation2_outputs"] ? new Int8Array(bytes(p["validation2_outputs"]).slice().buffer) : null,
			...(c.output ? { output: { scale: c.output.scale, zero_point: c.output.zero_point } } : {}),
		},
	};
}

/** Joins a seed's folds; every DS1 window must be held out exactly once. */
export function poolFolds(seed: number, classes: number, parts: FoldPart[], ds1Count: number): OutOfFold {
	const total = parts.reduce((s, p) => s + p.index.length, 0);
	if (total !== ds1Count) throw new Error(`seed ${seed}: the folds hold out ${total} windows, DS1 has ${ds1Count}`);
	const order = parts.flatMap((p, j) => Array.from(p.index, (idx, i) => [idx, j, i] as const)).sort((a, b) => a[0] - b[0]);
	const index = new Uint32Array(total);
	const fold = new Uint8Array(total);
	const outputs = new Int8Array(total * classes);
	const hasSecond = parts.every((p) => p.outputs2 !== null);
	const outputs2 = hasSecond ? new Int8Array(total * classes) : null;
	order.forEach(([idx, j, i], w) => {
		if (w > 0 && index[w - 1] === idx) throw new Error(`seed ${seed}: window ${idx} is held out twice`);
		index[w] = idx;
		fold[w] = parts[j].fold;
		outputs.set(parts[j].outputs.subarray(i * classes, (i + 1) * classes), w * classes);
		if (outputs2) outputs2.set(parts[j].outputs2!.subarray(i * classes, (i + 1) * classes), w * classes);
	});
	const quant = parts.every((p) => p.output) ? Object.fromEntries(parts.map((p) => [p.fold, p.output!])) : null;
	return { seed, classes, index, fold, outputs, outputs2, quant };
}

/**
 * How a recipe's decision biases are set: "tuned" on DS1's out-of-fold outputs (nested for the figures), or "zero"
 * (plain argmax). Tuning can lose to argmax out of fold, when what it fits on the other folds' records does not
 * carry over to the held-out ones; `hypertiny cv` scores both and keeps the better (decisionPolicy).
 */
export type BiasPolicy = "tuned" | "zero";
export const BIAS_POLICIES: readonly BiasPolicy[] = ["tuned", "zero"];

/**
 * Classes of every window with biases tuned on the other folds' windows only (nested: a fold's figures never
 * come from biases fitted to it), and the biases tuned on all folds (what a shipped model of this seed carries);
 * policy "zero": every bias 0.
 */
export function crossValidatedDecisions(oof: OutOfFold, labels: Uint8Array, outputs = oof.outputs, policy: BiasPolicy = "tuned"): { classes: Uint8Array; perFold: Record<number, number[]>; all: number[] } {
	const k = oof.classes;
	const folds = [...new Set(oof.fold)].sort((a, b) => a - b);
	if (policy === "zero") {
		const zero = new Array<number>(k).fill(0);
		return { classes: biasedClasses(outputs, k, zero), perFold: Object.fromEntries(folds.map((f) => [f, zero])), all: zero };
	}
	const decided = new Uint8Array(labels.length);
	const perFold: Record<number, number[]> = {};
	for (const f of folds) {
		const train = [...oof.fold.keys()].filter((w) => oof.fold[w] !== f);
		const pick = (w: number[]) => ({ out: gather(outputs, w, k), y: Uint8Array.from(w, (i) => labels[i]) });
		const fit = pick(train);
		perFold[f] = tuneBiases(fit.out, k, (d) => targetScore(fit.y, d));
		const held = [...oof.fold.keys()].filter((w) => oof.fold[w] === f);
		const cls = biasedClasses(gather(outputs, held, k), k, perFold[f]);
		held.forEach((w, i) => (decided[w] = cls[i]));
	}
	return { classes: decided, perFold, all: tuneBiases(outputs, k, (d) => targetScore(labels, d)) };
}

function gather(outputs: Int8Array, windows: number[], k: number): Int8Array {
	const out = new Int8Array(windows.length * k);
	windows.forEach((w, i) => out.set(outputs.subarray(w * k, (w + 1) * k), i * k));
	return out;
}

export interface ClassFigures {
	sensitivity: number | null;
	ppv: number | null;
	f1: number | null;
	tp: number;
	fp: number;
	fn: number;
}

export interface BeatFigures {
	/** N, S, V, F: Q beats are not scored (AAMI), and F beats called V are not VEB false positives (EC57). */
	per_class: Record<string, ClassFigures>;
	/** targetScore: the mean F1 of SVEB, VEB and F (TARGETS), what decision biases maximise. */
	objective: number;
	/** Mean of SVEB and VEB F1 (the acceptance's two figures): what a recipe's bias policy and shipped seed are chosen by. */
	selection: number;
	/** The same decisions as V vs rest (every non-V class is rest, F included; Q not scored): the earlier task's macro-F1. */
	v_vs_rest_macro_f1: number | null;
	/** How the Q beats were called. */
	q_called: Record<string, number>;
	/** Non-ventricular beats (neither V nor F) called V, per hour of ECG: all, inside AF/flutter, outside, per rhythm. */
	false_v_per_hour: { all: number; af: number | null; outside_af: number; by_rhythm: Record<string, { count: number; hours: number; per_hour: number }> };
	beats: number;
}

export interface WindowInfo {
	/** aami5 label per window (N S V F Q = 0..4). */
	labels: Uint8Array;
	/** Rhythm name per window. */
	rhythm: string[];
	/** Record number per window. */
	record: Uint16Array;
	/** Hours of ECG per rhythm over the records these windows come from. */
	rhythmHours: Record<string, number>;
}

/**
 * The dataset windows [first, first + count) as the figures need them (labels, rhythm names, records) with the
 * hours of each rhythm over the records they come from. DS1 is [0, train + validation) (dataset-format.ts: splits
 * in order), DS2 the test split's range.
 */
export function windowInfoOf(index: DatasetIndex, aami5: Uint8Array, rhythm: Uint8Array, record: Uint16Array, first: number, count: number): WindowInfo {
	const records = record.slice(first, first + count);
	const present = new Set(records);
	const rhythmHours: Record<string, number> = {};
	for (const r of index.records) {
		if (!present.has(Number(r.name))) continue;
		for (const [name, s] of Object.entries(r.rhythmSeconds)) rhythmHours[name] = (rhythmHours[name] ?? 0) + s / 3600;
	}
	return {
		labels: aami5.slice(first, first + count),
		rhythm: Array.from(rhythm.subarray(first, first + count), (r) => index.rhythms[r]!),
		record: records,
		rhythmHours,
	};
}

function ratio(a: number, b: number): number | null {
	return b > 0 ? a / b : null;
}

export function classFigures(labels: ArrayLike<number>, predicted: ArrayLike<number>, k: number): ClassFigures {
	let tp = 0, fp = 0, fn = 0;
	for (let i = 0; i < labels.length; i++) {
		const y = labels[i];
		if (y === 4) continue;
		if (y === k && predicted[i] === k) tp++;
		else if (y === k) fn++;
		else if (predicted[i] === k && !(k === V && y === F)) fp++;
	}
	return { sensitivity: ratio(tp, tp + fn), ppv: ratio(tp, tp + fp), f1: ratio(2 * tp, 2 * tp + fp + fn), tp, fp, fn };
}

/**
 * What decision biases maximise and BeatFigures.objective reports: the mean over TARGETS of classFigures' F1 (the
 * AAMI convention), a class with no beats and no calls counting 0. F is in it so that tuning cannot gain by
 * calling doubtful beats F, which neither SVEB nor VEB F1 counts.
 */
export function targetScore(labels: ArrayLike<number>, predicted: ArrayLike<number>): number {
	return TARGETS.reduce((s, k) => s + (classFigures(labels, predicted, k).f1 ?? 0), 0) / TARGETS.length;
}

/** What a recipe's bias policy and shipped seed are chosen by (BeatFigures.selection): the mean of SVEB and VEB F1. */
export function selectionScore(labels: ArrayLike<number>, predicted: ArrayLike<number>): number {
	return ((classFigures(labels, predicted, S).f1 ?? 0) + (classFigures(labels, predicted, V).f1 ?? 0)) / 2;
}

export function beatFigures(info: WindowInfo, predicted: Uint8Array, classNames: readonly string[]): BeatFigures {
	const per_class: Record<string, ClassFigures> = {};
	for (let k = 0; k < 4; k++) per_class[AAMI[k]] = classFigures(info.labels, predicted, k);
	const q_called: Record<string, number> = {};
	const byRhythm: Record<string, { count: number; hours: number; per_hour: number }> = {};
	for (const [r, hours] of Object.entries(info.rhythmHours)) byRhythm[r] = { count: 0, hours, per_hour: 0 };
	for (let i = 0; i < predicted.length; i++) {
		const y = info.labels[i];
		if (y === 4) q_called[classNames[predicted[i]]] = (q_called[classNames[predicted[i]]] ?? 0) + 1;
		if (predicted[i] === V && y !== V && y !== F) (byRhythm[info.rhythm[i]] ??= { count: 0, hours: 0, per_hour: 0 }).count++;
	}
	let count = 0, hours = 0, afCount = 0, afHours = 0;
	for (const [r, b] of Object.entries(byRhythm)) {
		b.per_hour = b.hours > 0 ? b.count / b.hours : 0;
		count += b.count;
		hours += b.hours;
		if (AF_RHYTHMS.includes(r)) {
			afCount += b.count;
			afHours += b.hours;
		}
	}
	return {
		per_class,
		objective: targetScore(info.labels, predicted),
		selection: selectionScore(info.labels, predicted),
		v_vs_rest_macro_f1: vVsRestMacroF1(info.labels, predicted),
		q_called,
		false_v_per_hour: { all: count / hours, af: afHours > 0 ? afCount / afHours : null, outside_af: (count - afCount) / (hours - afHours), by_rhythm: byRhythm },
		beats: predicted.length,
	};
}

/** Macro-F1 of V vs rest from four-class decisions (Q beats not scored). */
export function vVsRestMacroF1(labels: ArrayLike<number>, predicted: ArrayLike<number>): number | null {
	let tp = 0, fp = 0, fn = 0, tn = 0;
	for (let i = 0; i < labels.length; i++) {
		if (labels[i] === 4) continue;
		const isV = labels[i] === V, calledV = predicted[i] === V;
		if (isV && calledV) tp++;
		else if (isV) fn++;
		else if (calledV) fp++;
		else tn++;
	}
	const fV = ratio(2 * tp, 2 * tp + fp + fn), fRest = ratio(2 * tn, 2 * tn + fn + fp);
	return fV === null || fRest === null ? null : (fV + fRest) / 2;
}

export type Interval = [number, number] | null;

/** 95 % intervals of S, V and F Se, +P, F1 over records drawn with replacement (seeded; decisions frozen). */
export function recordIntervals(info: WindowInfo, predicted: Uint8Array, resamples = 2000, seed = 20261206): Record<string, Record<"sensitivity" | "ppv" | "f1", Interval>> {
	const records = [...new Set(info.record)].sort((a, b) => a - b);
	// Per record and class: tp, fp, fn.
	const counts = records.map((r) => {
		const idx = [...info.record.keys()].filter((i) => info.record[i] === r);
		const lab = idx.map((i) => info.labels[i]);
		const pre = idx.map((i) => predicted[i]);
		return TARGETS.map((k) => classFigures(lab, pre, k));
	});
	const rng = new Rng(seed);
	const draws = TARGETS.map(() => ({ sensitivity: [] as number[], ppv: [] as number[], f1: [] as number[] }));
	for (let d = 0; d < resamples; d++) {
		const sums = TARGETS.map(() => ({ tp: 0, fp: 0, fn: 0 }));
		for (let i = 0; i < records.length; i++) {
			const c = counts[rng.int(0, records.length - 1)];
			c.forEach((x, t) => {
				sums[t].tp += x.tp;
				sums[t].fp += x.fp;
				sums[t].fn += x.fn;
			});
		}
		sums.forEach((s, t) => {
			const se = ratio(s.tp, s.tp + s.fn), pp = ratio(s.tp, s.tp + s.fp), f = ratio(2 * s.tp, 2 * s.tp + s.fp + s.fn);
			if (se !== null) draws[t].sensitivity.push(se);
			if (pp !== null) draws[t].ppv.push(pp);
			if (f !== null) draws[t].f1.push(f);
		});
	}
	const iv = (a: number[]): Interval => (a.length ? [quantile(a.sort((x, y) => x - y), 0.025), quantile(a, 0.975)] : null);
	return Object.fromEntries(TARGETS.map((k, t) => [AAMI[k], { sensitivity: iv(draws[t].sensitivity), ppv: iv(draws[t].ppv), f1: iv(draws[t].f1) }]));
}

export interface SeedResult {
	seed: number;
	/** Whether the classes are the app's, rhythm rule included (reportedClasses), and the figures without that rule. */
	rhythm_rule: boolean;
	without_rhythm_rule: { S_f1: number | null; V_f1: number | null; false_v_per_hour: number } | null;
	/** Biases tuned on all folds' outputs (what this seed's shipped model would carry), and per held-out fold. */
	biases: number[];
	biases_per_fold: Record<number, number[]>;
	lead1: BeatFigures;
	lead2: BeatFigures | null;
	intervals: ReturnType<typeof recordIntervals>;
}

/**
 * The classes the app reports for a seed's decisions on one lead: with `order` (and the fold models' output
 * quantization), the rhythm rule of host/eval/af-context.ts applied; without, the decisions themselves.
 */
export function reportedClasses(oof: OutOfFold, outputs: Int8Array, decided: Uint8Array, classNames: readonly string[], order?: BeatOrder): Uint8Array {
	if (!order || !oof.quant) return decided;
	const quant = oof.quant;
	return decideWithRhythm(order, outputs, classNames, decided, (w) => quant[oof.fold[w]!]!).classes;
}

/**
 * d1: the lead-1 decisions of crossValidatedDecisions under `policy`, when the caller has them already; order: the
 * windows' beat order, to score the classes as the app reports them (reportedClasses).
 */
export function seedResult(oof: OutOfFold, info: WindowInfo, classNames: readonly string[], policy: BiasPolicy = "tuned",
	d1 = crossValidatedDecisions(oof, info.labels, oof.outputs, policy), order?: BeatOrder): SeedResult {
	const lead1 = reportedClasses(oof, oof.outputs, d1.classes, classNames, order);
	const lead2 = oof.outputs2 ? beatFigures(info, reportedClasses(oof, oof.outputs2, crossValidatedDecisions(oof, info.labels, oof.outputs2, policy).classes, classNames, order), classNames) : null;
	const rhythmRule = lead1 !== d1.classes;
	const plain = rhythmRule ? beatFigures(info, d1.classes, classNames) : null;
	return {
		seed: oof.seed, rhythm_rule: rhythmRule,
		without_rhythm_rule: plain && { S_f1: plain.per_class["S"]?.f1 ?? null, V_f1: plain.per_class["V"]?.f1 ?? null, false_v_per_hour: plain.false_v_per_hour.all },
		biases: d1.all, biases_per_fold: d1.perFold,
		lead1: beatFigures(info, lead1, classNames), lead2, intervals: recordIntervals(info, lead1),
	};
}

export interface MeanSd {
	mean: number;
	sd: number;
	n: number;
}

/** Mean and sample standard deviation of the defined values. */
export function meanSd(values: (number | null)[]): MeanSd | null {
	const v = values.filter((x): x is number => x !== null);
	if (!v.length) return null;
	const mean = v.reduce((a, b) => a + b, 0) / v.length;
	const sd = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1)) : 0;
	return { mean, sd, n: v.length };
}

/** The policy whose seeds have the better mean selection score (ties: "tuned", the first). */
export function decisionPolicy(selections: Record<BiasPolicy, number[]>): BiasPolicy {
	const mean = (p: BiasPolicy) => meanSd(selections[p])!.mean;
	return BIAS_POLICIES.reduce((best, p) => (mean(p) > mean(best) ? p : best));
}

/** The seed a recipe ships: the best CV selection score (ties: the lower seed). */
export function chooseSeed(results: SeedResult[]): number {
	let best = results[0];
	for (const r of results) if (r.lead1.selection > best.lead1.selection) best = r;
	return best.seed;
}

