// MIT-BIH for the ECG tests: records through the project's WFDB reader (host/data), beats scored against the
// reference annotations.
import { mitdbPath } from "../host/data/mitdb-path.ts";
import { loadRecord } from "../host/data/records.ts";
import { isBeatSymbol } from "../host/data/wfdb/codes.ts";

/** MIT-BIH ADC: 11 bits, 200 units per mV, zero at 1024, 360 Hz. */
export const MITDB_CONFIG = { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 };

/** Channel 0 (MLII) of a record and the sample positions of its annotated beats. */
export async function loadMitdbBeats(record: string): Promise<{ samples: Int16Array; beats: number[] }> {
	const { signals, annotations } = await loadRecord(await mitdbPath(), record);
	return { samples: signals[0], beats: annotations.filter((a) => isBeatSymbol(a.symbol)).map((a) => a.sample) };
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
