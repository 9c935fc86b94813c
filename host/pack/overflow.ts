// The writer's guarantee of docs/FORMAT.md §3: no int32 accumulator can overflow for int8 inputs.

import { FAMILY_LOWRANK, OP_ATTNPOOL, OP_CONV1D, OP_DWCONV1D, OP_FC, OP_PWCONV } from "../../modules/model/format.ts";
import type { ModelSpec } from "./spec.ts";

const LIMIT = 2 ** 31;

function check(sumAbsW: number, bias: number, what: string): void {
	if (sumAbsW * 255 + Math.abs(bias) >= LIMIT) throw new RangeError(`${what}: accumulator may overflow int32 (sum|w| ${sumAbsW}, bias ${bias})`);
}

/** Throws RangeError when a channel's Σ|w|·255 + |bias| reaches 2^31. */
export function checkAccumulators(spec: ModelSpec): void {
	spec.ops.forEach((op, i) => {
		if (!op.weights || (op.opcode === OP_PWCONV && op.genLayer !== undefined)) return;
		const w = op.weights;
		const bias = (c: number): number => (op.bias ? op.bias[c] : 0);
		const what = `op ${i}`;
		if (op.opcode === OP_DWCONV1D) {
			const channels = spec.tensors[op.in0].channels;
			for (let c = 0; c < channels; c++) {
				let s = 0;
				for (let k = c; k < w.length; k += channels) s += Math.abs(w[k]);
				check(s, bias(c), what);
			}
			return;
		}
		if (op.opcode === OP_ATTNPOOL) {
			check(w.reduce((s, v) => s + Math.abs(v), 0), bias(0), what);
			return;
		}
		if (op.opcode === OP_CONV1D || op.opcode === OP_FC || op.opcode === OP_PWCONV) {
			const cout = spec.tensors[op.out].channels;
			const row = w.length / cout;
			for (let c = 0; c < cout; c++) {
				let s = 0;
				for (let j = 0; j < row; j++) s += Math.abs(w[c * row + j]);
				check(s, bias(c), what);
			}
		}
	});
	const gen = spec.generator;
	if (!gen) return;
	gen.mlp.forEach((l, li) => {
		for (let o = 0; o < l.outDim; o++) {
			let s = 0;
			for (let i = 0; i < l.inDim; i++) s += Math.abs(l.weights[o * l.inDim + i]);
			check(s, l.bias[o], `MLP layer ${li}`);
		}
	});
	const hDim = gen.mlp[gen.mlp.length - 1].outDim;
	gen.layers.forEach((g, gi) => {
		// Synthesized weights are within ±127 and |bias| <= |bias_unit|.
		for (let c = 0; c < g.cout; c++) check(127 * g.cin, g.biasUnit[c], `generated layer ${gi}`);
		// The synthesis accumulators a[i] are int32 too: bound them by the largest |h - zh| of 255.
		const maxAbs = (from: number, to: number): number => {
			let m = 0;
			for (let i = from; i < to; i++) m = Math.max(m, Math.abs(g.heads[i]));
			return m;
		};
		const bound = gen.family === FAMILY_LOWRANK
			? hDim * maxAbs(0, g.cout * hDim) * 255 * maxAbs(g.cout * hDim, g.heads.length)
			: hDim * maxAbs(0, g.heads.length) * 255;
		if (bound >= LIMIT) throw new RangeError(`generated layer ${gi}: synthesis accumulator may overflow int32`);
	});
}
