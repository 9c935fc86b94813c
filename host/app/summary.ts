// The end-of-run comparison of what the device reported with the record's reference annotations.
import type { ReferenceBeat } from "./ecg-resource.ts";

export interface DeviceBeat {
	sampleIndex: number;
	className: string | undefined;
}

export interface RunSummary {
	record: string;
	seconds: number;
	wallSeconds: number;
	speed: number;
	annotatedBeats: number;
	detectedBeats: number;
	matchedBeats: number;
	/** Detection with the standard ±150 ms tolerance: matched / annotated and matched / detected. */
	sensitivity: number;
	positivePredictivity: number;
	classes: string[];
	/** Per model class: beats the device gave it, and annotated beats of that class (AAMI mapping). */
	perClass: { name: string; device: number; annotated: number; matchedCorrect: number }[];
	heartRate: { device: number; annotated: number };
	model: string;
	stats: Record<string, unknown> | undefined;
}

/**
 * The annotated class a model class stands for: a class named like an AAMI class (N, S, V, F, Q) is that class;
 * in a binary task the other class ("rest") is every beat not of the named one.
 */
export function annotatedClassOf(classes: string[], beat: ReferenceBeat): string | undefined {
	if (beat.aami !== undefined && classes.includes(beat.aami)) return beat.aami;
	if (classes.length === 2) {
		const named = classes.find((c) => ["N", "S", "V", "F", "Q"].includes(c));
		const other = classes.find((c) => c !== named);
		if (named && other) return other;
	}
	return undefined;
}

/** Greedy one-to-one matching in time order within `tolerance` samples. */
export function matchBeats(reference: number[], detected: number[], tolerance: number): Array<[number, number]> {
	const pairs: Array<[number, number]> = [];
	let j = 0;
	for (let i = 0; i < reference.length; i++) {
		while (j < detected.length && detected[j] < reference[i] - tolerance) j++;
		if (j < detected.length && Math.abs(detected[j] - reference[i]) <= tolerance) pairs.push([i, j++]);
	}
	return pairs;
}

function medianRrBpm(positions: number[], sampleRate: number): number {
	const rr = positions.slice(1).map((p, i) => p - positions[i]).sort((a, b) => a - b);
	return rr.length ? Math.round((60 * sampleRate) / rr[rr.length >> 1]) : 0;
}

export function summarize(args: {
	record: string;
	sampleRate: number;
	samples: number;
	wallSeconds: number;
	reference: ReferenceBeat[];
	beats: DeviceBeat[];
	classes: string[];
	model: string;
	stats: Record<string, unknown> | undefined;
}): RunSummary {
	const { reference, beats, classes, sampleRate } = args;
	const tolerance = Math.round(0.15 * sampleRate);
	const pairs = matchBeats(reference.map((b) => b.sample), beats.map((b) => b.sampleIndex), tolerance);
	const perClass = classes.map((name) => ({
		name,
		device: beats.filter((b) => b.className === name).length,
		annotated: reference.filter((b) => annotatedClassOf(classes, b) === name).length,
		matchedCorrect: pairs.filter(([i, j]) => beats[j].className === name && annotatedClassOf(classes, reference[i]) === name).length,
	}));
	const seconds = args.samples / sampleRate;
	return {
		record: args.record,
		seconds,
		wallSeconds: args.wallSeconds,
		speed: seconds / args.wallSeconds,
		annotatedBeats: reference.length,
		detectedBeats: beats.length,
		matchedBeats: pairs.length,
		sensitivity: reference.length ? pairs.length / reference.length : 0,
		positivePredictivity: beats.length ? pairs.length / beats.length : 0,
		classes,
		perClass,
		heartRate: { device: medianRrBpm(beats.map((b) => b.sampleIndex), sampleRate), annotated: medianRrBpm(reference.map((b) => b.sample), sampleRate) },
		model: args.model,
		stats: args.stats,
	};
}

function pct(x: number): string {
	return (100 * x).toFixed(2) + "%";
}

export function formatSummary(s: RunSummary): string {
	const lines = [
		`record ${s.record}: ${(s.seconds / 60).toFixed(1)} min of ECG in ${s.wallSeconds.toFixed(1)} s wall (${s.speed.toFixed(0)}x real time)`,
		`beats: ${s.detectedBeats} delivered by the device, ${s.annotatedBeats} annotated, ${s.matchedBeats} matched within 150 ms (sensitivity ${pct(s.sensitivity)}, positive predictivity ${pct(s.positivePredictivity)})`,
		`heart rate (median RR): device ${s.heartRate.device} bpm, annotations ${s.heartRate.annotated} bpm`,
		`model: ${s.model}`,
	];
	if (s.classes.length) {
		lines.push("", "class      device  annotated  matched and agreeing");
		for (const c of s.perClass) lines.push(`${c.name.padEnd(10)} ${String(c.device).padStart(6)}  ${String(c.annotated).padStart(9)}  ${String(c.matchedCorrect).padStart(8)}`);
	}
	return lines.join("\n") + "\n";
}
