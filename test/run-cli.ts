// `bin/hypertiny.js ARGS` as a child process, as a user runs it: exit status, all of stdout, the last 20,000
// characters of stderr (progress lines can be long).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../host/train/python.ts";

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [join(REPO_ROOT, "bin/hypertiny.js"), ...args], { cwd: REPO_ROOT, env: { ...process.env, OPENBLAS_NUM_THREADS: "1", ...env } });
		let stdout = "", stderr = "";
		child.stdout.on("data", (d) => (stdout += d));
		child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-20000)));
		child.on("error", reject);
		child.on("close", (status) => resolve({ status: status ?? 1, stdout, stderr }));
	});
}
