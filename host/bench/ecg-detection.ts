// R-peak detection of modules/ecg over the MIT-BIH Arrhythmia Database, scored the EC57 way: every reference
// beat annotation (the beat labels of WFDB's isqrs(); rhythm, noise, comment and flutter-wave annotations are
// not beats) over the whole record, channel 0 (MLII), matched one-to-one to the beats the pipeline delivers
// within ±150 ms. A missed annotation is a false negative, an unmatched delivery a false positive.
import { mitdbPath } from "../data/mitdb-path.ts";
import { listRecords, loadRecord } from "../data/records.ts";
import { isBeatSymbol } from "../data/wfdb/codes.ts";
import { EcgPipeline } from "../../modules/ecg/pipeline.ts";
import type { EcgConfig } from "../../modules/ecg/config.ts";

/** MIT-BIH ADC: 11 bits, 200 units per mV, zero at 1024, 360 Hz. */
export const MITDB_CONFIG: EcgConfig = { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 };
export const TOLERANCE_MS = 150;
/** Issue 4's acceptance: overall sensitivity and positive predictivity each at least this. */
export const ACCEPTANCE = 0.995;

export interface Score {
	truePositives: number;
	falseNegatives: number;
	falsePositives: number;
	sensitivity: number;
	positivePredictivity: number;
	/** detection - reference, in samples, for matched beats */
	offsets: number[];
	/** Reference beats with no detection, and detections with no reference beat (sample indices). */
	missed: number[];
	extra: number[];
}

/** One-to-one matching of sorted detections to sorted reference beats within ±tolerance samples. */
export function scoreDetections(reference: ArrayLike<number>, detected: ArrayLike<number>, tolerance: number): Score {
	const offsets: number[] = [];
	const missed: number[] = [];
	const matched = new Uint8Array(detected.length);
	let j = 0;
	for (let i = 0; i < reference.length; i++) {
		const r = reference[i];
		while (j < detected.length && detected[j] < r - tolerance) j++;
		// Of two detections in range, take the nearer one (the farther may belong to the next beat).
		if (j + 1 < detected.length && detected[j + 1] <= r + tolerance && Math.abs(detected[j + 1] - r) < Math.abs(detected[j] - r)) j++;
		if (j < detected.length && detected[j] <= r + tolerance) {
			offsets.push(detected[j] - r);
			matched[j++] = 1;
		} else missed.push(r);
	}
	const extra: number[] = [];
	for (let k = 0; k < detected.length; k++) if (matched[k] === 0) extra.push(detected[k]);
	const truePositives = offsets.length;
	return {
		truePositives,
		falseNegatives: missed.length,
		falsePositives: extra.length,
		sensitivity: reference.length === 0 ? 1 : truePositives / reference.length,
		positivePredictivity: detected.length === 0 ? 0 : truePositives / detected.length,
		offsets,
		missed,
		extra,
	};
}

/** Channel 0 (MLII) of a record and the sample positions of its annotated beats. */
export async function loadMitdbBeats(record: string, dir?: string): Promise<{ samples: Int16Array; beats: number[] }> {
	const { signals, annotations } = await loadRecord(dir ?? (await mitdbPath()), record);
	return { samples: signals[0], beats: annotations.filter((a) => isBeatSymbol(a.symbol)).map((a) => a.sample) };
}

/** R peaks of the beats EcgPipeline delivers for a whole record. */
export function deliveredBeats(samples: Int16Array, config: EcgConfig = MITDB_CONFIG): number[] {
	const found: number[] = [];
	const pipeline = new EcgPipeline(config, (beat) => {
		found.push(beat.sampleIndex);
	});
	pipeline.pushBlock(samples);
	pipeline.flush();
	return found;
}

export interface RecordRow {
	record: string;
	beats: number;
	detected: number;
	tp: number;
	fn: number;
	fp: number;
	se: number;
	ppv: number;
}

export interface DetectionReport {
	database: string;
	channel: string;
	scored: string;
	tolerance_ms: number;
	records: RecordRow[];
	overall: Omit<RecordRow, "record">;
	acceptance: { se_min: number; ppv_min: number; met: boolean };
}

/** onRecord: called after each record is scored (progress). */
export async function detectionReport(records?: string[], onRecord?: (record: string, done: number, total: number) => void): Promise<{ report: DetectionReport; scores: Map<string, Score> }> {
	const dir = await mitdbPath();
	const names = records ?? (await listRecords(dir));
	const tolerance = Math.round((TOLERANCE_MS * MITDB_CONFIG.sampleRate) / 1000);
	const rows: RecordRow[] = [];
	const scores = new Map<string, Score>();
	for (const record of names) {
		const { samples, beats } = await loadMitdbBeats(record, dir);
		const detected = deliveredBeats(samples);
		const score = scoreDetections(beats, detected, tolerance);
		scores.set(record, score);
		rows.push({
			record,
			beats: beats.length,
			detected: detected.length,
			tp: score.truePositives,
			fn: score.falseNegatives,
			fp: score.falsePositives,
			se: score.sensitivity,
			ppv: score.positivePredictivity,
		});
		onRecord?.(record, rows.length, names.length);
	}
	const sum = (key: "beats" | "detected" | "tp" | "fn" | "fp") => rows.reduce((s, r) => s + r[key], 0);
	const tp = sum("tp");
	const overall = { beats: sum("beats"), detected: sum("detected"), tp, fn: sum("fn"), fp: sum("fp"), se: tp / sum("beats"), ppv: tp / sum("detected") };
	const report: DetectionReport = {
		database: "MIT-BIH Arrhythmia Database, 48 records, 360 Hz",
		channel: "0 (MLII in 46 records)",
		scored:
			"every reference beat annotation (N L R B A a J S V r F e j n E / f Q ?) over the whole record against the beats EcgPipeline delivers (onBeat), matched one-to-one",
		tolerance_ms: TOLERANCE_MS,
		records: rows,
		overall,
		acceptance: { se_min: ACCEPTANCE, ppv_min: ACCEPTANCE, met: overall.se >= ACCEPTANCE && overall.ppv >= ACCEPTANCE },
	};
	return { report, scores };
}

export function detectionTable(report: DetectionReport): string {
	const pct = (x: number) => (100 * x).toFixed(2).padStart(7);
	const line = (name: string, r: Omit<RecordRow, "record">) =>
		`${name.padEnd(7)} ${String(r.beats).padStart(6)} ${String(r.tp).padStart(6)} ${String(r.fn).padStart(5)} ${String(r.fp).padStart(5)} ${pct(r.se)} ${pct(r.ppv)}`;
	const lines = [
		`R-peak detection, ${report.database}, channel ${report.channel}, ±${report.tolerance_ms} ms, ${report.scored}`,
		"record   beats     TP    FN    FP   Se %   PPV %",
		...report.records.map((r) => line(r.record, r)),
		line("overall", report.overall),
		`acceptance (Se and PPV each >= ${pct(report.acceptance.se_min).trim()} % overall): ${report.acceptance.met ? "met" : "NOT met"}`,
	];
	return lines.join("\n") + "\n";
}
