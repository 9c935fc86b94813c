// The requantization rule of a version 2 model (docs/FORMAT.md §2a): each multiplier and shift is what TensorFlow
// Lite Micro's Prepare computes for the matching builtin from the model's float32 scales. Scales are passed as the
// float32 values they are (numbers that Math.fround leaves unchanged); every operation is one IEEE double step in
// the order TFLM writes it, so the results are TFLM's to the bit.

/** TFLM's int8 ADD headroom (add_common.cc: left_shift = 20 for int8). */
export const TFLM_ADD_LEFT_SHIFT = 20;

const TWO_30 = 0x40000000;
const TWO_31 = 0x80000000;

export interface Requant {
	m: number;
	s: number;
}

/** Rounds to binary32 (nearest, ties to even). */
export function f32(x: number): number {
	return Math.fround(x);
}

/**
 * TFLM QuantizeMultiplier (quantization_util.cc, double rounding): real = m * 2^(s - 31), m in [2^30, 2^31).
 * frexp's q * 2^31 is exact in a double, rounded half away from zero like TfLiteRound; a shift below -31 flushes to
 * (0, 0). The shift is returned as computed: above 30 the model is invalid and the caller says so.
 */
export function tflmQuantizeMultiplier(real: number): Requant {
	if (real === 0) return { m: 0, s: 0 };
	if (real === Infinity) return { m: TWO_30, s: 1025 }; // a hostile blob's scales: beyond any valid shift
	if (!(real > 0)) throw new RangeError(`a multiplier must be a positive finite real, got ${real}`);
	if (real < 2 ** -40) return { m: 0, s: 0 }; // frexp's exponent would be < -31
	let s = Math.floor(Math.log2(real)) + 1;
	let q = real / 2 ** s;
	// log2 can be off by one near powers of two; renormalise q into [0.5, 1) (each step is exact).
	while (q >= 1) { q /= 2; s++; }
	while (q < 0.5) { q *= 2; s--; }
	let m = Math.floor(q * TWO_31 + 0.5); // q * 2^31 is exact, so this is round half away from zero
	if (m === TWO_31) { m = TWO_30; s++; }
	if (s < -31) return { m: 0, s: 0 };
	return { m, s };
}

/** CONV_2D / DEPTHWISE_CONV_2D (and per-channel FULLY_CONNECTED): PopulateConvolutionQuantizationParams. */
export function convRequant(sIn: number, sFilter: number, sOut: number): Requant {
	return tflmQuantizeMultiplier((sIn * sFilter) / sOut);
}

/** FULLY_CONNECTED with one filter scale: GetQuantizedConvolutionMultipler takes the product in float32. */
export function fcPerTensorRequant(sIn: number, sFilter: number, sOut: number): Requant {
	return tflmQuantizeMultiplier(f32(sIn * sFilter) / sOut);
}

/** Filter scale index c of an op with `count` filter scales and `cout` channels; FC with one scale is per-tensor. */
export function weightedRequant(isFc: boolean, sIn: number, filterScales: ArrayLike<number>, sOut: number, c: number): Requant {
	if (isFc && filterScales.length === 1) return fcPerTensorRequant(sIn, filterScales[0], sOut);
	return convRequant(sIn, filterScales[filterScales.length === 1 ? 0 : c], sOut);
}

/** ADD's aux [left_shift, m1, s1, m2, s2, mo, so] (CalculateOpDataAdd); every shift must be <= 0. */
export function addRequant(s1: number, s2: number, sOut: number): number[] {
	const twiceMax = 2 * Math.max(s1, s2);
	const a = tflmQuantizeMultiplier(s1 / twiceMax);
	const b = tflmQuantizeMultiplier(s2 / twiceMax);
	const o = tflmQuantizeMultiplier(twiceMax / (2 ** TFLM_ADD_LEFT_SHIFT * sOut));
	return [TFLM_ADD_LEFT_SHIFT, a.m, a.s, b.m, b.s, o.m, o.s];
}

/** MEAN over `length` positions: PrepareMeanOrSumHelper's QM(s_in/s_out), then QuantizedMeanOrSum's 1/L folding. */
export function meanRequant(sIn: number, sOut: number, length: number): Requant {
	const q = tflmQuantizeMultiplier(sIn / sOut);
	let n = 31 - Math.clz32(length); // floor(log2 L); L is a u16
	n = Math.min(n, 32, 31 + q.s);
	const scaled = q.m * 2 ** n; // < 2^47: exact
	return { m: (scaled - (scaled % length)) / length, s: q.s - n };
}

/** TFLM would compute this MEAN another way (an integer mean that truncates): the format forbids it. */
export function meanIsIdentity(sIn: number, zIn: number, sOut: number, zOut: number): boolean {
	return sIn === sOut && zIn === zOut;
}

/** A generated row's float32 filter scale from its max |a| and the layer's unit scale (docs/FORMAT.md §4). */
export function generatedFilterScale(maxAbs: number, unitScale: number): number {
	return f32(maxAbs * unitScale);
}
