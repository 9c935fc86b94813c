// Minimal MIT-BIH access for the ECG tests: unpack records from the staged archive once (into the OS temp
// dir), decode format 212 and the beat annotations, and score detections against them.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const MITDB_ARCHIVE = process.env.MITDB_ARCHIVE ?? join(repoRoot, "..", "shared", "data", "mitbih_arrhythmia", "mitdb_48records_wfdb.tar.xz");
const cacheDir = join(tmpdir(), "hypertiny-ecg-mitdb");

/** MIT-BIH ADC: 11 bits, 200 units per mV, zero at 1024, 360 Hz. */
export const MITDB_CONFIG = { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 };

export function mitdbAvailable(): boolean {
	return existsSync(MITDB_ARCHIVE);
}

/** Paths of the .dat and .atr of `records`, unpacking whatever is missing (atomically: safe across processes). */
export function unpackRecords(records: string[]): string {
	const wanted = records.flatMap((r) => [`${r}.dat`, `${r}.atr`]);
	const missing = wanted.filter((f) => !existsSync(join(cacheDir, f)));
	if (missing.length > 0) {
		mkdirSync(cacheDir, { recursive: true });
		const scratch = mkdtempSync(join(tmpdir(), "hypertiny-ecg-unpack-"));
		try {
			execFileSync("tar", ["-xJf", MITDB_ARCHIVE, "-C", scratch, ...missing.map((f) => `mitdb/${f}`)]);
			for (const f of missing) renameSync(join(scratch, "mitdb", f), join(cacheDir, f));
		} finally {
			rmSync(scratch, { recursive: true, force: true });
		}
	}
	return cacheDir;
}

/** Channel `channel` (0 or 1) of a two-signal format-212 record. */
export function readSignal212(path: string, channel: 0 | 1): Int16Array {
	const bytes = readFileSync(path);
	const frames = Math.floor(bytes.length / 3);
	const out = new Int16Array(frames);
	for (let i = 0; i < frames; i++) {
		const b0 = bytes[3 * i];
		const b1 = bytes[3 * i + 1];
		const b2 = bytes[3 * i + 2];
		let v = channel === 0 ? b0 | ((b1 & 0x0f) << 8) : b2 | ((b1 & 0xf0) << 4);
		if (v > 2047) v -= 4096;
		out[i] = v;
	}
	return out;
}

// WFDB ecgcodes.h: the annotation codes that mark a beat (isqrs).
const BEAT_CODES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 34, 35, 38, 41]);
const SKIP = 59;
const AUX = 63;

export interface Annotation {
	sample: number;
	code: number;
}

export function readAnnotations(path: string): Annotation[] {
	const bytes = readFileSync(path);
	const out: Annotation[] = [];
	let time = 0;
	for (let i = 0; i + 1 < bytes.length; ) {
		const word = bytes[i] | (bytes[i + 1] << 8);
		i += 2;
		if (word === 0) break;
		const code = word >> 10;
		const interval = word & 0x3ff;
		if (code === SKIP) {
			const high = bytes[i] | (bytes[i + 1] << 8);
			const low = bytes[i + 2] | (bytes[i + 3] << 8);
			time += ((high << 16) | low) | 0;
			i += 4;
		} else if (code === AUX) i += interval + (interval & 1);
		else if (code < 59) {
			time += interval;
			out.push({ sample: time, code });
		}
	}
	return out;
}

export function beatSamples(annotations: Annotation[]): number[] {
	return annotations.filter((a) => BEAT_CODES.has(a.code)).map((a) => a.sample);
}

export interface Score {
	truePositives: number;
	falseNegatives: number;
	falsePositives: number;
	sensitivity: number;
	positivePredictivity: number;
	/** detection - reference, in samples, for matched beats */
	offsets: number[];
}

/** One-to-one matching of sorted detections to sorted reference beats within ±tolerance samples. */
export function scoreDetections(reference: ArrayLike<number>, detected: ArrayLike<number>, tolerance: number): Score {
	let truePositives = 0;
	const offsets: number[] = [];
	let j = 0;
	for (let i = 0; i < reference.length; i++) {
		const r = reference[i];
		while (j < detected.length && detected[j] < r - tolerance) j++;
		if (j < detected.length && detected[j] <= r + tolerance) {
			offsets.push(detected[j] - r);
			truePositives++;
			j++;
		}
	}
	const falseNegatives = reference.length - truePositives;
	const falsePositives = detected.length - truePositives;
	return {
		truePositives,
		falseNegatives,
		falsePositives,
		sensitivity: truePositives / reference.length,
		positivePredictivity: detected.length === 0 ? 0 : truePositives / detected.length,
		offsets,
	};
}
