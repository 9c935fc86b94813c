import test from "ava";
import { readModel } from "../modules/model/reader.ts";
import { OP_ADD, OP_ATTNPOOL, OP_AVGPOOL, OP_CONV1D, OP_DWCONV1D, OP_FC, OP_MAXPOOL, OP_PWCONV } from "../modules/model/format.ts";
import { run, runOp } from "../host/pack/ref-engine.ts";
import type { ModelSpec, OpSpec, TensorSpec } from "../host/pack/spec.ts";
import { writeModel } from "../host/pack/writer.ts";

const ONE = { mult: [0x40000000], shift: [1] }; // multiplier exactly 1.0

/** A one-op model: input tensor 0, output tensor 1. */
function oneOp(input: TensorSpec, output: TensorSpec, op: Omit<OpSpec, "in0" | "out">): ModelSpec {
	return { meta: {}, tensors: [input, output], ops: [{ ...op, in0: 0, out: 1 }], inputTensor: 0, outputTensor: 1 };
}

function runOne(spec: ModelSpec, input: number[]): number[] {
	return [...run(readModel(writeModel(spec)), Int8Array.from(input))];
}

test("CONV1D with stride 2 and padding skips out-of-range taps", (t) => {
	// Lo = floor((5 + 1 + 1 - 2 - 1) / 2) + 1 = 3; taps read positions o*2 - 1 + k
	const spec = oneOp({ length: 5, channels: 1, zeroPoint: 1 }, { length: 3, channels: 1, zeroPoint: 0 }, {
		opcode: OP_CONV1D, k: 3, stride: 2, padLeft: 1, padRight: 1, weights: Int8Array.from([1, 2, 3]), bias: [10], ...ONE,
	});
	// o=0: 2*(1-1) + 3*(2-1) = 3;  o=1: 1*1 + 2*2 + 3*3 = 14;  o=2: 1*3 + 2*4 = 11
	t.deepEqual(runOne(spec, [1, 2, 3, 4, 5]), [13, 24, 21]);
});

test("DWCONV1D with dilation 2 works per channel on [K][C] weights", (t) => {
	// L = 4, K = 2, dilation 2, no padding: Lo = 4 - 2 = 2; taps at o and o + 2
	const spec = oneOp({ length: 4, channels: 2, zeroPoint: 0 }, { length: 2, channels: 2, zeroPoint: -1 }, {
		opcode: OP_DWCONV1D, k: 2, dilation: 2, weights: Int8Array.from([1, -1, 2, 3]), ...ONE,
	});
	const x = [1, 10, 2, 20, 3, 30, 4, 40]; // [t][c]
	// c0: 1*x0 + 2*x2 -> o0: 1 + 6 = 7, o1: 2 + 8 = 10;  c1: -1*x0 + 3*x2 -> o0: -10 + 90 = 80, o1: -20 + 120 = 100
	t.deepEqual(runOne(spec, x), [6, 79, 9, 99]);
});

test("PWCONV per-tensor requantization and activation clamp", (t) => {
	const spec = oneOp({ length: 2, channels: 2, zeroPoint: 0 }, { length: 2, channels: 3, zeroPoint: 5 }, {
		opcode: OP_PWCONV, weights: Int8Array.from([1, 1, 1, -1, 100, 100]), mult: [0x40000000], shift: [0], actMin: 0, actMax: 100,
	});
	// multiplier 0.5: t0 x = [4, 2] -> [6, 2, 600] * 0.5 + 5 = [8, 6, 305->100];  t1 x = [-20, 0] -> [-10, -10, -2000] -> [0, 0, 0]
	t.deepEqual(runOne(spec, [4, 2, -20, 0]), [8, 6, 100, 0, 0, 0]);
});

test("MAXPOOL with padding takes the max of the taps in range", (t) => {
	const spec = oneOp({ length: 5, channels: 1, zeroPoint: 3 }, { length: 3, channels: 1, zeroPoint: 3 }, {
		opcode: OP_MAXPOOL, k: 2, stride: 2, padLeft: 1, padRight: 0,
	});
	// windows: [-1, 0] [1, 2] [3, 4]
	t.deepEqual(runOne(spec, [-7, 9, -3, -100, -50]), [-7, 9, -50]);
});

test("AVGPOOL sums (x − zi) over time and requantizes", (t) => {
	const spec = oneOp({ length: 4, channels: 2, zeroPoint: 2 }, { length: 1, channels: 2, zeroPoint: 1 }, {
		opcode: OP_AVGPOOL, aux: [0x40000000, -1], // 1/4
	});
	// c0: (4 + 6 + 8 + 10) - 8 = 20 -> 5 + 1;  c1: (-2 - 2 - 2 - 3) - 8 = -17 -> -4.25 -> -4 + 1
	t.deepEqual(runOne(spec, [4, -2, 6, -2, 8, -2, 10, -3]), [6, -3]);
});

test("ATTNPOOL: equal scores give the mean, unequal scores weight by 2^(-d/16)", (t) => {
	const flat = oneOp({ length: 2, channels: 1, zeroPoint: 0 }, { length: 1, channels: 1, zeroPoint: 0 }, {
		opcode: OP_ATTNPOOL, weights: Int8Array.from([0]), aux: [0x40000000, 1, 0x40000000, -3],
	});
	t.deepEqual(runOne(flat, [10, 20]), [15]); // avg16 = 16*7680/512 = 240 -> 240/16
	const peaked = oneOp({ length: 2, channels: 1, zeroPoint: 0 }, { length: 1, channels: 1, zeroPoint: 0 }, {
		opcode: OP_ATTNPOOL, weights: Int8Array.from([1]), bias: [0], aux: [0x40000000, 1, 0x40000000, -3],
	});
	// scores [10, 20]: d = [10, 0], wt = [166, 256], den 422, num 6780, avg16 = rdiv(108480, 422) = 257 -> 16
	t.deepEqual(runOne(peaked, [10, 20]), [16]);
});

test("ADD rescales both inputs with the left shift, then the sum", (t) => {
	const spec: ModelSpec = {
		meta: {},
		tensors: [{ length: 1, channels: 2, zeroPoint: 0 }, { length: 1, channels: 2, zeroPoint: 2 }, { length: 1, channels: 2, zeroPoint: 1 }],
		ops: [
			{ opcode: OP_PWCONV, in0: 0, out: 1, weights: Int8Array.from([1, 0, 0, 1]), ...ONE, bias: [2, 2] },
			{ opcode: OP_ADD, in0: 0, in1: 1, out: 2, aux: [20, 0x40000000, 0, 0x40000000, 0, 0x40000000, -19] },
		],
		inputTensor: 0,
		outputTensor: 2,
	};
	// x2 = x1 + bias 2 + zero point 2, so x2 - z2 = x1 + 2; a + b = (x1 + x1 + 2) / 2 * 2^20; * 0.5 * 2^-19; + zo 1
	t.deepEqual(runOne(spec, [10, -6]), [12, -4]);
});

test("FC flattens [L][C] and runs per output channel", (t) => {
	const spec = oneOp({ length: 2, channels: 2, zeroPoint: -1 }, { length: 1, channels: 2, zeroPoint: 0 }, {
		opcode: OP_FC, weights: Int8Array.from([1, 1, 1, 1, 1, -1, 1, -1]), bias: [-4, 0], mult: [0x40000000, 0x40000000], shift: [1, 0],
	});
	// x - zi = [1, 2, 3, 4]: c0 = 10 - 4 = 6 (x1.0);  c1 = 1 - 2 + 3 - 4 = -2 (x0.5) = -1
	t.deepEqual(runOne(spec, [0, 1, 2, 3]), [6, -1]);
});

test("runOp needs the kernel of a generated PW", (t) => {
	const spec: ModelSpec = {
		meta: {},
		tensors: [{ length: 1, channels: 1, zeroPoint: 0 }, { length: 1, channels: 1, zeroPoint: 0 }],
		ops: [{ opcode: OP_PWCONV, in0: 0, out: 1, genLayer: 0 }],
		inputTensor: 0,
		outputTensor: 1,
		generator: {
			family: 1, codeDim: 1,
			mlp: [{ inDim: 1, outDim: 1, bits: 8, actMin: -128, actMax: 127, inZp: 0, outZp: 0, weights: [1], bias: [0], mult: 0x40000000, shift: 1 }],
			layers: [{ cout: 1, cin: 1, headBits: 8, codeBits: 8, code: [2], heads: [3], biasUnit: [0], m0: 0x40000000, s0: -8 }],
		},
	};
	const m = readModel(writeModel(spec));
	t.throws(() => runOp(m, 0, new Int8Array(m.arenaBytes)));
	// h = 2, a = 6 = M, w = 127; multiplier 0.5·2^-8·6 = 0x60000000·2^-31·2^-6: y = 1270·0.75 / 64 = 14.9 -> 15
	t.deepEqual([...run(m, Int8Array.from([10]))], [15]);
});
