// A version 2 packed model, after synthesis, as a TFLite graph of builtin ops whose Prepare computes our
// multipliers (docs/FORMAT.md §2a): conv1d → CONV_2D (H = 1), depthwise → DEPTHWISE_CONV_2D, pointwise → 1x1
// CONV_2D, ADD → ADD, AVGPOOL → MEAN, MAXPOOL → MAX_POOL_2D, FC → FULLY_CONNECTED; explicit padding becomes a PAD
// (padded with the zero point) before a VALID op. Tensors are NHWC with N = H = 1.

import { NONE16, OP_ADD, OP_ATTNPOOL, OP_AVGPOOL, OP_CONV1D, OP_DWCONV1D, OP_FC, OP_MAXPOOL, OP_NAMES, OP_PWCONV, VERSION_MAJOR_V1 } from "../../modules/model/format.ts";
import type { Model, Op, Tensor } from "../../modules/model/model.ts";
import { f32 } from "../../modules/model/requant.ts";
import { kernelView } from "../pack/kernel-layout.ts";
import { generatedFilterScales, synthesize } from "../pack/synth.ts";
import { ACT_NONE, ACT_RELU, PADDING_SAME, PADDING_VALID, TENSOR_INT32, TENSOR_INT8, type TfGraph, type TfOp, type TfTensor } from "./flatbuffer.ts";

export class ExportError extends Error {}

function int32Bytes(values: ArrayLike<number>): Uint8Array {
	const out = new Uint8Array(4 * values.length);
	const dv = new DataView(out.buffer);
	for (let i = 0; i < values.length; i++) dv.setInt32(4 * i, values[i], true);
	return out;
}

function int8Bytes(values: Int8Array): Uint8Array {
	return new Uint8Array(values.buffer, values.byteOffset, values.length).slice();
}

/** TFLite's fused activation that gives the op's clamp (CalculateActivationRangeQuantized), or an error. */
function activation(op: Op, out: Tensor, what: string): number {
	if (op.actMax !== 127) throw new ExportError(`${what}: act_max ${op.actMax} has no TFLite activation`);
	if (op.actMin === -128) return ACT_NONE;
	if (op.actMin === Math.max(-128, out.zeroPoint)) return ACT_RELU;
	throw new ExportError(`${what}: act_min ${op.actMin} is neither -128 nor the zero point (RELU)`);
}

export function modelToGraph(model: Model): TfGraph {
	if (model.versionMajor === VERSION_MAJOR_V1 || !model.tensorScales) {
		throw new ExportError("a version 1 model carries no float32 scales, so TFLM would compute other multipliers: re-export it from its checkpoint (docs/FORMAT.md §9)");
	}
	const scales = model.tensorScales;
	const tensors: TfTensor[] = [];
	const ops: TfOp[] = [];
	const activationShape = (t: Tensor): number[] => [1, 1, t.length, t.channels];
	// Our tensor t is TFLite tensor ids[t]; FC outputs are [1, C] (FULLY_CONNECTED's own shape).
	const ids = model.tensors.map((t, i) => tensors.push({ name: `t${i}`, shape: activationShape(t), type: TENSOR_INT8, quant: { scales: [scales[i]], zeroPoints: [t.zeroPoint], dimension: 0 } }) - 1);
	const constant = (name: string, shape: number[], type: number, data: Uint8Array, quant?: TfTensor["quant"]): number => tensors.push({ name, shape, type, data, quant }) - 1;
	const weightsAndBias = (i: number, op: Op, shape: number[], weights: Int8Array, bias: ArrayLike<number> | null, filter: ArrayLike<number>, dimension: number): number[] => {
		const sIn = scales[op.in0];
		const w = constant(`op${i}.weights`, shape, TENSOR_INT8, int8Bytes(weights), { scales: Array.from(filter), zeroPoints: Array.from(filter, () => 0), dimension });
		// An absent bias is written as zeros: TFLM's kernels do not all take an omitted one (DEPTHWISE_CONV_2D crashes).
		if (!bias) bias = new Int32Array(shape[dimension]);
		const biasScales = Array.from(filter, (s) => f32(sIn * s));
		return [w, constant(`op${i}.bias`, [bias.length], TENSOR_INT32, int32Bytes(bias), { scales: biasScales, zeroPoints: biasScales.map(() => 0), dimension: 0 })];
	};
	/** A PAD in front of a windowed op with explicit padding: the padded tensor holds the input's zero point. */
	const padded = (i: number, op: Op): number => {
		if (op.padLeft === 0 && op.padRight === 0) return ids[op.in0];
		const a = model.tensors[op.in0];
		const pads = constant(`op${i}.pads`, [4, 2], TENSOR_INT32, int32Bytes([0, 0, 0, 0, op.padLeft, op.padRight, 0, 0]));
		const out = tensors.push({ name: `op${i}.padded`, shape: [1, 1, a.length + op.padLeft + op.padRight, a.channels], type: TENSOR_INT8, quant: { scales: [scales[op.in0]], zeroPoints: [a.zeroPoint], dimension: 0 } }) - 1;
		ops.push({ op: "PAD", inputs: [ids[op.in0], pads], outputs: [out], options: [] });
		return out;
	};

	model.ops.forEach((op, i) => {
		const what = `op ${i} (${OP_NAMES[op.opcode]})`;
		const a = model.tensors[op.in0];
		const o = model.tensors[op.out];
		const out = ids[op.out];
		switch (op.opcode) {
			case OP_CONV1D: {
				const [w, b] = weightsAndBias(i, op, [o.channels, 1, op.k, a.channels], op.weights as Int8Array, op.bias, op.filterScales as Float32Array, 0);
				const x = padded(i, op);
				// Conv2DOptions: padding, stride_w, stride_h, activation, dilation_w, dilation_h.
				ops.push({ op: "CONV_2D", inputs: [x, w, b], outputs: [out], options: [[0, PADDING_VALID], [1, op.stride], [2, 1], [3, activation(op, o, what)], [4, op.dilation], [5, 1]] });
				return;
			}
			case OP_DWCONV1D: {
				const [w, b] = weightsAndBias(i, op, [1, 1, op.k, a.channels], op.weights as Int8Array, op.bias, op.filterScales as Float32Array, 3);
				const x = padded(i, op);
				// DepthwiseConv2DOptions: padding, stride_w, stride_h, depth_multiplier, activation, dilation_w, dilation_h.
				ops.push({ op: "DEPTHWISE_CONV_2D", inputs: [x, w, b], outputs: [out], options: [[0, PADDING_VALID], [1, op.stride], [2, 1], [3, 1], [4, activation(op, o, what)], [5, op.dilation], [6, 1]] });
				return;
			}
			case OP_PWCONV: {
				let weights = op.weights as Int8Array;
				let bias: ArrayLike<number> | null = op.bias;
				let filter: ArrayLike<number> = op.filterScales as Float32Array;
				if (op.genLayer !== NONE16) {
					const k = kernelView(synthesize(model, op.genLayer), o.channels, a.channels);
					weights = k.weights;
					bias = k.bias;
					filter = generatedFilterScales(model, op.genLayer);
				}
				const [w, b] = weightsAndBias(i, op, [o.channels, 1, 1, a.channels], weights, bias, filter, 0);
				ops.push({ op: "CONV_2D", inputs: [ids[op.in0], w, b], outputs: [out], options: [[0, PADDING_VALID], [1, 1], [2, 1], [3, activation(op, o, what)], [4, 1], [5, 1]] });
				return;
			}
			case OP_ADD:
				ops.push({ op: "ADD", inputs: [ids[op.in0], ids[op.in1]], outputs: [out], options: [[0, activation(op, o, what)]] });
				return;
			case OP_AVGPOOL: {
				if (op.actMin !== -128 || op.actMax !== 127) throw new ExportError(`${what}: MEAN has no activation`);
				const axis = constant(`op${i}.axis`, [1], TENSOR_INT32, int32Bytes([2]));
				tensors[out].shape = [1, 1, 1, o.channels];
				ops.push({ op: "MEAN", inputs: [ids[op.in0], axis], outputs: [out], options: [[0, 1]] }); // keep_dims
				return;
			}
			case OP_MAXPOOL: {
				// Out-of-range taps are skipped, as in TFLM's pooling; only SAME's own pads (or none) have a builtin.
				const sameOut = Math.ceil(a.length / op.stride);
				const total = Math.max((sameOut - 1) * op.stride + op.k - a.length, 0);
				const same = o.length === sameOut && op.padLeft === total >> 1 && op.padRight === total - (total >> 1);
				if (!same && (op.padLeft !== 0 || op.padRight !== 0)) throw new ExportError(`${what}: pads ${op.padLeft}/${op.padRight} are neither none nor TFLite's SAME`);
				// Pool2DOptions: padding, stride_w, stride_h, filter_width, filter_height, activation.
				ops.push({ op: "MAX_POOL_2D", inputs: [ids[op.in0]], outputs: [out], options: [[0, same ? PADDING_SAME : PADDING_VALID], [1, op.stride], [2, 1], [3, op.k], [4, 1], [5, activation(op, o, what)]] });
				return;
			}
			case OP_FC: {
				const [w, b] = weightsAndBias(i, op, [o.channels, a.length * a.channels], op.weights as Int8Array, op.bias, op.filterScales as Float32Array, 0);
				tensors[out].shape = [1, o.channels];
				ops.push({ op: "FULLY_CONNECTED", inputs: [ids[op.in0], w, b], outputs: [out], options: [[0, activation(op, o, what)]] });
				return;
			}
			case OP_ATTNPOOL:
				throw new ExportError(`${what}: attention pooling has no TFLite builtin, so this model cannot be exported`);
		}
		throw new ExportError(`${what}: no TFLite mapping`);
	});
	const meta = new TextEncoder().encode(model.metaText);
	return { tensors, ops, inputs: [ids[model.inputTensor]], outputs: [ids[model.outputTensor]], metadata: [{ name: "hypertiny", data: meta }] };
}
