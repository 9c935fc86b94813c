// Builds what running the app needs, only when it is missing or older than its sources: the simulator binary
// (host/sim/build.mjs) and the app's bundles (rollup, only the entries asked for).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { bundlePath, ROOT, SIM_BINARY } from "../cli/sim-runner.ts";

function newestIn(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) newest = Math.max(newest, newestIn(path));
		else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
	}
	return newest;
}

function run(command: string, args: string[], env: Record<string, string> = {}): void {
	const child = spawnSync(command, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...env } });
	if (child.error) throw child.error;
	if (child.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${child.status})`);
}

/** Returns what it rebuilt (empty when everything was up to date). */
export function ensureBuilt(entries: string[], log: (line: string) => void): string[] {
	const rebuilt: string[] = [];
	if (!existsSync(SIM_BINARY)) {
		log("building the simulator (host/sim) ...");
		run(process.execPath, [join(ROOT, "host/sim/build.mjs")]);
		rebuilt.push("simulator");
	}
	const sources = Math.max(newestIn(join(ROOT, "modules")), newestIn(join(ROOT, "host/sim/entries")), statSync(join(ROOT, "rollup.config.mjs")).mtimeMs);
	const stale = entries.filter((e) => !existsSync(bundlePath(e)) || statSync(bundlePath(e)).mtimeMs < sources);
	if (stale.length) {
		log(`bundling ${stale.join(", ")} ...`);
		run(process.execPath, [join(ROOT, "node_modules/rollup/dist/bin/rollup"), "-c", "rollup.config.mjs", "--silent"], { HYPERTINY_SIM_ENTRIES: stale.join(",") });
		rebuilt.push(...stale);
	}
	return rebuilt;
}
