// The boards a user builds hypertiny for with the real Moddable SDK, and where each build goes. One table, read by
// `hypertiny build`, `hypertiny flash` and `hypertiny bench:firmware`.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Platform } from "./moddable.ts";
import type { Target } from "./toolchain.ts";
import { ROOT } from "./toolchain.ts";

export type BoardName = "nrf52" | "esp32" | "lin";

export interface Board {
	name: BoardName;
	/** mcconfig -p */
	platform: Platform;
	/** What findToolchain must find for it. */
	target: Target;
	/** For people: the board and what the build makes. */
	title: string;
}

export const BOARDS: Record<BoardName, Board> = {
	nrf52: { name: "nrf52", platform: "nrf52/dk", target: "nrf52", title: "Nordic nRF52840 DK (pca10056): xs_nrf52.hex + .uf2" },
	esp32: { name: "esp32", platform: "esp32", target: "esp32", title: "ESP32 (4 MB, e.g. ESP32-DevKitC): xs_esp32.bin" },
	lin: { name: "lin", platform: "lin", target: "lin", title: "Moddable's desktop simulator mcsim on Linux: mc.so" },
};

export function board(name: string): Board {
	if (name in BOARDS) return BOARDS[name as BoardName];
	throw new Error(`unknown board "${name}" (${Object.keys(BOARDS).join(", ")})`);
}

export const APP_MANIFEST = join(ROOT, "manifest.json");

/** The default model inside the firmware: the trainer's default when it exists, else the packed test fixture. */
export function defaultModel(): string {
	const trained = join(ROOT, "models/default.htpw");
	return existsSync(trained) ? trained : join(ROOT, "test/fixtures/tiny-hyper.htpw");
}

/** build/moddable/<board>[-debug]: mcconfig -o puts tmp/ and bin/ there, the SDK stays clean. */
export function outDirFor(b: Board, debug: boolean): string {
	return resolve(ROOT, "build/moddable", `${b.name}${debug ? "-debug" : ""}`);
}

/**
 * The manifest's HT_MODEL build variable for `model` (a .htpw file): mcconfig names data by the path without its
 * extension and keeps the extension, so the blob is the resource "model.htpw" whatever the file is called.
 */
export function modelVariable(model: string): Record<string, string> {
	const path = resolve(model);
	if (!path.endsWith(".htpw")) throw new Error(`--model ${model}: a packed model must end in .htpw`);
	if (!existsSync(path)) throw new Error(`--model ${model}: no such file`);
	return { HT_MODEL: path.slice(0, -".htpw".length) };
}
