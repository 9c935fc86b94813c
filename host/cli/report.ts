// `hypertiny report`: the Pareto table of every packed model (host/eval/report.ts).
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import { EVAL_CACHE_DIR } from "../eval/engine.ts";
import { modelFiles, writeReport } from "../eval/report.ts";
import { REPO_ROOT } from "../train/python.ts";
import { requireDataset } from "./prerequisites.ts";
import { Progress } from "./progress.ts";

const REPORT_USAGE = `usage: hypertiny report [--models <dir>] [--data <dir>] [--out <dir>] [--engine native|ref] [--threads N]

Every packed model in --models (default models/) on the test split (DS2) by the integer engine: one row each in
<out>/pareto.json, README.md and pareto.svg (default results/mitbih).
  --data     the dataset directory (default results/tmp/mitbih-windows, made by \`npx hypertiny dataset\`)
  --engine   native (the C core, default) or ref
  --threads  worker threads for the native engine
`;

export async function reportCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			models: { type: "string" }, data: { type: "string" }, out: { type: "string" },
			engine: { type: "string", default: "native" }, threads: { type: "string" }, help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(REPORT_USAGE);
		return 0;
	}
	if (values.engine !== "native" && values.engine !== "ref") throw new Error(`--engine must be native or ref, not "${values.engine}"`);
	const threads = values.threads === undefined ? undefined : Number(values.threads);
	if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 256)) throw new Error(`--threads must be an integer 1..256`);
	const outDir = resolve(values.out ?? resolve(REPO_ROOT, "results/mitbih"));
	const dataDir = resolve(values.data ?? resolve(REPO_ROOT, DEFAULT_DATASET_DIR));
	requireDataset(dataDir);
	const modelsDir = resolve(values.models ?? resolve(REPO_ROOT, "models"));
	// writeReport logs one line per model it has evaluated.
	const progress = new Progress("report: models", modelFiles(modelsDir).files.length);
	let done = 0;
	let rows;
	try {
		rows = await writeReport({
			modelsDir, dataDir, outDir, engine: values.engine, threads, root: REPO_ROOT, cacheDir: resolve(REPO_ROOT, EVAL_CACHE_DIR),
			log: (line) => {
				progress.update(++done, line.replace(/:.*/, ""));
				progress.log(line);
			},
			notice: (line) => progress.log(`NOTICE: ${line}`),
		});
	} finally {
		progress.end();
	}
	process.stdout.write(`${rows.length} rows: ${outDir}/pareto.json, README.md, pareto.svg\n`);
	return 0;
}
