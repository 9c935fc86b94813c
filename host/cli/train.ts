// `hypertiny train`: dataset (built when missing) -> PyTorch training + QAT (host/train) -> float checkpoint
// -> integer model (host/pack/export-model.ts) -> .htpw.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import { DATASET_VERSION } from "../data/dataset-format.ts";
import { readCheckpoint, type Checkpoint } from "../pack/checkpoint.ts";
import { exportCheckpoint } from "../pack/export-model.ts";
import { inspectBlob } from "../pack/inspect.ts";
import { hasTorch, pythonPath, REPO_ROOT, runTrainer } from "../train/python.ts";
import { buildDefaultDataset } from "./dataset.ts";
import { buildApneaDataset, DEFAULT_APNEA_DIR } from "../rhythm/apnea-dataset.ts";
import { probabilityThreshold } from "../eval/threshold.ts";
import { applyDecisions, buildBeatSidecar, buildSidecar, integerDecisions, sidecarPath, splitLabels, writeSidecar } from "../train/sidecar.ts";

export const TRAIN_USAGE = `hypertiny train --model <family> --task v-vs-rest|aami5|aami4|apnea --out <model.htpw> [--epochs N] [--qat-epochs N]
        [--size tiny|compact|default|wide] [--data <dir>] [--checkpoint <file>] [--epoch-size N] [--seed N] [--reuse-checkpoint]
        [--fold K] [--decision-bias B0,B1,...] [--t-star T] [-- <trainer options>]
    --fold K: DS1 cross-validation (train without fold K's records; 0: all of DS1, the shipped model); recipes and
        their sweeps: hypertiny sweep / hypertiny cv
    --decision-bias: per-class integers added to the int8 logits before the argmax (aami4; from hypertiny cv)
    --t-star T: the apnea model's threshold on q_A - q_N (task apnea, data \`hypertiny apnea dataset\`; from
        hypertiny apnea cv; default argmax); its recipes, CV and release: hypertiny sweep / hypertiny apnea
    --reuse-checkpoint: pack an existing checkpoint (made by the trainer with these options) instead of training,
        under this command's name
    trainer options: --no-features (the ECG window only, no beat-context channels), --class-weight-power P, ...
    families: separable-int8, hyper-lowrank, hyper-paper, cnn-32k, cnn-64k, cnn-large
    trainer options: python -m host.train --help (e.g. --rank 8 --head-bits 4 --max-train 20000 --threads 2)`;

const PASSED = ["epochs", "qat-epochs", "size", "epoch-size", "seed", "name", "fold"] as const;

/** --decision-bias "0,12,3,1": one integer per class in -255..255 (META.decision_bias, multi-class models). */
export function parseDecisionBias(text: string, classes: number): number[] {
	const b = text.split(",").map((x) => Number(x.trim()));
	if (b.length !== classes || b.some((x) => !Number.isInteger(x) || x < -255 || x > 255)) {
		throw new Error(`--decision-bias ${text}: give ${classes} integers in -255..255, one per class (e.g. the biases of \`hypertiny cv\`)`);
	}
	return b;
}

export async function trainCommand(args: string[]): Promise<number> {
	const split = args.indexOf("--");
	const own = split < 0 ? args : args.slice(0, split);
	const extra = split < 0 ? [] : args.slice(split + 1);
	const { values } = parseArgs({
		args: own,
		options: {
			model: { type: "string" }, task: { type: "string", default: "v-vs-rest" }, out: { type: "string" },
			data: { type: "string" }, checkpoint: { type: "string" }, epochs: { type: "string" }, "qat-epochs": { type: "string" },
			size: { type: "string" }, "epoch-size": { type: "string" }, seed: { type: "string" }, name: { type: "string" },
			fold: { type: "string" }, "decision-bias": { type: "string" }, "t-star": { type: "string" },
			"reuse-checkpoint": { type: "boolean", default: false }, help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(`usage: ${TRAIN_USAGE}\n`);
		return 0;
	}
	if (!values.model || !values.out) throw new Error(`--model and --out are required\nusage: ${TRAIN_USAGE}`);
	const out = resolve(values.out);
	const name = values.name ?? basename(out).replace(/\.htpw$/, "");
	const apnea = values.task === "apnea";
	const data = resolve(values.data ?? join(REPO_ROOT, apnea ? DEFAULT_APNEA_DIR : DEFAULT_DATASET_DIR));
	const checkpoint = resolve(values.checkpoint ?? join(REPO_ROOT, "results/tmp/train", `${name}.checkpoint.json`));

	if (!hasTorch()) {
		throw new Error(`${pythonPath()} cannot import torch and numpy: install them with \`apt install python3-torch python3-numpy\` (or set HYPERTINY_PYTHON to a python3 that has them)`);
	}
	if (apnea && !existsSync(join(data, "index.json"))) {
		process.stderr.write(`building the apnea minutes in ${data}\n`);
		await buildApneaDataset(data);
	}
	const stale = !apnea && existsSync(join(data, "index.json")) && (JSON.parse(readFileSync(join(data, "index.json"), "utf8")) as { version?: number }).version !== DATASET_VERSION;
	if (!existsSync(join(data, "index.json")) || (stale && !values["reuse-checkpoint"])) {
		process.stderr.write(`building the dataset in ${data}${stale ? " (the one there is from another dataset version)" : ""}\n`);
		await buildDefaultDataset(data, { lines: false, progress: true });
	}
	const trainerArgs = ["--data", data, "--model", values.model, "--task", values.task as string, "--checkpoint", checkpoint];
	for (const key of PASSED) {
		const v = key === "name" ? name : values[key];
		if (v !== undefined) trainerArgs.push(`--${key}`, v);
	}
	let trainSeconds: number;
	if (values["reuse-checkpoint"]) {
		if (!existsSync(checkpoint)) throw new Error(`--reuse-checkpoint: ${checkpoint} does not exist`);
		const seconds = readCheckpoint(checkpoint).provenance["seconds"];
		trainSeconds = typeof seconds === "number" ? seconds : 0;
		process.stderr.write(`packing the existing ${checkpoint} (trained in ${trainSeconds} s)\n`);
	} else {
		const started = Date.now();
		const status = await runTrainer([...trainerArgs, ...extra]);
		if (status !== 0) throw new Error(`the trainer exited with status ${status}`);
		trainSeconds = (Date.now() - started) / 1000;
	}

	// t* by host/eval's rule from the trainer's int8 outputs, into the checkpoint before packing (META.t_star).
	const ckpt: Checkpoint = readCheckpoint(checkpoint);
	// A reused checkpoint (e.g. from a trial run) is packed under this command's name.
	if (values["reuse-checkpoint"] && ckpt.name !== name) {
		ckpt.provenance["trained_as"] = ckpt.name;
		ckpt.name = name;
	}
	if (ckpt.task === "apnea") return packApneaModel(ckpt, checkpoint, out, values["t-star"], trainSeconds);
	if (ckpt.task === "aami4") return packBeatModel(ckpt, checkpoint, out, data, values["decision-bias"], args, trainSeconds);
	const decisions = integerDecisions(ckpt, splitLabels(data, ckpt.task));
	if (decisions) applyDecisions(ckpt, decisions);
	if (decisions || values["reuse-checkpoint"]) writeFileSync(checkpoint, JSON.stringify(ckpt) + "\n");
	const blob = exportCheckpoint(checkpoint, out);
	const report = inspectBlob(blob);
	let sidecar = "";
	try {
		const command = commandLine(args);
		const path = sidecarPath(out);
		writeSidecar(path, buildSidecar(ckpt, data, command, trainSeconds, decisions));
		sidecar = `\nfloat sidecar: ${path}`;
	} catch (e) {
		sidecar = `\nno float sidecar: ${(e as Error).message}`;
	}
	const metrics = ckpt.metrics as Record<string, { macro_f1?: number; t_star?: number } | undefined>;
	const f4 = (x: number | null | undefined) => (typeof x === "number" ? x.toFixed(4) : "-");
	const result = decisions
		? `macro-F1 by the integer rule (host/eval): validation ${f4(decisions.validation_macro_f1)}, test ${f4(decisions.test_macro_f1)} (${decisions.t_star === null ? "argmax" : `t* = ${decisions.t_star} on s_V, P(V) ≥ ${decisions.t_star_probability!.toFixed(6)}`}, from validation)`
		: `fake-quant macro-F1 (trainer's rule, subsets): validation ${f4(metrics["validation"]?.macro_f1)}, test ${f4(metrics["test"]?.macro_f1)} (t* ${metrics["validation"]?.t_star ?? "-"})`;
	process.stdout.write(
		`${out}: ${report.file_size} bytes (all PW as INT8: ${report.all_pw_int8_bytes})` +
			(report.generator ? `, generator+heads+codes+their qparams ${report.generator_total_bytes} replacing ${report.generated_pw_int8_bytes} bytes of INT8 PW` : "") +
			`\n${result}\ntrain_seconds: ${trainSeconds.toFixed(0)}\ncheckpoint: ${checkpoint}${sidecar}\n`,
	);
	return 0;
}

/** The command that made a model, for its sidecar: as typed, less --reuse-checkpoint, arguments quoted where needed. */
function commandLine(args: string[]): string {
	return ["hypertiny", "train", ...args.filter((a) => a !== "--reuse-checkpoint")].map((a) => (/^[\w.\/=:-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/** An N/S/V/F model: its decision biases (from `hypertiny cv`) into META, the .htpw, and its fold sidecar. */
function packBeatModel(ckpt: Checkpoint, checkpoint: string, out: string, data: string, bias: string | undefined, args: string[], trainSeconds: number): number {
	if (bias !== undefined) ckpt.decision_bias = parseDecisionBias(bias, ckpt.classes.length);
	writeFileSync(checkpoint, JSON.stringify(ckpt) + "\n");
	const blob = exportCheckpoint(checkpoint, out);
	const report = inspectBlob(blob);
	const command = commandLine(args);
	let sidecar: string;
	try {
		const path = sidecarPath(out);
		writeSidecar(path, buildBeatSidecar(ckpt, data, command, trainSeconds));
		sidecar = `float sidecar: ${path}`;
	} catch (e) {
		sidecar = `no float sidecar: ${(e as Error).message}`;
	}
	process.stdout.write(
		`${out}: ${report.file_size} bytes (all PW as INT8: ${report.all_pw_int8_bytes})\n` +
			`decision: argmax of int8 logits + decision_bias ${(ckpt.decision_bias ?? [0, 0, 0, 0]).join(" ")}${bias === undefined ? " (no --decision-bias: plain argmax)" : ""}\n` +
			`train_seconds: ${trainSeconds.toFixed(0)}\ncheckpoint: ${checkpoint}\n${sidecar}\n`,
	);
	return 0;
}

/** The apnea model (task apnea): its threshold on q_A − q_N into META (t_star_score, and t_star as P(A)), the .htpw. */
function packApneaModel(ckpt: Checkpoint, checkpoint: string, out: string, tStar: string | undefined, trainSeconds: number): number {
	const x = ckpt as Checkpoint & { t_star_score?: number };
	if (tStar !== undefined) {
		const t = Number(tStar);
		if (!Number.isInteger(t) || t < -255 || t > 256) throw new Error(`--t-star ${tStar}: give an integer in -255..256 (a threshold on q_A - q_N, e.g. from hypertiny apnea cv)`);
		x.t_star_score = t;
		x.t_star = probabilityThreshold(t, ckpt.output.scale);
	}
	writeFileSync(checkpoint, JSON.stringify(ckpt) + "\n");
	const report = inspectBlob(exportCheckpoint(checkpoint, out));
	process.stdout.write(
		`${out}: ${report.file_size} bytes (all PW as INT8: ${report.all_pw_int8_bytes})\n` +
			`decision: apnea iff q_A - q_N >= ${x.t_star_score ?? "1 (argmax; no --t-star)"}\ntrain_seconds: ${trainSeconds.toFixed(0)}\ncheckpoint: ${checkpoint}\n` +
			`figures: hypertiny eval --model ${out} --split learning (in-sample); cross-validation and release: hypertiny apnea cv|release\n`,
	);
	return 0;
}
