// models/<name>.float.json: what the float (fake-quant, PyTorch) model decided per window, so that `hypertiny eval`
// can measure float-vs-integer agreement without PyTorch (the contract between trainer and eval, models/README.md).
// The trainer evaluates the quantized net with the engine's rounding (host/train/exact.py) and hands over its int8
// output tensors; the decisions and t* come from them by host/eval's one rule (host/eval/decide.ts).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tuneDecider } from "../eval/decide.ts";
import { biasedClasses } from "../eval/decision-bias.ts";
import { addWindow, emptyConfusion, emptyHistograms, metrics } from "../eval/metrics.ts";
import { marginScores } from "../eval/scores.ts";
import { probabilityThreshold } from "../eval/threshold.ts";
import type { Checkpoint } from "../pack/checkpoint.ts";

/** 2: t_star is host/eval's integer threshold on s_V (T_STAR_RULE); 1 (or absent): a threshold on P(V). */
export const SIDECAR_VERSION = 2;
export const SIDECAR_RULE = "integer";

export interface FloatSidecar {
	version: number;
	name: string;
	family: string;
	task: string;
	train_seconds: number;
	cpu_seconds: number | null;
	command: string;
	seed: number;
	dataset: { count: number; index_sha256: string };
	/** "integer": t_star is host/eval's t* on s_V = q_V − q_rest (v-vs-rest), classes by that rule or argmax. */
	rule: typeof SIDECAR_RULE;
	/** The validation-tuned integer threshold (v-vs-rest), else null. */
	t_star: number | null;
	/** base64 of uint8 class per window of the split, in dataset order. */
	classes: { validation: string; test: string };
}

export function sidecarPath(modelPath: string): string {
	return modelPath.replace(/\.htpw$/, "") + ".float.json";
}

type Predictions = Record<string, string | undefined>;

function predictionsOf(c: Checkpoint): Predictions {
	return (c as Checkpoint & { predictions?: Predictions }).predictions ?? {};
}

function int8(b64: string): Int8Array {
	const bytes = Buffer.from(b64, "base64");
	return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length).slice();
}

export interface SplitLabels {
	validation: Uint8Array;
	test: Uint8Array;
}

/** The task's labels of the whole validation and test splits (dataset-format.ts files). */
export function splitLabels(dataDir: string, task: string): SplitLabels {
	const index = JSON.parse(readFileSync(join(dataDir, "index.json"), "utf8")) as {
		files: Record<string, string>; splits: Record<string, { first: number; count: number }>;
	};
	const file = index.files[task === "v-vs-rest" ? "vrest" : "aami5"]!;
	const all = new Uint8Array(readFileSync(join(dataDir, file)));
	const slice = (s: string) => all.slice(index.splits[s]!.first, index.splits[s]!.first + index.splits[s]!.count);
	return { validation: slice("validation"), test: slice("test") };
}

export interface IntegerDecisions {
	t_star: number | null;
	/** t_star as the equivalent threshold on P(V) (META.t_star, what the device applies), else null. */
	t_star_probability: number | null;
	validation_macro_f1: number | null;
	test_macro_f1: number | null;
	classes: { validation: Uint8Array; test: Uint8Array };
}

function macroF1(outputs: Int8Array, k: number, truth: Uint8Array, predicted: Uint8Array): number | null {
	const scores = marginScores(outputs, k);
	const c = emptyConfusion(k);
	const h = emptyHistograms(k);
	for (let i = 0; i < truth.length; i++) addWindow(c, h, truth[i], predicted[i], scores, i * k);
	return metrics(c, h).macro_f1;
}

/**
 * t* and classes from the checkpoint's int8 outputs of the whole validation and test splits, by host/eval's rule;
 * null when the checkpoint lacks the validation outputs (trained on a subset of validation, or by an older trainer);
 * test classes are empty when it has no test outputs (every checkpoint of the blind trainer).
 */
export function integerDecisions(c: Checkpoint, labels: SplitLabels): IntegerDecisions | null {
	const p = predictionsOf(c);
	if (!p["validation_outputs"]) return null;
	const k = c.classes.length;
	const val = int8(p["validation_outputs"]);
	// The trainer no longer evaluates DS2 (blind until release); older checkpoints carry its outputs too.
	const test = p["test_outputs"] ? int8(p["test_outputs"]) : new Int8Array(0);
	if (val.length !== labels.validation.length * k || (test.length && test.length !== labels.test.length * k)) {
		throw new Error(`the checkpoint's outputs (${val.length / k} validation, ${test.length / k} test windows) do not match the dataset's splits (${labels.validation.length}, ${labels.test.length})`);
	}
	const d = tuneDecider(val, labels.validation, k);
	const classes = { validation: d.decide(val), test: d.decide(test) };
	return {
		t_star: d.t_star,
		t_star_probability: d.t_star === null ? null : probabilityThreshold(d.t_star, c.output.scale),
		validation_macro_f1: macroF1(val, k, labels.validation, classes.validation),
		test_macro_f1: test.length ? macroF1(test, k, labels.test, classes.test) : null,
		classes,
	};
}

/**
 * Puts the integer rule's t* into the checkpoint (t_star: its P(V) form for META, t_star_score: the integer) and its
 * metrics (metrics.integer_rule), so that the packed model, the sidecar and `hypertiny eval` agree.
 */
export function applyDecisions(c: Checkpoint, d: IntegerDecisions): void {
	const x = c as Checkpoint & { t_star_score?: number | null };
	if (d.t_star !== null) {
		x.t_star = d.t_star_probability;
		x.t_star_score = d.t_star;
	}
	c.metrics["integer_rule"] = {
		t_star: d.t_star, t_star_probability: d.t_star_probability,
		validation_macro_f1: d.validation_macro_f1, test_macro_f1: d.test_macro_f1,
		rule: "host/eval/decide.ts (T_STAR_RULE of host/eval/evaluate.ts)",
	};
}

function b64(classes: Uint8Array): string {
	return Buffer.from(classes.buffer, classes.byteOffset, classes.length).toString("base64");
}

/**
 * What every sidecar says of its model and dataset: name, task, seed, times, the command, the dataset's index
 * digest; an error when the dataset's index changed since training (its classes would not align).
 */
function sidecarHeader(c: Checkpoint, dataDir: string, command: string, trainSeconds: number): Omit<FloatSidecar, "t_star" | "classes"> {
	const indexText = readFileSync(join(dataDir, "index.json"));
	const index = JSON.parse(indexText.toString("utf8")) as { count: number };
	const sha = createHash("sha256").update(indexText).digest("hex");
	const trained = (c.provenance["dataset"] as { index_sha256?: string } | undefined)?.index_sha256;
	if (trained && trained !== sha) throw new Error(`${dataDir}/index.json changed since training (sha256 ${sha}, trained on ${trained})`);
	const seed = c.provenance["seed"];
	const cpu = c.provenance["cpu_seconds"];
	return {
		version: SIDECAR_VERSION,
		name: c.name, family: c.family, task: c.task, train_seconds: Math.round(trainSeconds),
		cpu_seconds: typeof cpu === "number" ? Math.round(cpu) : null, command,
		seed: typeof seed === "number" ? seed : Number(seed),
		dataset: { count: index.count, index_sha256: sha },
		rule: SIDECAR_RULE,
	};
}

/** The sidecar of a checkpoint trained on whole splits; an error says why one cannot be written. */
export function buildSidecar(c: Checkpoint, dataDir: string, command: string, trainSeconds: number, decisions: IntegerDecisions | null): FloatSidecar {
	if (!decisions) throw new Error("the checkpoint lacks the int8 outputs of the whole validation split (trained with --max-val?)");
	return {
		...sidecarHeader(c, dataDir, command, trainSeconds),
		t_star: decisions.t_star,
		classes: { validation: b64(decisions.classes.validation), test: b64(decisions.classes.test) },
	};
}

/**
 * The sidecar of an N/S/V/F (aami4) model trained by fold (host/train --fold): the float model's classes under
 * its decision biases for the windows it predicted (dataset indices: a held-out fold, or all of DS1 for fold 0),
 * which `hypertiny eval --split ds1` compares with the integer engine.
 */
export function buildBeatSidecar(c: Checkpoint, dataDir: string, command: string, trainSeconds: number): FloatSidecar & { validation_index: string; decision_bias: number[] } {
	const p = predictionsOf(c);
	if (!p["validation_outputs"] || !p["validation_index"]) throw new Error("the checkpoint lacks the int8 outputs of the windows it predicted (trained with --max-val?)");
	const k = c.classes.length;
	const bias = c.decision_bias ?? new Array<number>(k).fill(0);
	const classes = biasedClasses(int8(p["validation_outputs"]), k, bias);
	return {
		...sidecarHeader(c, dataDir, command, trainSeconds),
		t_star: null, decision_bias: bias, validation_index: p["validation_index"],
		classes: { validation: b64(classes), test: "" },
	};
}

export function writeSidecar(path: string, sidecar: FloatSidecar): void {
	writeFileSync(path, JSON.stringify(sidecar, null, 1) + "\n");
}
