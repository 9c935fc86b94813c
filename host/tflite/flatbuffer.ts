// A TFLite graph serialised as the standard flatbuffer (tensorflow/lite/schema/schema.fbs; field slots from its
// generated code): one subgraph, builtin ops only, every constant buffer 16-byte aligned, metadata entries.

import { Builder } from "flatbuffers";

export const TENSOR_INT32 = 2;
export const TENSOR_INT8 = 9;

/** BuiltinOperator codes and the BuiltinOptions union member each uses (schema.fbs). */
export const BUILTIN = {
	ADD: { code: 0, options: 11 },
	CONV_2D: { code: 3, options: 1 },
	DEPTHWISE_CONV_2D: { code: 4, options: 2 },
	FULLY_CONNECTED: { code: 9, options: 8 },
	MAX_POOL_2D: { code: 17, options: 5 },
	PAD: { code: 34, options: 22 },
	MEAN: { code: 40, options: 27 },
} as const;
export type BuiltinName = keyof typeof BUILTIN;

export const PADDING_SAME = 0;
export const PADDING_VALID = 1;
export const ACT_NONE = 0;
export const ACT_RELU = 1;

export interface TfTensor {
	name: string;
	shape: number[];
	type: number;
	/** Constant data (weights, biases, axes); absent for activations. */
	data?: Uint8Array;
	quant?: { scales: ArrayLike<number>; zeroPoints: ArrayLike<number>; dimension: number };
}

/** Option fields as (slot, value) int32 pairs, e.g. Conv2DOptions' padding (slot 0) and strides. */
export type OptionFields = [slot: number, value: number][];

export interface TfOp {
	op: BuiltinName;
	inputs: number[];
	outputs: number[];
	options: OptionFields;
}

export interface TfGraph {
	tensors: TfTensor[];
	ops: TfOp[];
	inputs: number[];
	outputs: number[];
	metadata: { name: string; data: Uint8Array }[];
}

const BUFFER_ALIGN = 16;

function int32Vector(b: Builder, values: ArrayLike<number>): number {
	b.startVector(4, values.length, 4);
	for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]);
	return b.endVector();
}

function float32Vector(b: Builder, values: ArrayLike<number>): number {
	b.startVector(4, values.length, 4);
	for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]);
	return b.endVector();
}

function int64Vector(b: Builder, values: ArrayLike<number>): number {
	b.startVector(8, values.length, 8);
	for (let i = values.length - 1; i >= 0; i--) b.addInt64(BigInt(values[i]));
	return b.endVector();
}

function offsetVector(b: Builder, offsets: number[]): number {
	b.startVector(4, offsets.length, 4);
	for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
	return b.endVector();
}

/** A Buffer table whose data vector starts 16-byte aligned. */
function buffer(b: Builder, data: Uint8Array | undefined): number {
	let vector = 0;
	if (data) {
		b.startVector(1, data.length, BUFFER_ALIGN);
		for (let i = data.length - 1; i >= 0; i--) b.addInt8(data[i]);
		vector = b.endVector();
	}
	b.startObject(3);
	if (data) b.addFieldOffset(0, vector, 0);
	return b.endObject();
}

function quantization(b: Builder, q: NonNullable<TfTensor["quant"]>): number {
	const scale = float32Vector(b, q.scales);
	const zeroPoint = int64Vector(b, q.zeroPoints);
	b.startObject(7);
	b.addFieldOffset(2, scale, 0);
	b.addFieldOffset(3, zeroPoint, 0);
	b.addFieldInt32(6, q.dimension, 0);
	return b.endObject();
}

export function writeTflite(g: TfGraph): Uint8Array {
	const b = new Builder(1 << 16);
	// Buffer 0 is the empty sentinel; tensor i with data gets its own buffer.
	const bufferData: (Uint8Array | undefined)[] = [undefined];
	const tensorBuffer = g.tensors.map((t) => (t.data ? bufferData.push(t.data) - 1 : 0));
	const metaBuffer = g.metadata.map((m) => bufferData.push(m.data) - 1);
	const buffers = bufferData.map((d) => buffer(b, d));

	const tensors = g.tensors.map((t, i) => {
		const shape = int32Vector(b, t.shape);
		const name = b.createString(t.name);
		const quant = t.quant ? quantization(b, t.quant) : 0;
		b.startObject(11);
		b.addFieldOffset(0, shape, 0);
		b.addFieldInt8(1, t.type, 0);
		b.addFieldInt32(2, tensorBuffer[i], 0);
		b.addFieldOffset(3, name, 0);
		if (quant) b.addFieldOffset(4, quant, 0);
		return b.endObject();
	});

	const used = [...new Set(g.ops.map((o) => o.op))];
	const opcodes = used.map((name) => {
		const code = BUILTIN[name].code;
		b.startObject(4);
		b.addFieldInt8(0, Math.min(code, 127), 0);
		b.addFieldInt32(2, 1, 1);
		b.addFieldInt32(3, code, 0);
		return b.endObject();
	});
	const operators = g.ops.map((o) => {
		const inputs = int32Vector(b, o.inputs);
		const outputs = int32Vector(b, o.outputs);
		b.startObject(Math.max(1, ...o.options.map(([slot]) => slot + 1)));
		for (const [slot, value] of o.options) b.addFieldInt32(slot, value, null);
		const options = b.endObject();
		b.startObject(14);
		b.addFieldInt32(0, used.indexOf(o.op), 0);
		b.addFieldOffset(1, inputs, 0);
		b.addFieldOffset(2, outputs, 0);
		b.addFieldInt8(3, BUILTIN[o.op].options, 0);
		b.addFieldOffset(4, options, 0);
		return b.endObject();
	});

	const subgraph = (() => {
		const t = offsetVector(b, tensors);
		const inputs = int32Vector(b, g.inputs);
		const outputs = int32Vector(b, g.outputs);
		const ops = offsetVector(b, operators);
		const name = b.createString("main");
		b.startObject(6);
		b.addFieldOffset(0, t, 0);
		b.addFieldOffset(1, inputs, 0);
		b.addFieldOffset(2, outputs, 0);
		b.addFieldOffset(3, ops, 0);
		b.addFieldOffset(4, name, 0);
		return b.endObject();
	})();

	const metadata = g.metadata.map((m, i) => {
		const name = b.createString(m.name);
		b.startObject(2);
		b.addFieldOffset(0, name, 0);
		b.addFieldInt32(1, metaBuffer[i], 0);
		return b.endObject();
	});
	const opcodeVector = offsetVector(b, opcodes);
	const subgraphs = offsetVector(b, [subgraph]);
	const description = b.createString("hypertiny export --tflite");
	const bufferVector = offsetVector(b, buffers);
	const metadataVector = offsetVector(b, metadata);
	b.startObject(10);
	b.addFieldInt32(0, 3, 0);
	b.addFieldOffset(1, opcodeVector, 0);
	b.addFieldOffset(2, subgraphs, 0);
	b.addFieldOffset(3, description, 0);
	b.addFieldOffset(4, bufferVector, 0);
	b.addFieldOffset(6, metadataVector, 0);
	b.finish(b.endObject(), "TFL3");
	return b.asUint8Array().slice();
}
