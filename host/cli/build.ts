// `hypertiny build <board>` (npm run build:nrf52, build:esp32): the app's manifest.json built by the real Moddable
// SDK, a thin wrapper over `mcconfig [-d] -m -p <platform> -t build -o build/moddable/<board> manifest.json`.
// MODDABLE, NRF_SDK_DIR, IDF_PATH come from the environment like any Moddable project (else the pinned
// ../shared/toolchains); what is missing is named with how to install it.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { encodeEcgResource, loadRecording } from "../app/ecg-resource.ts";
import { APP_MANIFEST, board, defaultModel, modelVariable, outDirFor, type Board } from "../moddable/boards.ts";
import { ARTIFACT, mcconfig, parseMemoryUsage, type BuildResult } from "../moddable/moddable.ts";
import { describeMissing, espIdfMissing, findToolchain, ROOT, type Toolchain } from "../moddable/toolchain.ts";

const USAGE = `usage: hypertiny build <nrf52|esp32|lin> [--debug] [--model M.htpw] [--out DIR] [--manifest manifest.json]
  nrf52   Nordic nRF52840 DK firmware (xs_nrf52.hex, xs_nrf52.uf2); needs MODDABLE, NRF_SDK_DIR
  esp32   ESP32 firmware (xs_esp32.bin); needs MODDABLE, IDF_PATH; without ESP-IDF it stops after the manifest step
  lin     Moddable's simulator (mc.so for mcsim; a debug build, mcsim prints trace only through xsbug)
  --debug     a debug build that connects to xsbug (default: release)
  --model     the packed model placed in flash as the resource model.htpw (default: ${relative(ROOT, defaultModel())})
  --out       mcconfig -o (default: build/moddable/<board>[-debug])
  --record    lin: the MIT-BIH record the simulator plays back (default: the bundled 119)
`;

export interface BoardBuild {
	board: Board;
	debug: boolean;
	model: string;
	result: BuildResult;
}

/**
 * The simulator's data folder (boards/lin/manifest.json HT_SIM_DATA): the recording the app's playback input
 * reads as the resource ecg.bin.
 */
export async function writeSimData(dir: string, record: string): Promise<string> {
	const recording = await loadRecording(record);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, "ecg.bin"), encodeEcgResource(recording));
	return dir;
}

/** Builds `manifest` for `b` with `model` inside; the caller checks result.status. */
export function buildBoard(tool: Toolchain, b: Board, options: { debug: boolean; model: string; outDir?: string; manifest?: string; echo?: boolean; make?: boolean; simData?: string }): Promise<BuildResult> {
	const outDir = options.outDir ?? outDirFor(b, options.debug);
	return mcconfig(tool, {
		manifest: options.manifest ?? APP_MANIFEST,
		platform: b.platform,
		outDir,
		debug: options.debug,
		env: { ...modelVariable(options.model), ...(options.simData ? { HT_SIM_DATA: options.simData } : {}) },
		make: options.make,
		echo: options.echo,
		timeoutMs: 20 * 60_000,
	});
}

export async function buildCommand(args: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			debug: { type: "boolean", default: false },
			model: { type: "string" },
			out: { type: "string" },
			manifest: { type: "string" },
			record: { type: "string", default: "119" },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	if (positionals.length !== 1) {
		process.stderr.write(USAGE);
		return 2;
	}
	const b = board(positionals[0]);
	const model = values.model ?? defaultModel();
	modelVariable(model);
	const check = findToolchain([b.target]);
	if (!check.toolchain) {
		process.stderr.write(`hypertiny build ${b.name}: ${describeMissing(check)}\n`);
		return 1;
	}
	const tool = check.toolchain;
	const idfMissing = b.name === "esp32" ? espIdfMissing(tool.env) : [];
	// mcsim prints an app's trace only through xsbug: a simulator build is a debug build.
	const debug = (values.debug as boolean) || b.name === "lin";
	const outDir = values.out ?? outDirFor(b, debug);
	const simData = b.name === "lin" ? await writeSimData(join(outDir, "data"), values.record as string) : undefined;
	process.stdout.write(`hypertiny build ${b.name}: ${b.title}, ${debug ? "debug (xsbug)" : "release"}, model ${relative(ROOT, model) || model}\n`);
	const result = await buildBoard(tool, b, { debug, model, outDir, manifest: values.manifest, echo: true, make: idfMissing.length === 0, simData });
	process.stdout.write(`\n$ ${result.command}\n`);
	if (result.status !== 0) {
		process.stderr.write(`hypertiny build ${b.name}: mcconfig failed (exit ${result.status}) after ${result.seconds.toFixed(0)} s; its output is above\n`);
		return 1;
	}
	if (idfMissing.length > 0) {
		process.stderr.write(
			`hypertiny build esp32: stopped after the manifest step: the manifest resolved (${relative(ROOT, result.tmpDir ?? "")}/manifest_flat.json, ` +
				`the makefile and partitions.csv are there), but ESP32 firmware was NOT built: it needs ESP-IDF and the Xtensa toolchain:\n` +
				idfMissing.map((m) => `  - ${m}`).join("\n") + "\n",
		);
		return 1;
	}
	if (!result.binDir) {
		process.stderr.write(`hypertiny build ${b.name}: mcconfig ended without ${ARTIFACT[b.platform]}\n`);
		return 1;
	}
	process.stdout.write(`hypertiny build ${b.name}: built in ${result.seconds.toFixed(0)} s: ${relative(ROOT, result.binDir)}/${ARTIFACT[b.platform]}\n`);
	if (b.name === "lin") {
		process.stdout.write(`  run it in Moddable's simulator, its trace in this terminal:\n  (cd ${tool.moddable}/tools/xsbug-log && node xsbug-log ${tool.mcsim} ${result.binDir}/mc.so)\n`);
	}
	const memory = parseMemoryUsage(result.output);
	if (memory) {
		process.stdout.write(`  flash ${memory.flash} B of 1,048,576; static RAM ${memory.ram} B + heap ${memory.heap} B of 262,144 (npm run bench:firmware splits them)\n`);
	}
	return 0;
}
