// `hypertiny report`: the Pareto table of every packed model (host/eval/report.ts).
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import { EVAL_CACHE_DIR } from "../eval/engine.ts";
import { writeReport } from "../eval/report.ts";
import { REPO_ROOT } from "../train/python.ts";

export async function reportCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			models: { type: "string" }, data: { type: "string" }, out: { type: "string" },
			engine: { type: "string", default: "native" }, threads: { type: "string" },
		},
	});
	if (values.engine !== "native" && values.engine !== "ref") throw new Error(`--engine must be native or ref, not "${values.engine}"`);
	const threads = values.threads === undefined ? undefined : Number(values.threads);
	if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 256)) throw new Error(`--threads must be an integer 1..256`);
	const outDir = resolve(values.out ?? resolve(REPO_ROOT, "results/mitbih"));
	const rows = await writeReport({
		modelsDir: resolve(values.models ?? resolve(REPO_ROOT, "models")),
		dataDir: resolve(values.data ?? resolve(REPO_ROOT, DEFAULT_DATASET_DIR)),
		outDir, engine: values.engine, threads, root: REPO_ROOT, cacheDir: resolve(REPO_ROOT, EVAL_CACHE_DIR),
		log: (line) => process.stderr.write(line + "\n"),
		notice: (line) => process.stderr.write(`NOTICE: ${line}\n`),
	});
	process.stdout.write(`${rows.length} rows: ${outDir}/pareto.json, README.md, pareto.svg\n`);
	return 0;
}
