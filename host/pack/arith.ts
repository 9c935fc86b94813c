// The integer arithmetic of docs/FORMAT.md §3 in plain JS numbers, exact to the bit (64-bit products are split).

import { tflmQuantizeMultiplier } from "../../modules/model/requant.ts";

export const INT32_MIN = -0x80000000;
export const INT32_MAX = 0x7fffffff;
const TWO_15 = 0x8000;
const TWO_16 = 0x10000;
const TWO_30 = 0x40000000;
const TWO_31 = 0x80000000;

export function clamp(x: number, lo: number, hi: number): number {
	return x < lo ? lo : x > hi ? hi : x;
}

/** TFLM SaturatingRoundingDoublingHighMul: (a*b + nudge) / 2^31 truncated toward zero, a*b exact in 64 bits. */
export function srdhm(a: number, b: number): number {
	if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
	const negative = (a < 0) !== (b < 0) && a !== 0 && b !== 0;
	const nudge = negative ? 1 - TWO_30 : TWO_30;
	// a*b = hi*2^16 + lo with hi = (a >> 16)*b (|hi| <= 2^46) and lo = (a & 0xffff)*b (|lo| < 2^47), both exact.
	const hi = (a >> 16) * b;
	const lo = (a & 0xffff) * b;
	const q1 = Math.floor(hi / TWO_15);
	const r1 = hi - q1 * TWO_15; // hi*2^16 = q1*2^31 + r1*2^16
	const low = r1 * TWO_16 + lo + nudge; // |low| < 2^48, exact
	const q2 = Math.floor(low / TWO_31);
	const floorQuotient = q1 + q2;
	const remainder = low - q2 * TWO_31;
	return floorQuotient < 0 && remainder !== 0 ? floorQuotient + 1 : floorQuotient;
}

/** TFLM RoundingDivideByPOT: x / 2^e rounded to nearest, ties away from zero; e in 0..31. */
export function rdbpot(x: number, e: number): number {
	const mask = e === 0 ? 0 : e === 31 ? INT32_MAX : (1 << e) - 1;
	const rem = x & mask;
	const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
	return (x >> e) + (rem > threshold ? 1 : 0);
}

/**
 * MultiplyByQuantizedMultiplier with TFLM's double rounding; the left shift wraps modulo 2^32. Shifts outside
 * -31..31 never come from a valid model and are clamped, as in the C core.
 */
export function mbqm(x: number, multiplier: number, shift: number): number {
	if (shift > 31) shift = 31;
	else if (shift < -31) shift = -31;
	const left = shift > 0 ? shift : 0;
	const right = shift > 0 ? 0 : -shift;
	return rdbpot(srdhm((x << left) | 0, multiplier), right);
}

/** n / d rounded half away from zero, d > 0; exact for |2n + d| < 2^53. */
export function rdiv(n: number, d: number): number {
	const a = n < 0 ? -n : n;
	const num = 2 * a + d;
	const den = 2 * d;
	let q = Math.floor(num / den);
	const r = num - q * den;
	if (r < 0) q--;
	else if (r >= den) q++;
	return n < 0 ? -q : q;
}

/** Wraps to int32 (the C accumulators are int32; the writer keeps them from overflowing). */
export function toInt32(x: number): number {
	return x | 0;
}

/**
 * TFLM QuantizeMultiplier: real = m * 2^(s - 31) with m a Q0.31 in [2^30, 2^31), or m = s = 0 for real == 0 or a
 * shift below -31. The rule itself is modules/model/requant.ts (the reader checks version 2 models with it); this
 * adds the format's limit on the shift.
 */
export function quantizeMultiplier(real: number): { m: number; s: number } {
	const r = tflmQuantizeMultiplier(real);
	if (r.s > 30) throw new RangeError(`multiplier ${real} needs shift ${r.s} > 30`);
	return r;
}

export { addRequant, convRequant, f32, fcPerTensorRequant, generatedFilterScale, meanRequant, weightedRequant } from "../../modules/model/requant.ts";
