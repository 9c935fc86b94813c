// Random but valid architectures for golden tests: stem, separable blocks (stored or generated PW), residual
// ADDs, max pooling, average or attention pooling, one or two FC layers. Deterministic from the seed.

import { FAMILY_HEAD, FAMILY_LOWRANK, OP_CONV1D, OP_DWCONV1D, OP_FC, OP_PWCONV } from "../../modules/model/format.ts";
import { windowedLength } from "../../modules/model/ops.ts";
import { ModelBuilder } from "./model-builder.ts";
import { randomGeneratorBase } from "./random-generator.ts";
import { asVersion2 } from "./random-v2.ts";
import { Rng } from "./rng.ts";
import type { ModelSpec, OpSpec } from "./spec.ts";
import { writeModel } from "./writer.ts";

export interface RandomModelOptions {
	/** "head" or "lowrank"; random when absent. */
	family?: "head" | "lowrank";
	/** Generate PW layers after the first (default true). */
	generated?: boolean;
	/** At least one generated PW at each head_bits 4, 6 and 8. */
	forceAllBits?: boolean;
	/** At least one residual (ADD) block. */
	forceResidual?: boolean;
	/** At least one stride-2 layer. */
	forceStride2?: boolean;
	/** Input window length (default random 32..128). */
	length?: number;
	channels?: number;
	classes?: number;
	/** Separable blocks (default random 2..4; at least 4 with forceAllBits). */
	blocks?: number;
	/** Format version (default 1): 2 re-expresses the model with float32 scales and the TFLM rule (random-v2.ts). */
	version?: 1 | 2;
}

function randomWindow(rng: Rng, length: number, k: number, dilation: number, stride: number, same: boolean): Partial<OpSpec> {
	const span = dilation * (k - 1);
	if (same) return { k, stride, dilation, padLeft: span >> 1, padRight: span - (span >> 1) };
	const padLeft = rng.int(0, span);
	const padRight = rng.int(0, span);
	if (windowedLength(length, k, stride, dilation, padLeft, padRight) < 1) return { k, stride, dilation, padLeft: span, padRight: span };
	return { k, stride, dilation, padLeft, padRight };
}

export function randomModel(seed: number, options: RandomModelOptions = {}): ModelSpec {
	const rng = new Rng(seed);
	const b = new ModelBuilder(rng);
	const useGenerator = options.generated !== false;
	const family = options.family === "head" ? FAMILY_HEAD : options.family === "lowrank" ? FAMILY_LOWRANK : rng.pick([FAMILY_HEAD, FAMILY_LOWRANK]);
	const gen = useGenerator ? randomGeneratorBase(rng, family) : undefined;
	const length = options.length ?? rng.int(32, 128);
	const channels = options.channels ?? rng.int(1, 2);
	const classes = options.classes ?? rng.int(2, 5);
	const blocks = Math.max(options.blocks ?? rng.int(2, 4), options.forceAllBits ? 4 : 1, options.forceResidual ? 2 : 1);
	const inputZp = rng.int(-8, 8);
	const inputScale = 0.02;
	const input = b.tensor(length, channels, inputZp, inputScale);

	const residualAt = options.forceResidual ? rng.int(0, blocks - 1) : -1;
	// Where the forced stride-2 layer goes: -1 the stem, else a block that is not the forced residual one.
	const strideAt = options.forceStride2 ? rng.pick([-1, ...Array.from({ length: blocks }, (_, i) => i).filter((i) => i !== residualAt)]) : -2;
	let strided = false;
	const stride = (len: number, force: boolean): number => {
		const s = force ? 2 : len >= 16 && rng.bool(0.35) ? 2 : 1;
		if (s === 2) strided = true;
		return s;
	};

	const stemK = rng.pick([3, 5, 7]);
	const stemWindow = randomWindow(rng, length, stemK, 1, stride(length, strideAt === -1), rng.bool(0.5));
	const stemLen = windowedLength(length, stemK, stemWindow.stride as number, 1, stemWindow.padLeft as number, stemWindow.padRight as number);
	let x = b.weighted(OP_CONV1D, input, rng.pick([8, 12, 16]), stemLen, stemWindow, true);

	const bitsQueue = options.forceAllBits ? rng.shuffle([4, 6, 8]) : [];
	let pwIndex = 0;
	for (let blk = 0; blk < blocks; blk++) {
		const a = b.shape(x);
		const mustStride = blk === strideAt;
		const residual = !mustStride && (blk === residualAt || rng.bool(0.3));
		const k = rng.pick([3, 5]);
		const dilation = rng.int(1, 2);
		const s = residual ? 1 : stride(a.length, mustStride);
		const window = randomWindow(rng, a.length, k, dilation, s, residual || rng.bool(0.4));
		const dwLen = windowedLength(a.length, k, s, dilation, window.padLeft as number, window.padRight as number);
		const dw = b.weighted(OP_DWCONV1D, x, a.channels, dwLen, window, true);
		const cout = residual ? a.channels : rng.pick([8, 12, 16, 24]);
		const generate = gen && pwIndex > 0 && (bitsQueue.length > 0 || rng.bool(0.7));
		let pw = generate
			? b.generatedPw(dw, gen, cout, bitsQueue.length > 0 ? (bitsQueue.shift() as number) : rng.pick([4, 6, 8]), !residual)
			: b.weighted(OP_PWCONV, dw, cout, dwLen, {}, !residual);
		pwIndex++;
		if (residual) pw = b.add(x, pw, true);
		x = pw;
		if (rng.bool(0.25)) x = b.maxpool(x) ?? x;
	}
	if (options.forceStride2 && !strided) throw new Error("internal: no stride-2 layer was placed");

	x = rng.bool(0.5) ? b.avgpool(x) : b.attnpool(x);
	if (rng.bool(0.5)) x = b.weighted(OP_FC, x, rng.pick([8, 16]), 1, {}, true);
	const out = b.weighted(OP_FC, x, classes, 1, {}, false);
	const outT = b.shape(out);
	const spec: ModelSpec = {
		meta: {
			name: `random-${seed}`, family: gen ? (family === FAMILY_HEAD ? "hyper-head" : "hyper-lowrank") : "int8", task: "random",
			classes: Array.from({ length: classes }, (_, i) => `c${i}`), sample_rate: 360, window: length,
			input: { scale: inputScale, zero_point: inputZp }, output: { scale: out.scale, zero_point: outT.zeroPoint },
			provenance: { generator: "host/pack/random-model.ts", seed, options },
		},
		tensors: b.tensors,
		ops: b.ops,
		inputTensor: input.tensor,
		outputTensor: out.tensor,
		generator: gen && gen.layers.length > 0 ? gen : undefined,
	};
	return options.version === 2 ? asVersion2(spec, b.scales) : spec;
}

export function randomModelBlob(seed: number, options: RandomModelOptions = {}): Uint8Array {
	return writeModel(randomModel(seed, options));
}
