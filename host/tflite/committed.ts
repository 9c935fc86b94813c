// TFLM against our engine on a packed model's real inputs: DS2 windows (the model's window and features, quantized
// by the device's rule) and the adversarial windows of checkWindows. Outputs only, so no label is read and
// nothing is tuned; test/tflm-committed checks 1,000 windows of the shipped models, `npm run bench:tflm` all of DS2.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "../data/dataset-format.ts";
import { runWindows } from "../eval/engine.ts";
import { datasetInputs, modelInfo } from "../eval/evaluate.ts";
import { BEAT_TASK } from "../eval/evaluate-beat.ts";
import { exportTflite } from "./export.ts";
import { checkWindows, compareWithTflm, type TflmComparison } from "./tflm.ts";

/** The .htpw files of a folder that export to .tflite (format version 2, builtin ops only), by name. */
export function exportableModels(dir: string): string[] {
	return readdirSync(dir).filter((f) => f.endsWith(".htpw")).sort().filter((f) => {
		try {
			exportTflite(modelInfo(join(dir, f), [BEAT_TASK, "v-vs-rest", "aami5"]).model);
			return true;
		} catch {
			return false;
		}
	});
}

/** `count` DS2 windows spread evenly over the split (all of it when count is at least its size). */
export function ds2Windows(ds: Dataset, count: number): number[] {
	const { first, count: n } = ds.index.splits.test;
	if (count >= n) return Array.from({ length: n }, (_, i) => first + i);
	return Array.from({ length: count }, (_, i) => first + Math.floor((i * n) / count));
}

export interface ModelTflmCheck extends TflmComparison {
	ds2_windows: number;
	adversarial_windows: number;
}

/**
 * The model's outputs from TFLM and from our C core (the device's kernels) on the given DS2 windows, then on the
 * adversarial windows; identical means every int8 output of every window.
 */
export function checkModelWithTflm(path: string, ds: Dataset, windows: number[], options: { cacheDir?: string; threads?: number } = {}): ModelTflmCheck {
	const info = modelInfo(path, [BEAT_TASK, "v-vs-rest", "aami5"]);
	const size = info.model.input.length * info.model.input.channels;
	const inputs: Int8Array[] = [];
	// Contiguous runs of windows are quantized together.
	for (let i = 0; i < windows.length;) {
		let j = i + 1;
		while (j < windows.length && windows[j] === windows[j - 1]! + 1) j++;
		const block = datasetInputs(ds, info, windows[i]!, j - i);
		for (let w = 0; w < j - i; w++) inputs.push(block.subarray(w * size, (w + 1) * size));
		i = j;
	}
	const adversarial = checkWindows(info.model, 20261206, 0);
	inputs.push(...adversarial);
	const all = new Int8Array(inputs.length * size);
	inputs.forEach((w, i) => all.set(w, i * size));
	const outCount = info.model.output.length * info.model.output.channels;
	const out = runWindows(path, info.model, all, { engine: "native", threads: options.threads, cacheDir: options.cacheDir });
	const ours = inputs.map((_, i) => out.subarray(i * outCount, (i + 1) * outCount));
	return { ...compareWithTflm(info.model, inputs, ours), ds2_windows: windows.length, adversarial_windows: adversarial.length };
}
