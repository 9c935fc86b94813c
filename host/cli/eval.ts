// `hypertiny eval`: one packed model over one split of the dataset, by the integer engine (host/eval).
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import { EVAL_CACHE_DIR } from "../eval/engine.ts";
import { evaluateModel, TASKS, type EvalRow, type EvalSplit, type Task } from "../eval/evaluate.ts";
import { REPO_ROOT } from "../train/python.ts";
import { requireDataset, requireModel } from "./prerequisites.ts";
import { Progress } from "./progress.ts";

export const EVAL_USAGE =
	"eval --model <m.htpw> --split val|test [--task v-vs-rest|aami5] [--data <dir>] [--engine native|ref] [--threads N] [--json]";

const HELP = `usage: hypertiny ${EVAL_USAGE}

One packed model over one split of the beat-window dataset, by the integer engine: macro-F1, balanced accuracy, AUC
and per-class F1/sensitivity/PPV with record-bootstrap 95% CIs; the decision threshold t* comes from validation.
  --model    the .htpw model (e.g. models/default.htpw)
  --split    val (DS1 validation records) or test (DS2)
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
			model: { type: "string" }, split: { type: "string" }, task: { type: "string" }, data: { type: "string" },
			engine: { type: "string", default: "native" }, threads: { type: "string" }, json: { type: "boolean", default: false },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(HELP);
		return 0;
	}
	if (!values.model || !values.split) throw new Error(`--model and --split are required\nusage: hypertiny ${EVAL_USAGE}`);
	const split = SPLITS[values.split];
	if (!split) throw new Error(`--split must be val or test, not "${values.split}"`);
	if (values.task !== undefined && !TASKS.includes(values.task as Task)) throw new Error(`--task must be one of ${TASKS.join(", ")}, not "${values.task}"`);
	if (values.engine !== "native" && values.engine !== "ref") throw new Error(`--engine must be native or ref, not "${values.engine}"`);
	const threads = values.threads === undefined ? undefined : Number(values.threads);
	if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 256)) throw new Error(`--threads must be an integer 1..256`);
	const dataDir = resolve(values.data ?? resolve(REPO_ROOT, DEFAULT_DATASET_DIR));
	requireModel(resolve(values.model));
	requireDataset(dataDir);
	// evaluateModel reports no steps, so on a terminal this shows what runs and for how long (no ETA).
	const progress = new Progress(`eval: ${basename(values.model)} on ${split}`, undefined, { enabled: !values.json });
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
