// Random generator (shared MLP + per-layer codes and heads) whose synthesized kernels have realistic scales.

import { FAMILY_HEAD } from "../../modules/model/format.ts";
import { headCount } from "../../modules/model/generator.ts";
import { quantizeMultiplier } from "./arith.ts";
import { bitsRange } from "./bitpack-writer.ts";
import { generatorView } from "./generator-view.ts";
import { outputSigma, randomRow, rms, TARGET_SIGMA } from "./random-quant.ts";
import type { Rng } from "./rng.ts";
import type { GenLayerSpec, GeneratorSpec, MlpLayerSpec } from "./spec.ts";
import { generatorOutput, rowAccumulators, scaleMultiplier } from "./synth.ts";
import { rdiv } from "./arith.ts";

const BITS = [4, 6, 8] as const;
const CODE_SIGMA = 5;

/** The shared part: family, code width and the MLP (layers are added by addGeneratedLayer). */
export function randomGeneratorBase(rng: Rng, family: number): GeneratorSpec {
	const codeDim = rng.int(4, 8);
	const hDim = family === FAMILY_HEAD ? rng.pick([8, 12, 16]) : rng.pick([4, 6, 8]);
	const dims = rng.bool(0.5) ? [codeDim, hDim] : [codeDim, rng.pick([8, 12, 16]), hDim];
	const mlp: MlpLayerSpec[] = [];
	let inZp = rng.int(-2, 2);
	let inSigma = CODE_SIGMA;
	for (let l = 0; l + 1 < dims.length; l++) {
		const inDim = dims[l];
		const outDim = dims[l + 1];
		const bits = rng.pick(BITS);
		const { max } = bitsRange(bits);
		const weights: number[] = new Array(inDim * outDim).fill(0);
		for (let o = 0; o < outDim; o++) randomRow(rng, inDim, -max, max, weights, o * inDim);
		const sigma = Math.max(1, Math.sqrt(inDim) * rms(weights) * inSigma);
		const hidden = l + 2 < dims.length;
		const outZp = hidden ? rng.int(-128, -100) : rng.int(-10, 10);
		const q = quantizeMultiplier((TARGET_SIGMA / sigma) * rng.range(0.7, 1.3));
		mlp.push({
			inDim, outDim, bits, actMin: hidden ? outZp : -128, actMax: 127, inZp, outZp, weights,
			bias: Array.from({ length: outDim }, () => Math.round(rng.normal() * 0.3 * sigma)), mult: q.m, shift: q.s,
		});
		inZp = outZp;
		inSigma = outputSigma(hidden);
	}
	return { family, codeDim, mlp, layers: [] };
}

function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

/**
 * Adds a generated cout x cin layer at headBits and returns its index. m0/s0 and bias_unit come from the rows'
 * M (max |a|) so the synthesized multipliers are realistic; heads are halved until m0·2^s0 is representable.
 */
export function addGeneratedLayer(rng: Rng, gen: GeneratorSpec, cout: number, cin: number, headBits: number, inSigma: number): number {
	const codeBits = rng.pick(BITS);
	const hDim = gen.mlp[gen.mlp.length - 1].outDim;
	const count = headCount(gen.family, cout, cin, hDim, gen.family === FAMILY_HEAD ? 0 : hDim);
	const codeMax = bitsRange(codeBits).max;
	const headMax = bitsRange(headBits).max;
	for (let attempt = 0; attempt < 32; attempt++) {
		const code = Array.from({ length: gen.codeDim }, () => Math.max(-codeMax - 1, Math.min(codeMax, Math.round(rng.normal() * CODE_SIGMA))));
		const heads: number[] = new Array(count).fill(0);
		const scale = Math.max(1, headMax >> Math.min(attempt >> 1, 6));
		for (let i = 0; i < count; i++) heads[i] = rng.int(-scale, scale);
		const layer: GenLayerSpec = { cout, cin, headBits, codeBits, code, heads, biasUnit: new Array(cout).fill(0), m0: 0, s0: 0 };
		const view = generatorView({ ...gen, layers: [layer] });
		const h = generatorOutput(view, 0);
		const hc = Int32Array.from(h, (v) => v - view.hZeroPoint);
		const a = new Float64Array(cin);
		const rows: { bigM: number; sigma: number }[] = [];
		for (let c = 0; c < cout; c++) {
			rowAccumulators(view, 0, hc, c, a);
			let bigM = 0;
			for (let i = 0; i < cin; i++) bigM = Math.max(bigM, Math.abs(a[i]));
			const w = Array.from(a, (v) => (bigM ? rdiv(127 * v, bigM) : 0));
			rows.push({ bigM, sigma: Math.max(1, Math.sqrt(cin) * rms(w) * inSigma) });
		}
		const live = rows.filter((r) => r.bigM > 0);
		if (live.length < Math.ceil(cout / 2)) continue;
		const r0 = median(live.map((r) => TARGET_SIGMA / r.sigma / r.bigM)) * rng.range(0.7, 1.4);
		if (r0 < 2 ** -31) continue;
		const q = quantizeMultiplier(r0);
		try {
			for (const r of live) scaleMultiplier(q.m, q.s, r.bigM, "probe");
		} catch {
			continue;
		}
		const room = 2 ** 31 - 1 - cin * 127 * 255;
		layer.biasUnit = rows.map((r) => Math.max(-room, Math.min(room, Math.round(rng.normal() * 0.3 * r.sigma * r.bigM))));
		layer.m0 = q.m;
		layer.s0 = q.s;
		gen.layers.push(layer);
		return gen.layers.length - 1;
	}
	throw new Error(`could not draw a usable ${cout}x${cin} generated layer`);
}
