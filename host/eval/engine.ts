// The integer engines that evaluation runs: the project's C core over a whole file of windows (native/tools/
// htbatch.c, -O3 for this host, one thread per core), or the TypeScript reference (host/pack/ref-engine.ts,
// slow; the tests use it to prove the native run bit-identical).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Model } from "../../modules/model/index.ts";
import { quantizeInto, type QuantParams } from "../../modules/runtime/quantize.ts";
import { RefEngine } from "../pack/ref-engine.ts";
import { ROOT } from "../cli/sim-runner.ts";

export type EngineName = "native" | "ref";

export const NATIVE_DIR = join(ROOT, "native");
/** Its own build directory: no other make (tests, benches) touches these files. */
export const EVAL_BUILD = "build/eval";
export const HTBATCH = join(NATIVE_DIR, EVAL_BUILD, "htbatch");
/** The CLI's output cache (ignored by git, like all of results/tmp). */
export const EVAL_CACHE_DIR = "results/tmp/eval-cache";

/** What the row's `engine` field says, so a reader knows which code produced the numbers. */
export function engineLabel(engine: EngineName): string {
	return engine === "native" ? "c-core htbatch (native/tools/htbatch.c, gcc -O3 -march=native)" : "ts-reference (host/pack/ref-engine.ts)";
}

/** Builds htbatch when missing or stale (make decides); a clear error when there is no C compiler. */
export function buildHtbatch(): string {
	// Test files run in parallel: two makes relinking htbatch at once make the other's exec fail (ETXTBSY), so
	// makes of this build directory take turns under flock(1) where it exists (util-linux, on every Debian).
	const make = ["make", "-C", NATIVE_DIR, "--no-print-directory", `BUILD=${EVAL_BUILD}`, "htbatch"];
	mkdirSync(join(NATIVE_DIR, EVAL_BUILD), { recursive: true });
	const lock = join(NATIVE_DIR, EVAL_BUILD, ".make.lock");
	const hasFlock = spawnSync("flock", ["--version"], { encoding: "utf8" }).status === 0;
	const r = hasFlock ? spawnSync("flock", [lock, ...make], { encoding: "utf8", maxBuffer: 64 << 20 }) : spawnSync(make[0]!, make.slice(1), { encoding: "utf8", maxBuffer: 64 << 20 });
	if (r.error) throw new Error(`cannot run make to build htbatch (${r.error.message}); install make and gcc, or use --engine ref`);
	if (r.status !== 0) throw new Error(`building htbatch failed (exit ${r.status}):\n${r.stdout}${r.stderr}`.slice(0, 8000));
	return HTBATCH;
}

/**
 * The int8 model inputs [count][L][C] (docs/FORMAT.md §6) of windows [count][L] (float, mV) and their features
 * [count][F] (C = 1 + F; F = 0 for a window-only model): channel 0 the window, channel 1+i feature i at every
 * position, quantized with the model's input params by the device's one rule (modules/runtime/quantize.ts).
 */
export function quantizeInputs(windows: Float32Array, windowLength: number, input: QuantParams, features?: Float32Array, featureCount = 0): Int8Array {
	if (windows.length % windowLength !== 0) throw new Error(`${windows.length} samples are not whole windows of ${windowLength}`);
	const count = windows.length / windowLength;
	if (featureCount > 0 && features?.length !== count * featureCount) throw new Error(`${features?.length ?? 0} feature values for ${count} windows of ${featureCount} features`);
	const C = 1 + featureCount;
	const size = windowLength * C;
	const out = new Int8Array(count * size);
	const scratch = new Float32Array(size);
	for (let w = 0; w < count; w++) {
		if (C === 1) {
			quantizeInto(windows.subarray(w * windowLength, (w + 1) * windowLength), input, out.subarray(w * size, (w + 1) * size));
			continue;
		}
		for (let l = 0; l < windowLength; l++) {
			scratch[l * C] = windows[w * windowLength + l];
			for (let f = 0; f < featureCount; f++) scratch[l * C + 1 + f] = features![w * featureCount + f];
		}
		quantizeInto(scratch, input, out.subarray(w * size, (w + 1) * size));
	}
	return out;
}

/** Window-only inputs (C = 1). */
export function quantizeWindows(windows: Float32Array, windowLength: number, input: QuantParams): Int8Array {
	return quantizeInputs(windows, windowLength, input);
}

function sha256(data: Uint8Array | Int8Array): string {
	return createHash("sha256").update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest("hex");
}

/**
 * Outputs are a pure function of the engine binary, the model bytes and the inputs, so a cache keyed by the
 * three hashes lets `hypertiny report` skip models evaluated before (e.g. by `hypertiny eval`).
 */
function cachePath(cacheDir: string, tool: string, modelPath: string, inputs: Int8Array): string {
	const key = sha256(new Uint8Array(readFileSync(tool))) + sha256(new Uint8Array(readFileSync(modelPath))) + sha256(inputs);
	return join(cacheDir, `${createHash("sha256").update(key).digest("hex")}.i8`);
}

function runNative(modelPath: string, inputs: Int8Array, outSize: number, threads: number, cacheDir?: string): Int8Array {
	const tool = buildHtbatch();
	const cached = cacheDir ? cachePath(cacheDir, tool, modelPath, inputs) : null;
	if (cached && existsSync(cached)) {
		const bytes = readFileSync(cached);
		if (bytes.length === outSize) return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length).slice();
	}
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-eval-"));
	try {
		const inPath = join(dir, "inputs.i8");
		const outPath = join(dir, "outputs.i8");
		writeFileSync(inPath, inputs);
		const r = spawnSync(tool, [modelPath, inPath, outPath, String(threads)], { encoding: "utf8" });
		if (r.error) throw new Error(`cannot run ${tool}: ${r.error.message}`);
		if (r.status !== 0) throw new Error(`htbatch failed (exit ${r.status}): ${r.stderr.trim()}`);
		const bytes = readFileSync(outPath);
		if (bytes.length !== outSize) throw new Error(`htbatch wrote ${bytes.length} bytes, expected ${outSize}`);
		if (cached) {
			mkdirSync(dirname(cached), { recursive: true });
			writeFileSync(`${cached}.tmp`, bytes);
			renameSync(`${cached}.tmp`, cached);
		}
		return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length).slice();
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

function runReference(model: Model, inputs: Int8Array, inSize: number, outSize: number): Int8Array {
	const engine = new RefEngine(model, "boot");
	const out = new Int8Array(outSize);
	const perWindow = model.output.length * model.output.channels;
	for (let w = 0; w * inSize < inputs.length; w++) out.set(engine.invoke(inputs.subarray(w * inSize, (w + 1) * inSize)), w * perWindow);
	return out;
}

export interface RunOptions {
	engine: EngineName;
	/** Native threads (default: every core this process may use). */
	threads?: number;
	/** Where to keep native outputs between runs (default: no cache). */
	cacheDir?: string;
}

/** Output tensors [window][outputs] of quantized inputs [window][input size]. */
export function runWindows(modelPath: string, model: Model, inputs: Int8Array, options: RunOptions): Int8Array {
	const inSize = model.input.length * model.input.channels;
	if (inputs.length % inSize !== 0) throw new Error(`inputs of ${inputs.length} bytes are not whole windows of ${inSize}`);
	const outSize = (inputs.length / inSize) * model.output.length * model.output.channels;
	if (options.engine === "ref") return runReference(model, inputs, inSize, outSize);
	return runNative(modelPath, inputs, outSize, options.threads ?? availableParallelism(), options.cacheDir);
}
