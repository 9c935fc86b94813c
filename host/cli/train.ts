// `hypertiny train`: dataset (built when missing) -> PyTorch training + QAT (host/train) -> float checkpoint
// -> integer model (host/pack/export-model.ts) -> .htpw.
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildDataset, DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import { mitdbPath } from "../data/mitdb-path.ts";
import { readCheckpoint } from "../pack/checkpoint.ts";
import { exportCheckpoint } from "../pack/export-model.ts";
import { inspectBlob } from "../pack/inspect.ts";
import { hasTorch, pythonPath, REPO_ROOT, runTrainer } from "../train/python.ts";
import { buildSidecar, sidecarPath, writeSidecar } from "../train/sidecar.ts";

export const TRAIN_USAGE = `hypertiny train --model <family> --task v-vs-rest|aami5 --out <model.htpw> [--epochs N] [--qat-epochs N]
        [--size tiny|default|wide] [--data <dir>] [--checkpoint <file>] [--epoch-size N] [--seed N] [-- <trainer options>]
    families: separable-int8, hyper-lowrank, hyper-paper, cnn-32k, cnn-64k, cnn-large
    trainer options: python -m host.train --help (e.g. --rank 8 --head-bits 4 --max-train 20000 --threads 2)`;

const PASSED = ["epochs", "qat-epochs", "size", "epoch-size", "seed", "name"] as const;

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
		},
	});
	if (!values.model || !values.out) throw new Error(`--model and --out are required\nusage: ${TRAIN_USAGE}`);
	const out = resolve(values.out);
	const name = values.name ?? basename(out).replace(/\.htpw$/, "");
	const data = resolve(values.data ?? join(REPO_ROOT, DEFAULT_DATASET_DIR));
	const checkpoint = resolve(values.checkpoint ?? join(REPO_ROOT, "results/tmp/train", `${name}.checkpoint.json`));

	if (!hasTorch()) {
		throw new Error(`${pythonPath()} cannot import torch and numpy: install them with \`apt install python3-torch python3-numpy\` (or set HYPERTINY_PYTHON to a python3 that has them)`);
	}
	if (!existsSync(join(data, "index.json"))) {
		process.stderr.write(`building the dataset in ${data}\n`);
		await buildDataset({ mitdb: await mitdbPath(), out: data });
	}
	const trainerArgs = ["--data", data, "--model", values.model, "--task", values.task as string, "--checkpoint", checkpoint];
	for (const key of PASSED) {
		const v = key === "name" ? name : values[key];
		if (v !== undefined) trainerArgs.push(`--${key}`, v);
	}
	const started = Date.now();
	const status = await runTrainer([...trainerArgs, ...extra]);
	if (status !== 0) throw new Error(`the trainer exited with status ${status}`);
	const trainSeconds = (Date.now() - started) / 1000;

	const blob = exportCheckpoint(checkpoint, out);
	const report = inspectBlob(blob);
	const ckpt = readCheckpoint(checkpoint);
	const metrics = ckpt.metrics as Record<string, { macro_f1?: number; t_star?: number } | undefined>;
	let sidecar = "";
	try {
		const command = ["hypertiny", "train", ...args].map((a) => (/^[\w.\/=:-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
		const path = sidecarPath(out);
		writeSidecar(path, buildSidecar(ckpt, data, command, trainSeconds));
		sidecar = `\nfloat sidecar: ${path}`;
	} catch (e) {
		sidecar = `\nno float sidecar: ${(e as Error).message}`;
	}
	const f1 = (s: string) => (metrics[s]?.macro_f1 === undefined ? "-" : (metrics[s]!.macro_f1 as number).toFixed(4));
	process.stdout.write(
		`${out}: ${report.file_size} bytes (all PW as INT8: ${report.all_pw_int8_bytes})` +
			(report.generator ? `, generator+heads+codes+their qparams ${report.generator_total_bytes} replacing ${report.generated_pw_int8_bytes} bytes of INT8 PW` : "") +
			`\nfake-quant macro-F1: validation ${f1("validation")}, test ${f1("test")} (t* ${metrics["validation"]?.t_star ?? "-"}, from validation)\ntrain_seconds: ${trainSeconds.toFixed(0)}\ncheckpoint: ${checkpoint}${sidecar}\n`,
	);
	return 0;
}
