// Float-to-integer rules shared by the checkpoint quantizer; each mirrors a step of host/train/fakequant.py
// (same IEEE double operations, so the integers are the ones the fake-quantized net used).

import { f32, tflmQuantizeMultiplier, type Requant } from "../../modules/model/requant.ts";
import { SHIFT_MAX } from "../../modules/model/format.ts";

export const INT32_LIMIT = 2 ** 31 - 1;

export function roundHalfAway(x: number): number {
	return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

export function qmaxOf(bits: number): number {
	return 2 ** (bits - 1) - 1;
}

/** Symmetric: round_half_away(x / scale) clamped to ±(2^(bits-1) - 1). */
export function quantizeSymmetric(x: number, scale: number, bits: number): number {
	const q = qmaxOf(bits);
	return Math.max(-q, Math.min(q, roundHalfAway(x / scale)));
}

/** An int32 bias at scale inScale * wScale. */
export function quantizeBias(b: number, inScale: number, wScale: number): number {
	return Math.max(-INT32_LIMIT, Math.min(INT32_LIMIT, roundHalfAway(b / (inScale * wScale))));
}

/** The float32 scale a model carries for a checkpoint's float64 one (docs/FORMAT.md §2a). */
export function modelScale(scale: number, what: string): number {
	const s = f32(scale);
	if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`${what}: scale ${scale} is not a positive float32`);
	return s;
}

/** A rule's multiplier and shift; a clear error where the format cannot hold the shift. */
export function checkedRequant(r: Requant, what: string): Requant {
	if (r.s > SHIFT_MAX) throw new RangeError(`${what}: the multiplier needs shift ${r.s} > ${SHIFT_MAX}`);
	return r;
}

/** Q0.31 multiplier and shift for a real rescale (TFLM's QuantizeMultiplier); a clear error where the format cannot hold it. */
export function requantizer(real: number, what: string): Requant {
	return checkedRequant(tflmQuantizeMultiplier(real), what);
}

/** act_min of an op's output: ReLU clamps at real zero (the zero point). */
export function actMinOf(relu: boolean, zeroPoint: number): number {
	return relu ? Math.max(-128, zeroPoint) : -128;
}
