// Realistic integer parameters for random models: int8 weights, biases, and multipliers from real scales.

import { quantizeMultiplier } from "./arith.ts";
import type { Rng } from "./rng.ts";

/** Assumed RMS of input windows around their zero point (int8 units). */
export const INPUT_SIGMA = 48;
/** RMS around the zero point that requantization aims at for outputs. */
export const TARGET_SIGMA = 32;

/** RMS of (x − zp) after requantization aimed at TARGET_SIGMA: ReLU keeps about half the energy. */
export function outputSigma(relu: boolean): number {
	return relu ? TARGET_SIGMA * Math.SQRT1_2 : TARGET_SIGMA;
}

export interface ActRange {
	zeroPoint: number;
	actMin: number;
	actMax: number;
}

/** ReLU clamps at real zero (the zero point); linear outputs use the whole int8 range. */
export function activation(rng: Rng, relu: boolean): ActRange {
	if (!relu) return { zeroPoint: rng.int(-16, 16), actMin: -128, actMax: 127 };
	const zeroPoint = rng.int(-128, -96);
	return { zeroPoint, actMin: zeroPoint, actMax: rng.bool(0.2) ? Math.min(127, zeroPoint + 160) : 127 };
}

export function rms(values: ArrayLike<number>, start = 0, end = values.length, step = 1): number {
	let s = 0;
	let n = 0;
	for (let i = start; i < end; i += step) {
		s += values[i] * values[i];
		n++;
	}
	return n ? Math.sqrt(s / n) : 0;
}

/** Values uniform in ±maxAbs with a random per-row maxAbs, never an all-zero row. */
export function randomRow(rng: Rng, n: number, lo: number, hi: number, out: Int8Array | number[], at: number): void {
	const maxAbs = rng.int(Math.max(1, Math.floor(hi / 4)), hi);
	let any = false;
	for (let i = 0; i < n; i++) {
		const v = Math.max(lo, rng.int(-maxAbs, maxAbs));
		out[at + i] = v;
		if (v !== 0) any = true;
	}
	if (!any) out[at] = 1;
}

export interface Requant {
	bias: number[];
	mult: number[];
	shift: number[];
}

/**
 * Bias and requantization for channels whose accumulators are Σ w·(x − zi) over `fanIn` terms with per-channel
 * weight RMS `wRms[c]` over inputs of RMS `inSigma`: the real multiplier maps the expected accumulator spread to TARGET_SIGMA.
 */
export function requantFor(rng: Rng, fanIn: number, wRms: number[], inSigma: number, perTensor: boolean): Requant {
	const sigmas = wRms.map((w) => Math.max(1, Math.sqrt(fanIn) * w * inSigma));
	const bias = sigmas.map((s) => Math.round(rng.normal() * 0.3 * s));
	const reals = sigmas.map((s) => (TARGET_SIGMA / s) * rng.range(0.6, 1.6));
	const chosen = perTensor ? [reals.reduce((a, b) => a + b, 0) / reals.length] : reals;
	const q = chosen.map((r) => quantizeMultiplier(r));
	return { bias, mult: q.map((x) => x.m), shift: q.map((x) => x.s) };
}
