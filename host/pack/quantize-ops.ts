// Checkpoint ops to integer OpSpecs (docs/FORMAT.md §3): per-channel int8 weights, int32 biases, requantization.

import { OP_ADD, OP_AVGPOOL, OP_CONV1D, OP_DWCONV1D, OP_FC, OP_MAXPOOL, OP_PWCONV } from "../../modules/model/format.ts";
import { isGeneratedPw, type Checkpoint, type OpJson, type WeightedOpJson } from "./checkpoint.ts";
import { actMinOf, quantizeBias, quantizeSymmetric, requantizer } from "./quantize.ts";
import type { OpSpec } from "./spec.ts";

const OPCODES = { conv1d: OP_CONV1D, dwconv1d: OP_DWCONV1D, pwconv: OP_PWCONV, fc: OP_FC } as const;

/** TFLM's quantized ADD: both inputs to twice the larger scale, 20 fractional bits of headroom. */
const ADD_LEFT_SHIFT = 20;

/** Output channel of weight j in the op's layout (DWCONV1D is [K][C]; the others start with Cout). */
function channelOf(op: WeightedOpJson, j: number): number {
	if (op.op === "dwconv1d") return j % op.weight_shape[1];
	return Math.floor(j / (op.weight.length / op.weight_shape[0]));
}

function weighted(c: Checkpoint, op: WeightedOpJson, what: string): OpSpec {
	const sIn = c.tensors[op.in[0]].scale;
	const out = c.tensors[op.out];
	const expected = op.weight_shape.reduce((a, b) => a * b, 1);
	if (op.weight.length !== expected) throw new Error(`${what}: ${op.weight.length} weights, shape ${op.weight_shape.join("x")}`);
	const weights = new Int8Array(op.weight.length);
	for (let j = 0; j < weights.length; j++) weights[j] = quantizeSymmetric(op.weight[j], op.weight_scale[channelOf(op, j)], 8);
	const rq = op.weight_scale.map((sw, ch) => requantizer((sIn * sw) / out.scale, `${what} channel ${ch}`));
	const spec: OpSpec = {
		opcode: OPCODES[op.op], in0: op.in[0], out: op.out, weights,
		bias: op.bias ? op.bias.map((b, ch) => quantizeBias(b, sIn, op.weight_scale[ch])) : undefined,
		mult: rq.map((q) => q.m), shift: rq.map((q) => q.s),
		actMin: actMinOf(op.relu, out.zero_point), actMax: 127,
	};
	if (op.op === "conv1d" || op.op === "dwconv1d") {
		Object.assign(spec, { k: op.k, stride: op.stride, dilation: op.dilation ?? 1, padLeft: op.pad_left, padRight: op.pad_right });
	}
	return spec;
}

export function quantizeOp(c: Checkpoint, op: OpJson, index: number): OpSpec {
	const what = `op ${index} (${op.op})`;
	const out = c.tensors[op.out];
	const act = { actMin: actMinOf(op.relu, out.zero_point), actMax: 127 };
	if (isGeneratedPw(op)) return { opcode: OP_PWCONV, in0: op.in[0], out: op.out, genLayer: op.gen_layer, ...act };
	switch (op.op) {
		case "conv1d":
		case "dwconv1d":
		case "pwconv":
		case "fc":
			return weighted(c, op, what);
		case "add": {
			const [s1, s2] = op.in.map((t) => c.tensors[t].scale);
			const twiceMax = 2 * Math.max(s1, s2);
			const q1 = requantizer(s1 / twiceMax, what);
			const q2 = requantizer(s2 / twiceMax, what);
			const qo = requantizer(twiceMax / (2 ** ADD_LEFT_SHIFT * out.scale), what);
			return { opcode: OP_ADD, in0: op.in[0], in1: op.in[1], out: op.out, aux: [ADD_LEFT_SHIFT, q1.m, q1.s, q2.m, q2.s, qo.m, qo.s], ...act };
		}
		case "avgpool": {
			const a = c.tensors[op.in[0]];
			const q = requantizer(a.scale / (a.length * out.scale), what);
			return { opcode: OP_AVGPOOL, in0: op.in[0], out: op.out, aux: [q.m, q.s], ...act };
		}
		case "maxpool": {
			const a = c.tensors[op.in[0]];
			if (a.scale !== out.scale || a.zero_point !== out.zero_point) throw new Error(`${what}: MAXPOOL needs its output quantized like its input`);
			return { opcode: OP_MAXPOOL, in0: op.in[0], out: op.out, k: op.k, stride: op.stride, padLeft: op.pad_left, padRight: op.pad_right };
		}
	}
	throw new Error(`${what}: unknown op`);
}
