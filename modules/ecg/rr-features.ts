// Rhythm context of a beat for the classifier. A beat window (0.7 s around the R peak) cannot show prematurity or
// a compensatory pause; these values can. The one definition for training data (host/data, fed the annotated
// beats of a record in order) and the device (modules/app/classifier.ts, fed the beats the pipeline delivers).
// They enter the model as extra input channels, each constant along the window (docs/FORMAT.md §6), by name.
//
//   rr_pre_ratio, rr_post_ratio  RR before / after the beat over the local rhythm (median of the 8 RR before it), − 1
//   rr_local_s                   that local median in seconds, − 0.8 (75 bpm)
//   rr_pre_avg, rr_post_avg      RR before / after over the patient's long-term mean RR (rr-long-term.ts), − 1
//   rr_local_avg                 the local median over that long-term mean, − 1
//   rr_pre_s, rr_post_s          RR before / after in seconds, − 0.8
//   rr_irregularity              how irregular the 16 RR intervals before the beat are (rr-irregularity.ts)
//
// Every value is clamped to ±2 (irregularity to 0..2); an unknown interval or empty history gives 0, the value
// of a regular beat at 75 bpm. All use the intervals before the beat only (and the one after it, which the
// device waits for), so a premature beat does not move its own baseline.
import { RrHistory } from "./rr-history.ts";
import { RrIrregularity } from "./rr-irregularity.ts";
import { RrLongTerm } from "./rr-long-term.ts";

export const RR_FEATURE_NAMES: readonly string[] = [
	"rr_pre_ratio", "rr_post_ratio", "rr_local_s",
	"rr_pre_avg", "rr_post_avg", "rr_local_avg", "rr_pre_s", "rr_post_s", "rr_irregularity",
];
export const RR_FEATURE_COUNT = RR_FEATURE_NAMES.length;

const LIMIT = 2;
/** Seconds-valued features are centred on 75 bpm. */
const CENTRE_S = 0.8;

// The clamp is written out in ratio() and next() rather than called: a call per value costs the device more
// than the arithmetic (XS interprets every call).
function ratio(rr: number, base: number): number {
	if (!(base > 0 && rr > 0)) return 0;
	const x = rr / base - 1;
	return x < -LIMIT ? -LIMIT : x > LIMIT ? LIMIT : x;
}

export class RrContext {
	readonly sampleRate: number;
	#local = new RrHistory();
	#longTerm = new RrLongTerm();
	#irregularity = new RrIrregularity();

	constructor(sampleRate: number) {
		this.sampleRate = sampleRate;
	}

	/**
	 * After a gap in the beat sequence (signal lost, detector restarted): the local rhythm and its irregularity
	 * start afresh; the long-term mean is the patient's and carries over.
	 */
	reset(): void {
		this.#local.clear();
		this.#irregularity.clear();
	}

	/**
	 * The features of the next beat, written to out[offset..offset + RR_FEATURE_COUNT) in RR_FEATURE_NAMES order,
	 * then its rrPrevious joins the histories. rrPrevious / rrNext in samples, 0 when unknown. Allocates nothing.
	 */
	next(rrPrevious: number, rrNext: number, out: Float32Array, offset = 0): void {
		const fs = this.sampleRate;
		const local = this.#local.median();
		const longTerm = this.#longTerm.mean();
		out[offset] = ratio(rrPrevious, local);
		out[offset + 1] = ratio(rrNext, local);
		let x = local / fs - CENTRE_S;
		out[offset + 2] = local > 0 ? (x < -LIMIT ? -LIMIT : x > LIMIT ? LIMIT : x) : 0;
		out[offset + 3] = ratio(rrPrevious, longTerm);
		out[offset + 4] = ratio(rrNext, longTerm);
		out[offset + 5] = ratio(local, longTerm);
		x = rrPrevious / fs - CENTRE_S;
		out[offset + 6] = rrPrevious > 0 ? (x < -LIMIT ? -LIMIT : x > LIMIT ? LIMIT : x) : 0;
		x = rrNext / fs - CENTRE_S;
		out[offset + 7] = rrNext > 0 ? (x < -LIMIT ? -LIMIT : x > LIMIT ? LIMIT : x) : 0;
		const irregular = this.#irregularity.value();
		out[offset + 8] = irregular > LIMIT ? LIMIT : irregular;
		if (rrPrevious > 0) {
			this.#local.add(rrPrevious);
			this.#longTerm.add(rrPrevious);
			this.#irregularity.add(rrPrevious);
		}
	}
}
