// Builds the app for the emulated nRF52840 core: the real app's preloaded archive from `mcconfig -p nrf52/dk`
// (archive only: mc.xs.c + mc.resources.c, through the board manifest boards/mps2-an386/manifest.json, which adds
// the ECG recording the board's ADC plays), linked by boards/mps2-an386/Makefile with XS, the project's natives
// and the board's platform layer into one ELF for qemu-system-arm -M mps2-an386.
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { mcconfig, tail } from "../moddable/moddable.ts";
import { ROOT, type Toolchain } from "../moddable/toolchain.ts";

export const BOARD_DIR = join(ROOT, "boards/mps2-an386");
export const BOARD_MANIFEST = join(BOARD_DIR, "manifest.json");

export interface M4AppBuildOptions {
	/** Build folder: mc/ (mcconfig), data/ (model and recording), elf/ (objects and app.elf). */
	outDir: string;
	/** The .htpw the app's Resource "model.htpw" holds; undefined builds without one. */
	model: string | undefined;
	/** ecg.bin (modules/app/playback-input.ts's layout) the board's ADC plays. */
	ecg: Uint8Array;
	/** mc/config overrides (policy, budget, ...). */
	config?: Record<string, unknown>;
	/** Extra make variables for boards/mps2-an386/Makefile (MEMORY=1: the RAM high-water build, host/m4app/ram.ts). */
	makeVars?: string[];
	log?: (line: string) => void;
}

export interface M4AppBuild {
	elf: string;
	/** The mcconfig build's tmp folder (mc.xs.c, mc.config.js). */
	genDir: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, what: string): Promise<string> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
		let output = "";
		child.stdout.on("data", (d) => (output += d));
		child.stderr.on("data", (d) => (output += d));
		child.on("error", (e) => reject(new Error(`${what}: ${e.message}`)));
		child.on("close", (status) => (status === 0 ? resolvePromise(output) : reject(new Error(`${what} failed (exit ${status}):\n${tail(output)}`))));
	});
}

/** The notifying characteristics the BLE recorder offers a client, from the services the app deploys. */
export function gattHeader(servicesDir = join(ROOT, "bleservices")): string {
	const rows: string[] = [];
	let maxBytes = 0;
	for (const file of readdirSync(servicesDir).filter((f) => f.endsWith(".json")).sort()) {
		const service = JSON.parse(readFileSync(join(servicesDir, file), "utf8")).service;
		for (const [name, c] of Object.entries<any>(service.characteristics ?? {})) {
			if (!/^[\w-]+$/.test(name) || !/^\w+$/.test(String(c.type))) throw new Error(`${file}: characteristic ${name} has a name or type the board cannot hold`);
			const notify = String(c.properties ?? "").split(",").map((p) => p.trim()).includes("notify");
			rows.push(`\t{"${name}", "${c.type}", ${notify ? 1 : 0}},`);
			maxBytes = Math.max(maxBytes, Number(c.maxBytes ?? 20));
		}
	}
	return [
		"/* Written by host/m4app/build.ts from bleservices/*.json: the characteristics of the board's BLE recorder. */",
		"typedef struct { const char *name; const char *type; int notify; } m4app_characteristic;",
		"static const m4app_characteristic m4app_characteristics[] = {",
		...rows,
		"};",
		`#define M4APP_CHARACTERISTICS ${rows.length}`,
		`#define M4APP_MAX_VALUE ${maxBytes}`,
		"",
	].join("\n");
}

function writeIfChanged(path: string, bytes: string | Uint8Array): void {
	let old: Buffer | undefined;
	try {
		old = readFileSync(path);
	} catch {}
	const next = typeof bytes === "string" ? Buffer.from(bytes) : Buffer.from(bytes);
	if (!old || !old.equals(next)) writeFileSync(path, next);
}

export async function buildM4App(tool: Toolchain, o: M4AppBuildOptions): Promise<M4AppBuild> {
	const log = o.log ?? (() => {});
	const outDir = resolve(o.outDir);
	const dataDir = join(outDir, "data");
	const elfDir = join(outDir, "elf");
	mkdirSync(dataDir, { recursive: true });
	mkdirSync(elfDir, { recursive: true });
	writeIfChanged(join(dataDir, "ecg.bin"), o.ecg);
	// A missing model is a missing Resource, as on a board flashed without one: the app reports it and keeps heart rate.
	const modelBase = join(dataDir, o.model ? "model" : "no-model");
	if (o.model) writeIfChanged(`${modelBase}.htpw`, readFileSync(o.model));
	const env = { HT_MODEL: modelBase, HT_M4_DATA: dataDir };
	log(`mcconfig -p nrf52/dk (archive only) ${JSON.stringify(o.config ?? {})}`);
	const made = await mcconfig(tool, { manifest: BOARD_MANIFEST, platform: "nrf52/dk", outDir: join(outDir, "mc"), make: false, config: o.config, env });
	if (made.status !== 0 || !made.tmpDir) throw new Error(`${made.command} failed (exit ${made.status}):\n${tail(made.output)}`);
	const gen = made.tmpDir;
	// make judges mc.resources.c by mtimes alone: a build without the model leaves one newer than the model's copy,
	// and the next build with it would keep the model out. The resource compiler is cheap: always run it.
	rmSync(join(gen, "mc.resources.c"), { force: true });
	await run("make", ["-f", join(gen, "makefile"), join(gen, "mc.xs.c"), join(gen, "mc.resources.c")], { ...tool.env, ...env }, "the archive (make mc.xs.c mc.resources.c)");
	writeIfChanged(join(elfDir, "m4app_gatt.h"), gattHeader());
	log("linking XS, natives and the mps2-an386 platform");
	await run("make", ["-j2", "-f", join(BOARD_DIR, "Makefile"), `GEN=${gen}`, `OUT=${elfDir}`, `MODDABLE=${tool.moddable}`, ...(o.makeVars ?? [])], tool.env, "the mps2-an386 link");
	return { elf: join(elfDir, "app.elf"), genDir: gen };
}
