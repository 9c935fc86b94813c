// Multiply-accumulates of one op (element operations for ADD and the pools), for throughput figures.
import { OP_ADD, OP_ATTNPOOL, OP_AVGPOOL, OP_CONV1D, OP_DWCONV1D, OP_FC, OP_MAXPOOL, OP_PWCONV } from "./format.ts";
import type { Model } from "./model.ts";

export function opMacs(model: Model, index: number): number {
	const op = model.ops[index];
	const a = model.tensors[op.in0];
	const o = model.tensors[op.out];
	switch (op.opcode) {
		case OP_CONV1D: return o.length * o.channels * op.k * a.channels;
		case OP_DWCONV1D: return o.length * o.channels * op.k;
		case OP_PWCONV: return o.length * o.channels * a.channels;
		case OP_FC: return o.channels * a.length * a.channels;
		case OP_ADD: return o.length * o.channels;
		case OP_AVGPOOL: return a.length * a.channels;
		case OP_ATTNPOOL: return 2 * a.length * a.channels;
		case OP_MAXPOOL: return o.length * o.channels * op.k;
		default: return 0;
	}
}

/** HT_CONV1D_LEAD_TAPS_MAX of native/src/ht_conv1d.h: the longest kernel its lead-only path takes. */
export const LEAD_TAPS_MAX = 16;

/**
 * MACs op `index` executes on the device for a beat (docs/FORMAT.md §6: channels 1.. constant along the window).
 * A CONV1D reading the input of a model with META.features convolves only the ECG lead (native/src/ht_conv1d.c):
 * its lead's nominal MACs, plus cout·k·features per call for the features' tap sums. Every other op: opMacs.
 * host/train/budget.py's executed_macs_per_window counts the same way.
 */
export function opExecutedMacs(model: Model, index: number): number {
	const op = model.ops[index];
	const features = Array.isArray(model.meta?.features) ? model.meta.features.length : 0;
	const a = model.tensors[op.in0];
	if (op.opcode !== OP_CONV1D || op.in0 !== model.inputTensor || features === 0 || a.channels !== 1 + features || op.k > LEAD_TAPS_MAX)
		return opMacs(model, index);
	const o = model.tensors[op.out];
	return o.length * o.channels * op.k + o.channels * op.k * features;
}
