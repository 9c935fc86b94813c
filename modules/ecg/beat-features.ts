// A beat's context features, the model input channels after the ECG lead (docs/FORMAT.md §6, META.features):
// its RR context (rr-features.ts) then its QRS against the patient's dominant beat (beat-template.ts). The one
// list and order for the dataset (host/data), the trainer, host/eval and the device (modules/app/classifier.ts);
// a model takes any of them, in the order its META names them.
import { BeatTemplate, TEMPLATE_FEATURE_NAMES } from "./beat-template.ts";
import { RR_FEATURE_COUNT, RR_FEATURE_NAMES, RrContext } from "./rr-features.ts";

export const BEAT_FEATURE_NAMES: readonly string[] = [...RR_FEATURE_NAMES, ...TEMPLATE_FEATURE_NAMES];
export const BEAT_FEATURE_COUNT = BEAT_FEATURE_NAMES.length;
/** Where the template features start in a beat's features. */
export const TEMPLATE_FEATURE_OFFSET = RR_FEATURE_COUNT;
/** Where rr_pre_avg is among them: the on-time templates read it. */
export const RR_PRE_AVG = RR_FEATURE_NAMES.indexOf("rr_pre_avg");

/**
 * Where each of `names` is in BEAT_FEATURE_NAMES, or a one-line reason why a model taking them cannot be fed
 * (a name this app does not compute, or a name twice).
 */
export function featureColumns(names: readonly string[]): Int32Array<ArrayBuffer> | string {
	const unknown = names.filter((n) => !BEAT_FEATURE_NAMES.includes(n));
	if (unknown.length) return `the model takes input features this app does not compute: ${unknown.join(", ")} (known: ${BEAT_FEATURE_NAMES.join(", ")})`;
	const twice = names.filter((n, i) => names.indexOf(n) !== i);
	if (twice.length) return `the model names input features more than once: ${twice.join(", ")}`;
	const columns = new Int32Array(names.length);
	for (let i = 0; i < names.length; i++) columns[i] = BEAT_FEATURE_NAMES.indexOf(names[i]);
	return columns;
}

/** Both contexts of one beat stream, fed the beats in the order they come. */
export class BeatContext {
	#rr: RrContext;
	#template: BeatTemplate;

	/** pre: window sample of the R peak in windows of windowLength samples. */
	constructor(sampleRate: number, pre: number, windowLength: number) {
		this.#rr = new RrContext(sampleRate);
		this.#template = new BeatTemplate(sampleRate, pre, windowLength);
	}

	/** After a gap in the beat sequence: both contexts start afresh (rr-features.ts says what carries over). */
	reset(): void {
		this.#rr.reset();
		this.#template.reset();
	}

	/** The next beat's BEAT_FEATURE_COUNT features into out[offset..]; allocates nothing. */
	next(window: Int32Array, rrPrevious: number, rrNext: number, out: Float32Array, offset = 0): void {
		this.#rr.next(rrPrevious, rrNext, out, offset);
		this.#template.next(window, out[offset + RR_PRE_AVG]!, out, offset + TEMPLATE_FEATURE_OFFSET);
	}
}
