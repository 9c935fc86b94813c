// TFLM against our engine on a packed model's real inputs: DS2 windows (the model's window and features, quantized
// by the device's rule) and the adversarial windows of checkWindows. Outputs only, so no label is read and
// nothing is tuned; test/tflm-committed checks 1,000 windows of the shipped models, `npm run bench:tflm` all of DS2.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "../data/dataset-format.ts";
import { quantizeInputs, runWindows } from "../eval/engine.ts";
import type { ApneaDataset } from "../rhythm/apnea-dataset.ts";
import { datasetInputs, modelInfo, TASKS } from "../eval/evaluate.ts";
import { BEAT_TASK } from "../eval/evaluate-beat.ts";
import { exportTflite } from "./export.ts";
import { checkWindows, compareWithTflm, tflmPrepare, type TflmComparison, type TflmPrepared } from "./tflm.ts";
import { NONE16, OP_ADD, OP_AVGPOOL, OP_CONV1D, OP_DWCONV1D, OP_FC, OP_PWCONV } from "../../modules/model/format.ts";
import type { Model } from "../../modules/model/model.ts";
import { kernelView } from "../pack/kernel-layout.ts";
import { synthesize } from "../pack/synth.ts";

/** Every task a packed model may have: the two-class and five-class tasks, N/S/V/F, and apnea (an RR sequence). */
export const ANY_TASK: readonly string[] = [...TASKS, BEAT_TASK, "apnea"];

/** The .htpw files of a folder that export to .tflite (format version 2, builtin ops only), by name. */
export function exportableModels(dir: string): string[] {
	return readdirSync(dir).filter((f) => f.endsWith(".htpw")).sort().filter((f) => {
		try {
			exportTflite(modelInfo(join(dir, f), ANY_TASK).model);
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
	const info = modelInfo(path, ANY_TASK);
	const size = info.model.input.length * info.model.input.channels;
	const inputs: Int8Array[] = [];
	// Contiguous runs of windows are quantized together.
	for (let i = 0; i < windows.length;) {
		let j = i + 1;
		while (j < windows.length && windows[j] === windows[j - 1]! + 1) j++;
		const block = datasetInputs(ds, info, windows[i]!, j - i, 1, path);
		for (let w = 0; w < j - i; w++) inputs.push(block.subarray(w * size, (w + 1) * size));
		i = j;
	}
	return checkInputsWithTflm(path, info.model, inputs, options);
}

/**
 * The same for the apnea model (META.consumes rr-sequence): the test recordings' minutes (modules/rhythm/apnea-input.ts,
 * quantized by the device's rule), then the adversarial windows.
 */
export function checkApneaModelWithTflm(path: string, ds: ApneaDataset, options: { cacheDir?: string; threads?: number } = {}): ModelTflmCheck {
	const info = modelInfo(path, ANY_TASK);
	const { first, count } = ds.index.splits.test;
	const W = ds.index.window;
	const all = quantizeInputs(ds.windows.subarray(first * W, (first + count) * W), W, info.input);
	const size = info.model.input.length * info.model.input.channels;
	return checkInputsWithTflm(path, info.model, Array.from({ length: count }, (_, i) => all.subarray(i * size, (i + 1) * size)), options);
}

/** TFLM and our C core on `inputs` and then the adversarial windows; ds2_windows counts `inputs`. */
function checkInputsWithTflm(path: string, model: Model, inputs: Int8Array[], options: { cacheDir?: string; threads?: number }): ModelTflmCheck {
	const real = inputs.length;
	const size = model.input.length * model.input.channels;
	const adversarial = checkWindows(model, 20261206, 0);
	const windows = [...inputs, ...adversarial];
	const all = new Int8Array(windows.length * size);
	windows.forEach((w, i) => all.set(w, i * size));
	const outCount = model.output.length * model.output.channels;
	const out = runWindows(path, model, all, { engine: "native", threads: options.threads, cacheDir: options.cacheDir });
	const ours = windows.map((_, i) => out.subarray(i * outCount, (i + 1) * outCount));
	return { ...compareWithTflm(model, windows, ours), ds2_windows: real, adversarial_windows: adversarial.length };
}

/**
 * Our engine's requantization parameters in TFLM's operator order (host/tflite/from-model.ts maps one op to one
 * builtin, PAD aside): per channel [m, shift] of every conv, depthwise, pointwise (a generated one's from synthesis)
 * and FC; ADD's seven aux values; AVGPOOL's [m, shift].
 */
export function ourRequant(model: Model): TflmPrepared[] {
	const out: TflmPrepared[] = [];
	const pairs = (mult: ArrayLike<number>, shift: ArrayLike<number>) => Array.from(mult, (m, c) => [m, shift[c]!]);
	for (const op of model.ops) {
		if (op.opcode === OP_PWCONV && op.genLayer !== NONE16) {
			const k = kernelView(synthesize(model, op.genLayer), model.tensors[op.out]!.channels, model.tensors[op.in0]!.channels);
			out.push({ op: 3, params: pairs(k.mult, k.shift) });
		} else if (op.opcode === OP_CONV1D || op.opcode === OP_PWCONV) out.push({ op: 3, params: pairs(op.mult!, op.shift!) });
		else if (op.opcode === OP_DWCONV1D) out.push({ op: 4, params: pairs(op.mult!, op.shift!) });
		else if (op.opcode === OP_FC) out.push({ op: 9, params: pairs(op.mult!, op.shift!) });
		else if (op.opcode === OP_ADD) out.push({ op: 0, params: Array.from(op.aux!) });
		else if (op.opcode === OP_AVGPOOL) out.push({ op: 40, params: Array.from(op.aux!.subarray(0, 2)) });
	}
	return out;
}

/**
 * Every requantization parameter of the exported model as TFLM's Prepare derives it from the .tflite's float32
 * scales, against ours: the places that differ (op index in this order, and which value), none when all agree. A
 * multiplier nudged by one shows here even where no output window would reveal it.
 */
export function modelRequantDifferences(path: string): string[] {
	const model = modelInfo(path, ANY_TASK).model;
	return requantDifferences(tflmPrepare(exportTflite(model)), ourRequant(model));
}

/** Where two lists of requantization parameters differ (op index, builtin, first differing value), none if equal. */
export function requantDifferences(theirs: TflmPrepared[], ours: TflmPrepared[]): string[] {
	if (theirs.length !== ours.length) return [`TFLM has ${theirs.length} requantizing ops, ours ${ours.length}`];
	const diffs: string[] = [];
	ours.forEach((o, i) => {
		const t = theirs[i]!;
		if (t.op !== o.op) diffs.push(`op ${i}: builtin ${t.op}, ours ${o.op}`);
		else if (JSON.stringify(t.params) !== JSON.stringify(o.params)) {
			const a = t.params.flat(), b = o.params.flat();
			const at = a.findIndex((v, j) => v !== b[j]);
			diffs.push(`op ${i} (builtin ${t.op}): value ${at} is ${a[at]} in TFLM, ${b[at]} ours`);
		}
	});
	return diffs;
}
