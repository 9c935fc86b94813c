// What the emulated board's ADC plays: a window of an MIT-BIH record at the board's sample rate (MIT-BIH's 360 Hz:
// played as recorded; another rate is resampled), described as the board's ADC describes it
// (modules/app/adc-input.ts: adcZero = top >> 1, rails 0 and top).
import { loadRecording, type EcgRecording } from "../app/ecg-resource.ts";

export interface BoardAdc {
	sampleRate: number;
	adcBits: number;
	adcGain: number;
}

/** Linear interpolation in integers (round half up), so host and device get the same samples from one place. */
export function resample(samples: Int16Array, from: number, to: number): Int16Array {
	if (!Number.isInteger(from) || !Number.isInteger(to) || from <= 0 || to <= 0) throw new RangeError(`resample: rates ${from} and ${to} must be positive integers`);
	const n = Math.floor(((samples.length - 1) * to) / from) + 1;
	const out = new Int16Array(Math.max(0, n));
	for (let k = 0; k < out.length; k++) {
		const num = k * from;
		const i = Math.floor(num / to);
		const frac = num - i * to;
		const a = samples[i]!;
		const b = frac === 0 ? a : samples[i + 1]!;
		out[k] = a + Math.floor(((b - a) * frac * 2 + to) / (2 * to));
	}
	return out;
}

/**
 * `seconds` of `record` from `startSecond`, at the board's rate, with the board's ADC description. The samples
 * are the record's ADC values: the board's ADC must have the record's resolution and gain.
 */
export async function boardRecording(record: string, startSecond: number, seconds: number, adc: BoardAdc): Promise<EcgRecording> {
	const rec = await loadRecording(record);
	const top = (1 << adc.adcBits) - 1;
	if (rec.adcMin < 0 || rec.adcMax > top || rec.adcGain !== adc.adcGain)
		throw new RangeError(`record ${record}: ${rec.adcMin}..${rec.adcMax} at ${rec.adcGain} units/mV is not the board's ${adc.adcBits}-bit ADC at ${adc.adcGain}`);
	const first = Math.round(startSecond * rec.sampleRate);
	const count = Math.round(seconds * rec.sampleRate);
	if (first < 0 || count <= 0 || first + count > rec.samples.length)
		throw new RangeError(`record ${record} holds ${(rec.samples.length / rec.sampleRate).toFixed(0)} s; ${startSecond}+${seconds} s do not fit`);
	const resampled = resample(rec.samples.subarray(first, first + count + 1), rec.sampleRate, adc.sampleRate);
	const samples = resampled.slice(0, Math.round(seconds * adc.sampleRate));
	return {
		...rec,
		sampleRate: adc.sampleRate,
		adcGain: adc.adcGain,
		adcZero: top >> 1,
		adcMin: 0,
		adcMax: top,
		samples,
		beats: rec.beats
			.filter((b) => b.sample >= first && b.sample < first + count)
			.map((b) => ({ ...b, sample: Math.round(((b.sample - first) * adc.sampleRate) / rec.sampleRate) })),
	};
}
