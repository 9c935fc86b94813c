// `hypertiny report`: the Pareto table of every packed model (host/eval/report.ts).
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import { EVAL_CACHE_DIR } from "../eval/engine.ts";
import { modelFiles, writeReport } from "../eval/report.ts";
import { releaseMarkdown, releaseRecipe, type ReleaseRecipe } from "../eval/release.ts";
import { readDataset } from "../data/dataset-format.ts";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_SWEEP_DIR } from "./sweep.ts";
import { REPO_ROOT } from "../train/python.ts";
import { requireDataset } from "./prerequisites.ts";
import { Progress } from "./progress.ts";

const REPORT_USAGE = `usage: hypertiny report [--models <dir>] [--data <dir>] [--out <dir>] [--engine native|ref] [--threads N]

Every packed model in --models (default models/) on the test split (DS2) by the integer engine: one row each in
<out>/pareto.json, README.md and pareto.svg (default results/mitbih).
  --data     the dataset directory (default results/tmp/mitbih-windows, made by \`npx hypertiny dataset\`)
  --engine   native (the C core, default) or ref
  --threads  worker threads for the native engine

       hypertiny report --release RECIPE[,RECIPE...] [--sweep ${DEFAULT_SWEEP_DIR}] [--cv results/mitbih/cv.json]
                        [--models <dir>] [--data <dir>] [--out <dir>] [--threads N]

N/S/V/F recipes (host/train/recipes.ts), read on DS2 once per release: every seed's fold-0 model of
\`hypertiny sweep --folds 0\`, packed with the decision biases \`hypertiny cv\` chose for that seed (plain argmax for
a recipe without CV), by the integer engine. Writes <out>/release.json and release.md (mean ± sd over seeds, the
shipped seed's row, the published table) and the shipped seed's model as <models>/<recipe>.htpw with its sidecar.
`;

export async function reportCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			models: { type: "string" }, data: { type: "string" }, out: { type: "string" },
			engine: { type: "string", default: "native" }, threads: { type: "string" }, help: { type: "boolean", default: false },
			release: { type: "string" }, sweep: { type: "string" }, cv: { type: "string" },
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
	if (values.release !== undefined) return release(values.release, { ...values, outDir, dataDir, modelsDir, threads });
	if (values.sweep !== undefined || values.cv !== undefined) throw new Error("--sweep and --cv go with --release");
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

async function release(names: string, o: { sweep?: string; cv?: string; outDir: string; dataDir: string; modelsDir: string; threads?: number }): Promise<number> {
	const recipes = names.split(",").filter(Boolean);
	if (!recipes.length) throw new Error("--release needs recipe names (host/train/recipes.ts)");
	const sweep = resolve(o.sweep ?? resolve(REPO_ROOT, DEFAULT_SWEEP_DIR));
	const cvPath = resolve(o.cv ?? join(o.outDir, "cv.json"));
	const dataset = await readDataset(o.dataDir);
	const progress = new Progress("report --release", undefined, { elapsed: true });
	const out: ReleaseRecipe[] = [];
	try {
		for (const name of recipes) {
			out.push(await releaseRecipe({
				name, sweep, cvPath, workDir: resolve(REPO_ROOT, "results/tmp/release"), modelsDir: o.modelsDir, dataDir: o.dataDir, dataset,
				threads: o.threads, cacheDir: resolve(REPO_ROOT, EVAL_CACHE_DIR), log: (line) => progress.log(line),
			}));
		}
	} finally {
		progress.end();
	}
	const command = `hypertiny report --release ${recipes.join(",")}`;
	mkdirSync(o.outDir, { recursive: true });
	writeFileSync(join(o.outDir, "release.json"), JSON.stringify({ format: "hypertiny-release", version: 1, command, recipes: out }, null, 1) + "\n");
	writeFileSync(join(o.outDir, "release.md"), releaseMarkdown(out, command));
	process.stdout.write(`${out.map((r) => `${r.recipe}: ${r.seeds.length} seeds, shipped seed ${r.shipped_seed} as ${join(o.modelsDir, r.model)}`).join("\n")}\nwrote ${join(o.outDir, "release.json")} and release.md\n`);
	return 0;
}
