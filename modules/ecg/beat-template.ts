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

/** META.features names, after RR_FEATURE_NAMES. */
export const TEMPLATE_FEATURE_NAMES: readonly string[] = ["tpl_corr", "tpl_rdiff"];
export const TEMPLATE_FEATURE_COUNT = TEMPLATE_FEATURE_NAMES.length;

export class BeatTemplate {
	readonly windowLength: number;
	#handle: TemplateHandle;

	/**
	 * pre: window sample of the R peak; the QRS segment (sampleRate / 10 samples before it, sampleRate / 5 after,
	 * rounded) must lie inside a window of windowLength samples, else this throws.
	 */
	constructor(sampleRate: number, pre: number, windowLength: number) {
		this.windowLength = windowLength;
		this.#handle = templateOpen(sampleRate, pre, windowLength);
	}

	/** After a gap in the beat sequence (signal lost, electrodes moved): templates are learnt afresh. */
	reset(): void {
		templateReset(this.#handle);
	}

	/**
	 * The features of the next beat (its band-passed window, windowLength int samples) into
	 * out[offset..offset + TEMPLATE_FEATURE_COUNT), then the beat joins the templates. tpl_corr: Pearson
	 * correlation of the beat's QRS segment with the dominant template; tpl_rdiff: RMS of (beat - template) over
	 * RMS of the template, clamped to 0..4. Before any template exists: 1 and 0 (a beat like the usual one).
	 * Allocates nothing.
	 */
	next(window: Int32Array, out: Float32Array, offset = 0): void {
		if (window.length !== this.windowLength) throw new RangeError(`beat template: a window of ${window.length} samples, not ${this.windowLength}`);
		if (offset < 0 || offset + TEMPLATE_FEATURE_COUNT > out.length) throw new RangeError(`beat template: features at ${offset} outside ${out.length}`);
		templateNext(this.#handle, window.buffer, window.byteOffset, out.buffer, out.byteOffset + 4 * offset);
	}
}
