#!/usr/bin/env node
// Builds host/ecg-wasm/ht_ecg.wasm, the ECG core (native/src/ht_ecg*.c: the pipeline, the beat template, the RR context and the apnea minute's input) as WebAssembly for Node, with Debian's
// clang and wasm-ld (package lld). The .wasm is committed so that `npm install` needs no clang;
// test/ecg-wasm.test.ts rebuilds it and compares bytes.
//   node host/ecg-wasm/build.mjs [--out FILE] [--if-clang]
// --if-clang: when clang or wasm-ld is missing, say so and keep the committed file (npm run build). npm install
// never rebuilds it: on a fresh clone the committed file is what runs, and test/ecg-wasm.test.ts checks it.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
export const WASM = join(HERE, "ht_ecg.wasm");
const EXPORTS = [
	"ht_ecg_check_settings",
	"ht_ecg_init",
	"ht_ecg_push_i16",
	"ht_ecg_push_i32",
	"ht_ecg_set_lead_off",
	"ht_ecg_flush",
	"ht_ecg_counters",
	"ht_ecg_pending",
	"ht_ecg_next_event",
	"ht_ecg_filter_i16",
	"ht_ecg_filter_i32",
	"ht_tpl_before",
	"ht_tpl_after",
	"ht_tpl_state_bytes",
	"ht_tpl_init",
	"ht_tpl_reset",
	"ht_tpl_next",
	"ht_rr_state_bytes",
	"ht_rr_init",
	"ht_rr_reset",
	"ht_rr_next",
	"ht_apnea_input",
	"ht_apnea_quantize",
	"ht_apnea_night_reset",
	"ht_apnea_spread",
	"__heap_base",
];

/** The sources, relative to the repository root, in a fixed order (the output must not depend on the checkout path). */
export function sources() {
	const core = readdirSync(join(ROOT, "native/src"))
		.filter((f) => /^ht_ecg.*\.c$/.test(f))
		.sort()
		.map((f) => `native/src/${f}`);
	return [...core, "host/ecg-wasm/wasm_support.c"];
}

export function clangCommand(out) {
	return [
		"clang",
		"--target=wasm32",
		"-O2",
		"-nostdlib",
		"-std=c11",
		"-Wall",
		"-Wextra",
		"-Werror",
		"-Inative/include",
		"-Wl,--no-entry",
		"-Wl,--strip-all",
		...EXPORTS.map((name) => `-Wl,--export=${name}`),
		...sources(),
		"-o",
		out,
	];
}

/** Whether clang can link wasm here (clang plus wasm-ld). */
export function haveWasmClang() {
	const clang = spawnSync("clang", ["--version"], { encoding: "utf8" });
	const ld = spawnSync("wasm-ld", ["--version"], { encoding: "utf8" });
	return clang.status === 0 && ld.status === 0;
}

export function buildWasm(out = WASM) {
	const [cmd, ...args] = clangCommand(resolve(out));
	const run = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8" });
	if (run.status !== 0) throw new Error(`ecg-wasm: ${cmd} failed:\n${run.stderr || run.error}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const args = process.argv.slice(2);
	const outIndex = args.indexOf("--out");
	const out = outIndex >= 0 ? resolve(args[outIndex + 1]) : WASM;
	if (args.includes("--if-clang") && !haveWasmClang()) {
		console.log(`ecg-wasm: clang/wasm-ld (Debian packages clang, lld) not found: keeping the committed ${relative(ROOT, WASM)}`);
	} else {
		buildWasm(out);
		console.log(`ecg-wasm: built ${relative(ROOT, out)}`);
	}
}
