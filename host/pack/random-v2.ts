// A random version 1 ModelSpec re-expressed as version 2 (docs/FORMAT.md §2a): float32 tensor scales from the
// builder's real scales, each op's filter scales recovered from its stored multipliers, and every multiplier then
// recomputed by the TFLM rule. Golden and C-vs-TS tests use it to cover the version 2 arithmetic on the same
// architectures as version 1.

import { NONE16, OP_ADD, OP_AVGPOOL, OP_FC } from "../../modules/model/format.ts";
import { hasRequant } from "../../modules/model/ops.ts";
import { addRequant, f32, meanRequant, weightedRequant } from "../../modules/model/requant.ts";
import { checkedRequant } from "./quantize.ts";
import type { GenLayerSpec, ModelSpec, OpSpec } from "./spec.ts";

/** m·2^(s−31), the real rescale a stored pair stands for (a tiny stand-in for a zero multiplier). */
function realOf(m: number, s: number): number {
	return m === 0 ? 2 ** -40 : m * 2 ** (s - 31);
}

export function asVersion2(spec: ModelSpec, realScales: number[]): ModelSpec {
	const scales = realScales.map(f32);
	const genOp = new Map<number, OpSpec>();
	const ops = spec.ops.map((op, i): OpSpec => {
		const what = `op ${i}`;
		const sIn = scales[op.in0];
		const sOut = scales[op.out];
		const generated = op.genLayer !== undefined && op.genLayer !== NONE16;
		if (generated) genOp.set(op.genLayer as number, op);
		if (hasRequant(op.opcode, generated)) {
			const mult = Array.from(op.mult as ArrayLike<number>);
			const shift = Array.from(op.shift as ArrayLike<number>);
			const filterScales = mult.map((m, c) => f32((realOf(m, shift[c]) * sOut) / sIn));
			const rq = filterScales.map((_, c) => checkedRequant(weightedRequant(op.opcode === OP_FC, sIn, filterScales, sOut, c), `${what} channel ${c}`));
			return { ...op, filterScales, mult: rq.map((r) => r.m), shift: rq.map((r) => r.s) };
		}
		if (op.opcode === OP_ADD) return { ...op, aux: addRequant(scales[op.in0], scales[op.in1 as number], sOut) };
		if (op.opcode === OP_AVGPOOL) {
			const r = meanRequant(sIn, sOut, spec.tensors[op.in0].length);
			return { ...op, aux: [r.m, r.s] };
		}
		return op;
	});
	const gen = spec.generator;
	const layers = gen?.layers.map((l, g): GenLayerSpec => {
		const op = genOp.get(g) as OpSpec;
		// v1's m0·2^s0 stands for s_in·s_acc/(127·s_out); unit_scale is s_acc/127.
		const unitScale = f32((realOf(l.m0 ?? 0, l.s0 ?? 0) * scales[op.out]) / scales[op.in0]);
		return { ...l, m0: undefined, s0: undefined, unitScale };
	});
	return { ...spec, ops, generator: gen && layers ? { ...gen, layers } : undefined, tensorScales: scales };
}
