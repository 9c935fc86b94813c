// Rhythm context of a beat for the classifier: its RR intervals relative to the local rhythm. A beat window
// (0.7 s around the R peak) cannot show prematurity or a compensatory pause; these values can. The one
// definition for training data (host/data, fed the annotated beats of a record in order) and the device
// (modules/app/classifier.ts, fed the beats the pipeline delivers). They enter the model as extra input
// channels, each constant along the window (docs/FORMAT.md §6), in the order of RR_FEATURE_NAMES.
import { RrHistory } from "./rr-history.ts";

/** META.features of a model that takes these channels after the ECG lead. */
export const RR_FEATURE_NAMES: readonly string[] = ["rr_pre_ratio", "rr_post_ratio", "rr_local_s"];
export const RR_FEATURE_COUNT = RR_FEATURE_NAMES.length;

const LIMIT = 2;
/** rr_local_s is centred on 75 bpm. */
const LOCAL_CENTRE_S = 0.8;

function clamp(x: number): number {
	return x < -LIMIT ? -LIMIT : x > LIMIT ? LIMIT : x;
}

export class RrContext {
	readonly sampleRate: number;
	#history = new RrHistory();

	constructor(sampleRate: number) {
		this.sampleRate = sampleRate;
	}

	/** After a gap in the beat sequence (signal lost, detector restarted). */
	reset(): void {
		this.#history.clear();
	}

	/**
	 * The features of the next beat, written to out[offset..offset + RR_FEATURE_COUNT), then its rrPrevious joins
	 * the history. rrPrevious / rrNext in samples, 0 when unknown; the local rhythm is the median of the last
	 * eight known RR intervals before this beat. Unknown values give 0 (the value of a regular beat at 75 bpm).
	 * Allocates nothing.
	 */
	next(rrPrevious: number, rrNext: number, out: Float32Array, offset = 0): void {
		const local = this.#history.median();
		out[offset] = local > 0 && rrPrevious > 0 ? clamp(rrPrevious / local - 1) : 0;
		out[offset + 1] = local > 0 && rrNext > 0 ? clamp(rrNext / local - 1) : 0;
		out[offset + 2] = local > 0 ? clamp(local / this.sampleRate - LOCAL_CENTRE_S) : 0;
		if (rrPrevious > 0) this.#history.add(rrPrevious);
	}
}
