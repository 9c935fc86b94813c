// The beat classes as the device app reports them, rhythm included (modules/app/monitor.ts): the AF detector
// (modules/rhythm/af-detector.ts, its shipped parameters) runs over each record's beats in time order, fed the
// model's own confident V calls as ectopic (ectopicForAf, with the classifier's softmax confidence) and the RR
// intervals; while it reports AF, each beat's class goes through classDuringAf (modules/rhythm/beat-in-af.ts) with its
// tpl_corr. The RR intervals and tpl_corr here are the windows' features (rr_pre_s / rr_post_s, tpl_corr), which the
// dataset builder computed from the annotated beats with the device's C (the device's come from its own detected beats).
import type { DatasetIndex } from "../data/dataset-format.ts";
import { AF_DEFAULTS, AfDetector, ectopicForAf } from "../../modules/rhythm/af-detector.ts";
import { AF_V_TEMPLATE_MATCH, classDuringAf } from "../../modules/rhythm/beat-in-af.ts";
import { softmaxNumerators } from "../../modules/app/softmax.ts";

/** The features rr_pre_s / rr_post_s are RR in seconds minus this (CENTRE_S of native/src/ht_ecg_rr.c, which computes them; test/beat-in-af holds the two equal). */
const RR_S_OFFSET = 0.8;

/** Each window's place in its record's beat sequence: windows [first, first + count) of a dataset. */
export interface BeatOrder {
	sampleRate: number;
	/** Per record, its windows (0-based within the range) in time order. */
	records: number[][];
	sample: Uint32Array;
	rrPrevious: Int32Array;
	rrNext: Int32Array;
	/** Each window's tpl_corr: its QRS against the patient's dominant beat. */
	templateMatch: Float32Array;
}

export interface OutputQuant {
	scale: number;
	zero_point: number;
}

export function beatOrderOf(index: DatasetIndex, features: Float32Array, record: Uint16Array, sample: Uint32Array, first: number, count: number): BeatOrder {
	const names = index.features;
	const pre = names.indexOf("rr_pre_s");
	const post = names.indexOf("rr_post_s");
	const match = names.indexOf("tpl_corr");
	if (pre < 0 || post < 0) throw new Error("the dataset's features lack rr_pre_s / rr_post_s, which the AF detector needs");
	if (match < 0) throw new Error("the dataset's features lack tpl_corr, which the app's rule for V calls in AF reads");
	const n = names.length;
	const rate = index.sampleRate;
	const toSamples = (v: number) => Math.max(0, Math.round((v + RR_S_OFFSET) * rate));
	const rrPrevious = new Int32Array(count);
	const rrNext = new Int32Array(count);
	const templateMatch = new Float32Array(count);
	const byRecord = new Map<number, number[]>();
	for (let i = 0; i < count; i++) {
		const w = first + i;
		rrPrevious[i] = toSamples(features[w * n + pre]!);
		rrNext[i] = toSamples(features[w * n + post]!);
		templateMatch[i] = features[w * n + match]!;
		const r = record[w]!;
		let list = byRecord.get(r);
		if (!list) byRecord.set(r, (list = []));
		list.push(i);
	}
	const windowSample = sample.slice(first, first + count);
	const records = [...byRecord.values()].map((list) => list.sort((a, b) => windowSample[a]! - windowSample[b]!));
	return { sampleRate: rate, records, sample: windowSample, rrPrevious, rrNext, templateMatch };
}

/**
 * The classes the app reports for these decisions (int8 outputs [window][classes], decided: the model's classes by
 * its decision rule), and which windows the AF detector had in AF when they came (its state after the beat before).
 * vMatch: classDuringAf's, the app's unless an earlier release is reproduced.
 */
export function decideWithRhythm(order: BeatOrder, outputs: Int8Array, classNames: readonly string[], decided: Uint8Array, quant: (window: number) => OutputQuant, vMatch = AF_V_TEMPLATE_MATCH): { classes: Uint8Array; inAf: Uint8Array } {
	const k = classNames.length;
	const classes = decided.slice();
	const inAf = new Uint8Array(decided.length);
	const p = new Float64Array(k);
	for (const windows of order.records) {
		const detector = new AfDetector(order.sampleRate, AF_DEFAULTS);
		for (const w of windows) {
			if (detector.inAf) {
				inAf[w] = 1;
				classes[w] = classDuringAf(classNames, decided[w]!, order.templateMatch[w]!, vMatch);
			}
			const cls = classes[w]!;
			const { scale, zero_point } = quant(w);
			const sum = softmaxNumerators(outputs, w * k, k, zero_point, scale, p);
			const confidence = p[cls]! / sum;
			detector.beat(order.rrPrevious[w]!, order.rrNext[w]!, ectopicForAf(classNames[cls], confidence), order.sample[w]!);
		}
	}
	return { classes, inAf };
}
