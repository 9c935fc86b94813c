// Per-class decision biases for multi-class models: the class of a beat is argmax_k (q_k + b_k) over the int8
// logits q (one zero point for all classes) and integer biases b with b_0 = 0 (N). Biases shift the operating
// point towards rare classes (S is ~50x rarer than N in DS1) without retraining; they are chosen on DS1's
// out-of-fold outputs (host/eval/cv.ts), carried in META.decision_bias and applied by the device
// (modules/app/classifier.ts) with the same integer rule, so every engine decides alike.

/** Bias range searched: far enough to turn any class on or off for int8 logits. */
export const BIAS_LIMIT = 96;

/** argmax_k (outputs[w][k] + biases[k]) per window, ties to the lower class index. */
export function biasedClasses(outputs: Int8Array, classes: number, biases: ArrayLike<number>): Uint8Array {
	if (biases.length !== classes) throw new Error(`${biases.length} decision biases for ${classes} classes`);
	const n = outputs.length / classes;
	const out = new Uint8Array(n);
	for (let w = 0; w < n; w++) {
		let best = 0;
		let bestValue = outputs[w * classes] + biases[0];
		for (let k = 1; k < classes; k++) {
			const v = outputs[w * classes + k] + biases[k];
			if (v > bestValue) {
				best = k;
				bestValue = v;
			}
		}
		out[w] = best;
	}
	return out;
}

/**
 * Integer biases (b_0 = 0) maximising `score` of the decisions they give on these outputs (the caller's figure, so
 * that what is tuned is what is reported: host/eval/cv.ts targetScore): coordinate ascent over classes 1.. within
 * ±BIAS_LIMIT, from zero, until a full round improves nothing; on a plateau the value nearest zero is kept.
 */
export function tuneBiases(outputs: Int8Array, classes: number, score: (decisions: Uint8Array) => number): number[] {
	if (outputs.length % classes !== 0) throw new Error(`${outputs.length} outputs are not whole windows of ${classes} classes`);
	const biases = new Array<number>(classes).fill(0);
	let best = score(biasedClasses(outputs, classes, biases));
	for (let round = 0; round < 8; round++) {
		let improved = false;
		for (let k = 1; k < classes; k++) {
			const keep = biases[k];
			let bestValue = keep;
			for (let b = -BIAS_LIMIT; b <= BIAS_LIMIT; b++) {
				if (b === keep) continue;
				biases[k] = b;
				const value = score(biasedClasses(outputs, classes, biases));
				if (value > best || (value === best && Math.abs(b) < Math.abs(bestValue))) {
					if (value > best) improved = true;
					best = value;
					bestValue = b;
				}
			}
			biases[k] = bestValue;
		}
		if (!improved) break;
	}
	return biases;
}
