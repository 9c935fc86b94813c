// Decisions from a model's int8 output tensors by the one rule of host/eval (scores.ts, threshold.ts): V-vs-rest
// "V iff s_V ≥ t*" with t* tuned on the validation windows only, multi-class argmax. Used by evaluation and by
// `hypertiny train` for the float sidecar and META.t_star, so both report the same t*.
import { argmaxClasses, marginScores, thresholdClasses } from "./scores.ts";
import { tuneThreshold } from "./threshold.ts";

export interface Decider {
	/** Integer t* on s_V (two classes), else null (argmax). */
	t_star: number | null;
	/** Validation macro-F1 at t_star (two classes), else null. */
	validation_macro_f1: number | null;
	/** Classes of outputs [window][classes]. */
	decide(outputs: Int8Array): Uint8Array;
}

/** s_V (class 1's margin) per window of two-class outputs. */
export function vScores(outputs: Int8Array): Int16Array {
	const m = marginScores(outputs, 2);
	const out = new Int16Array(m.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = m[2 * i + 1];
	return out;
}

export function tuneDecider(validationOutputs: Int8Array, validationLabels: ArrayLike<number>, classes: number): Decider {
	if (validationOutputs.length !== validationLabels.length * classes) throw new Error(`${validationOutputs.length} outputs for ${validationLabels.length} windows of ${classes} classes`);
	if (classes !== 2) return { t_star: null, validation_macro_f1: null, decide: (o) => argmaxClasses(o, classes) };
	const tuned = tuneThreshold(vScores(validationOutputs), validationLabels);
	return { t_star: tuned.t_star, validation_macro_f1: tuned.macro_f1, decide: (o) => thresholdClasses(vScores(o), tuned.t_star) };
}
