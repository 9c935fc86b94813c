// Apnea per minute (issue 15, item 2): the cross-validation of swept recipes over the Apnea-ECG learning set (folds
// of whole subjects), which chooses each seed's decision threshold and the seed a recipe ships, and the release,
// which evaluates every seed's model once on the 35 test recordings with the integer engine. Decisions follow
// host/eval's one rule for two classes: apnea iff s ≥ t*, t* maximising macro-F1 (threshold.ts), or plain argmax,
// where s is the minute's decision score: q_A − q_N averaged over its last score_minutes minutes
// (modules/rhythm/apnea-score.ts; CV chooses how many, as it chooses the policy). Nothing is chosen from the test set.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readModel } from "../../modules/model/index.ts";
import { ApneaScoreWindow } from "../../modules/rhythm/apnea-score.ts";
import { readCheckpoint } from "../pack/checkpoint.ts";
import { exportCheckpoint } from "../pack/export-model.ts";
import { recipe } from "../train/recipes.ts";
import { pooled, quantile, recordBootstrap, resampleWeights, type Interval, type RecordPart } from "../eval/bootstrap.ts";
import { meanSd, poolFolds, readFoldPart, type FoldPart, type MeanSd, type OutOfFold } from "../eval/cv.ts";
import { vScores } from "../eval/decide.ts";
import { SCORE_MAX, SCORE_MIN, thresholdClasses } from "../eval/scores.ts";
import { quantizeInputs, runWindows, type EngineName } from "../eval/engine.ts";
import type { QuantParams } from "../../modules/runtime/quantize.ts";
import { addWindow, emptyConfusion, emptyHistograms } from "../eval/metrics.ts";
import { probabilityThreshold, tuneThreshold } from "../eval/threshold.ts";
import type { ApneaDataset } from "./apnea-dataset.ts";

/** A recording is called an apnea recording when its predicted apnea minutes reach this many per hour (AHI ≥ 5). */
export const RECORDING_RULE_PER_HOUR = 5;

export type ThresholdPolicy = "tuned" | "argmax";
export const THRESHOLD_POLICIES: readonly ThresholdPolicy[] = ["tuned", "argmax"];

export interface RecordingRow {
	name: string;
	class: "A" | "B" | "C";
	minutes: number;
	/** Apnea minutes per hour: labelled, and as the model called them. */
	labelled_per_hour: number;
	predicted_per_hour: number;
	called_apnea: boolean;
}

export interface ApneaFigures {
	minutes: number;
	accuracy: number;
	sensitivity: number | null;
	specificity: number | null;
	ppv: number | null;
	auc: number | null;
	/** 95 % record-bootstrap intervals (BOOTSTRAP_RESAMPLES draws of whole recordings). */
	intervals: { accuracy: Interval; sensitivity: Interval; specificity: Interval; auc: Interval };
	/** Per recording: A recordings called apnea, C recordings called normal, B reported apart. */
	recordings: { A: [number, number]; C: [number, number]; B_called_apnea: [number, number]; rows: RecordingRow[] };
}

/** Figures of minutes [first, first + classes.length) of the dataset, given their decisions and scores s = q_A − q_N. */
export function apneaFigures(ds: ApneaDataset, first: number, classes: Uint8Array, scores: Int16Array, bootstrap = true): ApneaFigures {
	const n = classes.length;
	const parts = new Map<number, RecordPart>();
	const pair = new Int16Array(2);
	let right = 0;
	for (let i = 0; i < n; i++) {
		const w = first + i;
		const rec = ds.record[w]!;
		let part = parts.get(rec);
		if (!part) parts.set(rec, (part = { record: rec, confusion: emptyConfusion(2), histograms: emptyHistograms(2) }));
		pair[0] = -scores[i]!;
		pair[1] = scores[i]!;
		addWindow(part.confusion, part.histograms, ds.apnea[w]!, classes[i]!, pair, 0);
		if (classes[i] === ds.apnea[w]) right++;
	}
	const list = [...parts.values()];
	const all = pooled(list, list.map(() => 1));
	const acc = (weights: number[]) => {
		let ok = 0, total = 0;
		list.forEach((p, i) => {
			const c = p.confusion.counts;
			ok += weights[i]! * (c[0]! + c[3]!);
			total += weights[i]! * (c[0]! + c[1]! + c[2]! + c[3]!);
		});
		return total > 0 ? ok / total : null;
	};
	let intervals: ApneaFigures["intervals"] = { accuracy: null, sensitivity: null, specificity: null, auc: null };
	if (bootstrap) {
		const ci = recordBootstrap(list);
		intervals = { accuracy: accuracyInterval(list.length, acc), sensitivity: ci.per_class[1]!.sensitivity, specificity: ci.per_class[0]!.sensitivity, auc: ci.auc };
	}
	const rows: RecordingRow[] = [];
	for (const p of list) {
		const r = ds.index.records[p.record]!;
		const c = p.confusion.counts;
		const hours = r.count / 60;
		const predicted = (c[1]! + c[3]!) / hours;
		rows.push({ name: r.name, class: r.class, minutes: r.count, labelled_per_hour: r.apnea_minutes / hours, predicted_per_hour: predicted, called_apnea: predicted >= RECORDING_RULE_PER_HOUR });
	}
	const count = (cls: string, called: boolean) => [rows.filter((r) => r.class === cls && r.called_apnea === called).length, rows.filter((r) => r.class === cls).length] as [number, number];
	return {
		minutes: n, accuracy: right / n,
		sensitivity: all.per_class[1]!.sensitivity, specificity: all.per_class[0]!.sensitivity, ppv: all.per_class[1]!.ppv, auc: all.auc,
		intervals,
		recordings: { A: count("A", true), C: count("C", false), B_called_apnea: count("B", true), rows },
	};
}

/** Accuracy's interval from the same resamples recordBootstrap draws (same seed, same draw order). */
function accuracyInterval(records: number, acc: (weights: number[]) => number | null): Interval {
	const draws = Array.from(resampleWeights(records), acc).filter((a): a is number => a !== null).sort((a, b) => a - b);
	return draws.length ? [quantile(draws, 0.025), quantile(draws, 0.975)] : null;
}

/** argmax of two int8 logits, ties to class 0: apnea iff s ≥ 1. */
export const ARGMAX_T = 1;

/** The numbers of minutes cross-validation tries for a recipe's decision score (META.score_minutes). */
export const SCORE_MINUTES_TRIED: readonly number[] = [1, 2, 3, 4, 5];

/**
 * The decision scores of minutes in dataset order (`record[i]` each minute's recording, a recording's minutes
 * contiguous and in time order) from their q_A − q_N; a minute that is not `assessed` (no measured RR interval: the
 * device sends no score for it) keeps its own score and does not enter its neighbours' means.
 */
export function decisionScores(scores: ArrayLike<number>, record: ArrayLike<number>, minutes: number, assessed?: (i: number) => boolean): Int16Array {
	const out = new Int16Array(scores.length);
	const window = new ApneaScoreWindow(minutes);
	for (let i = 0; i < scores.length; i++) {
		if (i > 0 && record[i] !== record[i - 1]) window.reset();
		out[i] = assessed && !assessed(i) ? scores[i]! : window.push(scores[i]!);
	}
	return out;
}

/** The decision scores of dataset minutes first..first + raw.length from their q_A − q_N (held minutes: the device's not assessed). */
export function minuteScores(ds: ApneaDataset, first: number, raw: Int16Array, minutes: number): Int16Array {
	const W = ds.index.window;
	return decisionScores(raw, ds.record.subarray(first, first + raw.length), minutes, (i) => ds.held[first + i]! < W);
}

/**
 * Out-of-fold decisions of one seed: "tuned", each fold by the t* of the other folds' minutes (nested); "argmax".
 * Also the t* of all folds together, what the seed's shipped model carries.
 */
export function cvDecisions(oof: OutOfFold, labels: Uint8Array, policy: ThresholdPolicy, scores = vScores(oof.outputs)): { classes: Uint8Array; scores: Int16Array; t_star: number } {
	if (policy === "argmax") return { classes: thresholdClasses(scores, ARGMAX_T), scores, t_star: ARGMAX_T };
	return { classes: foldDecisions(oof, labels, () => scores).classes, scores, t_star: tuneThreshold(scores, labels).t_star };
}

/**
 * Out-of-fold classes, fold by fold in ascending order: the scores `scoresFor` gives from the other folds' minutes
 * (their indices), thresholded at the t* tuned on those minutes; also each minute's score under its own fold's call.
 */
function foldDecisions(oof: OutOfFold, labels: Uint8Array, scoresFor: (other: readonly number[]) => ArrayLike<number>): { classes: Uint8Array; scores: Int16Array } {
	const classes = new Uint8Array(oof.fold.length);
	const scores = new Int16Array(oof.fold.length);
	for (const k of [...new Set(oof.fold)].sort((a, b) => a - b)) {
		const other = [...oof.fold.keys()].filter((i) => oof.fold[i] !== k);
		const d = scoresFor(other);
		const t = tuneThreshold(other.map((i) => d[i]!), other.map((i) => labels[i]!)).t_star;
		for (let i = 0; i < classes.length; i++) {
			if (oof.fold[i] !== k) continue;
			classes[i] = d[i]! >= t ? 1 : 0;
			scores[i] = d[i]!;
		}
	}
	return { classes, scores };
}

/**
 * The spread term's weight w from a logistic fit of the labels on (1, S, F / 256) over minutes `idx` (Newton's
 * method): the decision S + w F / 256 ≥ t is the fit's own boundary direction, w = b_F / b_S rounded, 0 when the
 * fit gives S no positive weight. A log-loss fit, not an accuracy search: it moves smoothly with the folds.
 */
export function spreadWeight(scores: ArrayLike<number>, spread: ArrayLike<number>, labels: ArrayLike<number>, idx: readonly number[]): number {
	const b = [0, 0, 0];
	for (let iter = 0; iter < 30; iter++) {
		const g = [0, 0, 0], h = [[1e-6, 0, 0], [0, 1e-6, 0], [0, 0, 1e-6]];
		for (const i of idx) {
			const x = [1, scores[i]! / 64, spread[i]! / 256];
			const p = 1 / (1 + Math.exp(-(b[0]! * x[0]! + b[1]! * x[1]! + b[2]! * x[2]!)));
			for (let r = 0; r < 3; r++) {
				g[r]! += (p - labels[i]!) * x[r]!;
				for (let c = 0; c < 3; c++) h[r]![c]! += p * (1 - p) * x[r]! * x[c]!;
			}
		}
		const step = solve3(h, g);
		for (let r = 0; r < 3; r++) b[r]! -= step[r]!;
	}
	if (!(b[1]! > 0)) return 0;
	return Math.max(-255, Math.min(255, Math.round((64 * b[2]!) / b[1]!)));
}

/** x with h x = g for a 3 × 3 h (Cramer's rule: the matrices here are small and well conditioned by the ridge). */
function solve3(h: number[][], g: number[]): number[] {
	const det = (m: number[][]) => m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) - m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) + m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
	const d = det(h);
	return [0, 1, 2].map((c) => det(h.map((row, r) => row.map((v, k) => (k === c ? g[r]! : v)))) / d);
}

/** The decision scores with the spread term: clamp(S + floor(w F / 256)) to the score range (host/eval/scores.ts). */
export function spreadScores(scores: ArrayLike<number>, spread: ArrayLike<number>, w: number): Int16Array {
	const out = new Int16Array(scores.length);
	for (let i = 0; i < scores.length; i++) out[i] = Math.max(SCORE_MIN, Math.min(SCORE_MAX, scores[i]! + Math.floor((w * spread[i]!) / 256)));
	return out;
}

/**
 * Out-of-fold decisions with the spread term: for each fold, w and t* from the other folds' minutes (spreadWeight,
 * then tuneThreshold on S + w F / 256). Returns the classes, each minute's S + w F / 256 under its fold's w, and
 * each fold's w.
 */
export function spreadDecisions(oof: OutOfFold, labels: Uint8Array, scores: Int16Array, spread: Int16Array): { classes: Uint8Array; scores: Int16Array; weights: number[] } {
	const weights: number[] = [];
	const decided = foldDecisions(oof, labels, (other) => {
		const w = spreadWeight(scores, spread, labels, other);
		weights.push(w);
		return spreadScores(scores, spread, w);
	});
	return { ...decided, weights };
}

export interface ApneaSeedCv {
	seed: number;
	/** The minutes its decision score averages (META.score_minutes; absent in rows made before: 1). */
	score_minutes?: number;
	/** The threshold the seed's shipped model carries (on s = q_A − q_N). */
	t_star: number;
	figures: ApneaFigures;
}

export interface ApneaRecipeCv {
	recipe: string;
	about: string;
	family: string;
	policy: ThresholdPolicy;
	/** Mean ± sd over seeds of the per-minute accuracy under each policy: the better one is kept. */
	policy_accuracy: Record<ThresholdPolicy, MeanSd | null>;
	/** The minutes the decision score averages (absent in rows made before: 1), and the mean ± sd accuracy of each
	 * number tried, under the policy kept: the best is kept. */
	score_minutes?: number;
	score_minutes_accuracy?: Record<string, MeanSd | null>;
	/** The decision with the spread term (a candidate: no model or app uses it yet), under the tuned policy and the
	 * score minutes kept: mean ± sd over seeds of accuracy and of A and C recordings right, each seed's weight per
	 * fold. Absent when the dataset has no spread column or the policy is argmax. */
	spread_term?: { accuracy: MeanSd | null; recordings_right: MeanSd | null; weights: number[][] };
	seeds: ApneaSeedCv[];
	summary: Record<string, MeanSd | null>;
	shipped_seed: number;
}

export function headline(f: ApneaFigures): Record<string, number | null> {
	return {
		accuracy: f.accuracy, sensitivity: f.sensitivity, specificity: f.specificity, auc: f.auc,
		recordings_right: (f.recordings.A[0] + f.recordings.C[0]) / Math.max(1, f.recordings.A[1] + f.recordings.C[1]),
	};
}

export function apneaRecipeCv(name: string, sweep: string, ds: ApneaDataset): ApneaRecipeCv | string {
	const r = recipe(name);
	if (r.dataset !== "apnea") return `${name}: not an apnea recipe`;
	const dir = join(sweep, name);
	if (!existsSync(dir)) return `${name}: no trials in ${dir} (run \`npx hypertiny sweep --recipe ${name}\`)`;
	const learning = ds.index.splits.train.count;
	const bySeed = new Map<number, FoldPart[]>();
	for (const file of readdirSync(dir).sort()) {
		const m = /^s(\d+)-f(\d+)\.json$/.exec(file);
		if (!m || Number(m[2]) === 0) continue;
		const { seed, part } = readFoldPart(join(dir, file));
		bySeed.set(seed, [...(bySeed.get(seed) ?? []), part]);
	}
	const complete = [...bySeed.entries()].filter(([, parts]) => parts.length === ds.index.folds.length).sort((a, b) => a[0] - b[0]);
	if (!complete.length) return `${name}: no seed has all ${ds.index.folds.length} folds in ${dir}`;
	const labels = ds.apnea.subarray(0, learning);
	const pooledSeeds = complete.map(([seed, parts]) => poolFolds(seed, 2, parts, learning));
	const accuracy = (d: { classes: Uint8Array }) => d.classes.reduce((a, c, i) => a + (c === labels[i] ? 1 : 0), 0) / labels.length;
	const raw = pooledSeeds.map((oof) => vScores(oof.outputs));
	const decide = (minutes: number, policy: ThresholdPolicy) => pooledSeeds.map((oof, i) => cvDecisions(oof, labels, policy, minuteScores(ds, 0, raw[i]!, minutes)));
	// The policy is chosen on one minute's score, then the minutes under it.
	const oneMinute = Object.fromEntries(THRESHOLD_POLICIES.map((p) => [p, decide(1, p)])) as Record<ThresholdPolicy, ReturnType<typeof cvDecisions>[]>;
	const policy_accuracy = Object.fromEntries(THRESHOLD_POLICIES.map((p) => [p, meanSd(oneMinute[p].map(accuracy))])) as Record<ThresholdPolicy, MeanSd | null>;
	const policy: ThresholdPolicy = (policy_accuracy.tuned?.mean ?? 0) > (policy_accuracy.argmax?.mean ?? 0) ? "tuned" : "argmax";
	const tried = new Map(SCORE_MINUTES_TRIED.map((m) => [m, m === 1 ? oneMinute[policy] : decide(m, policy)]));
	const score_minutes_accuracy = Object.fromEntries(SCORE_MINUTES_TRIED.map((m) => [String(m), meanSd(tried.get(m)!.map(accuracy))]));
	const score_minutes = SCORE_MINUTES_TRIED.reduce((a, b) => ((score_minutes_accuracy[String(b)]?.mean ?? 0) > (score_minutes_accuracy[String(a)]?.mean ?? 0) ? b : a));
	const seeds = pooledSeeds.map((oof, i) => {
		const d = tried.get(score_minutes)![i]!;
		return { seed: oof.seed, score_minutes, t_star: d.t_star, figures: apneaFigures(ds, 0, d.classes, d.scores) };
	});
	const rows = seeds.map((s) => headline(s.figures));
	const summary = Object.fromEntries(Object.keys(rows[0]!).map((k) => [k, meanSd(rows.map((row) => row[k] ?? null))]));
	const best = seeds.reduce((a, b) => (b.figures.accuracy > a.figures.accuracy ? b : a));
	let spread_term: ApneaRecipeCv["spread_term"];
	if (ds.spread && policy === "tuned") {
		const spread = ds.spread.subarray(0, learning);
		const withTerm = pooledSeeds.map((oof, i) => spreadDecisions(oof, labels, tried.get(score_minutes)![i]!.scores, spread));
		spread_term = {
			accuracy: meanSd(withTerm.map(accuracy)),
			recordings_right: meanSd(withTerm.map((d) => headline(apneaFigures(ds, 0, d.classes, d.scores, false)).recordings_right)),
			weights: withTerm.map((d) => d.weights),
		};
	}
	return { recipe: name, about: r.about, family: r.family, policy, policy_accuracy, score_minutes, score_minutes_accuracy, spread_term, seeds, summary, shipped_seed: best.seed };
}

/** A packed model that consumes the apnea RR sequence (META.consumes "rr-sequence", FORMAT §6). */
export function isApneaModel(path: string): boolean {
	try {
		const meta = readModel(new Uint8Array(readFileSync(path))).meta as Record<string, unknown> | null;
		return meta?.["consumes"] === "rr-sequence";
	} catch {
		return false;
	}
}

/** The int8 outputs [minute][2] of dataset minutes first..first+count by the integer engine. */
export function apneaOutputs(modelPath: string, blob: Uint8Array, ds: ApneaDataset, first: number, count: number, o: { engine?: EngineName; threads?: number } = {}): Int8Array {
	const model = readModel(blob);
	const meta = model.meta as { input?: QuantParams; consumes?: string } | null;
	if (meta?.consumes !== "rr-sequence" || !meta.input) throw new Error(`${modelPath}: not an apnea model (META.consumes is not "rr-sequence")`);
	if (model.input.length !== ds.index.window || model.input.channels !== 1) throw new Error(`${modelPath}: input ${model.input.length}x${model.input.channels}, the dataset's minutes are ${ds.index.window}x1`);
	const W = ds.index.window;
	return runWindows(modelPath, model, quantizeInputs(ds.windows.subarray(first * W, (first + count) * W), W, meta.input), { engine: o.engine ?? "native", threads: o.threads });
}

export interface ApneaEvalRow {
	name: string;
	split: "learning" | "test";
	bytes: number;
	t_star: number;
	score_minutes: number;
	figures: ApneaFigures;
}

/** A packed apnea model on the learning set (in-sample for a shipped model) or the test set, by its own t*. */
export function evaluateApneaModel(o: { modelPath: string; ds: ApneaDataset; split: "learning" | "test"; engine?: EngineName; threads?: number }): ApneaEvalRow {
	const blob = new Uint8Array(readFileSync(o.modelPath));
	const meta = readModel(blob).meta as { name?: string; t_star_score?: number; score_minutes?: number } | null;
	const t = typeof meta?.t_star_score === "number" ? meta.t_star_score : ARGMAX_T;
	const minutes = meta?.score_minutes ?? 1;
	const span = o.split === "test" ? o.ds.index.splits.test : o.ds.index.splits.train;
	const scores = minuteScores(o.ds, span.first, vScores(apneaOutputs(o.modelPath, blob, o.ds, span.first, span.count, o)), minutes);
	return { name: String(meta?.name ?? o.modelPath), split: o.split, bytes: blob.length, t_star: t, score_minutes: minutes, figures: apneaFigures(o.ds, span.first, thresholdClasses(scores, t), scores) };
}

export interface ApneaReleaseSeed {
	seed: number;
	t_star: number;
	/** META.score_minutes of its model (absent in releases made before: 1). */
	score_minutes?: number;
	bytes: number;
	/** The integer engine's outputs on the learning set equal the trainer's engine-exact ones (fraction of minutes). */
	engine_agreement: number;
	figures: ApneaFigures;
}

export interface ApneaRelease {
	recipe: string;
	family: string;
	shipped_seed: number;
	model: string;
	seeds: ApneaReleaseSeed[];
	summary: Record<string, MeanSd | null>;
}

/**
 * Every seed's fold-0 model (trained on the whole learning set) packed with the t* cross-validation chose for it, run
 * by the integer engine on the test recordings once; the shipped seed's model goes to <modelsDir>/<recipe>.htpw.
 */
export function releaseApnea(o: { cv: ApneaRecipeCv; sweep: string; ds: ApneaDataset; workDir: string; modelsDir: string; threads?: number; log?: (line: string) => void }): ApneaRelease {
	const { cv, ds } = o;
	mkdirSync(o.workDir, { recursive: true });
	const learning = ds.index.splits.train.count;
	const rows: ApneaReleaseSeed[] = [];
	for (const s of cv.seeds) {
		const path = join(o.sweep, cv.recipe, `s${s.seed}-f0.json`);
		if (!existsSync(path)) throw new Error(`${path} is missing: run \`npx hypertiny sweep --recipe ${cv.recipe} --seeds ${s.seed} --folds 0\``);
		const ckpt = readCheckpoint(path) as ReturnType<typeof readCheckpoint> & { t_star_score?: number; score_minutes?: number };
		const minutes = s.score_minutes ?? 1;
		ckpt.t_star = probabilityThreshold(s.t_star, ckpt.output.scale);
		ckpt.t_star_score = s.t_star;
		ckpt.score_minutes = minutes;
		ckpt.provenance["release"] = `t* ${s.t_star} on the mean score of ${minutes} minute(s) from hypertiny apnea cv (${cv.policy}); test set read once by hypertiny apnea release`;
		ckpt.provenance["trained_as"] = ckpt.name;
		ckpt.name = cv.recipe;
		const base = join(o.workDir, `${cv.recipe}-s${s.seed}`);
		writeFileSync(`${base}.checkpoint.json`, JSON.stringify(ckpt) + "\n");
		const blob = exportCheckpoint(`${base}.checkpoint.json`, `${base}.htpw`);
		const inSample = apneaOutputs(`${base}.htpw`, blob, ds, 0, learning, o);
		const trainerOutputs = (ckpt as unknown as { predictions?: Record<string, string> }).predictions?.["validation_outputs"];
		if (!trainerOutputs) throw new Error(`${path}: no in-sample outputs (not a fold-0 model of \`hypertiny sweep\`)`);
		const trainer = new Int8Array(Buffer.from(trainerOutputs, "base64"));
		let same = 0;
		for (let i = 0; i < learning; i++) if (inSample[2 * i] === trainer[2 * i] && inSample[2 * i + 1] === trainer[2 * i + 1]) same++;
		const { figures } = evaluateApneaModel({ modelPath: `${base}.htpw`, ds, split: "test", threads: o.threads });
		rows.push({ seed: s.seed, t_star: s.t_star, score_minutes: minutes, bytes: blob.length, engine_agreement: same / learning, figures });
		o.log?.(`${cv.recipe} seed ${s.seed}: test accuracy ${(100 * figures.accuracy).toFixed(1)} %, ${blob.length} bytes, engine agreement ${(same / learning).toFixed(4)}`);
		if (s.seed === cv.shipped_seed) copyFileSync(`${base}.htpw`, join(o.modelsDir, `${cv.recipe}.htpw`));
	}
	const heads = rows.map((r) => headline(r.figures));
	const summary = Object.fromEntries(Object.keys(heads[0]!).map((k) => [k, meanSd(heads.map((h) => h[k] ?? null))]));
	return { recipe: cv.recipe, family: cv.family, shipped_seed: cv.shipped_seed, model: `${cv.recipe}.htpw`, seeds: rows, summary };
}

/** Test recordings whose subject also gave a learning recording (the official split is not subject-independent). */
export function sharedSubjects(ds: ApneaDataset): string[] {
	const learning = new Set(ds.index.records.filter((r) => r.set === "learning").map((r) => r.subject));
	return ds.index.records.filter((r) => r.set === "test" && learning.has(r.subject)).map((r) => r.name);
}
