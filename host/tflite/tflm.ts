// TensorFlow Lite Micro's own interpreter (PyPI tflite-micro, run by host/tflite/run_tflm.py) against our engine on
// the same int8 windows: only outputs are compared, so no label is read.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Model } from "../../modules/model/model.ts";
import { Rng } from "../pack/rng.ts";
import { RefEngine } from "../pack/ref-engine.ts";
import { REPO_ROOT } from "../train/python.ts";
import { exportTflite } from "./export.ts";

const RUNNER = join(REPO_ROOT, "host/tflite/run_tflm.py");

/** $HYPERTINY_TFLM_PYTHON, else the venv .ci/run makes (results/tmp/tflm-venv). */
export function tflmPython(): string {
	return process.env.HYPERTINY_TFLM_PYTHON || join(REPO_ROOT, "results/tmp/tflm-venv/bin/python");
}

export function hasTflm(): boolean {
	const python = tflmPython();
	return existsSync(python) && spawnSync(python, ["-c", "import tflite_micro"], { stdio: "ignore" }).status === 0;
}

export const TFLM_MISSING = "python3 -m venv --system-site-packages results/tmp/tflm-venv && results/tmp/tflm-venv/bin/pip install tflite-micro (or set HYPERTINY_TFLM_PYTHON)";

function inScratch<T>(body: (dir: string) => T): T {
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-tflm-"));
	try {
		return body(dir);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** TFLM's int8 outputs (outCount each) for every window. */
export function runTflm(tflite: Uint8Array, inputs: Int8Array[], outCount: number): Int8Array[] {
	return inScratch((dir) => {
		const model = join(dir, "m.tflite");
		writeFileSync(model, tflite);
		const all = new Int8Array(inputs.reduce((n, w) => n + w.length, 0));
		let at = 0;
		for (const w of inputs) {
			all.set(w, at);
			at += w.length;
		}
		writeFileSync(join(dir, "in.bin"), new Uint8Array(all.buffer));
		const r = spawnSync(tflmPython(), [RUNNER, model, join(dir, "in.bin"), join(dir, "out.bin")], { encoding: "utf8" });
		if (r.status !== 0) throw new Error(`TFLM failed (${r.signal ?? `status ${r.status}`}): ${r.stderr.trim().split("\n").pop() ?? ""}`);
		const got = new Int8Array(new Uint8Array(readFileSync(join(dir, "out.bin"))).buffer);
		if (got.length !== inputs.length * outCount) throw new Error(`TFLM gave ${got.length} outputs, ${inputs.length} windows need ${inputs.length * outCount}`);
		return inputs.map((_, w) => got.subarray(w * outCount, (w + 1) * outCount));
	});
}

/** One op's requantization parameters as TFLM's Prepare derives them (run_tflm.py --prepare): per channel [m, shift]
 * for CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED; ADD's [left_shift, m1, s1, m2, s2, mo, so]; MEAN's [m, shift]. */
export interface TflmPrepared {
	op: number;
	params: number[][] | number[];
}

/** TFLM's requantization parameters for every weighted op, ADD and MEAN of a .tflite, in operator order. */
export function tflmPrepare(tflite: Uint8Array): TflmPrepared[] {
	return inScratch((dir) => {
		const model = join(dir, "m.tflite");
		writeFileSync(model, tflite);
		const r = spawnSync(tflmPython(), [RUNNER, "--prepare", model], { encoding: "utf8", maxBuffer: 64 << 20 });
		if (r.status !== 0) throw new Error(`TFLM --prepare failed (${r.signal ?? `status ${r.status}`}): ${r.stderr.trim().split("\n").pop() ?? ""}`);
		return JSON.parse(r.stdout) as TflmPrepared[];
	});
}

/** Random windows, then the adversarial ones: saturated both ways, zero, the zero point, alternating extremes. */
export function checkWindows(model: Model, seed: number, random: number): Int8Array[] {
	const size = model.input.length * model.input.channels;
	const rng = new Rng(seed);
	const out: Int8Array[] = [];
	for (let w = 0; w < random; w++) out.push(Int8Array.from({ length: size }, () => rng.int(-128, 127)));
	out.push(new Int8Array(size).fill(-128), new Int8Array(size).fill(127), new Int8Array(size), new Int8Array(size).fill(model.input.zeroPoint));
	out.push(Int8Array.from({ length: size }, (_, i) => (i % 2 ? 127 : -128)), Int8Array.from({ length: size }, (_, i) => (i % 2 ? -128 : 127)));
	return out;
}

export interface TflmComparison {
	windows: number;
	identical: number;
	/** The first window whose outputs differ, or -1. */
	firstDifferent: number;
}

/**
 * Exports the model and runs the windows in TFLM and in our engine: the reference engine, or `ours`, the outputs
 * our engine already gave for these windows (e.g. the C core's, host/eval/engine.ts runWindows).
 */
export function compareWithTflm(model: Model, inputs: Int8Array[], ours?: Int8Array[]): TflmComparison {
	const outCount = model.output.length * model.output.channels;
	if (ours && ours.length !== inputs.length) throw new Error(`${ours.length} outputs for ${inputs.length} windows`);
	const theirs = runTflm(exportTflite(model), inputs, outCount);
	const engine = ours ? null : new RefEngine(model, "boot");
	let identical = 0;
	let firstDifferent = -1;
	inputs.forEach((w, i) => {
		const mine = ours ? ours[i]! : engine!.invoke(w);
		if (mine.length === outCount && mine.every((v, c) => v === theirs[i][c])) identical++;
		else if (firstDifferent < 0) firstDifferent = i;
	});
	return { windows: inputs.length, identical, firstDifferent };
}
