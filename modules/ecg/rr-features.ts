// Rhythm context of a beat for the classifier. A beat window (0.7 s around the R peak) cannot show prematurity or
// a compensatory pause; these values can. The one definition for training data (host/data, fed the annotated
// beats of a record in order) and the device (modules/app/classifier.ts, fed the beats the pipeline delivers).
// They enter the model as extra input channels, each constant along the window (docs/FORMAT.md §6), by name.
//
//   rr_pre_ratio, rr_post_ratio  RR before / after the beat over the local rhythm (median of the 8 RR before it), − 1
//   rr_local_s                   that local median in seconds, − 0.8 (75 bpm)
//   rr_pre_avg, rr_post_avg      RR before / after over the patient's long-term mean RR (the 256 before it), − 1
//   rr_local_avg                 the local median over that long-term mean, − 1
//   rr_pre_s, rr_post_s          RR before / after in seconds, − 0.8
//   rr_irregularity              how irregular the rhythm before the beat is: the lower median of the last 16
//                                successive differences |RR_i − RR_i−1| over the mean of the last 16 RR (0 until
//                                there are 4 differences; sinus ~0.02, AF ~0.1–0.3, one premature beat moves it little)
//
// Every value is clamped to ±2 (irregularity to 0..2); an unknown interval or empty history gives 0, the value
// of a regular beat at 75 bpm. All use the intervals before the beat only (and the one after it, which the
// device waits for), so a premature beat does not move its own baseline.
//
// The one definition is C (native/src/ht_ecg_rr.c; its header says how the histories are kept and why every
// target computes the same bits): the device and the simulators call it through native/xs/ht_xs_ecg.c, Node (the
// dataset builder) through the same C as WebAssembly. Intervals are int32 samples (C refuses anything else).
import { rrContextNext, rrContextOpen, rrContextReset, type RrHandle } from "./native.ts";

export const RR_FEATURE_NAMES: readonly string[] = [
	"rr_pre_ratio", "rr_post_ratio", "rr_local_s",
	"rr_pre_avg", "rr_post_avg", "rr_local_avg", "rr_pre_s", "rr_post_s", "rr_irregularity",
];
export const RR_FEATURE_COUNT = RR_FEATURE_NAMES.length;

export class RrContext {
	readonly sampleRate: number;
	#handle: RrHandle;

	/** sampleRate: an integer, 1..10000 Hz (else this throws). */
	constructor(sampleRate: number) {
		this.sampleRate = sampleRate;
		this.#handle = rrContextOpen(sampleRate);
	}

	/**
	 * After a gap in the beat sequence (signal lost, detector restarted): the local rhythm and its irregularity
	 * start afresh; the long-term mean is the patient's and carries over.
	 */
	reset(): void {
		rrContextReset(this.#handle);
	}

	/**
	 * The features of the next beat, written to out[offset..offset + RR_FEATURE_COUNT) in RR_FEATURE_NAMES order,
	 * then its rrPrevious joins the histories. rrPrevious / rrNext in samples (int32), 0 when unknown. Allocates
	 * nothing.
	 */
	next(rrPrevious: number, rrNext: number, out: Float32Array, offset = 0): void {
		if (offset < 0 || offset + RR_FEATURE_COUNT > out.length) throw new RangeError(`RR context: features at ${offset} outside ${out.length}`);
		rrContextNext(this.#handle, rrPrevious, rrNext, out.buffer, out.byteOffset + 4 * offset);
	}
}
