// Thin TypeScript faces of native/xs/ht_xs_input.c (the pattern of ./native.ts: each body only calls the native,
// so xsc compiles it to the host function itself). The arithmetic is docs/FORMAT.md §6's, in C
// (native/src/ht_input.c), bit-identical to ./quantize.ts over ../ecg/normalize.ts (test/runtime-input.test.ts).

export type BeatInputPlan = object;

/**
 * The ECG lead's quantization for one model and front end, precomputed in C (a table of the smallest ADC value
 * reaching each int8 level, found with the rule itself): made once, used for every beat. Throws "htpw ARGUMENT
 * (20): ..." for a gain or scale that is not a finite number > 0 or a zero point outside -128..127.
 */
export function beatInputPlan(this: void, adcGain: number, scale: number, zeroPoint: number): BeatInputPlan {
	return native("xs_ht_input_plan").call(this, adcGain, scale, zeroPoint);
}

/**
 * Writes a beat's model input [L][C] into `out` (the interpreter's input): channel 0 the band-passed window (ADC
 * units) as float32(adc / adcGain), channels 1.. the features (each the same along L), all quantized with the
 * plan's scale / zero point. L = window.length, C = 1 + features.length, out.length must be L * C. With `columns`
 * the features are features[columns[0]], features[columns[1]], ... (C = 1 + columns.length), picked in C. Throws
 * "htpw ARGUMENT (20): ..." on any mismatch, a column outside features or a non-finite feature, leaving `out` as it
 * was. Allocates nothing.
 */
export function writeBeatInput(this: void, out: Int8Array, window: Int32Array, plan: BeatInputPlan, features: Float32Array, columns?: Int32Array): void {
	native("xs_ht_input_beat").call(this, out, window, plan, features, columns);
}

/** The §6 rule for one value, computed in C (a test's view of what writeBeatInput does per value). */
export function quantizeValueNative(this: void, x: number, scale: number, zeroPoint: number): number {
	return native("xs_ht_quantize_value").call(this, x, scale, zeroPoint);
}
