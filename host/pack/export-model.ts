// Checkpoint JSON -> integer ModelSpec -> .htpw (host/train writes the checkpoint; writer.ts packs the spec).

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseCheckpoint, type Checkpoint } from "./checkpoint.ts";
import { quantizeGenerator } from "./quantize-generator.ts";
import { quantizeOp } from "./quantize-ops.ts";
import { modelScale } from "./quantize.ts";
import type { ModelSpec } from "./spec.ts";
import { writeModel } from "./writer.ts";

/** META (docs/FORMAT.md §6): what a reader needs to run and interpret the model, plus where it came from. */
function metaOf(c: Checkpoint, source: Record<string, unknown>): Record<string, unknown> {
	const integer = c.metrics?.["integer_rule"] as { validation_macro_f1?: number; test_macro_f1?: number } | undefined;
	const summary = (split: "validation" | "test") =>
		integer ? integer[`${split}_macro_f1`] : (c.metrics?.[split] as { macro_f1?: number } | undefined)?.macro_f1;
	const score = (c as Checkpoint & { t_star_score?: unknown }).t_star_score;
	const minutes = (c as Checkpoint & { score_minutes?: unknown }).score_minutes;
	return {
		name: c.name, family: c.family, task: c.task, classes: c.classes,
		sample_rate: c.sample_rate, window: c.window, ...(c.features?.length ? { features: c.features } : {}),
		// Absent: a beat window (every beat model); the apnea model eats the RR sequence of modules/rhythm/apnea-input.ts.
		...(c.task === "apnea" ? { consumes: "rr-sequence" } : {}),
		input: c.input, output: c.output, t_star: c.t_star,
		// t_star is P(V) ≥ t_star; t_star_score the same decision as q_V − q_rest ≥ t_star_score (host/eval/threshold.ts).
		...(typeof score === "number" ? { t_star_score: score } : {}),
		// An apnea model decides by the mean score of its last score_minutes minutes (modules/rhythm/apnea-score.ts).
		...(typeof minutes === "number" && minutes !== 1 ? { score_minutes: minutes } : {}),
		// Multi-class decisions: argmax of int8 logit + decision_bias (host/eval/decision-bias.ts), biases from DS1 CV.
		...(c.decision_bias ? { decision_bias: c.decision_bias } : {}),
		provenance: {
			...source,
			trainer: c.provenance["trainer"], command: c.provenance["command"], seed: c.provenance["seed"],
			git_commit: c.provenance["git_commit"], dataset_splits: (c.provenance["dataset"] as { splits?: unknown } | undefined)?.splits,
			fake_quant_macro_f1: { validation: summary("validation"), test: summary("test") },
			quantizer: "host/pack/export-model.ts",
		},
	};
}

export function checkpointToSpec(c: Checkpoint, source: Record<string, unknown> = {}): ModelSpec {
	return {
		meta: metaOf(c, source),
		tensors: c.tensors.map((t) => ({ length: t.length, channels: t.channels, zeroPoint: t.zero_point })),
		ops: c.ops.map((op, i) => quantizeOp(c, op, i)),
		inputTensor: c.input_tensor,
		outputTensor: c.output_tensor,
		generator: quantizeGenerator(c),
		tensorScales: c.tensors.map((t, i) => modelScale(t.scale, `tensor ${i}`)),
	};
}

/** Reads a checkpoint, writes the packed model; returns the blob. */
export function exportCheckpoint(checkpointPath: string, outPath: string): Uint8Array {
	const text = readFileSync(checkpointPath, "utf8");
	const checkpoint = parseCheckpoint(text, checkpointPath);
	const sha256 = createHash("sha256").update(text).digest("hex");
	const blob = writeModel(checkpointToSpec(checkpoint, { checkpoint_sha256: sha256 }));
	mkdirSync(dirname(outPath), { recursive: true });
	writeFileSync(outPath, blob);
	return blob;
}
