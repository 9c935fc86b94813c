// Atrial fibrillation from the beat stream, after Petrėnas A, Marozas V, Sörnmo L. "Low-complexity detection of
// atrial fibrillation in continuous long-term monitoring", Comput Biol Med 65:184-191, 2015: ectopic beats are
// taken out, the irregularity of an 8-interval sliding window of the remaining RR intervals is smoothed by a
// one-pole filter and compared with a threshold. Here the irregularity is the median absolute successive difference
// of the window over its median RR, and a lower threshold ends an episode. An episode is reported once it has lasted
// `minEpisodeS` (a Holter's minimum AF duration; the guideline definition of an AF episode is 30 s), and it is dated
// from where the irregularity rose to the episode level, not from the beat at which it was confirmed.
// Ectopic beats come from the beat classifier (confident V: ectopicForAf) and from the RR pattern of a premature beat (short interval,
// then a compensatory pause); an interval touching an ectopic beat never enters the window, so bigeminy and
// frequent isolated ectopy leave a regular window; a stretch of WINDOW beats without one normal interval (a ventricular
// rhythm, a long run) restarts the window and ends an episode, since nothing shows the atria fibrillate. Integers
// only: device, simulators and host agree bit for bit.
// One definition for the device app (modules/app) and the host's evaluation (host/rhythm).
import { sortedInsert, sortedReplace } from "../ecg/lower-median.ts";

export const AF_NONE = 0;
export const AF_ONSET = 1;
export const AF_OFFSET = 2;

/** Irregularity and thresholds are in 1/IRREGULARITY_ONE of the window's median RR. */
export const IRREGULARITY_ONE = 1024;

export interface AfParameters {
	/** The smoothed irregularity at or above which AF starts (1/1024 units). */
	onset: number;
	/** ... and below which it ends; at most `onset`. */
	offset: number;
	/** The one-pole smoother's step: s += (x - s) >> smoothing. 0: no smoothing. */
	smoothing: number;
	/** A premature beat: its RR below prematurity/1024 of the window's median, the next RR above (2048 − prematurity)/1024 of it. */
	prematurity: number;
	/**
	 * Heart-rate weighting, as Petrėnas et al. fuse rate with irregularity (AF is rarely slow): the irregularity is
	 * scaled by rateReferenceMs / the window's median RR, so it counts in full at that RR, more when faster, less
	 * when slower. 0: no weighting.
	 */
	rateReferenceMs: number;
	/**
	 * Seconds an episode must last, from where the smoothed irregularity reached `offset`, before it is reported
	 * (onset events then carry that earlier sample index); shorter irregular stretches are not AF. 0: reported at once.
	 */
	minEpisodeS: number;
}

/**
 * The device stream's choice on all of DS1 by the rule each leave-one-record-out fold uses (best pooled per-beat
 * Se + Sp; `hypertiny rhythm cv`, results/rhythm/af-cv.json; test/rhythm-cli.test.ts holds the two equal).
 */
export const AF_DEFAULTS: Readonly<AfParameters> = { onset: 56, offset: 42, smoothing: 2, prematurity: 896, rateReferenceMs: 900, minEpisodeS: 30 };

const WINDOW = 8;
/** Irregularities above this (in 1/1024) are clamped so that one noise burst cannot hold AF for long. */
const CLAMP = 4 * IRREGULARITY_ONE;

export function checkAfParameters(p: AfParameters): void {
	const int = (name: keyof AfParameters, min: number, max: number) => {
		const v = p[name];
		if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`AF detector: ${name} must be an integer in ${min}..${max}, got ${v}`);
	};
	int("onset", 1, CLAMP);
	int("offset", 1, p.onset);
	int("smoothing", 0, 8);
	int("prematurity", 1, IRREGULARITY_ONE);
	int("rateReferenceMs", 0, 3000);
	int("minEpisodeS", 0, 600);
}

/** The classifier's probability a V call needs before its beat stays out of the AF window (ectopicForAf). */
export const AF_ECTOPIC_CONFIDENCE = 0.9;

/**
 * Whether a beat the classifier called `className` with probability `confidence` stays out of the AF window as
 * ectopic: V called with at least AF_ECTOPIC_CONFIDENCE. S is what a beat classifier calls many beats of AF itself
 * (irregular, early), and it calls some V too, doubtfully. On DS1 leave-one-record-out (`npx hypertiny rhythm cv`,
 * app stream, the N/S/V/F default, whose classes are in-sample there) V and S gave AF Se 76.9 % / Sp 96.7 %, any V
 * 83.0 % / 96.8 %, V at ≥ 0.9 93.9 % / 97.7 %, at ≥ 0.99 77.8 % / 96.5 %. Premature S beats are caught by the
 * detector's own prematurity rule.
 */
export function ectopicForAf(className: string | undefined, confidence: number): boolean {
	return className === "V" && confidence >= AF_ECTOPIC_CONFIDENCE;
}

export class AfDetector {
	readonly parameters: Readonly<AfParameters>;
	/** True while in an AF episode. */
	inAf = false;
	/** Samples of RR intervals that ended in AF, and of all RR intervals seen (burden = afSamples / samples). */
	afSamples = 0;
	samples = 0;
	/** Sample index (as given to beat()) where the last reported episode began / the last one ended. */
	onsetSample = -1;
	offsetSample = -1;
	episodes = 0;
	/** The smoothed irregularity (1/1024), for traces and tests. */
	smoothed = 0;
	#window = new Int32Array(WINDOW);
	#sorted = new Int32Array(WINDOW);
	#diffs = new Int32Array(WINDOW - 2);
	#count = 0;
	#next = 0;
	#previousEctopic = true;
	/** Beats since the last interval that entered the window. */
	#skipped = 0;
	/** Where the smoothed irregularity last rose to `offset` (-1: below it), the RR samples since, and whether it has reached `onset` since. */
	#riseSample = -1;
	#risenSamples = 0;
	#armed = false;
	#minEpisode: number;

	/** Samples per second of the RR intervals and sample indices given to beat(). */
	readonly sampleRate: number;
	#rateReference: number;

	constructor(sampleRate: number, parameters: AfParameters = AF_DEFAULTS) {
		checkAfParameters(parameters);
		if (!Number.isInteger(sampleRate) || sampleRate < 50 || sampleRate > 10000) throw new RangeError(`AF detector: sample rate must be an integer in 50..10000 Hz, got ${sampleRate}`);
		this.parameters = parameters;
		this.sampleRate = sampleRate;
		this.#rateReference = Math.round((parameters.rateReferenceMs * sampleRate) / 1000);
		this.#minEpisode = parameters.minEpisodeS * sampleRate;
	}

	/**
	 * The next beat: rrPrevious / rrNext in samples (0 when unknown), ectopic when the classifier called it ventricular (the app passes V: modules/app/monitor.ts).
	 * Returns AF_ONSET (the episode began at onsetSample, at or before this beat) or AF_OFFSET when the episode state
	 * changed at this beat, else AF_NONE. Allocates nothing.
	 */
	beat(rrPrevious: number, rrNext: number, ectopic: boolean, sampleIndex: number): number {
		if (rrPrevious > 0) {
			this.samples += rrPrevious;
			if (this.inAf) this.afSamples += rrPrevious;
			else if (this.#riseSample >= 0) this.#risenSamples += rrPrevious;
		}
		const median = this.#count >= WINDOW / 2 ? this.#median() : 0;
		const p = this.parameters;
		// rr < median × prematurity / 1024 and next > median × (2048 − prematurity) / 1024: early, then a pause
		const premature = median > 0 && rrPrevious > 0 && rrNext > 0 &&
			rrPrevious * IRREGULARITY_ONE < median * p.prematurity && rrNext * IRREGULARITY_ONE > median * (2 * IRREGULARITY_ONE - p.prematurity);
		const isEctopic = ectopic || premature;
		const normalInterval = rrPrevious > 0 && !isEctopic && !this.#previousEctopic;
		this.#previousEctopic = isEctopic;
		if (!normalInterval) {
			if (++this.#skipped === 2 * WINDOW) return this.#restart(sampleIndex);
		} else {
			this.#skipped = 0;
			this.#add(rrPrevious);
			if (this.#count === WINDOW) {
				const x = this.#irregularity();
				const s = (this.smoothed += (x - this.smoothed) >> p.smoothing);
				// the common beats, in an episode or well out of one, without a method call (the device pays per beat)
				if (this.inAf ? s >= p.offset : s < p.offset && this.#riseSample < 0) return AF_NONE;
				return this.#episode(sampleIndex);
			}
		}
		// the irregularity is unchanged: only time can confirm an episode in waiting
		return this.#armed && !this.inAf ? this.#episode(sampleIndex) : AF_NONE;
	}

	/** The episode state after this beat's smoothed irregularity. */
	#episode(sampleIndex: number): number {
		const p = this.parameters;
		if (this.smoothed < p.offset) {
			this.#riseSample = -1;
			this.#armed = false;
			if (!this.inAf) return AF_NONE;
			this.inAf = false;
			this.offsetSample = sampleIndex;
			return AF_OFFSET;
		}
		if (this.inAf) return AF_NONE;
		if (this.#riseSample < 0) {
			this.#riseSample = sampleIndex;
			this.#risenSamples = 0;
		}
		if (this.smoothed >= p.onset) this.#armed = true;
		if (!this.#armed || sampleIndex - this.#riseSample < this.#minEpisode) return AF_NONE;
		this.inAf = true;
		this.onsetSample = this.#riseSample;
		this.afSamples += this.#risenSamples;
		this.episodes++;
		return AF_ONSET;
	}

	/**
	 * The beat sequence broke (signal lost, detector restarted): the window starts again, and an episode in progress
	 * ends here (AF is not claimed across a gap). Returns AF_OFFSET when one ended.
	 */
	interrupt(sampleIndex: number): number {
		this.#previousEctopic = true;
		return this.#restart(sampleIndex);
	}

	#restart(sampleIndex: number): number {
		this.#count = this.#next = this.#skipped = 0;
		this.smoothed = 0;
		return this.#episode(sampleIndex);
	}

	/** AF burden in permille of the RR time seen (0 before any). */
	burdenPermille(): number {
		return this.samples === 0 ? 0 : Math.floor((this.afSamples * 1000) / this.samples);
	}

	resetBurden(): void {
		this.afSamples = this.samples = 0;
	}

	#add(rr: number): void {
		if (this.#count < WINDOW) sortedInsert(this.#sorted, this.#count, rr);
		else sortedReplace(this.#sorted, WINDOW, this.#window[this.#next], rr);
		this.#window[this.#next] = rr;
		this.#next = (this.#next + 1) % WINDOW;
		if (this.#count < WINDOW) this.#count++;
	}

	/** Lower median of the intervals in the window (kept sorted by #add). */
	#median(): number {
		return this.#count === 0 ? 0 : this.#sorted[(this.#count - 1) >> 1];
	}

	/**
	 * How far each interval of the window is from the nearer of the two before it (bigeminy repeats every other
	 * interval, so it reads as regular): the median of those six differences over the window's median RR, in 1/1024.
	 * One stray premature beat moves two or three of the six and leaves the median where it was; in AF most are large.
	 */
	#irregularity(): number {
		const w = this.#window;
		const diffs = this.#diffs;
		const start = this.#next;
		let twoBack = w[start];
		let oneBack = w[(start + 1) % WINDOW];
		for (let k = 2; k < WINDOW; k++) {
			const v = w[(start + k) % WINDOW];
			const d1 = v > oneBack ? v - oneBack : oneBack - v;
			const d2 = v > twoBack ? v - twoBack : twoBack - v;
			const d = d1 < d2 ? d1 : d2;
			twoBack = oneBack;
			oneBack = v;
			let j = k - 2;
			while (j > 0 && diffs[j - 1] > d) {
				diffs[j] = diffs[j - 1];
				j--;
			}
			diffs[j] = d;
		}
		const median = this.#median();
		let x = Math.floor((diffs[(WINDOW - 3) >> 1] * IRREGULARITY_ONE) / median);
		if (this.#rateReference > 0) x = Math.floor((x * this.#rateReference) / median);
		return x > CLAMP ? CLAMP : x;
	}
}
