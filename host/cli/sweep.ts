// `hypertiny sweep`: the trials of recipes × seeds × folds (host/train/recipes.ts) as parallel local trainer
// processes, or on a Ray cluster with --ray ADDRESS (host/train/ray_sweep.py). Resumable: a trial whose
// checkpoint exists is done; a trial writes its checkpoint under a temporary name and renames it when the trainer
// exits 0, so an interrupted sweep leaves no half-written result behind. `hypertiny cv` reads the checkpoints.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import { DEFAULT_APNEA_DIR } from "../rhythm/apnea-dataset.ts";
import { pythonPath, REPO_ROOT } from "../train/python.ts";
import { recipe, RECIPES, trialArgs } from "../train/recipes.ts";

export const DEFAULT_SWEEP_DIR = "results/tmp/sweep";

export const SWEEP_USAGE = `hypertiny sweep --recipe NAME[,NAME...] [--seeds 1-5] [--folds 1-5] [--jobs N] [--ray ADDRESS]
        [--data <dir>] [--out ${DEFAULT_SWEEP_DIR}] [--dry-run] [--json]
    Trains every recipe x seed x fold (fold k: DS1 without fold k's records, which it predicts; fold 0: all of DS1,
    the model a seed ships; for the apnea recipes the same over the Apnea-ECG learning set, folds by subject) into
    <out>/<recipe>/s<seed>-f<fold>.json; trials already there are skipped.
    --jobs N      local trainer processes at once (default: the number of CPUs); each trains on one thread
    --ray ADDRESS send the trials to a Ray cluster (e.g. 127.0.0.1:6379, or "local" for a fresh local instance);
                  needs a python with ray and torch: HYPERTINY_RAY_PYTHON or HYPERTINY_PYTHON (a venv made by
                  /usr/bin/python3 -m venv --system-site-packages, which sees python3-torch, then pip install ray)
    recipes: ${Object.keys(RECIPES).join(", ")}
    Then: hypertiny cv --recipe NAME`;

export interface Trial {
	recipe: string;
	seed: number;
	fold: number;
	checkpoint: string;
	args: string[];
}

/** "1-5", "1,3,5" or "2" → [1..5], [1,3,5], [2]. */
export function parseRange(text: string, what: string): number[] {
	const out: number[] = [];
	for (const part of text.split(",")) {
		const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
		if (!m) throw new Error(`--${what} ${text}: give numbers and ranges such as 1-5 or 1,3,5`);
		const lo = Number(m[1]), hi = Number(m[2] ?? m[1]);
		if (hi < lo) throw new Error(`--${what} ${text}: ${part} runs backwards`);
		for (let i = lo; i <= hi; i++) if (!out.includes(i)) out.push(i);
	}
	return out;
}

export function trialPath(out: string, recipeName: string, seed: number, fold: number): string {
	return join(out, recipeName, `s${seed}-f${fold}.json`);
}

export function plan(recipes: string[], seeds: number[], folds: number[], data: string, out: string): Trial[] {
	const trials: Trial[] = [];
	for (const name of recipes) {
		const r = recipe(name);
		for (const seed of seeds) for (const fold of folds) {
			const checkpoint = trialPath(out, name, seed, fold);
			trials.push({ recipe: name, seed, fold, checkpoint, args: trialArgs(r, data, checkpoint + ".tmp", seed, fold, `${name}-s${seed}-f${fold}`) });
		}
	}
	return trials;
}

function runLocal(t: Trial): Promise<number> {
	return new Promise((done) => {
		const log = createWriteStream(t.checkpoint.replace(/\.json$/, ".log"));
		const child = spawn(pythonPath(), ["-m", "host.train", ...t.args], {
			cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"],
			env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", PYTHONPATH: REPO_ROOT },
		});
		child.stdout.pipe(log, { end: false });
		child.stderr.pipe(log, { end: false });
		child.on("error", (e) => {
			log.end(`cannot run ${pythonPath()}: ${e.message}\n`);
			done(127);
		});
		child.on("close", (code) => {
			log.end();
			done(code ?? 1);
		});
	});
}

function finish(t: Trial, status: number): boolean {
	if (status === 0 && existsSync(t.checkpoint + ".tmp")) {
		renameSync(t.checkpoint + ".tmp", t.checkpoint);
		return true;
	}
	rmSync(t.checkpoint + ".tmp", { force: true });
	return false;
}

function clock(seconds: number): string {
	const s = Math.round(seconds);
	return s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

async function sweepLocal(todo: Trial[], jobs: number, say: (line: string) => void): Promise<Trial[]> {
	const failed: Trial[] = [];
	const started = Date.now();
	let next = 0;
	let finished = 0;
	const worker = async () => {
		while (next < todo.length) {
			const t = todo[next++]!;
			const t0 = Date.now();
			const ok = finish(t, await runLocal(t));
			finished++;
			if (!ok) failed.push(t);
			const elapsed = (Date.now() - started) / 1000;
			const eta = (elapsed / finished) * (todo.length - finished);
			say(`[${finished}/${todo.length}] ${t.recipe} seed ${t.seed} fold ${t.fold}: ${ok ? "done" : "FAILED (see its .log)"} in ${clock((Date.now() - t0) / 1000)}` +
				(finished < todo.length ? `; about ${clock(eta)} left` : ""));
		}
	};
	await Promise.all(Array.from({ length: Math.min(jobs, todo.length) }, worker));
	return failed;
}

function sweepRay(todo: Trial[], address: string, say: (line: string) => void): Promise<Trial[]> {
	const spec = join(resolve(todo[0]!.checkpoint, "../.."), `ray-trials-${process.pid}.json`);
	writeFileSync(spec, JSON.stringify(todo.map((t) => ({ checkpoint: t.checkpoint + ".tmp", log: t.checkpoint.replace(/\.json$/, ".log"), args: t.args }))));
	const python = process.env["HYPERTINY_RAY_PYTHON"] || pythonPath();
	return new Promise((done, reject) => {
		const child = spawn(python, ["-m", "host.train.ray_sweep", "--address", address, "--trials", spec], {
			cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, PYTHONPATH: REPO_ROOT, OPENBLAS_NUM_THREADS: "1" },
		});
		let buffered = "";
		const statusOf = new Map<string, number>();
		child.stdout.on("data", (d) => {
			buffered += d.toString();
			let nl;
			while ((nl = buffered.indexOf("\n")) >= 0) {
				const line = buffered.slice(0, nl);
				buffered = buffered.slice(nl + 1);
				const m = /^trial (\S+) exit (-?\d+)$/.exec(line);
				if (m) statusOf.set(m[1]!, Number(m[2]));
				else if (line) say(line);
			}
		});
		child.on("error", (e) => reject(new Error(`cannot run ${python}: ${e.message} (HYPERTINY_RAY_PYTHON: a python with ray and torch)`)));
		child.on("close", (code) => {
			rmSync(spec, { force: true });
			if (code !== 0 && statusOf.size === 0) return reject(new Error(`the Ray driver exited with status ${code}`));
			const failed = todo.filter((t) => !finish(t, statusOf.get(t.checkpoint + ".tmp") ?? 1));
			done(failed);
		});
	});
}

export async function sweepCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			recipe: { type: "string" }, seeds: { type: "string", default: "1-5" }, folds: { type: "string", default: "1-5" },
			jobs: { type: "string" }, ray: { type: "string" }, data: { type: "string" }, out: { type: "string" },
			"dry-run": { type: "boolean", default: false }, json: { type: "boolean", default: false }, help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(SWEEP_USAGE + "\n");
		return 0;
	}
	if (!values.recipe) throw new Error(`--recipe is required\nusage: ${SWEEP_USAGE}`);
	const recipes = values.recipe.split(",").filter(Boolean);
	const out = resolve(values.out ?? join(REPO_ROOT, DEFAULT_SWEEP_DIR));
	const trials: Trial[] = [];
	for (const name of recipes) {
		const apnea = recipe(name).dataset === "apnea";
		const data = resolve(values.data ?? join(REPO_ROOT, apnea ? DEFAULT_APNEA_DIR : DEFAULT_DATASET_DIR));
		if (!existsSync(join(data, "index.json"))) throw new Error(`no dataset at ${data}: run \`npx hypertiny ${apnea ? "apnea dataset" : "dataset"}\` first`);
		trials.push(...plan([name], parseRange(values.seeds!, "seeds"), parseRange(values.folds!, "folds"), data, out));
	}
	const todo = trials.filter((t) => !existsSync(t.checkpoint));
	const say = values.json ? () => {} : (line: string) => process.stderr.write(line + "\n");
	say(`${trials.length} trials, ${trials.length - todo.length} done already, ${todo.length} to run${values.ray ? ` on Ray at ${values.ray}` : ""}`);
	if (values["dry-run"]) {
		for (const t of todo) process.stdout.write(`${pythonPath()} -m host.train ${t.args.join(" ")}\n`);
		return 0;
	}
	for (const t of todo) mkdirSync(resolve(t.checkpoint, ".."), { recursive: true });
	const jobs = values.jobs ? Number(values.jobs) : Math.max(1, cpus().length);
	if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs ${values.jobs}: give a positive integer`);
	const failed = todo.length === 0 ? [] : values.ray ? await sweepRay(todo, values.ray, say) : await sweepLocal(todo, jobs, say);
	const summary = { trials: trials.length, ran: todo.length, failed: failed.map((t) => ({ recipe: t.recipe, seed: t.seed, fold: t.fold, log: t.checkpoint.replace(/\.json$/, ".log") })), out };
	if (values.json) process.stdout.write(JSON.stringify(summary, null, 1) + "\n");
	else if (failed.length) say(`${failed.length} trials failed: ${failed.map((t) => `${t.recipe} s${t.seed} f${t.fold}`).join(", ")} (logs beside their checkpoints); rerun the same command to retry them`);
	else say(`all ${trials.length} trials done in ${out}`);
	return failed.length ? 1 : 0;
}
