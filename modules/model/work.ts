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
