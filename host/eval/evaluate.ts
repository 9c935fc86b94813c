// One packed model on one split of the beat-window dataset, by the integer engine: decisions (t* from
// validation only), metrics, record-bootstrap CIs and float-vs-integer agreement, as one deterministic row.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readDataset, type Dataset, type SplitName } from "../data/dataset-format.ts";
import { readModel, type Model } from "../../modules/model/index.ts";
import type { QuantParams } from "../../modules/runtime/quantize.ts";
import { vScores } from "./decide.ts";
import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, recordBootstrap, type Interval, type RecordPart } from "./bootstrap.ts";
import { BEAT_FEATURE_NAMES } from "../../modules/ecg/beat-features.ts";
import { engineLabel, quantizeInputs, runWindows, type EngineName } from "./engine.ts";
import { paretoFamily } from "./family.ts";
import { addWindow, emptyConfusion, emptyHistograms, metrics } from "./metrics.ts";
import { argmaxClasses, marginScores, thresholdClasses } from "./scores.ts";
import { agreement, readSidecar, sidecarPath, type FloatSidecar } from "./sidecar.ts";
import { tuneThreshold } from "./threshold.ts";

export const TASKS = ["v-vs-rest", "aami5"] as const;
export type Task = (typeof TASKS)[number];
export type EvalSplit = "validation" | "test";

export const T_STAR_RULE =
	"V iff s_V >= t_star, s_V = q_V - max(other int8 logits) (the integer logit difference for 2 classes); t_star maximises validation macro-F1 (middle of ties)";
export const AAMI5_RULE = "argmax of the int8 logits (ties to the lower class index); no per-class bias";

export interface ClassRow {
	f1: number | null;
	f1_ci95: Interval;
	sensitivity: number | null;
	sensitivity_ci95: Interval;
	ppv: number | null;
	ppv_ci95: Interval;
	support: number;
}

export interface EvalRow {
	name: string;
	family: string;
	model_family: string;
	task: Task;
	split: EvalSplit;
	classes: string[];
	flash_bytes: number;
	macro_f1: number | null;
	ci95: Interval;
	balanced_accuracy: number | null;
	balanced_accuracy_ci95: Interval;
	auc: number | null;
	auc_ci95: Interval;
	per_class: Record<string, ClassRow>;
	t_star: number | null;
	decision: string;
	validation_macro_f1: number | null;
	float_t_star: number | null;
	/** Float vs integer classes under the float model's own rule (its t*, or argmax): the quantization's effect. */
	agreement: number | null;
	/** Float classes vs this row's decisions (integer t*): also counts where the two tuned thresholds differ. */
	agreement_decisions: number | null;
	agreement_windows: number | null;
	engine: string;
	windows: number;
	records: number;
	bootstrap: { unit: "record"; resamples: number; seed: number; level: 0.95 };
	train_seconds: number | null;
	model_sha256: string;
	dataset: { count: number; index_sha256: string };
}

export interface EvalOptions {
	modelPath: string;
	split: EvalSplit;
	/** Default: the model's own task (META). An aami5 model can also be scored as V-vs-rest. */
	task?: Task;
	dataDir: string;
	engine?: EngineName;
	threads?: number;
	resamples?: number;
	/** Native outputs cached here between runs (engine.ts); none by default. */
	cacheDir?: string;
	/** An already loaded dataset (report evaluates many models over one). */
	dataset?: Dataset;
	notice?: (line: string) => void;
}

/** Six decimals: what the row keeps of a real metric (the same on every rerun). */
function r6<T extends number | null>(x: T): T {
	return (x === null ? null : Math.round(x * 1e6) / 1e6) as T;
}

function r6i(i: Interval): Interval {
	return i && [r6(i[0]), r6(i[1])];
}

function sha256(bytes: Uint8Array | string): string {
	return createHash("sha256").update(bytes).digest("hex");
}

export interface ModelInfo {
	model: Model;
	blob: Uint8Array;
	name: string;
	family: string;
	task: Task;
	classes: string[];
	input: QuantParams;
	/** META.features: names of input channels 1.. (docs/FORMAT.md §6); [] for a window-only model. */
	features: string[];
}

/** A packed model's META as eval needs it; `tasks`: the tasks the caller evaluates (aami4 has its own path). */
export function modelInfo(path: string, tasks: readonly string[] = TASKS): ModelInfo {
	const blob = new Uint8Array(readFileSync(path));
	const model = readModel(blob);
	const meta = model.meta as Record<string, unknown> | null;
	if (!meta) throw new Error(`${path}: no META JSON, so its task and classes are unknown`);
	const classes = meta["classes"];
	const input = meta["input"] as QuantParams | undefined;
	if (!Array.isArray(classes) || classes.length !== model.output.length * model.output.channels) {
		throw new Error(`${path}: META classes must list one name per output value (${model.output.length * model.output.channels})`);
	}
	if (!input || !(input.scale > 0) || !Number.isInteger(input.zero_point)) throw new Error(`${path}: META has no valid input quantization`);
	const features = meta["features"] ?? [];
	if (!Array.isArray(features) || features.some((f) => typeof f !== "string" || !BEAT_FEATURE_NAMES.includes(f))) {
		throw new Error(`${path}: META features ${JSON.stringify(features)} are not names of BEAT_FEATURE_NAMES (${BEAT_FEATURE_NAMES.join(", ")})`);
	}
	if (model.input.channels !== 1 + features.length) throw new Error(`${path}: the input has ${model.input.channels} channels, META names ${features.length} features (the window plus one channel each)`);
	const task = meta["task"];
	if (!tasks.includes(task as string)) throw new Error(`${path}: META task "${String(task)}" is not one of ${tasks.join(", ")}`);
	return { model, blob, name: String(meta["name"] ?? path), family: String(meta["family"] ?? "unknown"), task: task as Task, classes: classes as string[], input, features: features as string[] };
}

/**
 * The model's int8 inputs for dataset windows first..first+count (docs/FORMAT.md §6: the window, then the model's
 * features in META order, quantized by the device's rule), from the lead the dataset stores first or its second.
 * `path` names the model in the error when the dataset cannot feed it.
 */
export function datasetInputs(ds: Dataset, info: ModelInfo, first: number, count: number, lead: 1 | 2, path: string): Int8Array {
	const names = ds.index.features ?? [];
	const columns = info.features.map((name) => names.indexOf(name));
	if (columns.some((c) => c < 0)) throw new Error(`${path}: the model takes features ${info.features.join(", ")}; the dataset has ${names.join(", ") || "none"} (rebuild it with \`hypertiny dataset\`)`);
	if (ds.index.window !== info.model.input.length) throw new Error(`${path}: the model takes windows of ${info.model.input.length} samples, the dataset's have ${ds.index.window}`);
	const W = ds.index.window;
	const F = columns.length;
	const all = names.length;
	const windows = lead === 1 ? ds.windows : ds.windows2;
	const source = lead === 1 ? ds.features : ds.features2;
	const features = new Float32Array(count * F);
	for (let w = 0; w < count; w++) for (let f = 0; f < F; f++) features[w * F + f] = source[(first + w) * all + columns[f]!]!;
	return quantizeInputs(windows.subarray(first * W, (first + count) * W), W, info.input, features, F);
}

/** Scores [window][task classes] and the task's class count from the model's outputs. */
function taskScores(outputs: Int8Array, info: ModelInfo, task: Task): { scores: Int16Array; classes: number } {
	const margins = marginScores(outputs, info.classes.length);
	if (task === info.task) return { scores: margins, classes: info.classes.length };
	const v = info.classes.indexOf("V");
	if (task !== "v-vs-rest" || v < 0) throw new Error(`a ${info.task} model cannot be evaluated as ${task}`);
	const n = margins.length / info.classes.length;
	const scores = new Int16Array(2 * n);
	for (let w = 0; w < n; w++) {
		scores[2 * w + 1] = margins[w * info.classes.length + v];
		scores[2 * w] = -margins[w * info.classes.length + v];
	}
	return { scores, classes: 2 };
}

function columnOf(scores: Int16Array, classes: number, k: number): Int16Array {
	const out = new Int16Array(scores.length / classes);
	for (let i = 0; i < out.length; i++) out[i] = scores[i * classes + k];
	return out;
}

function labelsOf(ds: Dataset, task: Task): Uint8Array {
	return task === "v-vs-rest" ? ds.vrest : ds.aami5;
}

/** Float classes of a split mapped to the evaluated task (an aami5 sidecar scored as V-vs-rest). */
function floatClasses(classes: Uint8Array, sidecarTask: string, info: ModelInfo, task: Task): Uint8Array {
	if (sidecarTask === task) return classes;
	const v = info.classes.indexOf("V");
	return classes.map((c) => (c === v ? 1 : 0));
}

/**
 * The integer model's classes under the float model's decision rule: for a two-class model, V iff
 * P(V) = sigmoid((q_V − q_rest)·output scale) ≥ the float t* (host/train/metrics.py's rule on the dequantized
 * int8 logits); otherwise argmax, which `predicted` already is (null: use it).
 */
function floatRuleClasses(outputs: Int8Array, info: ModelInfo, task: Task, f: FloatSidecar, from: number, to: number): Uint8Array | null {
	const scale = (info.model.meta as { output?: { scale?: unknown } }).output?.scale;
	if (task !== "v-vs-rest" || info.classes.length !== 2 || f.t_star === null || typeof scale !== "number") return null;
	const t = f.t_star;
	// host/eval's rule with the sidecar's own t* (equal to this row's when float and integer outputs agree).
	if (f.rule === "integer") return thresholdClasses(vScores(outputs.subarray(2 * from, 2 * to)), t);
	const out = new Uint8Array(to - from);
	for (let w = from; w < to; w++) out[w - from] = 1 / (1 + Math.exp(-(outputs[2 * w + 1] - outputs[2 * w]) * scale)) >= t ? 1 : 0;
	return out;
}

export async function evaluateModel(o: EvalOptions): Promise<EvalRow> {
	const notice = o.notice ?? ((line: string) => process.stderr.write(`NOTICE: ${line}\n`));
	const info = modelInfo(o.modelPath);
	const task = o.task ?? info.task;
	const ds = o.dataset ?? (await readDataset(o.dataDir));
	const indexSha = sha256(readFileSync(join(o.dataDir, "index.json")));
	const expected = task === info.task ? [...ds.index.classes[task === "v-vs-rest" ? "vrest" : "aami5"]] : null;
	if (expected && JSON.stringify(expected) !== JSON.stringify(info.classes)) {
		throw new Error(`${o.modelPath}: META classes ${JSON.stringify(info.classes)} differ from the dataset's ${JSON.stringify(expected)}`);
	}

	// Validation always (t*), then the split evaluated; the dataset stores splits contiguously.
	const val = ds.index.splits.validation;
	const test = ds.index.splits.test;
	const spans: Record<EvalSplit, { first: number; count: number }> = { validation: val, test };
	const first = val.first;
	const end = o.split === "test" ? test.first + test.count : val.first + val.count;
	if (o.split === "test" && test.first !== val.first + val.count) throw new Error("the dataset's validation and test windows are not contiguous");
	const inputs = datasetInputs(ds, info, first, end - first, 1, o.modelPath);
	const engine = o.engine ?? "native";
	const outputs = runWindows(o.modelPath, info.model, inputs, { engine, threads: o.threads, cacheDir: o.cacheDir });
	const { scores, classes } = taskScores(outputs, info, task);
	const labels = labelsOf(ds, task);
	const span = (s: EvalSplit) => ({ from: spans[s].first - first, to: spans[s].first - first + spans[s].count });

	let decide: (from: number, to: number) => Uint8Array;
	let tStar: number | null = null;
	let validationF1: number | null = null;
	if (task === "v-vs-rest") {
		const v = columnOf(scores, 2, 1);
		const vs = span("validation");
		const tuned = tuneThreshold(v.subarray(vs.from, vs.to), labels.subarray(val.first, val.first + val.count));
		tStar = tuned.t_star;
		validationF1 = tuned.macro_f1;
		decide = (from, to) => thresholdClasses(v.subarray(from, to), tuned.t_star);
	} else {
		decide = (from, to) => argmaxClasses(outputs.subarray(from * info.classes.length, to * info.classes.length), info.classes.length);
	}

	const s = span(o.split);
	const predicted = decide(s.from, s.to);
	const truth = labels.subarray(spans[o.split].first, spans[o.split].first + spans[o.split].count);
	const recordIds = ds.record.subarray(spans[o.split].first, spans[o.split].first + spans[o.split].count);
	const parts: RecordPart[] = [];
	for (let i = 0; i < predicted.length; i++) {
		if (i === 0 || recordIds[i] !== recordIds[i - 1]) parts.push({ record: recordIds[i], confusion: emptyConfusion(classes), histograms: emptyHistograms(classes) });
		const p = parts[parts.length - 1];
		addWindow(p.confusion, p.histograms, truth[i], predicted[i], scores, (s.from + i) * classes);
	}
	const all = emptyConfusion(classes);
	const allH = emptyHistograms(classes);
	for (const p of parts) {
		for (let i = 0; i < all.counts.length; i++) all.counts[i] += p.confusion.counts[i];
		for (let i = 0; i < allH.pos.length; i++) {
			allH.pos[i] += p.histograms.pos[i];
			allH.neg[i] += p.histograms.neg[i];
		}
	}
	const point = metrics(all, allH);
	const resamples = o.resamples ?? BOOTSTRAP_RESAMPLES;
	const ci = recordBootstrap(parts, resamples, BOOTSTRAP_SEED);
	if (task === "aami5") {
		// For argmax decisions the validation figure is reported too (same rule, no tuning).
		const vs = span("validation");
		const vp = decide(vs.from, vs.to);
		const c = emptyConfusion(classes);
		const h = emptyHistograms(classes);
		const vt = labels.subarray(val.first, val.first + val.count);
		for (let i = 0; i < vp.length; i++) addWindow(c, h, vt[i], vp[i], scores, (vs.from + i) * classes);
		validationF1 = metrics(c, h).macro_f1;
	}

	let agree: number | null = null;
	let agreeDecisions: number | null = null;
	let agreeWindows: number | null = null;
	let floatTStar: number | null = null;
	let trainSeconds: number | null = null;
	const sidecar = sidecarPath(o.modelPath, info.name);
	if (!sidecar) {
		notice(`${o.modelPath}: no float sidecar (${o.modelPath.replace(/\.htpw$/, "")}.float.json): agreement is null`);
	} else {
		const f = readSidecar(sidecar);
		trainSeconds = f.train_seconds;
		floatTStar = f.t_star;
		const floatSplit = f.classes[o.split];
		if (f.dataset.index_sha256 !== indexSha || f.dataset.count !== ds.index.count) {
			notice(`${sidecar}: made on another dataset (index.json sha256 ${f.dataset.index_sha256.slice(0, 12)}…, this one ${indexSha.slice(0, 12)}…): agreement is null`);
		} else if (floatSplit.length !== predicted.length) {
			notice(`${sidecar}: ${floatSplit.length} ${o.split} classes for ${predicted.length} windows: agreement is null`);
		} else {
			const theirs = floatClasses(floatSplit, f.task, info, task);
			agreeDecisions = agreement(theirs, predicted);
			agree = agreement(theirs, floatRuleClasses(outputs, info, task, f, s.from, s.to) ?? predicted);
			agreeWindows = predicted.length;
		}
	}

	const names = task === info.task ? info.classes : ["rest", "V"];
	const perClass: Record<string, ClassRow> = {};
	names.forEach((name, k) => {
		const m = point.per_class[k];
		const c = ci.per_class[k];
		perClass[name] = {
			f1: r6(m.f1), f1_ci95: r6i(c.f1), sensitivity: r6(m.sensitivity), sensitivity_ci95: r6i(c.sensitivity),
			ppv: r6(m.ppv), ppv_ci95: r6i(c.ppv), support: m.support,
		};
	});
	return {
		name: info.name,
		family: paretoFamily(info.family),
		model_family: info.family,
		task,
		split: o.split,
		classes: names,
		flash_bytes: info.blob.length,
		macro_f1: r6(point.macro_f1),
		ci95: r6i(ci.macro_f1),
		balanced_accuracy: r6(point.balanced_accuracy),
		balanced_accuracy_ci95: r6i(ci.balanced_accuracy),
		auc: r6(point.auc),
		auc_ci95: r6i(ci.auc),
		per_class: perClass,
		t_star: tStar,
		decision: task === "v-vs-rest" ? T_STAR_RULE : AAMI5_RULE,
		validation_macro_f1: r6(validationF1),
		float_t_star: floatTStar,
		agreement: r6(agree),
		agreement_decisions: r6(agreeDecisions),
		agreement_windows: agreeWindows,
		engine: engineLabel(engine),
		windows: predicted.length,
		records: parts.length,
		bootstrap: { unit: "record", resamples, seed: BOOTSTRAP_SEED, level: 0.95 },
		train_seconds: trainSeconds,
		model_sha256: sha256(info.blob),
		dataset: { count: ds.index.count, index_sha256: indexSha },
	};
}
