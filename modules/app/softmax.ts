// The softmax of a model's int8 outputs, one definition for the app's classifier (modules/app/classifier.ts) and the
// host's replay of the app (host/eval/af-context.ts), so both compute the same doubles.

/**
 * Writes exp(v_i − max v) into p[0..count) for the dequantized outputs v_i = (out[offset + i] − zeroPoint) · scale
 * and returns their sum: class i's probability is p[i] / sum. Allocates nothing.
 */
export function softmaxNumerators(out: ArrayLike<number>, offset: number, count: number, zeroPoint: number, scale: number, p: Float64Array): number {
	let max = -Infinity;
	for (let i = 0; i < count; i++) {
		const v = (out[offset + i] - zeroPoint) * scale;
		p[i] = v;
		if (v > max) max = v;
	}
	let sum = 0;
	for (let i = 0; i < count; i++) {
		const e = Math.exp(p[i] - max);
		p[i] = e;
		sum += e;
	}
	return sum;
}
