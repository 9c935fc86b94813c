// The beat classifier: the packed model from a flash Resource (zero-copy), synthesized under the configured
// policy (packed-model.ts), run on each beat window. A missing, corrupt or mismatched model leaves it "not ready" with a status
// and an error code instead of throwing: the app keeps measuring heart rate without it.
// Each beat's model input (docs/FORMAT.md §6: the window in millivolts, then the beat's context features when the
// model's META names them) is written and quantized in C (modules/runtime/beat-input.ts); the JS per beat is the
// beat's RR context, the call to the QRS template's C (modules/ecg/beat-features.ts), the call, and the softmax.
import { BEAT_FEATURE_COUNT, BEAT_FEATURE_NAMES, BeatContext } from "../ecg/beat-features.ts";
import { beatInputPlan, writeBeatInput, type BeatInputPlan } from "../runtime/beat-input.ts";
import type { Interpreter } from "../runtime/interpreter.ts";
import type { SynthesisPolicy } from "../runtime/synthesis-cache.ts";
import { openModel } from "./packed-model.ts";
import { softmaxNumerators } from "./softmax.ts";
import { MAX_CLASSES, MODEL_INCOMPATIBLE, MODEL_MISSING, MODEL_READY } from "../ble/protocol.ts";
/** The class alerts are about (runs of ventricular beats). */
const ALERT_CLASS_NAME = "V";
const NO_FEATURES = new Float32Array(0);
const TEMPLATE_MATCH = BEAT_FEATURE_NAMES.indexOf("tpl_corr");

/** What classify() reads of a beat (modules/ecg's BeatEvent). */
export interface ClassifierBeat {
	/** Band-passed samples in ADC units, as many as the model's window. */
	window: Int32Array;
	/** Samples since the previous beat / to the next one; 0 when unknown. */
	rrPrevious: number;
	rrNext: number;
}

export interface ClassifierOptions {
	resource: string;
	policy: string;
	budget: number | undefined;
	sampleRate: number;
	adcGain: number;
	/** Window length when no model says otherwise. */
	defaultWindow: number;
}

export class Classifier {
	status = MODEL_MISSING;
	/** The reader's status code (docs/FORMAT.md §5) when the blob was rejected, else 0. */
	errorCode = 0;
	message = "";
	classes: string[] = [];
	alertClass = -1;
	tStar = 0.5;
	/** META.decision_bias: integers added to the int8 logits before the argmax (multi-class models), else zeros. */
	decisionBias: Int32Array = new Int32Array(0);
	window: number;
	blobBytes = 0;
	crc = 0;
	policy: SynthesisPolicy = "boot";
	interpreter: Interpreter | undefined;
	/** The last beat's result: class index and its probability. */
	classIndex = -1;
	confidence = 0;
	/** META.features the model takes after the ECG lead (none, or names of BEAT_FEATURE_NAMES). */
	features: readonly string[] = [];
	#adcGain: number;
	#plan: BeatInputPlan | undefined;
	/** The beat context, made when a model that takes the features is loaded. */
	#context: BeatContext | undefined;
	/** All the context's feature values for this beat. */
	#allFeatures = new Float32Array(BEAT_FEATURE_COUNT);
	/** What the input writer reads: all the features, or none for a model without them. */
	#featureValues = NO_FEATURES;
	/** The model's features as columns of them, picked by the C input writer (a copy in XS cost ~9,600 instructions a
	 * beat, bench:m4app); undefined when the model takes all of them in their own order, or none. */
	#pick: Int32Array | undefined;
	#probabilities = new Float64Array(MAX_CLASSES);
	/** The softmax denominator of the last classify() (#probabilities hold its numerators). */
	#sum = 1;
	#output: { scale: number; zero_point: number } = { scale: 1, zero_point: 0 };

	constructor(o: ClassifierOptions) {
		this.#adcGain = o.adcGain;
		this.window = o.defaultWindow;
		this.#load(o);
	}

	#load(o: ClassifierOptions): void {
		const opened = openModel({ resource: o.resource, policy: o.policy, budget: o.budget, sampleRate: o.sampleRate, consumes: "beat-window" });
		this.policy = opened.policy;
		this.blobBytes = opened.blobBytes;
		this.crc = opened.crc;
		if (!opened.interpreter || !opened.meta) return this.#fail(opened.status, opened.errorCode, opened.message);
		const interpreter = opened.interpreter;
		const checked = opened.meta;
		const inputLength = interpreter.model.input.length;
		const { classes, features, channels } = checked;
		this.classes = classes;
		this.alertClass = classes.indexOf(ALERT_CLASS_NAME);
		this.tStar = checked.tStar;
		this.decisionBias = checked.decisionBias;
		this.#output = checked.output;
		try {
			this.#plan = beatInputPlan(this.#adcGain, checked.input.scale, checked.input.zero_point);
		} catch (error) {
			return this.#fail(MODEL_INCOMPATIBLE, 0, `no input for this front end: ${String((error as Error).message ?? error)}`);
		}
		if (channels > 1) {
			try {
				this.#context = new BeatContext(o.sampleRate, windowPre(inputLength), inputLength);
			} catch (error) {
				return this.#fail(MODEL_INCOMPATIBLE, 0, String((error as Error).message ?? error));
			}
		}
		this.window = inputLength;
		this.features = features ?? [];
		this.#featureValues = channels > 1 ? this.#allFeatures : NO_FEATURES;
		// A model that takes every feature in their own order reads the context's values as they are.
		const columns = checked.featureColumns;
		let identity = columns.length === BEAT_FEATURE_COUNT && channels - 1 === BEAT_FEATURE_COUNT;
		for (let i = 0; identity && i < columns.length; i++) identity = columns[i] === i;
		this.#pick = channels > 1 && !identity ? columns : undefined;
		this.interpreter = interpreter;
		this.status = MODEL_READY;
		this.message = `${checked.name ?? o.resource}: ${classes.join("/")}, ${this.policy}, ${interpreter.cache.synthesized} kernels synthesized`;
	}

	/** The last classified beat's QRS correlation with the patient's dominant beat (tpl_corr); NaN for a model without the beat context. */
	get templateMatch(): number {
		return this.#featureValues.length ? this.#allFeatures[TEMPLATE_MATCH] : NaN;
	}

	get ready(): boolean {
		return this.status === MODEL_READY;
	}

	/** After a gap in the beat sequence (the signal went bad): the next beats' context starts afresh. */
	resetRhythm(): void {
		this.#context?.reset();
	}

	/**
	 * Classifies a beat: its band-passed window (ADC units) and, for a model with beat features, its RR intervals,
	 * taken with its window into the beat context in the order beats come. Two classes: class 1 when its probability reaches t*
	 * (the threshold tuned on validation data); more: the argmax of the int8 logits plus META.decision_bias (chosen on
	 * DS1 cross-validation). Allocates nothing.
	 */
	classify(beat: ClassifierBeat): number {
		const interpreter = this.interpreter!;
		const features = this.#featureValues;
		if (features.length) this.#context!.next(beat.window, beat.rrPrevious, beat.rrNext, features, 0);
		writeBeatInput(interpreter.input, beat.window, this.#plan!, features, this.#pick);
		interpreter.invoke();
		const out = interpreter.output;
		const p = this.#probabilities;
		const n = out.length;
		const sum = softmaxNumerators(out, 0, n, this.#output.zero_point, this.#output.scale, p);
		// Only the probabilities the decision reads are divided by the sum (typed-array reads and writes cost the
		// device more than the arithmetic); each is the same double as with every p[i] divided.
		let best = 0;
		if (n === 2) best = p[1] / sum >= this.tStar ? 1 : 0;
		else {
			// The integer rule of host/eval/decision-bias.ts: argmax of int8 logit + bias, ties to the lower class.
			const bias = this.decisionBias;
			let top = out[0] + bias[0];
			for (let i = 1; i < n; i++) {
				const v = out[i] + bias[i];
				if (v > top) {
					best = i;
					top = v;
				}
			}
		}
		this.#sum = sum;
		this.classIndex = best;
		this.confidence = p[best] / sum;
		return best;
	}

	/**
	 * Reports the last beat as class `cls` instead (the app's rhythm rule: modules/rhythm/beat-in-af.ts), its
	 * confidence that class's probability. Allocates nothing.
	 */
	reportAs(cls: number): number {
		if (cls !== this.classIndex) {
			this.classIndex = cls;
			this.confidence = this.#probabilities[cls] / this.#sum;
		}
		return cls;
	}

	#fail(status: number, code: number, message: string): void {
		this.status = status;
		this.errorCode = code;
		this.message = message;
		this.interpreter = undefined;
		this.classes = [];
		this.alertClass = -1;
	}
}

/** The window sample of the R peak in a model's window, as the dataset cut them (host/data WINDOW_PRE). */
export function windowPre(windowLength: number): number {
	return windowLength >> 1;
}
