/**
 * Model input from a beat window: filtered ADC units to millivolts as float32, the values that
 * modules/runtime/quantize.ts quantizeInto() turns into int8 (with the model's input scale, 0.02 mV say).
 * The one definition for training data and the device; no allocation.
 */
export function windowToMillivolts(window: ArrayLike<number>, adcGain: number, out: Float32Array): Float32Array {
	if (window.length !== out.length) throw new RangeError(`window has ${window.length} samples, output ${out.length}`);
	for (let i = 0; i < out.length; i++) out[i] = window[i] / adcGain;
	return out;
}
