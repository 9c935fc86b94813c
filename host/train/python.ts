// Runs the Python trainer (host/train, a package run as `python -m host.train`) from TypeScript.
import { spawn, spawnSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Debian's python3-torch lives in the system interpreter; HYPERTINY_PYTHON picks another (e.g. a venv). */
export function pythonPath(): string {
	return process.env.HYPERTINY_PYTHON || "/usr/bin/python3";
}

function trainerEnv(): NodeJS.ProcessEnv {
	// One BLAS thread: torch's own intra-op threads (--threads) do the parallel work.
	return { ...process.env, OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? "1", PYTHONPATH: REPO_ROOT };
}

/** `python -m host.train <args>` with the trainer's progress on our stderr; resolves to its exit status. */
export function runTrainer(args: string[], quiet = false): Promise<number> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(pythonPath(), ["-m", "host.train", ...args], {
			cwd: REPO_ROOT, env: trainerEnv(), stdio: ["ignore", quiet ? "ignore" : "inherit", quiet ? "pipe" : "inherit"],
		});
		let stderr = "";
		child.stderr?.on("data", (d) => {
			stderr = (stderr + d.toString()).slice(-8000);
		});
		child.on("error", (e) => reject(new Error(`cannot run ${pythonPath()}: ${e.message} (set HYPERTINY_PYTHON to a python3 with torch and numpy)`)));
		child.on("close", (code) => {
			if (code !== 0 && quiet) process.stderr.write(stderr);
			resolvePromise(code ?? 1);
		});
	});
}

/** Whether the interpreter has torch and numpy (tests skip training when it does not). */
export function hasTorch(): boolean {
	return spawnSync(pythonPath(), ["-c", "import torch, numpy"], { env: trainerEnv(), stdio: "ignore" }).status === 0;
}
