// The end-of-run comparison of what the device reported with the record's reference annotations.
import { APNEA_CLASS_APNEA, APNEA_CLASS_NORMAL, APNEA_CLASS_NOT_ASSESSED, MODEL_STATUS_NAMES, type ApneaMinutePacket } from "../../modules/ble/protocol.ts";
import type { ReferenceBeat } from "./ecg-resource.ts";
import type { RhythmSegment } from "../data/rhythm.ts";

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
	/** Atrial fibrillation: the device's episodes (its AF events) against the record's "(AFIB" segments, in seconds. */
	af: AfSummary | undefined;
	/** Sleep apnea per minute as the device reported it; undefined when it said nothing of apnea (before protocol 4). */
	apnea: ApneaSummary | undefined;
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

export interface AfSummary {
	deviceEpisodes: number;
	deviceSeconds: number;
	annotatedEpisodes: number;
	annotatedSeconds: number;
	/** Seconds both call AF. */
	overlapSeconds: number;
}

/**
 * AF episodes from the device's event stream (af-onset / af-offset sample indices in order; one still open at the end
 * runs to `samples`) against the annotated "(AFIB" segments. Undefined when the record has no rhythm annotations and
 * the device reported no AF.
 */
export function summarizeAf(events: { onset: boolean; sampleIndex: number }[], rhythm: readonly RhythmSegment[], samples: number, sampleRate: number): AfSummary | undefined {
	const device: { start: number; end: number }[] = [];
	let open = -1;
	for (const e of events) {
		if (e.onset && open < 0) open = e.sampleIndex;
		else if (!e.onset && open >= 0) {
			device.push({ start: open, end: e.sampleIndex });
			open = -1;
		}
	}
	if (open >= 0) device.push({ start: open, end: samples });
	if (rhythm.length === 0 && device.length === 0) return undefined;
	const annotated = rhythm.filter((r) => r.rhythm === "AFIB");
	const total = (list: { start: number; end: number }[]) => list.reduce((n, e) => n + e.end - e.start, 0);
	let overlap = 0;
	for (const d of device) for (const a of annotated) overlap += Math.max(0, Math.min(d.end, a.end) - Math.max(d.start, a.start));
	return {
		deviceEpisodes: device.length,
		deviceSeconds: total(device) / sampleRate,
		annotatedEpisodes: annotated.length,
		annotatedSeconds: total(annotated) / sampleRate,
		overlapSeconds: overlap / sampleRate,
	};
}

export interface ApneaSummary {
	/** The apnea model's status as the device reported it: ready, missing, invalid, incompatible. */
	model: string;
	minutes: number;
	apnea: number;
	normal: number;
	notAssessed: number;
	/** Apnea minutes per hour of the minutes assessed (the per-minute analogue of an apnea index), null with none. */
	apneaPerHour: number | null;
	/**
	 * What the minutes can be compared with: nothing on MIT-BIH, whose records carry beat and rhythm labels but no
	 * apnea labels (Apnea-ECG's do, but its ECG signals are not in this project's copy).
	 */
	labels: string;
}

export const NO_APNEA_LABELS = "none: MIT-BIH records carry no apnea labels, so the minutes are not scored";

/** The device's apnea minutes (each minute once, in any order) and its apnea model's status (MODEL_*). */
export function summarizeApnea(status: number | undefined, minutes: readonly ApneaMinutePacket[]): ApneaSummary | undefined {
	if (status === undefined) return undefined;
	const byIndex = new Map(minutes.map((m) => [m.index, m.classIndex]));
	const count = (c: number) => [...byIndex.values()].filter((x) => x === c).length;
	const apnea = count(APNEA_CLASS_APNEA), normal = count(APNEA_CLASS_NORMAL);
	return {
		model: MODEL_STATUS_NAMES[status] ?? String(status),
		minutes: byIndex.size,
		apnea,
		normal,
		notAssessed: count(APNEA_CLASS_NOT_ASSESSED),
		apneaPerHour: apnea + normal > 0 ? (60 * apnea) / (apnea + normal) : null,
		labels: NO_APNEA_LABELS,
	};
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
	/** The device's AF events in order, and the record's rhythm segments. */
	afEvents?: { onset: boolean; sampleIndex: number }[];
	rhythm?: RhythmSegment[];
	/** The apnea model's status and the minutes the device sent (the apnea characteristic). */
	apnea?: { status: number | undefined; minutes: ApneaMinutePacket[] };
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
		af: summarizeAf(args.afEvents ?? [], args.rhythm ?? [], args.samples, sampleRate),
		apnea: args.apnea ? summarizeApnea(args.apnea.status, args.apnea.minutes) : undefined,
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
	if (s.af) {
		const min = (x: number) => (x / 60).toFixed(1);
		const a = s.af;
		lines.push(
			`atrial fibrillation: device ${a.deviceEpisodes} episode${a.deviceEpisodes === 1 ? "" : "s"}, ${min(a.deviceSeconds)} min; ` +
				`annotations ${a.annotatedEpisodes}, ${min(a.annotatedSeconds)} min; both ${min(a.overlapSeconds)} min`,
		);
	}
	if (s.apnea) lines.push(apneaSummaryLine(s.apnea));
	if (s.classes.length) {
		lines.push("", "class      device  annotated  matched and agreeing");
		for (const c of s.perClass) lines.push(`${c.name.padEnd(10)} ${String(c.device).padStart(6)}  ${String(c.annotated).padStart(9)}  ${String(c.matchedCorrect).padStart(8)}`);
	}
	return lines.join("\n") + "\n";
}

/** "sleep apnea: 26 minutes, 2 called apnea (4.8 per hour of the 25 assessed), 1 not assessed; labels: none: ..." */
export function apneaSummaryLine(a: ApneaSummary): string {
	if (a.model !== "ready") return `sleep apnea: no minutes (apnea model ${a.model})`;
	if (a.minutes === 0) return "sleep apnea: no minute complete (the first needs 4:46 of ECG)";
	const assessed = a.apnea + a.normal;
	const rate = a.apneaPerHour === null ? "" : ` (${a.apneaPerHour.toFixed(1)} per hour of the ${assessed} assessed)`;
	return `sleep apnea: ${a.minutes} minute${a.minutes === 1 ? "" : "s"}, ${a.apnea} called apnea${rate}${a.notAssessed ? `, ${a.notAssessed} not assessed` : ""}; labels to compare with: ${a.labels}`;
}
