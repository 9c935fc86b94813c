// A beat's context features, the model input channels after the ECG lead (docs/FORMAT.md §6, META.features):
// its RR context (rr-features.ts) then its QRS against the patient's dominant beat (beat-template.ts). The one
// list and order for the dataset (host/data), the trainer, host/eval and the device (modules/app/classifier.ts).
import { BeatTemplate, TEMPLATE_FEATURE_NAMES } from "./beat-template.ts";
import { RR_FEATURE_COUNT, RR_FEATURE_NAMES, RrContext } from "./rr-features.ts";

export const BEAT_FEATURE_NAMES: readonly string[] = [...RR_FEATURE_NAMES, ...TEMPLATE_FEATURE_NAMES];
export const BEAT_FEATURE_COUNT = BEAT_FEATURE_NAMES.length;
/** Where the template features start in a beat's features. */
export const TEMPLATE_FEATURE_OFFSET = RR_FEATURE_COUNT;

/** Both contexts of one beat stream, fed the beats in the order they come. */
export class BeatContext {
	#rr: RrContext;
	#template: BeatTemplate;

	/** pre: window sample of the R peak in windows of windowLength samples. */
	constructor(sampleRate: number, pre: number, windowLength: number) {
		this.#rr = new RrContext(sampleRate);
		this.#template = new BeatTemplate(sampleRate, pre, windowLength);
	}

	/** After a gap in the beat sequence: both contexts start afresh. */
	reset(): void {
		this.#rr.reset();
		this.#template.reset();
	}

	/** The next beat's BEAT_FEATURE_COUNT features into out[offset..]; allocates nothing. */
	next(window: Int32Array, rrPrevious: number, rrNext: number, out: Float32Array, offset = 0): void {
		this.#rr.next(rrPrevious, rrNext, out, offset);
		this.#template.next(window, out, offset + TEMPLATE_FEATURE_OFFSET);
	}
}
