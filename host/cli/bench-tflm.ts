// `hypertiny bench:tflm`: every model in models/ that exports to .tflite, run by TensorFlow Lite Micro's interpreter
// and by our C core on all of DS2 plus the adversarial windows; results/tflite/tflm.json and tflm.md. Outputs only.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import { readDataset } from "../data/dataset-format.ts";
import { EVAL_CACHE_DIR } from "../eval/engine.ts";
import { checkApneaModelWithTflm, checkModelWithTflm, ds2Windows, exportableModels, modelRequantDifferences, type ModelTflmCheck } from "../tflite/committed.ts";
import { hasTflm, TFLM_MISSING } from "../tflite/tflm.ts";
import { REPO_ROOT } from "../train/python.ts";
import { requireDataset } from "./prerequisites.ts";
import { isApneaModel } from "../rhythm/apnea-eval.ts";
import { apneaDataset, DEFAULT_APNEA_DIR, type ApneaDataset } from "../rhythm/apnea-dataset.ts";

let apnea: Promise<ApneaDataset> | undefined;
/** The apnea minutes (built when missing), read once, for a model that consumes an RR sequence. */
const apneaMinutes = () => (apnea ??= apneaDataset(join(REPO_ROOT, DEFAULT_APNEA_DIR)));

const USAGE = `usage: hypertiny bench:tflm [--models <dir>] [--data <dir>] [--out results/tflite]

Every model in --models (default models/) that exports to .tflite, on all of DS2 (the apnea model: all 17,268 minutes
of the Apnea-ECG test recordings) and the adversarial windows, by
TFLM's interpreter (PyPI tflite-micro) and by our C core: identical int8 outputs per model, in <out>/tflm.json and
tflm.md. Compares outputs only (no labels).
`;

export async function benchTflmCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({ args, options: { models: { type: "string" }, data: { type: "string" }, out: { type: "string" }, help: { type: "boolean", default: false } } });
	if (values.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	if (!hasTflm()) throw new Error(`no TFLM Python: ${TFLM_MISSING}`);
	const modelsDir = resolve(values.models ?? join(REPO_ROOT, "models"));
	const dataDir = resolve(values.data ?? join(REPO_ROOT, DEFAULT_DATASET_DIR));
	requireDataset(dataDir);
	const ds = await readDataset(dataDir);
	const windows = ds2Windows(ds, Number.MAX_SAFE_INTEGER);
	const rows: (ModelTflmCheck & { model: string; seconds: number; requant_differences: string[] })[] = [];
	for (const file of exportableModels(modelsDir)) {
		const started = Date.now();
		const path = join(modelsDir, file);
		const r = isApneaModel(path)
			? checkApneaModelWithTflm(path, await apneaMinutes(), { cacheDir: join(REPO_ROOT, EVAL_CACHE_DIR) })
			: checkModelWithTflm(path, ds, windows, { cacheDir: join(REPO_ROOT, EVAL_CACHE_DIR) });
		const requant = modelRequantDifferences(join(modelsDir, file));
		rows.push({ model: file, ...r, seconds: (Date.now() - started) / 1000, requant_differences: requant });
		process.stderr.write(`${file}: ${r.identical}/${r.windows} identical, ${requant.length} requantization differences (${rows.at(-1)!.seconds.toFixed(0)} s)\n`);
	}
	const out = resolve(values.out ?? join(REPO_ROOT, "results/tflite"));
	mkdirSync(out, { recursive: true });
	writeFileSync(join(out, "tflm.json"), JSON.stringify({ command: "npm run bench:tflm", rows }, null, 1) + "\n");
	const md = [
		"# TFLM's interpreter against our C core",
		"",
		"Made by `npm run bench:tflm`: each model in `models/` that exports (`hypertiny export --tflite`), run by PyPI",
		"`tflite-micro` (TensorFlow Lite Micro's interpreter and reference kernels) and by our C core on every DS2 window",
		"(window and features quantized by the device's rule; for the apnea model every test-set minute, column \"DS2 windows\")",
		"and the adversarial windows of `host/tflite/tflm.ts`. Only int8",
		"outputs are compared; no label is read. Requantization: every multiplier and shift of every CONV_2D, DEPTHWISE_CONV_2D,",
		"FULLY_CONNECTED, ADD and MEAN as TFLM's Prepare derives it from the .tflite's float32 scales (`host/tflite/run_tflm.py",
		"--prepare`, written from TFLM's C++) against ours; a multiplier off by one rarely moves an output, but shows here.",
		"",
		"| model | DS2 windows | adversarial | identical | first different | requantization differences | seconds |",
		"|---|---:|---:|---:|---:|---:|---:|",
		...rows.map((r) => `| ${r.model} | ${r.ds2_windows} | ${r.adversarial_windows} | ${r.identical} of ${r.windows} | ${r.firstDifferent < 0 ? "–" : r.firstDifferent} | ${r.requant_differences.length} | ${r.seconds.toFixed(0)} |`),
		"",
	].join("\n");
	writeFileSync(join(out, "tflm.md"), md);
	process.stdout.write(md);
	return rows.every((r) => r.identical === r.windows && r.requant_differences.length === 0) ? 0 : 1;
}
