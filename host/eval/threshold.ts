// t* for V-vs-rest: the integer threshold on the V score (scores.ts) that maximises macro-F1 on the validation
// windows. Candidates are every integer from SCORE_MIN to SCORE_MAX + 1 (the last: never V); where several
// reach the same maximum, the middle one (lower median) is taken, away from both edges of the plateau.
import { SCORE_BINS, SCORE_MAX, SCORE_MIN } from "./scores.ts";

export interface Threshold {
	t_star: number;
	/** Validation macro-F1 at t_star. */
	macro_f1: number;
}

function f1(tp: number, fp: number, fn: number): number {
	return 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
}

export function tuneThreshold(vScores: ArrayLike<number>, isV: ArrayLike<number>): Threshold {
	if (vScores.length !== isV.length || vScores.length === 0) throw new Error("t* needs validation scores and labels of the same, non-zero length");
	const pos = new Float64Array(SCORE_BINS + 1);
	const neg = new Float64Array(SCORE_BINS + 1);
	for (let i = 0; i < vScores.length; i++) (isV[i] ? pos : neg)[vScores[i] - SCORE_MIN]++;
	// At threshold t: windows with score ≥ t are called V. Walk t downward from "never V".
	const nPos = pos.reduce((a, b) => a + b, 0);
	const nNeg = neg.reduce((a, b) => a + b, 0);
	const candidates: { t: number; f: number }[] = [];
	let tp = 0, fp = 0;
	for (let t = SCORE_MAX + 1; t >= SCORE_MIN; t--) {
		if (t <= SCORE_MAX) {
			tp += pos[t - SCORE_MIN];
			fp += neg[t - SCORE_MIN];
		}
		const fn = nPos - tp, tn = nNeg - fp;
		candidates.push({ t, f: (f1(tp, fp, fn) + f1(tn, fn, fp)) / 2 });
	}
	const best = Math.max(...candidates.map((c) => c.f));
	const tied = candidates.filter((c) => c.f === best).map((c) => c.t).sort((a, b) => a - b);
	return { t_star: tied[Math.floor((tied.length - 1) / 2)], macro_f1: best };
}

/**
 * The same decision as a threshold on P(V) = sigmoid(s_V · output scale), the form the device app applies
 * (META.t_star, modules/app/classifier.ts): s_V ≥ t ⟺ P(V) ≥ sigmoid((t − ½)·scale) for integer s_V, the half
 * step keeping float rounding away from the boundary.
 */
export function probabilityThreshold(tStar: number, outputScale: number): number {
	if (!Number.isInteger(tStar) || !(outputScale > 0)) throw new Error(`t* must be an integer and the output scale positive (${tStar}, ${outputScale})`);
	// Beyond ±34 the logistic is within 2^-49 of 0 or 1: neighbouring scores' P(V) cannot be told apart in doubles.
	if (Math.abs((Math.abs(tStar) + 1) * outputScale) > 34) throw new Error(`t* ${tStar} at output scale ${outputScale}: P(V) of neighbouring scores cannot be told apart in doubles`);
	return 1 / (1 + Math.exp(-(tStar - 0.5) * outputScale));
}
