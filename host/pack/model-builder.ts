// Builds ModelSpecs layer by layer with random int8 weights and realistic quantization (shared by the random
// golden-test models and the fixture).

import { OP_ADD, OP_ATTNPOOL, OP_AVGPOOL, OP_DWCONV1D, OP_FC, OP_MAXPOOL, OP_PWCONV } from "../../modules/model/format.ts";
import { windowedLength } from "../../modules/model/ops.ts";
import { quantizeMultiplier } from "./arith.ts";
import { activation, INPUT_SIGMA, outputSigma, randomRow, requantFor, rms } from "./random-quant.ts";
import { addGeneratedLayer } from "./random-generator.ts";
import type { Rng } from "./rng.ts";
import type { GeneratorSpec, OpSpec, TensorSpec } from "./spec.ts";

/** A tensor, its real scale, and the expected RMS of its values around the zero point. */
export interface Value {
	tensor: number;
	scale: number;
	sigma: number;
}

export class ModelBuilder {
	readonly tensors: TensorSpec[] = [];
	readonly ops: OpSpec[] = [];
	readonly scales: number[] = [];

	constructor(readonly rng: Rng) {}

	tensor(length: number, channels: number, zeroPoint: number, scale: number, sigma = INPUT_SIGMA): Value {
		this.tensors.push({ length, channels, zeroPoint });
		this.scales.push(scale);
		return { tensor: this.tensors.length - 1, scale, sigma: Math.max(2, sigma) };
	}

	shape(v: Value): TensorSpec {
		return this.tensors[v.tensor];
	}

	/** CONV1D / DWCONV1D / stored PWCONV / FC with random weights and realistic requantization. */
	weighted(opcode: number, x: Value, cout: number, outLength: number, window: Partial<OpSpec>, relu: boolean): Value {
		const rng = this.rng;
		const a = this.shape(x);
		const k = window.k ?? 1;
		const depthwise = opcode === OP_DWCONV1D;
		const fanIn = depthwise ? k : opcode === OP_FC ? a.length * a.channels : k * a.channels;
		const weights = new Int8Array(depthwise ? k * a.channels : cout * fanIn);
		const wRms: number[] = [];
		if (depthwise) {
			const row: number[] = new Array(k).fill(0);
			for (let c = 0; c < a.channels; c++) {
				randomRow(rng, k, -127, 127, row, 0);
				for (let j = 0; j < k; j++) weights[j * a.channels + c] = row[j];
				wRms.push(rms(row));
			}
		} else {
			for (let c = 0; c < cout; c++) {
				randomRow(rng, fanIn, -127, 127, weights, c * fanIn);
				wRms.push(rms(weights, c * fanIn, (c + 1) * fanIn));
			}
		}
		const rq = requantFor(rng, fanIn, wRms, x.sigma, rng.bool(0.15));
		const act = activation(rng, relu);
		const y = this.tensor(outLength, cout, act.zeroPoint, x.scale * rng.range(0.5, 3), outputSigma(relu));
		this.ops.push({
			opcode, in0: x.tensor, out: y.tensor, ...window, actMin: act.actMin, actMax: act.actMax, weights,
			bias: rng.bool(0.9) ? rq.bias : undefined, mult: rq.mult, shift: rq.shift,
		});
		return y;
	}

	generatedPw(x: Value, gen: GeneratorSpec, cout: number, headBits: number, relu: boolean): Value {
		const a = this.shape(x);
		const layer = addGeneratedLayer(this.rng, gen, cout, a.channels, headBits, x.sigma);
		const act = activation(this.rng, relu);
		const y = this.tensor(a.length, cout, act.zeroPoint, x.scale * this.rng.range(0.5, 3), outputSigma(relu));
		this.ops.push({ opcode: OP_PWCONV, in0: x.tensor, out: y.tensor, genLayer: layer, actMin: act.actMin, actMax: act.actMax });
		return y;
	}

	/** TFLM-style quantized ADD: both inputs rescaled to twice the larger scale with a left shift of 20. */
	add(x1: Value, x2: Value, relu: boolean): Value {
		const rng = this.rng;
		const a = this.shape(x1);
		const leftShift = 20;
		const twiceMax = 2 * Math.max(x1.scale, x2.scale);
		const outScale = Math.max(x1.scale, x2.scale) * rng.range(1, 2);
		const q1 = quantizeMultiplier(x1.scale / twiceMax);
		const q2 = quantizeMultiplier(x2.scale / twiceMax);
		const qo = quantizeMultiplier(twiceMax / (2 ** leftShift * outScale));
		const act = activation(rng, relu);
		const sum = Math.hypot(x1.sigma * x1.scale, x2.sigma * x2.scale) / outScale;
		const y = this.tensor(a.length, a.channels, act.zeroPoint, outScale, relu ? sum * Math.SQRT1_2 : sum);
		this.ops.push({ opcode: OP_ADD, in0: x1.tensor, in1: x2.tensor, out: y.tensor, actMin: act.actMin, actMax: act.actMax, aux: [leftShift, q1.m, q1.s, q2.m, q2.s, qo.m, qo.s] });
		return y;
	}

	maxpool(x: Value): Value | null {
		const rng = this.rng;
		const a = this.shape(x);
		const k = rng.int(2, 3);
		const window = { k, stride: rng.int(1, 2), padLeft: rng.int(0, k - 1), padRight: rng.int(0, k - 1) };
		const lo = windowedLength(a.length, k, window.stride, 1, window.padLeft, window.padRight);
		if (lo < 4) return null;
		const y = this.tensor(lo, a.channels, a.zeroPoint, x.scale, x.sigma * 1.2);
		this.ops.push({ opcode: OP_MAXPOOL, in0: x.tensor, out: y.tensor, ...window });
		return y;
	}

	avgpool(x: Value): Value {
		const a = this.shape(x);
		const outScale = x.scale * this.rng.range(0.3, 1);
		const q = quantizeMultiplier(x.scale / (a.length * outScale));
		const act = activation(this.rng, false);
		const y = this.tensor(1, a.channels, act.zeroPoint, outScale, (x.sigma * x.scale) / outScale);
		this.ops.push({ opcode: OP_AVGPOOL, in0: x.tensor, out: y.tensor, aux: [q.m, q.s] });
		return y;
	}

	attnpool(x: Value): Value {
		const rng = this.rng;
		const a = this.shape(x);
		const weights = new Int8Array(a.channels);
		randomRow(rng, a.channels, -127, 127, weights, 0);
		const scoreSigma = Math.max(1, Math.sqrt(a.channels) * rms(weights) * x.sigma);
		const qs = quantizeMultiplier((24 / scoreSigma) * rng.range(0.5, 2));
		const outScale = x.scale * rng.range(0.3, 1);
		const qo = quantizeMultiplier(x.scale / (16 * outScale));
		const act = activation(rng, false);
		const y = this.tensor(1, a.channels, act.zeroPoint, outScale, (x.sigma * x.scale) / outScale);
		this.ops.push({
			opcode: OP_ATTNPOOL, in0: x.tensor, out: y.tensor, weights, bias: rng.bool(0.7) ? [Math.round(rng.normal() * 0.3 * scoreSigma)] : undefined,
			aux: [qs.m, qs.s, qo.m, qo.s],
		});
		return y;
	}
}

