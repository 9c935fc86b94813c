// `hypertiny flash <board>` (npm run flash:nrf52 / deploy:nrf52 / flash:esp32 / deploy:esp32): Moddable's own
// build-and-install, a thin wrapper over mcconfig run in the foreground with the terminal attached:
//   debug (default)  mcconfig -d -m -p <platform> -o ... manifest.json   builds, installs, connects xsbug
//   --release        mcconfig -m -p <platform> -t deploy -o ... manifest.json   builds and installs
//   --jlink (nrf52)  mcconfig -m -p nrf52/dk -t flash ...   programs the .hex with nrfjprog through the DK's J-Link
// On the nRF52840 DK the default path copies the UF2 image to the MODDABLEnRF drive that Moddable's UF2
// bootloader shows after a double-tap of RESET; on ESP32 ESP-IDF's idf.py flashes over UPLOAD_PORT.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { APP_MANIFEST, board, defaultModel, modelVariable, outDirFor } from "../moddable/boards.ts";
import { describeMissing, espIdfMissing, findToolchain } from "../moddable/toolchain.ts";

const USAGE = `usage: hypertiny flash <nrf52|esp32> [--release] [--jlink] [--model M.htpw] [--dry-run]
  (default)   debug build, install, then xsbug (mcconfig -d -m -p <platform>)
  --release   release build and install (mcconfig -m -p <platform> -t deploy)
  --jlink     nrf52: program xs_nrf52.hex with nrfjprog over the DK's J-Link USB port (-t flash)
  --dry-run   print the mcconfig command and its environment, run nothing
`;

export function flashArgs(name: string, options: { release: boolean; jlink: boolean }): { args: string[]; outDir: string } {
	const b = board(name);
	if (b.name === "lin") throw new Error("lin is the simulator: nothing to flash (hypertiny build lin)");
	if (options.jlink && b.name !== "nrf52") throw new Error("--jlink is for the nRF52840 DK");
	const debug = !options.release && !options.jlink;
	const outDir = outDirFor(b, debug);
	const target = options.jlink ? ["-t", "flash"] : options.release ? ["-t", "deploy"] : [];
	return { args: [...(debug ? ["-d"] : []), "-m", "-p", b.platform, ...target, "-o", outDir, APP_MANIFEST], outDir };
}

export async function flashCommand(argv: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			release: { type: "boolean", default: false },
			jlink: { type: "boolean", default: false },
			model: { type: "string" },
			"dry-run": { type: "boolean", default: false },
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
	const { args, outDir } = flashArgs(b.name, { release: values.release as boolean, jlink: values.jlink as boolean });
	const modelEnv = modelVariable(values.model ?? defaultModel());
	if (values["dry-run"]) {
		process.stdout.write(`HT_MODEL=${modelEnv.HT_MODEL} mcconfig ${args.join(" ")}\n`);
		return 0;
	}
	const check = findToolchain([b.target]);
	if (!check.toolchain) {
		process.stderr.write(`hypertiny flash ${b.name}: ${describeMissing(check)}\n`);
		return 1;
	}
	const tool = check.toolchain;
	if (b.name === "esp32") {
		const idf = espIdfMissing(tool.env);
		if (idf.length > 0) {
			process.stderr.write(`hypertiny flash esp32: ESP32 firmware needs ESP-IDF:\n${idf.map((m) => `  - ${m}`).join("\n")}\n`);
			return 1;
		}
	}
	mkdirSync(outDir, { recursive: true });
	process.stdout.write(`$ HT_MODEL=${modelEnv.HT_MODEL} mcconfig ${args.join(" ")}\n`);
	return new Promise((resolvePromise) => {
		const child = spawn(tool.mcconfig, args, { stdio: "inherit", env: { ...tool.env, ...modelEnv } });
		child.on("error", (error) => {
			process.stderr.write(`hypertiny flash ${b.name}: mcconfig could not run: ${error.message}\n`);
			resolvePromise(1);
		});
		child.on("close", (status) => resolvePromise(status ?? 1));
	});
}
