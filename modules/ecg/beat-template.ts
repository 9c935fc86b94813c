// Morphology context of a beat for the classifier: how its QRS compares with this patient's dominant beat. A
// window alone cannot tell a patient's own wide or odd-looking normal beats from ectopic ones, nor an early
// atrial beat (normal QRS) from a PVC; a running template of the patient's usual beat can. The values enter the
// model as input channels after the RR context, each constant along the window (docs/FORMAT.md §6), in the order
// of TEMPLATE_FEATURE_NAMES.
//
// The one definition is C (native/src/ht_ecg_template.c, next to the ECG pipeline; its header says how the
// templates are kept): the device and the simulators call it through native/xs/ht_xs_ecg.c, Node (the dataset
// builder, fed a record's beat windows in annotation order) through the same C as WebAssembly.
import { templateNext, templateOpen, templateReset, type TemplateHandle } from "./native.ts";

/**
 * META.features names, after RR_FEATURE_NAMES: the QRS against the dominant template of all beats, then against
 * the dominant template of on-time beats (those not premature against the patient's long-term mean RR), which a
 * run of ectopic beats (ventricular tachycardia, bigeminy) cannot make its own.
 */
export const TEMPLATE_FEATURE_NAMES: readonly string[] = ["tpl_corr", "tpl_rdiff", "tpl_ontime_corr", "tpl_ontime_rdiff"];
export const TEMPLATE_FEATURE_COUNT = TEMPLATE_FEATURE_NAMES.length;
/**
 * A beat weighs in the on-time templates when its rr_pre_avg (RR before it over the long-term mean, minus 1) is at
 * least this. Chosen on DS1 grouped cross-validation (a small MLP on the beat features alone over -0.05..-0.3, then
 * the CNN: README, "On-time templates").
 */
export const ON_TIME_MIN_RR_PRE_AVG = -0.15;

/** Both template sets of one lead's beat stream. */
export class BeatTemplate {
	readonly windowLength: number;
	#all: TemplateHandle;
	#onTime: TemplateHandle;

	/**
	 * pre: window sample of the R peak; the QRS segment (sampleRate / 10 samples before it, sampleRate / 5 after,
	 * rounded) must lie inside a window of windowLength samples, else this throws.
	 */
	constructor(sampleRate: number, pre: number, windowLength: number) {
		this.windowLength = windowLength;
		this.#all = templateOpen(sampleRate, pre, windowLength);
		this.#onTime = templateOpen(sampleRate, pre, windowLength);
	}

	/** After a gap in the beat sequence (signal lost, electrodes moved): templates are learnt afresh. */
	reset(): void {
		templateReset(this.#all);
		templateReset(this.#onTime);
	}

	/**
	 * The features of the next beat (its band-passed window, windowLength int samples; rrPreAvg: its rr_pre_avg)
	 * into out[offset..offset + TEMPLATE_FEATURE_COUNT), then the beat joins the templates. tpl_corr: Pearson
	 * correlation of the beat's QRS segment with the dominant template; tpl_rdiff: RMS of (beat - template) over
	 * RMS of the template, clamped to 0..4; tpl_ontime_*: the same against the on-time templates, where a beat
	 * below ON_TIME_MIN_RR_PRE_AVG shapes the template it matches but adds no weight. Before any template exists:
	 * 1 and 0 (a beat like the usual one). Allocates nothing.
	 */
	next(window: Int32Array, rrPreAvg: number, out: Float32Array, offset = 0): void {
		if (window.length !== this.windowLength) throw new RangeError(`beat template: a window of ${window.length} samples, not ${this.windowLength}`);
		if (offset < 0 || offset + TEMPLATE_FEATURE_COUNT > out.length) throw new RangeError(`beat template: features at ${offset} outside ${out.length}`);
		const at = out.byteOffset + 4 * offset;
		templateNext(this.#all, window.buffer, window.byteOffset, out.buffer, at, 1);
		templateNext(this.#onTime, window.buffer, window.byteOffset, out.buffer, at + 8, rrPreAvg >= ON_TIME_MIN_RR_PRE_AVG ? 1 : 0);
	}
}
