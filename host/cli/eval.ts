// `hypertiny eval`: one packed model over one split of the dataset, by the integer engine (host/eval).
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import { EVAL_CACHE_DIR } from "../eval/engine.ts";
import { evaluateModel, TASKS, type EvalRow, type EvalSplit, type Task } from "../eval/evaluate.ts";
import { REPO_ROOT } from "../train/python.ts";
import { requireDataset, requireModel } from "./prerequisites.ts";
import { readDataset } from "../data/dataset-format.ts";
import { evaluateBeatModel, type BeatEvalRow } from "../eval/evaluate-beat.ts";
import { isBeatModel } from "../eval/evaluate-beat.ts";
import { Progress } from "./progress.ts";
import { evaluateApneaModel, isApneaModel, type ApneaEvalRow } from "../rhythm/apnea-eval.ts";
import { apneaDataset, DEFAULT_APNEA_DIR } from "../rhythm/apnea-dataset.ts";

export const EVAL_USAGE =
	"eval --model <m.htpw> --split val|test|ds1|learning [--release] [--task v-vs-rest|aami5] [--data <dir>] [--engine native|ref] [--threads N] [--json]";

const HELP = `usage: hypertiny ${EVAL_USAGE}

One packed model over one split of the beat-window dataset, by the integer engine: macro-F1, balanced accuracy, AUC
and per-class F1/sensitivity/PPV with record-bootstrap 95% CIs; the decision threshold t* comes from validation.
  --model    the .htpw model (e.g. models/default.htpw)
  --split    val (DS1 validation records) or test (DS2); for an N/S/V/F model (task aami4): ds1 (all of DS1,
             the shipped model's training records) or test with --release (DS2 is blind: read once per released
             model); its figures: per-class Se/+P/F1 (AAMI EC57), false V per hour by rhythm, the second lead
             for the apnea model (META.consumes rr-sequence): learning (the Apnea-ECG learning set, its training
             recordings) or test with --release (the 35 test recordings, read once per released model)
  --task     v-vs-rest or aami5 (default: the model's own task)
  --data     the dataset directory (default results/tmp/mitbih-windows, made by \`npx hypertiny dataset\`)
  --engine   native (the C core, default) or ref (the TypeScript reference engine)
  --threads  worker threads for the native engine
  --json     one JSON object instead of the table
`;

const SPLITS: Record<string, EvalSplit> = { val: "validation", validation: "validation", test: "test" };

function fmt(x: number | null, digits = 4): string {
	return x === null ? "-" : x.toFixed(digits);
}

function ci(i: [number, number] | null): string {
	return i ? `[${fmt(i[0])}, ${fmt(i[1])}]` : "[-]";
}

export function formatRow(r: EvalRow): string {
	const lines = [
		`${r.name} (${r.family}, ${r.task}) on ${r.split}: ${r.windows} windows, ${r.records} records, ${r.flash_bytes} bytes`,
		`  macro-F1 ${fmt(r.macro_f1)} ${ci(r.ci95)}  balanced accuracy ${fmt(r.balanced_accuracy)} ${ci(r.balanced_accuracy_ci95)}  AUC ${fmt(r.auc)} ${ci(r.auc_ci95)}`,
	];
	for (const [name, c] of Object.entries(r.per_class)) {
		lines.push(`  ${name.padEnd(5)} F1 ${fmt(c.f1)} ${ci(c.f1_ci95)}  sens ${fmt(c.sensitivity)} ${ci(c.sensitivity_ci95)}  PPV ${fmt(c.ppv)} ${ci(c.ppv_ci95)}  n ${c.support}`);
	}
	lines.push(`  decision: ${r.t_star === null ? r.decision : `t* = ${r.t_star} (validation macro-F1 ${fmt(r.validation_macro_f1)})`}`);
	lines.push(`  float-vs-integer agreement: ${r.agreement === null ? "- (no usable float sidecar)" : `${fmt(r.agreement)} of ${r.agreement_windows} windows under the float model's rule, ${fmt(r.agreement_decisions)} against this row's decisions`}`);
	lines.push(`  95% CIs: ${r.bootstrap.resamples} bootstrap resamples over records, seed ${r.bootstrap.seed}; engine ${r.engine}`);
	return lines.join("\n") + "\n";
}

export async function evalCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			model: { type: "string" }, split: { type: "string" }, task: { type: "string" }, data: { type: "string" }, release: { type: "boolean", default: false },
			engine: { type: "string", default: "native" }, threads: { type: "string" }, json: { type: "boolean", default: false },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(HELP);
		return 0;
	}
	if (!values.model || !values.split) throw new Error(`--model and --split are required\nusage: hypertiny ${EVAL_USAGE}`);
	if (isBeatModel(resolve(values.model))) return beatEval(values);
	if (isApneaModel(resolve(values.model))) return apneaEval(values);
	const split = SPLITS[values.split];
	if (!split) throw new Error(`--split must be val or test, not "${values.split}"`);
	if (values.task !== undefined && !TASKS.includes(values.task as Task)) throw new Error(`--task must be one of ${TASKS.join(", ")}, not "${values.task}"`);
	if (values.engine !== "native" && values.engine !== "ref") throw new Error(`--engine must be native or ref, not "${values.engine}"`);
	const threads = values.threads === undefined ? undefined : Number(values.threads);
	if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 256)) throw new Error(`--threads must be an integer 1..256`);
	const dataDir = resolve(values.data ?? resolve(REPO_ROOT, DEFAULT_DATASET_DIR));
	requireModel(resolve(values.model));
	requireDataset(dataDir);
	// evaluateModel runs synchronously and reports no steps: on a terminal, a line saying what runs until it ends.
	const progress = new Progress(`eval: ${basename(values.model)} on ${split} by the integer engine (a first run also builds its cache)`, undefined, { enabled: !values.json, elapsed: false });
	let row: EvalRow;
	try {
		row = await evaluateModel({
			modelPath: resolve(values.model), split, task: values.task as Task | undefined, dataDir, engine: values.engine, threads,
			cacheDir: resolve(REPO_ROOT, EVAL_CACHE_DIR), notice: (line) => progress.log(`NOTICE: ${line}`),
		});
	} finally {
		progress.end();
	}
	process.stdout.write(values.json ? JSON.stringify(row) + "\n" : formatRow(row));
	return 0;
}

const pct = (x: number | null) => (x === null ? "-" : (100 * x).toFixed(1));

export function formatBeatRow(r: BeatEvalRow): string {
	const lines = [`${r.name} (${r.family}, ${r.task}) on ${r.split === "ds1" ? "DS1 (its training records)" : "DS2"}: ${r.windows} windows, ${r.records} records, ${r.flash_bytes} bytes`];
	for (const [lead, f] of [["lead 1 (MLII)", r.lead1], ["lead 2 (V1/V2/V4/V5)", r.lead2]] as const) {
		lines.push(`  ${lead}: ` + ["N", "S", "V", "F"].map((c) => `${c} Se ${pct(f.per_class[c]!.sensitivity)} +P ${pct(f.per_class[c]!.ppv)} F1 ${fmt(f.per_class[c]!.f1, 3)}`).join("; "));
		lines.push(`    false V per hour ${f.false_v_per_hour.all.toFixed(1)} (in AF/flutter ${f.false_v_per_hour.af === null ? "-" : f.false_v_per_hour.af.toFixed(1)}, outside ${f.false_v_per_hour.outside_af.toFixed(1)})`);
	}
	lines.push(`  SVEB F1 95% CI ${ci(r.lead1_ci95["S"]!.f1)}, VEB F1 ${ci(r.lead1_ci95["V"]!.f1)} (2000 record-bootstrap resamples)`);
	lines.push(`  decision: ${r.decision}: biases ${r.decision_bias.join(" ")}`);
	lines.push(`  float-vs-integer agreement: ${r.agreement === null ? "- (no usable float sidecar)" : `${fmt(r.agreement)} of ${r.agreement_windows} windows`}; engine ${r.engine}`);
	return lines.join("\n") + "\n";
}

/** N/S/V/F models (aami4): DS1 for development, DS2 only with --release (blind evaluation, once per released model). */
async function beatEval(values: { model?: string; split?: string; data?: string; engine?: string; threads?: string; json?: boolean; release?: boolean }): Promise<number> {
	const split = values.split === "ds1" ? "ds1" : values.split === "test" ? "test" : null;
	if (!split) throw new Error(`--split must be ds1 or test for an aami4 model, not "${values.split}"`);
	if (split === "test" && !values.release) throw new Error("DS2 is blind until release: `--split test --release` reads it once per released model (development runs use --split ds1 and `hypertiny cv`)");
	const dataDir = resolve(values.data ?? resolve(REPO_ROOT, DEFAULT_DATASET_DIR));
	requireDataset(dataDir);
	const modelPath = resolve(values.model!);
	const progress = new Progress(`eval: ${basename(modelPath)} on ${split}`, undefined, { enabled: !values.json });
	let row: BeatEvalRow;
	try {
		row = await evaluateBeatModel({
			modelPath, split, dataset: await readDataset(dataDir), dataDir, engine: values.engine as "native" | "ref",
			threads: values.threads === undefined ? undefined : Number(values.threads), cacheDir: resolve(REPO_ROOT, EVAL_CACHE_DIR),
			sidecar: modelPath.replace(/\.htpw$/, ".float.json"), notice: (line) => progress.log(`NOTICE: ${line}`),
		});
	} finally {
		progress.end();
	}
	process.stdout.write(values.json ? JSON.stringify(row) + "\n" : formatBeatRow(row));
	return 0;
}

export function formatApneaRow(r: ApneaEvalRow): string {
	const f = r.figures;
	const iv = (i: [number, number] | null) => (i ? ` [${pct(i[0])}, ${pct(i[1])}]` : "");
	return [
		`${r.name} (apnea) on the ${r.split === "test" ? "test set (x01-x35)" : "learning set (its training recordings)"}: ${f.minutes} minutes, ${f.recordings.rows.length} recordings, ${r.bytes} bytes`,
		`  per minute: accuracy ${pct(f.accuracy)} %${iv(f.intervals.accuracy)}, Se ${pct(f.sensitivity)} %${iv(f.intervals.sensitivity)}, Sp ${pct(f.specificity)} %${iv(f.intervals.specificity)}, AUC ${fmt(f.auc, 3)}`,
		`  per recording (apnea at >= 5 predicted apnea minutes per hour): A ${f.recordings.A[0]}/${f.recordings.A[1]} called apnea, C ${f.recordings.C[0]}/${f.recordings.C[1]} called normal, B ${f.recordings.B_called_apnea[0]}/${f.recordings.B_called_apnea[1]} called apnea`,
		`  decision: apnea iff ${r.score_minutes > 1 ? `the mean of q_A - q_N over the minute and the ${r.score_minutes - 1} before it (META.score_minutes)` : "q_A - q_N"} >= ${r.t_star} (META.t_star_score, chosen by \`hypertiny apnea cv\`); 95% CIs over recordings`,
	].join("\n") + "\n";
}

/** The apnea model: the learning set for development, the test set only with --release. */
async function apneaEval(values: { model?: string; split?: string; data?: string; engine?: string; threads?: string; json?: boolean; release?: boolean }): Promise<number> {
	const split = values.split === "learning" ? "learning" : values.split === "test" ? "test" : null;
	if (!split) throw new Error(`--split must be learning or test for an apnea model, not "${values.split}"`);
	if (split === "test" && !values.release) throw new Error("the Apnea-ECG test set is read once per released model: `--split test --release` (development uses `hypertiny apnea cv`)");
	const dataDir = resolve(values.data ?? resolve(REPO_ROOT, DEFAULT_APNEA_DIR));
	const row = evaluateApneaModel({ modelPath: resolve(values.model!), ds: await apneaDataset(dataDir), split, engine: values.engine as "native" | "ref", threads: values.threads === undefined ? undefined : Number(values.threads) });
	process.stdout.write(values.json ? JSON.stringify(row) + "\n" : formatApneaRow(row));
	return 0;
}
