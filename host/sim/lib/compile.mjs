// Incremental, parallel C compilation and linking with the system compiler. An object is rebuilt when it
// is missing, its command changed, or any file its .d (from -MMD) lists is newer than it.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";

export const CC = process.env.CC || "cc";

export function checkCompiler() {
	const probe = spawnSync(CC, ["--version"], { encoding: "utf8" });
	if (probe.error || probe.status !== 0)
		throw new Error(`no working C compiler "${CC}" (install build-essential, or set CC)`);
	return probe.stdout.split("\n")[0];
}

function mtime(file) {
	try {
		return statSync(file).mtimeMs;
	} catch {
		return -1;
	}
}

// Make-style dependency file: "target: dep dep \\\n dep"; spaces in paths are escaped as "\ ".
function dependencies(depFile) {
	const text = readFileSync(depFile, "utf8").replace(/\\\n/g, " ").replace(/\\ /g, "\u0000");
	const colon = text.indexOf(": ");
	return text
		.slice(colon + 2)
		.split(/\s+/)
		.filter(Boolean)
		.map((path) => path.replace(/\u0000/g, " "));
}

function isUpToDate(unit, command) {
	const built = mtime(unit.object);
	if (built < 0 || !existsSync(unit.object + ".d") || !existsSync(unit.object + ".cmd")) return false;
	if (readFileSync(unit.object + ".cmd", "utf8") !== command) return false;
	try {
		return dependencies(unit.object + ".d").every((dep) => {
			const changed = mtime(dep);
			return changed >= 0 && changed <= built;
		});
	} catch {
		return false;
	}
}

function compileArgs(unit) {
	return [...unit.flags, "-MMD", "-MF", unit.object + ".d", "-c", unit.source, "-o", unit.object];
}

function run(command, args) {
	return new Promise((resolve) => {
		const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
		let output = "";
		child.stdout.on("data", (data) => (output += data));
		child.stderr.on("data", (data) => (output += data));
		child.on("error", (error) => resolve({ status: -1, output: String(error) }));
		child.on("close", (status) => resolve({ status, output }));
	});
}

/** Compiles the units that changed, jobs at a time; returns { compiled, warnings }. Throws on an error. */
export async function compileAll(units, log) {
	const pending = [];
	for (const unit of units) {
		const command = [CC, ...compileArgs(unit)].join(" ");
		if (!isUpToDate(unit, command)) pending.push({ unit, command });
	}
	const jobs = Math.max(2, availableParallelism());
	if (pending.length) log(`compiling ${pending.length} of ${units.length} C files (${jobs} jobs)`);
	const failures = [];
	let warnings = 0;
	let next = 0;
	async function worker() {
		while (next < pending.length) {
			const { unit, command } = pending[next++];
			mkdirSync(dirname(unit.object), { recursive: true });
			const result = await run(CC, compileArgs(unit));
			if (result.output.trim()) {
				if (result.status === 0) warnings++;
				process.stderr.write(result.output);
			}
			if (result.status !== 0) failures.push(unit.source);
			else writeFileSync(unit.object + ".cmd", command);
		}
	}
	await Promise.all(Array.from({ length: Math.min(jobs, pending.length) }, worker));
	if (failures.length) throw new Error(`the C compiler failed on:\n  ${failures.join("\n  ")}`);
	return { compiled: pending.length, warnings };
}

/** Links the objects into output when any of them (or the command) changed; returns whether it linked. */
export async function link(objects, output, libraries) {
	const args = ["-o", output, ...objects, ...libraries];
	const command = [CC, ...args].join(" ");
	const built = mtime(output);
	const stale =
		built < 0 ||
		!existsSync(output + ".cmd") ||
		readFileSync(output + ".cmd", "utf8") !== command ||
		objects.some((object) => mtime(object) > built);
	if (!stale) return false;
	const result = await run(CC, args);
	if (result.output.trim()) process.stderr.write(result.output);
	if (result.status !== 0) throw new Error(`linking ${output} failed (see the messages above)`);
	writeFileSync(output + ".cmd", command);
	return true;
}
