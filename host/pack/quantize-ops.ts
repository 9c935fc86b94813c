// Checkpoint ops to integer OpSpecs (docs/FORMAT.md §3): per-channel int8 weights, int32 biases, and requantization
// by the version 2 rule (§2a: TFLM's Prepare over the float32 scales the model carries).

import { OP_ADD, OP_AVGPOOL, OP_CONV1D, OP_DWCONV1D, OP_FC, OP_MAXPOOL, OP_PWCONV } from "../../modules/model/format.ts";
import { isGeneratedPw, type Checkpoint, type OpJson, type WeightedOpJson } from "./checkpoint.ts";
import { addRequant, meanIsIdentity, meanRequant, weightedRequant } from "../../modules/model/requant.ts";
import { actMinOf, checkedRequant, modelScale, quantizeBias, quantizeSymmetric } from "./quantize.ts";
import type { OpSpec } from "./spec.ts";

const OPCODES = { conv1d: OP_CONV1D, dwconv1d: OP_DWCONV1D, pwconv: OP_PWCONV, fc: OP_FC } as const;

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
	const filterScales = op.weight_scale.map((sw, ch) => modelScale(sw, `${what} filter scale ${ch}`));
	const sIn32 = modelScale(sIn, what);
	const sOut32 = modelScale(out.scale, what);
	const rq = filterScales.map((_, ch) => checkedRequant(weightedRequant(op.op === "fc", sIn32, filterScales, sOut32, ch), `${what} channel ${ch}`));
	const spec: OpSpec = {
		opcode: OPCODES[op.op], in0: op.in[0], out: op.out, weights,
		bias: op.bias ? op.bias.map((b, ch) => quantizeBias(b, sIn, op.weight_scale[ch])) : undefined,
		mult: rq.map((q) => q.m), shift: rq.map((q) => q.s), filterScales,
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
			const [s1, s2] = op.in.map((t) => modelScale(c.tensors[t].scale, what));
			const aux = addRequant(s1, s2, modelScale(out.scale, what));
			if (aux[2] > 0 || aux[4] > 0 || aux[6] > 0) throw new RangeError(`${what}: a rescale is not below 1 (output scale too small for TFLM's ADD)`);
			return { opcode: OP_ADD, in0: op.in[0], in1: op.in[1], out: op.out, aux, ...act };
		}
		case "avgpool": {
			const a = c.tensors[op.in[0]];
			const [sIn, sOut] = [modelScale(a.scale, what), modelScale(out.scale, what)];
			if (meanIsIdentity(sIn, a.zero_point, sOut, out.zero_point)) throw new Error(`${what}: input and output quantized alike, which TFLM's MEAN computes another way`);
			const q = checkedRequant(meanRequant(sIn, sOut, a.length), what);
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
