// The beat classifier: the packed model from a flash Resource (zero-copy), synthesized under the configured
// policy, run on each beat window. A missing, corrupt or mismatched model leaves it "not ready" with a status
// and an error code instead of throwing: the app keeps measuring heart rate without it.
import Resource from "Resource";
import { windowToMillivolts } from "../ecg/normalize.ts";
import { Interpreter } from "../runtime/interpreter.ts";
import { quantizeInto } from "../runtime/quantize.ts";
import { isPolicy, type SynthesisPolicy } from "../runtime/synthesis-cache.ts";
import { MAX_CLASSES, MODEL_INCOMPATIBLE, MODEL_INVALID, MODEL_MISSING, MODEL_READY, POLICY_NAMES } from "../ble/protocol.ts";
/** The class alerts are about (runs of ventricular beats). */
const ALERT_CLASS_NAME = "V";

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
	window: number;
	blobBytes = 0;
	crc = 0;
	policy: SynthesisPolicy = "boot";
	interpreter: Interpreter | undefined;
	/** The last beat's result: class index and its probability. */
	classIndex = -1;
	confidence = 0;
	#adcGain: number;
	#floats: Float32Array;
	#probabilities = new Float64Array(MAX_CLASSES);
	#input: { scale: number; zero_point: number } = { scale: 1, zero_point: 0 };
	#output: { scale: number; zero_point: number } = { scale: 1, zero_point: 0 };

	constructor(o: ClassifierOptions) {
		this.#adcGain = o.adcGain;
		this.window = o.defaultWindow;
		this.#floats = new Float32Array(this.window);
		this.#load(o);
	}

	#load(o: ClassifierOptions): void {
		if (!isPolicy(o.policy)) return this.#fail(MODEL_INVALID, 0, `unknown synthesis policy "${o.policy}" (boot, lazy or stream)`);
		this.policy = o.policy;
		if (!Resource.exists(o.resource)) return this.#fail(MODEL_MISSING, 0, `no model resource "${o.resource}"`);
		const blob = new Resource(o.resource);
		this.blobBytes = blob.byteLength;
		let interpreter: Interpreter;
		try {
			interpreter = new Interpreter(blob, o.policy, o.budget);
		} catch (error) {
			const text = String((error as Error).message ?? error);
			const code = /\((\d+)\)/.exec(text);
			return this.#fail(MODEL_INVALID, code ? Number(code[1]) : (error as { code?: number }).code ?? 0, text);
		}
		const model = interpreter.model;
		this.crc = model.crc;
		const meta = model.meta ?? {};
		const classes = meta.classes;
		const inputLength = model.input.length * model.input.channels;
		const outputLength = model.output.length * model.output.channels;
		if (!Array.isArray(classes) || classes.length < 2 || classes.length > MAX_CLASSES || classes.some((c: unknown) => typeof c !== "string"))
			return this.#fail(MODEL_INCOMPATIBLE, 0, `META.classes must list 2..${MAX_CLASSES} class names`);
		if (outputLength !== classes.length) return this.#fail(MODEL_INCOMPATIBLE, 0, `the model outputs ${outputLength} values for ${classes.length} classes`);
		if (meta.sample_rate !== o.sampleRate) return this.#fail(MODEL_INCOMPATIBLE, 0, `the model takes ${meta.sample_rate} Hz, the input gives ${o.sampleRate} Hz`);
		if (model.input.channels !== 1 || (meta.window !== undefined && meta.window !== inputLength))
			return this.#fail(MODEL_INCOMPATIBLE, 0, `the model input is ${model.input.length}x${model.input.channels}, not one ECG lead`);
		if (!isQuant(meta.input) || !isQuant(meta.output)) return this.#fail(MODEL_INCOMPATIBLE, 0, "META.input / META.output quantization missing");
		this.classes = classes;
		this.alertClass = classes.indexOf(ALERT_CLASS_NAME);
		this.tStar = typeof meta.t_star === "number" ? meta.t_star : 0.5;
		this.#input = meta.input;
		this.#output = meta.output;
		this.window = inputLength;
		this.#floats = new Float32Array(inputLength);
		this.interpreter = interpreter;
		this.status = MODEL_READY;
		this.message = `${meta.name ?? o.resource}: ${classes.join("/")}, ${POLICY_NAMES[POLICY_NAMES.indexOf(o.policy)]}, ${interpreter.cache.synthesized} kernels synthesized`;
	}

	get ready(): boolean {
		return this.status === MODEL_READY;
	}

	/**
	 * Classifies a band-passed beat window (ADC units). Two classes: class 1 when its probability reaches t*
	 * (the threshold tuned on validation data); more: the most probable. Allocates nothing.
	 */
	classify(window: Int32Array): number {
		const interpreter = this.interpreter!;
		windowToMillivolts(window, this.#adcGain, this.#floats);
		quantizeInto(this.#floats, this.#input, interpreter.input);
		interpreter.invoke();
		const out = interpreter.output;
		const p = this.#probabilities;
		const n = out.length;
		const scale = this.#output.scale;
		const zero = this.#output.zero_point;
		let max = -Infinity;
		for (let i = 0; i < n; i++) {
			p[i] = (out[i] - zero) * scale;
			if (p[i] > max) max = p[i];
		}
		let sum = 0;
		for (let i = 0; i < n; i++) sum += p[i] = Math.exp(p[i] - max);
		let best = 0;
		for (let i = 0; i < n; i++) {
			p[i] /= sum;
			if (p[i] > p[best]) best = i;
		}
		if (n === 2) best = p[1] >= this.tStar ? 1 : 0;
		this.classIndex = best;
		this.confidence = p[best];
		return best;
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

function isQuant(q: unknown): q is { scale: number; zero_point: number } {
	const o = q as { scale?: unknown; zero_point?: unknown } | null;
	return !!o && typeof o.scale === "number" && o.scale > 0 && typeof o.zero_point === "number";
}
