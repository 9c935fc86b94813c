// Finds the Moddable SDK (and, for nRF52, the nRF5 SDK and an Arm GNU toolchain) for real mcconfig builds, and
// says exactly what is missing and how to install it: never a stack trace.
//
// Where it looks, in order:
//   1. the environment: MODDABLE (and NRF_ROOT, NRF_SDK_DIR, NRF52_GCC_ROOT, as xs-dev or the Moddable docs set them);
//   2. the pinned toolchains beside the repository, `../shared/toolchains/setup` (unpacks and builds them once,
//      about 90 s, then answers at once), when that script exists.
//
//   node --import tsx host/moddable/toolchain.ts [lin|nrf52|esp32|all]    prints what was found, or what is missing
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SETUP_SCRIPT = resolve(ROOT, "../shared/toolchains/setup");
/** The Moddable SDK release the project is built and checked with. */
export const MODDABLE_VERSION = "8.2.3";
/** The TypeScript minor version Moddable 8.2.3's generated tsconfig needs (it targets es2025). */
export const TYPESCRIPT_MINOR = "6.0";

/**
 * What a build needs: "lin" builds mc.so and runs it in mcsim; "nrf52" builds nRF52840 firmware; "esp32" resolves
 * the ESP32 manifest (firmware needs ESP-IDF too: see espIdfMissing).
 */
export type Target = "lin" | "nrf52" | "esp32";

export interface Toolchain {
	/** $MODDABLE */
	moddable: string;
	/** The environment to run mcconfig with: MODDABLE and the SDK's tools and node_modules/.bin first on PATH. */
	env: NodeJS.ProcessEnv;
	/** Where MODDABLE came from. */
	source: "environment" | "setup";
	mcconfig: string;
	/** The simulator, for "lin". */
	mcsim: string;
	/** $MODDABLE/tools/xsbug-log/xsbug-log.js, prints an app's trace output in a terminal. */
	xsbugLog: string;
	/** node_modules/.bin/tsc (TypeScript 6.0.x), which mcconfig's makefiles run as `tsc`. */
	typescript: string;
}

export interface ToolchainCheck {
	toolchain?: Toolchain;
	/** One line per missing piece, each with how to get it; empty when everything for the targets is there. */
	missing: string[];
}

const XS_DEV = "npm install -g xs-dev && xs-dev setup";
const XS_DEV_NRF52 = "xs-dev setup --device nrf52";
const XS_DEV_ESP32 = "xs-dev setup --device esp32";

function isExecutable(path: string): boolean {
	try {
		accessSync(path, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

function onPath(command: string, path: string | undefined): string | undefined {
	for (const dir of (path ?? "").split(delimiter)) {
		if (!dir) continue;
		const candidate = join(dir, command);
		if (isExecutable(candidate)) return candidate;
	}
	return undefined;
}

function parseEnvFile(text: string): Record<string, string> {
	const env: Record<string, string> = {};
	for (const line of text.split("\n")) {
		const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
		if (m) env[m[1]] = m[2];
	}
	return env;
}

/** Runs ../shared/toolchains/setup --print-env; its own message (e.g. missing Debian packages) on failure. */
function envFromSetup(noSim: boolean): { env?: Record<string, string>; error?: string } {
	const args = ["--print-env", ...(noSim ? ["--no-sim"] : [])];
	const r = spawnSync(SETUP_SCRIPT, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
	if (r.error) return { error: `${SETUP_SCRIPT} could not run: ${r.error.message}` };
	if (r.status !== 0) {
		const said = r.stderr.trim().split("\n").filter((l) => l.trim()).slice(-3).join("; ");
		return { error: `${SETUP_SCRIPT} failed (exit ${r.status}): ${said || "no message"}; run ${SETUP_SCRIPT} --install-deps` };
	}
	const env = parseEnvFile(r.stdout);
	if (!env.MODDABLE) return { error: `${SETUP_SCRIPT} printed no MODDABLE` };
	// PATH in the env file is "<sdk bin>:$PATH"; keep only the SDK part, the caller's PATH is appended below.
	if (env.PATH) env.PATH = env.PATH.split(delimiter).filter((p) => p && !p.includes("$PATH")).join(delimiter);
	return { env };
}

function typescriptVersion(): string | undefined {
	try {
		return JSON.parse(readFileSync(join(ROOT, "node_modules/typescript/package.json"), "utf8")).version;
	} catch {
		return undefined;
	}
}

/**
 * Finds the toolchain for `targets`. `runSetup: false` never runs ../shared/toolchains/setup (only the
 * environment counts). Never throws.
 */
export function findToolchain(targets: Target[], options: { runSetup?: boolean; env?: NodeJS.ProcessEnv } = {}): ToolchainCheck {
	const base = options.env ?? process.env;
	const missing: string[] = [];
	let source: Toolchain["source"] = "environment";
	const env: NodeJS.ProcessEnv = { ...base };

	if (!env.MODDABLE) {
		if (options.runSetup !== false && existsSync(SETUP_SCRIPT)) {
			const { env: found, error } = envFromSetup(!targets.includes("lin"));
			if (error) {
				missing.push(`the Moddable SDK: ${error}`);
				return { missing };
			}
			const extraPath = found?.PATH;
			Object.assign(env, found);
			env.PATH = [extraPath, base.PATH].filter(Boolean).join(delimiter);
			source = "setup";
		} else {
			missing.push(
				`the Moddable SDK ${MODDABLE_VERSION}: MODDABLE is not set. Install it with the xs-dev CLI (${XS_DEV}${targets.includes("nrf52") ? ` && ${XS_DEV_NRF52}` : ""}), ` +
					`then source ~/.local/share/xs-dev-export.sh; or follow $MODDABLE/documentation "Moddable SDK - Getting Started"`,
			);
			return { missing };
		}
	}

	const moddable = resolve(env.MODDABLE as string);
	const bin = join(moddable, "build/bin/lin/release");
	const mcconfig = join(bin, "mcconfig");
	const mcsim = join(bin, "mcsim");
	const xsbugLog = join(moddable, "tools/xsbug-log/xsbug-log.js");
	if (!existsSync(join(moddable, "xs/sources")) || !existsSync(join(moddable, "tools/mcconfig"))) {
		missing.push(`the Moddable SDK: MODDABLE=${moddable} is not a Moddable SDK folder (no xs/sources, tools/mcconfig); ${XS_DEV}`);
		return { missing };
	}
	if (!isExecutable(mcconfig)) {
		missing.push(`mcconfig: the Moddable tools are not built in ${bin}; build them (cd $MODDABLE/build/makefiles/lin && make) or run ${XS_DEV}`);
	}
	// The SDK's tools first on PATH (mcconfig runs xsc, xsl, mcrez by name), then the project's tsc.
	env.PATH = [bin, join(ROOT, "node_modules/.bin"), env.PATH].filter(Boolean).join(delimiter);

	const tsVersion = typescriptVersion();
	const typescript = join(ROOT, "node_modules/.bin/tsc");
	if (!tsVersion || !isExecutable(typescript)) {
		missing.push("tsc (TypeScript 6.0.x): not in node_modules; run npm install");
	} else if (!tsVersion.startsWith(`${TYPESCRIPT_MINOR}.`)) {
		missing.push(`TypeScript ${TYPESCRIPT_MINOR}.x: node_modules has ${tsVersion} (Moddable ${MODDABLE_VERSION}'s tsconfig targets es2025); run npm install`);
	}
	if (!onPath("make", env.PATH) || !onPath("cc", env.PATH)) missing.push("make and a C compiler: apt-get install build-essential");

	if (targets.includes("lin")) {
		if (!isExecutable(mcsim)) {
			missing.push(`mcsim, the Moddable simulator: not built in ${bin}; run mcconfig -m -p x-lin $MODDABLE/tools/mcsim/manifest.json (needs libgtk-3-dev), or ${XS_DEV}`);
		}
		if (!existsSync(join(moddable, "tools/xsbug-log/node_modules"))) {
			missing.push(`xsbug-log: its packages are not installed; run (cd $MODDABLE/tools/xsbug-log && npm install)`);
		}
		if (!onPath("xvfb-run", env.PATH)) missing.push("xvfb-run (mcsim needs a display, headless under Xvfb): apt-get install xvfb xauth");
	}

	if (targets.includes("nrf52")) {
		const nrfRoot = env.NRF_ROOT ?? join(env.HOME ?? "", "nrf5");
		const sdk = env.NRF_SDK_DIR;
		if (!sdk) {
			missing.push(`the nRF5 SDK 17.0.2 (Moddable's modified copy): NRF_SDK_DIR is not set; ${XS_DEV_NRF52} (or ${SETUP_SCRIPT})`);
		} else if (!existsSync(join(sdk, "components"))) {
			missing.push(`the nRF5 SDK: NRF_SDK_DIR=${sdk} has no components/; ${XS_DEV_NRF52}`);
		}
		const gccRoot = env.NRF52_GCC_ROOT ?? join(nrfRoot, `arm-gnu-toolchain-12.2.rel1-${process.arch === "arm64" ? "aarch64" : "x86_64"}-arm-none-eabi`);
		if (!isExecutable(join(gccRoot, "bin/arm-none-eabi-gcc"))) {
			missing.push(`the Arm GNU toolchain 12.2 for nRF52: no ${join(gccRoot, "bin/arm-none-eabi-gcc")} (set NRF52_GCC_ROOT); ${XS_DEV_NRF52}, or apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi and point NRF52_GCC_ROOT at it`);
		}
		const uf2 = env.UF2CONV ?? join(nrfRoot, "uf2conv.py");
		if (!existsSync(uf2)) missing.push(`uf2conv.py: not at ${uf2} (set NRF_ROOT or UF2CONV); ${XS_DEV_NRF52}`);
		if (!onPath("python3", env.PATH)) missing.push("python3 (runs uf2conv.py): apt-get install python3");
	}

	if (missing.length > 0) return { missing };
	return { toolchain: { moddable, env, source, mcconfig, mcsim, xsbugLog, typescript }, missing };
}

/**
 * What ESP32 firmware needs beyond the Moddable SDK, one line each with how to get it: ESP-IDF (IDF_PATH, as
 * Moddable's esp32 makefile reads it) and its Xtensa toolchain on PATH. Empty when both are there.
 */
export function espIdfMissing(env: NodeJS.ProcessEnv): string[] {
	const missing: string[] = [];
	const idf = env.IDF_PATH;
	if (!idf) missing.push(`ESP-IDF: IDF_PATH is not set; ${XS_DEV_ESP32} (installs ESP-IDF and its Xtensa toolchain), then source ~/.local/share/xs-dev-export.sh`);
	else if (!existsSync(join(idf, "tools/idf.py"))) missing.push(`ESP-IDF: IDF_PATH=${idf} has no tools/idf.py; ${XS_DEV_ESP32}`);
	if (!onPath("xtensa-esp32-elf-gcc", env.PATH)) missing.push(`the Xtensa toolchain: xtensa-esp32-elf-gcc is not on PATH; ${XS_DEV_ESP32}, or source $IDF_PATH/export.sh`);
	return missing;
}

/** One paragraph for a person: what is missing and how to install it. */
export function describeMissing(check: ToolchainCheck): string {
	return `The Moddable toolchain is incomplete:\n${check.missing.map((m) => `  - ${m}`).join("\n")}`;
}

async function main(argv: string[]): Promise<number> {
	const which = argv[0] ?? "all";
	const targets: Target[] = which === "all" ? ["lin", "nrf52"] : which === "lin" || which === "nrf52" || which === "esp32" ? [which] : [];
	if (targets.length === 0) {
		process.stderr.write("usage: toolchain.ts [lin|nrf52|esp32|all]\n");
		return 2;
	}
	const check = findToolchain(targets);
	if (!check.toolchain) {
		process.stderr.write(describeMissing(check) + "\n");
		return 1;
	}
	const t = check.toolchain;
	process.stdout.write(`Moddable SDK: ${t.moddable} (from ${t.source === "setup" ? SETUP_SCRIPT : "the environment"})\n`);
	process.stdout.write(`TypeScript: ${typescriptVersion()} (${t.typescript})\n`);
	if (targets.includes("nrf52")) process.stdout.write(`nRF5 SDK: ${t.env.NRF_SDK_DIR}\nArm GCC: ${t.env.NRF52_GCC_ROOT ?? "(Moddable's default)"}\n`);
	if (targets.includes("esp32")) {
		const idf = espIdfMissing(t.env);
		process.stdout.write(idf.length ? `ESP32 firmware: not buildable here (the manifest step only):\n${idf.map((m) => `  - ${m}`).join("\n")}\n` : `ESP-IDF: ${t.env.IDF_PATH}\n`);
	}
	process.stdout.write(`ready for: ${targets.join(", ")}\n`);
	return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main(process.argv.slice(2)).then(
		(code) => (process.exitCode = code),
		(error) => {
			process.stderr.write(`toolchain: ${error instanceof Error ? error.message : String(error)}\n`);
			process.exitCode = 1;
		},
	);
}
