// What the app requires of a model's META (docs/FORMAT.md §6) beyond the packed format: the one check the
// device's classifier (classifier.ts) and the host's `inspect`/`infer` apply, so the host refuses what the device
// refuses. Each problem is one line; the first found is reported, in the classifier's order.
import { MAX_CLASSES } from "../ble/protocol.ts";
import { APNEA_SCORE_MINUTES_MAX } from "../rhythm/apnea-score.ts";

export interface MetaQuant {
	scale: number;
	zero_point: number;
}

/** What the META check needs of the packed model: its input tensor and output size. */
export interface ModelShape {
	inputLength: number;
	inputChannels: number;
	/** Values of the output tensor (length x channels). */
	outputValues: number;
}

/**
 * Where each named feature is among those the app computes, or a one-line reason it cannot feed them
 * (modules/ecg/beat-features.ts featureColumns).
 */
export type FeatureColumns = (names: readonly string[]) => Int32Array | string;

/**
 * What a model's input is (META.consumes, docs/FORMAT.md §6): a beat window with its features (absent: the default),
 * or the apnea model's RR sequence (modules/rhythm/apnea-input.ts).
 */
export const MODEL_INPUTS = ["beat-window", "rr-sequence"] as const;
export type ModelInput = (typeof MODEL_INPUTS)[number];
const INPUT_WORDS: Record<ModelInput, string> = { "beat-window": "beat windows (a beat model)", "rr-sequence": "an RR sequence (a rhythm model)" };

export interface AppModelMeta {
	name: string | undefined;
	consumes: ModelInput;
	classes: string[];
	sampleRate: number;
	/** META.features, [] when absent, and where each is in the app's feature list. */
	features: readonly string[];
	featureColumns: Int32Array;
	/** 1 + features.length: the ECG lead, then the features. */
	channels: number;
	input: MetaQuant;
	output: MetaQuant;
	tStar: number;
	/** META.t_star_score (two classes): the same decision as t_star in integers, class 1 iff q_1 − q_0 ≥ it; undefined when absent. */
	tStarScore: number | undefined;
	/** META.score_minutes (rhythm models, 1 when absent): t_star_score applies to the floor of the mean of q_1 − q_0 over
	 * this many assessed minutes, the last one included (modules/rhythm/apnea-score.ts). */
	scoreMinutes: number;
	/** META.decision_bias (multi-class models: added to the int8 logits before the argmax), else zeros. */
	decisionBias: Int32Array;
}

const NO_COLUMNS: Int32Array = new Int32Array(0);

/**
 * META checked against the model's shape and what the app computes. `sampleRate`: the rate the input gives (the
 * device's ADC or record); undefined when there is none (inspect), then META.sample_rate need only be a rate.
 * Returns the META the app runs with, or the first problem as one line.
 */
export function checkModelMeta(meta: unknown, shape: ModelShape, featureColumnsOf: FeatureColumns, sampleRate?: number, expects?: ModelInput): AppModelMeta | string {
	if (meta === null || typeof meta !== "object" || Array.isArray(meta)) return "META is not a JSON object";
	const m = meta as Record<string, any>;
	const consumes: ModelInput = m.consumes === undefined ? "beat-window" : m.consumes;
	if (!MODEL_INPUTS.includes(consumes)) return `META.consumes must be one of ${MODEL_INPUTS.join(", ")}, got ${JSON.stringify(m.consumes)}`;
	if (expects !== undefined && consumes !== expects) return `the model consumes ${INPUT_WORDS[consumes]}, not ${INPUT_WORDS[expects]}`;
	const classes = m.classes;
	if (!Array.isArray(classes) || classes.length < 2 || classes.length > MAX_CLASSES || classes.some((c: unknown) => typeof c !== "string"))
		return `META.classes must list 2..${MAX_CLASSES} class names`;
	if (shape.outputValues !== classes.length) return `the model outputs ${shape.outputValues} values for ${classes.length} classes`;
	if (sampleRate !== undefined) {
		if (m.sample_rate !== sampleRate) return `the model takes ${m.sample_rate} Hz, the input gives ${sampleRate} Hz`;
	} else if (consumes === "beat-window" ? !Number.isInteger(m.sample_rate) || m.sample_rate <= 0 : !(m.sample_rate > 0 && m.sample_rate <= 1)) {
		// An RR sequence is sampled every APNEA_STEP_S seconds: a rate of 1 Hz or less.
		return consumes === "beat-window"
			? `META.sample_rate must be a whole number of Hz, got ${JSON.stringify(m.sample_rate)}`
			: `META.sample_rate of an RR sequence must be in (0, 1] Hz, got ${JSON.stringify(m.sample_rate)}`;
	}
	const features = m.features;
	let featureColumns: Int32Array = NO_COLUMNS;
	if (features !== undefined) {
		const columns = metaFeatureColumns(features, featureColumnsOf);
		if (typeof columns === "string") return columns;
		featureColumns = columns;
	}
	const channels = 1 + (features?.length ?? 0);
	if (shape.inputChannels !== channels || (m.window !== undefined && m.window !== shape.inputLength))
		return `the model input is ${shape.inputLength}x${shape.inputChannels}, not ${m.window ?? shape.inputLength}x${channels} (one ECG lead${channels > 1 ? ` and ${channels - 1} features` : ""})`;
	if (!isQuant(m.input) || !isQuant(m.output)) return "META.input / META.output quantization missing or out of range (scale > 0, integer zero_point in -128..127)";
	const bias = m.decision_bias;
	if (bias !== undefined) {
		if (!Array.isArray(bias) || bias.length !== classes.length || bias.some((b: unknown) => !Number.isInteger(b) || (b as number) < -255 || (b as number) > 255))
			return `META.decision_bias must give an integer in -255..255 for each of the ${classes.length} classes`;
		if (classes.length === 2) return "META.decision_bias is for multi-class models; two classes decide by t_star";
	}
	const score = m.t_star_score;
	if (score !== undefined && (!Number.isInteger(score) || score < -255 || score > 256 || classes.length !== 2))
		return "META.t_star_score must be an integer in -255..256 on a two-class model";
	const scoreMinutes = m.score_minutes ?? 1;
	if (!Number.isInteger(scoreMinutes) || scoreMinutes < 1 || scoreMinutes > APNEA_SCORE_MINUTES_MAX || (scoreMinutes > 1 && consumes !== "rr-sequence"))
		return `META.score_minutes must be an integer in 1..${APNEA_SCORE_MINUTES_MAX}, and 1 unless the model consumes an RR sequence`;
	return {
		name: typeof m.name === "string" ? m.name : undefined,
		consumes,
		classes,
		sampleRate: m.sample_rate,
		features: features ?? [],
		featureColumns,
		channels,
		input: m.input,
		output: m.output,
		tStar: typeof m.t_star === "number" ? m.t_star : 0.5,
		tStarScore: score,
		scoreMinutes,
		decisionBias: Int32Array.from(bias ?? new Array<number>(classes.length).fill(0)),
	};
}

/** The feature part on its own: META.features must be a list of names the app computes (featureColumnsOf decides). */
export function metaFeatureColumns(features: unknown, featureColumnsOf: FeatureColumns): Int32Array | string {
	if (!Array.isArray(features) || features.some((f: unknown) => typeof f !== "string")) return "META.features must list feature names";
	return featureColumnsOf(features);
}

export function isQuant(q: unknown): q is MetaQuant {
	const o = q as { scale?: unknown; zero_point?: unknown } | null;
	return !!o && typeof o.scale === "number" && o.scale > 0 && Number.isFinite(o.scale) && Number.isInteger(o.zero_point) && (o.zero_point as number) >= -128 && (o.zero_point as number) <= 127;
}
