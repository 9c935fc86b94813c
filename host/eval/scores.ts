// Class scores and decisions from the integer engine's output tensor (int8 logits, one zero point for all
// classes, so differences of the int8 values are proportional to logit differences).
//
// The score of class k is its integer margin  s_k = q_k − max_{j≠k} q_j  (−255..255). With two classes
// (V-vs-rest) s_V = q_V − q_rest is the logit difference in the integer domain; the V-vs-rest decision is
// "V iff s_V ≥ t*", with t* an integer tuned on validation. Multi-class decisions are the argmax (ties to the
// lower class index, like `hypertiny infer`), which is also the class whose margin is ≥ 0.

export const SCORE_MIN = -255;
export const SCORE_MAX = 255;
/** Histogram bins of a score: SCORE_MIN..SCORE_MAX. */
export const SCORE_BINS = SCORE_MAX - SCORE_MIN + 1;

/** Margin scores [window][class] of a batch of outputs [window][classes]. */
export function marginScores(outputs: Int8Array, classes: number): Int16Array {
	if (classes < 2 || outputs.length % classes !== 0) throw new Error(`outputs of ${outputs.length} values do not split into windows of ${classes} classes`);
	const scores = new Int16Array(outputs.length);
	for (let w = 0; w < outputs.length; w += classes) {
		for (let k = 0; k < classes; k++) {
			let other = -129;
			for (let j = 0; j < classes; j++) if (j !== k && outputs[w + j] > other) other = outputs[w + j];
			scores[w + k] = outputs[w + k] - other;
		}
	}
	return scores;
}

/** Argmax per window, ties to the lower index. */
export function argmaxClasses(outputs: Int8Array, classes: number): Uint8Array {
	const n = outputs.length / classes;
	const out = new Uint8Array(n);
	for (let w = 0; w < n; w++) {
		let best = 0;
		for (let k = 1; k < classes; k++) if (outputs[w * classes + k] > outputs[w * classes + best]) best = k;
		out[w] = best;
	}
	return out;
}

/** V-vs-rest decisions: 1 where the V score reaches the threshold. */
export function thresholdClasses(vScores: ArrayLike<number>, tStar: number): Uint8Array {
	const out = new Uint8Array(vScores.length);
	for (let i = 0; i < vScores.length; i++) out[i] = vScores[i] >= tStar ? 1 : 0;
	return out;
}
