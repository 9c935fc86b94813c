// Input quantization of docs/FORMAT.md §6, the one definition shared by the device pipeline and host tools.
// The device app writes each beat's input with the same rule in C (native/src/ht_input.c, through
// ./beat-input.ts), operation by operation in doubles; test/runtime-input.test.ts holds the two equal bit for bit.

export interface QuantParams {
	scale: number;
	zero_point: number;
}

function roundHalfAway(x: number): number {
	return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

export function quantizeValue(x: number, q: QuantParams): number {
	const v = roundHalfAway(x / q.scale) + q.zero_point;
	return v < -128 ? -128 : v > 127 ? 127 : v;
}

/** Writes quantized samples into `out` (no allocation; device hot path). Non-finite input is rejected. */
export function quantizeInto(samples: ArrayLike<number>, q: QuantParams, out: Int8Array): void {
	if (samples.length !== out.length) throw new RangeError(`input has ${samples.length} values, the model takes ${out.length}`);
	for (let i = 0; i < out.length; i++) {
		const x = samples[i];
		if (!Number.isFinite(x)) throw new RangeError(`input value ${i} is not a finite number`);
		out[i] = quantizeValue(x, q);
	}
}

export function dequantize(values: Int8Array, q: QuantParams): number[] {
	const out: number[] = [];
	for (let i = 0; i < values.length; i++) out.push((values[i] - q.zero_point) * q.scale);
	return out;
}
