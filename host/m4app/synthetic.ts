// Synthetic ECG for the per-second figures at set heart rates: Gaussian P, Q, R, S, T waves (mV) at a fixed
// rate, with a slow baseline wander and a little deterministic noise so the quality gates see a live signal,
// as ADC units of the board's front end. "rest" is the same baseline with no beats: what the pipeline costs
// when there is nothing to detect.
import { Xorshift32 } from "../../modules/runtime/xorshift32.ts";

export interface AdcScale {
	sampleRate: number;
	adcGain: number;
	adcZero: number;
	adcMin: number;
	adcMax: number;
}

const WAVES: [at: number, width: number, mv: number][] = [
	[-0.16, 0.025, 0.15],
	[-0.02, 0.008, -0.15],
	[0, 0.01, 1.3],
	[0.025, 0.008, -0.3],
	[0.25, 0.04, 0.3],
];

/** `seconds` of signal at `bpm` beats per minute (0: no beats). */
export function syntheticEcg(adc: AdcScale, bpm: number, seconds: number, seed = 1): Int16Array {
	const n = Math.round(seconds * adc.sampleRate);
	const out = new Int16Array(n);
	const rng = new Xorshift32(seed);
	const period = bpm > 0 ? 60 / bpm : Infinity;
	for (let i = 0; i < n; i++) {
		const t = i / adc.sampleRate;
		let mv = 0.1 * Math.sin(2 * Math.PI * 0.3 * t) + 0.02 * (rng.next() / 0x100000000 - 0.5);
		if (bpm > 0) {
			// The nearest beat (the first half a period in); waves reach at most 0.35 s either side.
			const k = Math.round((t - period / 2) / period);
			for (const beat of [k - 1, k, k + 1]) {
				if (beat < 0) continue;
				const dt = t - (period / 2 + beat * period);
				for (const [at, width, amp] of WAVES) mv += amp * Math.exp(-0.5 * ((dt - at) / width) ** 2);
			}
		}
		out[i] = Math.max(adc.adcMin, Math.min(adc.adcMax, Math.round(adc.adcZero + mv * adc.adcGain)));
	}
	return out;
}
