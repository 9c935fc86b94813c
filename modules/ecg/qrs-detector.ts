import type { EcgSettings } from "./config.ts";
import { MovingSum } from "./moving-sum.ts";
import { PeakPicker } from "./peak-picker.ts";
import { RrHistory } from "./rr-history.ts";
import { BlockMinima } from "./block-minima.ts";
import type { SignalHistory } from "./signal-history.ts";

const NONE = -1;
const MAX_INT32 = 2147483647;
/** Peaks remembered while learning, classified once the thresholds exist (the first beats are not lost). */
const LEARNING_PEAKS = 16;
/**
 * A QRS complex is a burst: between two of them the integrated energy falls to near its baseline. A peak
 * counts as a QRS only if the energy fell below QUIET_NUMERATOR/32 of that peak since the last QRS.
 * Ventricular flutter and sustained muscle noise keep the energy up and fail this; on MIT-BIH it removes
 * about 60 % of the false detections (see modules/ecg/README.md).
 */
const QUIET_NUMERATOR = 5;
/** Search-back takes the largest rejected peak above this many eighths of the threshold. */
const SEARCH_BACK_EIGHTHS = 3;
/** The quiet test remembers the energy's minimum per block of this many samples... */
const QUIET_BLOCK = 4;
/** ...for the learning period plus this much (peaks found while learning are judged when it ends). */
const QUIET_MARGIN_SECONDS = 0.5;

/**
 * Pan-Tompkins QRS detector in integer arithmetic, fed the band-passed signal one sample at a time:
 * 5 Hz high-pass, derivative, squaring, 150 ms moving-window integration, Hamilton-Tompkins peak picking,
 * adaptive signal/noise thresholds, search-back for missed beats (at 166 % of the mean RR, against 3/8 of the
 * threshold), a 200 ms refractory period, the T-wave slope test (within 360 ms) and a quiet test (the energy
 * must have fallen to a fraction of the peak since the last QRS). A detection is refined
 * to the largest |filtered value| within 100 ms and reported, in order, as a sample index of the original
 * signal (beats found in the learning period are reported when it ends).
 */
export class QrsDetector {
	readonly rr = new RrHistory();
	#found: (position: number) => void;
	#settings: EcgSettings;
	#history: SignalHistory;
	/** Minima of the integrated energy, for the quiet test. */
	#energyMinima: BlockMinima;
	#highpass: MovingSum;
	#derivative: MovingSum;
	#integrator: MovingSum;
	#picker: PeakPicker;
	#centreAgo: number;
	#energyDivisor: number;
	#maxEnergy: number;
	/** Integrated energy at step t describes the signal around sample t - delay. */
	#delay: number;
	#primed = false;
	/** Steps since priming, up to the integration length: until then the integrator still holds priming zeros. */
	#integrated = 0;
	#learningEnd = 0;
	#learningMax = 0;
	#learningSum = 0;
	#signalLevel = 0;
	#noiseLevel = 0;
	#threshold = 0;
	#lastQrs = NONE;
	#lastSlope = 0;
	#lastBeat = NONE;
	#searchPeak = 0;
	#searchPosition = 0;
	#refined = 0;
	#slope = 0;
	#learnedValue = new Int32Array(LEARNING_PEAKS);
	#learnedPosition = new Float64Array(LEARNING_PEAKS);
	#learnedCount = 0;

	constructor(settings: EcgSettings, history: SignalHistory, found: (position: number) => void) {
		this.#found = found;
		this.#settings = settings;
		this.#history = history;
		const highpassLength = settings.detectHighpassLength;
		this.#highpass = new MovingSum(highpassLength);
		this.#derivative = new MovingSum(settings.derivativeSpan + 1);
		this.#integrator = new MovingSum(settings.integrationLength);
		this.#picker = new PeakPicker(settings.peakTimeout, settings.preBlank);
		let blocks = 2;
		while (blocks * QUIET_BLOCK < settings.learning + QUIET_MARGIN_SECONDS * settings.sampleRate) blocks *= 2;
		this.#energyMinima = new BlockMinima(QUIET_BLOCK, blocks);
		this.#centreAgo = (highpassLength - 1) >> 1;
		this.#energyDivisor = highpassLength << settings.energyShift;
		this.#maxEnergy = Math.floor(MAX_INT32 / settings.integrationLength);
		this.#delay = this.#centreAgo + ((settings.derivativeSpan + settings.integrationLength - 1) >> 1);
	}

	/** Forgets everything and learns thresholds again from sample `start` on. */
	restart(start: number): void {
		this.#primed = false;
		this.#energyMinima.clear();
		this.#picker.reset();
		this.#learningEnd = start + this.#settings.learning;
		this.#learningMax = this.#learningSum = this.#learnedCount = 0;
		this.#lastQrs = this.#lastBeat = NONE;
		this.#searchPeak = 0;
		this.rr.clear();
	}

	get learning(): boolean {
		return this.#learningEnd > 0;
	}

	/** `value` is the filtered sample `t`, already written to the history. */
	step(t: number, value: number): void {
		const energy = this.#energy(value);
		const integrated = this.#integrator.push(energy);
		// The zeros the integrator was primed with are not a quiet signal.
		if (this.#integrated === this.#integrator.length) this.#energyMinima.push(t, integrated);
		else this.#integrated++;
		const picked = this.#picker.step(integrated, t);
		if (this.#learningEnd > 0) {
			if (picked) this.#rememberPeak(this.#picker.value, this.#picker.position);
			this.#learn(t, integrated);
		} else if (picked && this.#classify(this.#picker.value, this.#picker.position)) return;
		else if (this.#searchBack(t)) return;
		else if (t - this.#lastQrs > this.#settings.relearnAfter) this.restart(t);
	}

	#energy(value: number): number {
		const highpass = this.#highpass;
		if (!this.#primed) {
			highpass.fill(value);
			this.#derivative.fill(0);
			this.#integrator.fill(0);
			this.#integrated = 0;
			this.#primed = true;
		}
		highpass.push(value);
		const centred = highpass.at(this.#centreAgo) * highpass.length - highpass.sum;
		const derivative = this.#derivative;
		derivative.push(centred);
		const slope = ((centred - derivative.at(derivative.length - 1)) / this.#energyDivisor) | 0;
		const energy = slope * slope;
		return energy > this.#maxEnergy ? this.#maxEnergy : energy;
	}

	#learn(t: number, integrated: number): void {
		if (integrated > this.#learningMax) this.#learningMax = integrated;
		this.#learningSum += integrated;
		if (t + 1 < this.#learningEnd) return;
		this.#signalLevel = this.#learningMax;
		this.#noiseLevel = Math.floor(this.#learningSum / this.#settings.learning);
		this.#updateThreshold();
		this.#learningEnd = 0;
		this.#lastQrs = t - this.#settings.learning; // not a beat: anchors the relearn timer
		this.#lastBeat = NONE;
		for (let i = 0; i < this.#learnedCount; i++) this.#classify(this.#learnedValue[i], this.#learnedPosition[i]);
	}

	#rememberPeak(value: number, position: number): void {
		if (this.#learnedCount === LEARNING_PEAKS) return;
		this.#learnedValue[this.#learnedCount] = value;
		this.#learnedPosition[this.#learnedCount++] = position;
	}

	#classify(peak: number, position: number): boolean {
		const sinceQrs = position - this.#lastQrs;
		if (this.#lastBeat !== NONE && sinceQrs < this.#settings.refractory) return false;
		if (peak > this.#threshold && !this.#isTWave(position, sinceQrs) && this.#roseFromQuiet(peak, position)) {
			this.#signalLevel += (peak - this.#signalLevel) >> 3;
			this.#accept(position);
			return true;
		}
		this.#noiseLevel += (peak - this.#noiseLevel) >> 3;
		this.#updateThreshold();
		const searchThreshold = (this.#threshold >> 3) * SEARCH_BACK_EIGHTHS;
		if (peak > searchThreshold && peak > this.#searchPeak && !this.#isTWave(position, sinceQrs) && this.#roseFromQuiet(peak, position)) {
			this.#searchPeak = peak;
			this.#searchPosition = position;
		}
		return false;
	}

	#searchBack(t: number): boolean {
		if (this.#searchPeak === 0) return false;
		const limit = ((this.rr.mean() * 166) / 100) | 0;
		if (limit === 0 || t - this.#lastQrs <= limit) return false;
		this.#signalLevel += (this.#searchPeak - this.#signalLevel) >> 2;
		this.#refine(this.#searchPosition);
		this.#accept(this.#searchPosition);
		return true;
	}

	#isTWave(position: number, sinceQrs: number): boolean {
		this.#refine(position);
		return this.#lastBeat !== NONE && sinceQrs < this.#settings.tWaveLimit && this.#slope < this.#lastSlope >> 1;
	}

	/** Whether the integrated energy fell to QUIET_NUMERATOR/32 of `peak` since the last QRS (or the oldest block kept). */
	#roseFromQuiet(peak: number, position: number): boolean {
		const lowest = this.#energyMinima.lowest(this.#lastQrs, position);
		return lowest >= 0 && lowest <= (peak >> 5) * QUIET_NUMERATOR; // stays within 32 bits
	}

	/** Expects #refine(position) to have run. */
	#accept(position: number): void {
		this.#updateThreshold();
		const beat = this.#refined;
		if (this.#lastBeat !== NONE && beat > this.#lastBeat) this.rr.add(beat - this.#lastBeat);
		this.#lastQrs = position;
		this.#lastSlope = this.#slope;
		this.#lastBeat = beat;
		this.#searchPeak = 0;
		this.#found(beat);
	}

	#updateThreshold(): void {
		this.#threshold = this.#noiseLevel + ((this.#signalLevel - this.#noiseLevel) >> 2);
	}

	/** Largest |filtered value| (#refined) and steepest slope (#slope) within refineRadius of the detection. */
	#refine(position: number): void {
		const history = this.#history;
		const span = this.#settings.derivativeSpan;
		const radius = this.#settings.refineRadius;
		const centre = position - this.#delay;
		const last = centre + radius < history.newest ? centre + radius : history.newest;
		let best = centre;
		let bestMagnitude = -1;
		let steepest = 0;
		for (let i = centre - radius; i <= last; i++) {
			const v = history.at(i);
			const magnitude = v < 0 ? -v : v;
			if (magnitude > bestMagnitude) {
				bestMagnitude = magnitude;
				best = i;
			}
			const rise = v - history.at(i - span);
			const steepness = rise < 0 ? -rise : rise;
			if (steepness > steepest) steepest = steepness;
		}
		this.#refined = best;
		this.#slope = steepest;
	}
}
