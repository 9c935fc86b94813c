// Runs a device bundle (dist/sim/<entry>.js) in the embedded-default XS simulator and collects its trace output.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SIM_BINARY = join(ROOT, "host/sim/out/hypertiny-sim");

export interface SimRun {
	resources?: Record<string, string>;
	config?: Record<string, unknown>;
	args?: string[];
	timeoutMs?: number;
}

export interface SimResult {
	status: number;
	stdout: string;
	stderr: string;
}

export function bundlePath(entry: string): string {
	return join(ROOT, "dist/sim", `${entry}.js`);
}

export function runSim(entry: string, run: SimRun = {}): SimResult {
	if (!existsSync(SIM_BINARY)) throw new Error(`the simulator is not built (${SIM_BINARY}); run npm install or npm run build`);
	const bundle = bundlePath(entry);
	if (!existsSync(bundle)) throw new Error(`the bundle ${bundle} is missing; run npm run build`);
	const argv: string[] = [];
	for (const [name, path] of Object.entries(run.resources ?? {})) argv.push("--resource", `${name}=${path}`);
	if (run.config) argv.push("--config", JSON.stringify(run.config));
	if (run.timeoutMs) argv.push("--timeout", String(run.timeoutMs));
	argv.push(bundle, ...(run.args ?? []));
	const child = spawnSync(SIM_BINARY, argv, { encoding: "utf8", maxBuffer: 64 << 20 });
	if (child.error) throw child.error;
	return { status: child.status ?? 1, stdout: child.stdout, stderr: child.stderr };
}

/** The last line of a run's output that parses as a JSON object (entries report results that way). */
export function lastJson(result: SimResult): any {
	const lines = result.stdout.trim().split("\n").reverse();
	for (const line of lines) {
		if (!line.startsWith("{")) continue;
		try {
			return JSON.parse(line);
		} catch {}
	}
	throw new Error(`no JSON result from the simulator (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}
