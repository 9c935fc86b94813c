// `hypertiny bench:deploy` (npm run bench:deploy): boot vs lazy vs stream synthesis, measured as exact instruction
// counts on a Cortex-M4F (QEMU, nRF52840 limits) and as wall time in the simulator. Writes results/deploy/m4.json,
// results/deploy/README.md and results/deploy/deploy.svg.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { benchModel, CLOCK_HZ, type ModelResult } from "../bench/deploy-bench.ts";
import { chooseModels } from "../bench/deploy-models.ts";
import { deployPlot } from "../bench/deploy-plot.ts";
import { deployReadme } from "../bench/deploy-readme.ts";
import { deploySummary } from "../bench/deploy-summary.ts";
import { runM4Kernels } from "../bench/m4-kernels.ts";
import { make } from "../bench/native-tools.ts";
import { ROOT } from "./sim-runner.ts";

const USAGE = `usage: hypertiny bench:deploy [--pair HYPER.htpw,STORED.htpw] [--model M.htpw ...] [--windows N] [--seed N]
                            [--out DIR] [--no-sim] [--keep]
  --pair    the hyper model and its all-stored INT8 twin (same backbone); default: a pair found in models/,
            else one random architecture and its stored twin
  --model   other models to measure (repeatable); default: test/fixtures/tiny-hyper.htpw and models/*.htpw
  --windows inferences per run (default 8; the steady state is the median of 2..N)
  --out     results directory (default results/deploy)
  --no-sim  skip the simulator wall times
  --keep    keep the build directory (ELFs, maps, raw reports) and print where it is
`;

function positiveInt(value: string | undefined, name: string, fallback: number): number {
	if (value === undefined) return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not "${value}"`);
	return n;
}

export function benchDeployCommand(args: string[]): number {
	const { values } = parseArgs({
		args,
		options: {
			pair: { type: "string" },
			model: { type: "string", multiple: true },
			windows: { type: "string" },
			seed: { type: "string" },
			out: { type: "string", default: join(ROOT, "results/deploy") },
			"no-sim": { type: "boolean", default: false },
			keep: { type: "boolean", default: false },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	const windows = positiveInt(values.windows, "windows", 8);
	const seed = positiveInt(values.seed, "seed", 1);
	const pair = values.pair?.split(",");
	if (pair && pair.length !== 2) throw new Error("--pair takes two paths: HYPER.htpw,STORED.htpw");
	const outDir = resolve(values.out as string);
	const workDir = mkdtempSync(join(tmpdir(), "hypertiny-deploy-"));
	try {
		make(["htrun", "arm"]);
		const notMeasured: string[] = [];
		const models = chooseModels({
			pair: pair as [string, string] | undefined,
			models: values.model,
			modelsDir: join(ROOT, "models"),
			fixture: join(ROOT, "test/fixtures/tiny-hyper.htpw"),
			workDir,
			notice: (line) => notMeasured.push(line),
		});
		const kernels = runM4Kernels();
		const results: ModelResult[] = [];
		for (const m of models) {
			process.stderr.write(`bench:deploy: ${m.name} (${m.role})\n`);
			const r = benchModel(m, { windows, seed, workDir, sim: !values["no-sim"] });
			results.push({ ...r, origin: r.origin.startsWith(ROOT) ? relative(ROOT, r.origin) : r.origin });
		}
		const summary = deploySummary(results, kernels);
		const command = `npm run bench:deploy${args.length ? ` -- ${args.join(" ")}` : ""}`;
		mkdirSync(outDir, { recursive: true });
		const json = {
			command,
			device: "Cortex-M4F (QEMU 7.2 mps2-an386, exact guest instruction counts), linked under nRF52840 limits: 1 MiB flash, 256 KiB RAM",
			clock_hz: CLOCK_HZ,
			windows,
			seed,
			summary,
			kernels,
			models: results,
		};
		writeFileSync(join(outDir, "m4.json"), JSON.stringify(json, null, 1) + "\n");
		writeFileSync(join(outDir, "deploy.svg"), deployPlot(results));
		writeFileSync(join(outDir, "README.md"), deployReadme({ command, windows, seed, models: results, kernels, summary, plot: "deploy.svg", notMeasured }));
		process.stdout.write(`${JSON.stringify({ out: outDir, summary })}\n`);
		if (values.keep) process.stderr.write(`bench:deploy: build directory kept: ${workDir}\n`);
		return summary.all_checksums_agree && summary.all_counts_repeatable ? 0 : 1;
	} finally {
		if (!values.keep) rmSync(workDir, { recursive: true, force: true });
	}
}
