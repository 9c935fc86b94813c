import type { EcgSettings } from "./config.ts";
import { MovingSum } from "./moving-sum.ts";

/**
 * Linear-phase FIR band-pass built only from integer moving sums, so it is exact, deterministic and cheap:
 *   low-pass:  moving average over 1/mainsHz (zeros at the mains frequency and its harmonics), then a 2-tap
 *              average when that length is even (makes the total delay a whole number of samples);
 *   high-pass: the signal minus its baseline, the baseline being two cascaded moving averages of 0.86 s.
 * At 360 Hz with 60 Hz mains the passband is 0.67-26 Hz (-3 dB), the delay 312 samples (0.867 s).
 * Output is in ADC units (rounded once, at the end); step() returns the filtered value of the sample pushed
 * `delay` steps earlier. Because the response is finite, outputs more than `delay` samples after a reset
 * depend only on samples pushed after it.
 */
export class EcgFilter {
	readonly delay: number;
	#zero: number;
	#mains: MovingSum;
	#smooth: MovingSum;
	#baseline1: MovingSum;
	#baseline2: MovingSum;
	#centreAgo: number;
	#centreGain: number;
	#scale: number;
	#half: number;

	constructor(settings: EcgSettings) {
		const lowGain = settings.lowpassLength * settings.lowpassSmoothLength;
		const length = settings.highpassLength;
		this.delay = settings.filterDelay;
		this.#zero = settings.adcZero;
		this.#mains = new MovingSum(settings.lowpassLength);
		this.#smooth = new MovingSum(settings.lowpassSmoothLength);
		this.#baseline1 = new MovingSum(length);
		this.#baseline2 = new MovingSum(length);
		this.#centreAgo = length - 1;
		this.#centreGain = length * length;
		this.#scale = lowGain * length * length;
		this.#half = Math.floor(this.#scale / 2);
	}

	/** Starts over as if `sample` had been the input forever (no start-up step). */
	reset(sample: number): void {
		const x = sample - this.#zero;
		this.#mains.fill(x);
		this.#smooth.fill(this.#mains.sum);
		this.#baseline1.fill(this.#smooth.sum);
		this.#baseline2.fill(this.#baseline1.sum);
	}

	step(sample: number): number {
		const lowpassed = this.#smooth.push(this.#mains.push(sample - this.#zero));
		const baseline = this.#baseline2.push(this.#baseline1.push(lowpassed));
		// Exceeds 32 bits but stays an exact integer (< 2^53).
		const numerator = this.#baseline1.at(this.#centreAgo) * this.#centreGain - baseline;
		return Math.floor((numerator + this.#half) / this.#scale);
	}
}
