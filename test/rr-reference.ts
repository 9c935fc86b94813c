// The RR context as TypeScript defined it before it moved to C (native/src/ht_ecg_rr.c): the reference the C is
// checked against bit for bit (test/rr-context.test.ts), kept verbatim from modules/ecg/rr-features.ts,
// rr-history.ts, rr-irregularity.ts, rr-long-term.ts and lower-median.ts at 92c320a (one file: their SIZE
// constants renamed apart, RrContext renamed ReferenceRrContext, file comments shortened). Not part of the app.

// ---- lower-median.ts

/** Inserts v into sorted[0..count) (count values, sorted ascending; room for one more). */
function sortedInsert(sorted: Int32Array, count: number, value: number): void {
	const v = value | 0; // what the Int32Array holds of it
	let j = count;
	while (j > 0 && sorted[j - 1] > v) {
		sorted[j] = sorted[j - 1];
		j--;
	}
	sorted[j] = v;
}

/** Replaces one `old` (which sorted[0..count) holds) by v, keeping sorted[0..count) ascending. */
function sortedReplace(sorted: Int32Array, count: number, old: number, value: number): void {
	const v = value | 0;
	let i = 0;
	while (sorted[i] !== old) i++;
	if (v > old) {
		while (i + 1 < count && sorted[i + 1] < v) {
			sorted[i] = sorted[i + 1];
			i++;
		}
	} else {
		while (i > 0 && sorted[i - 1] > v) {
			sorted[i] = sorted[i - 1];
			i--;
		}
	}
	sorted[i] = v;
}

// ---- rr-history.ts: the last eight RR intervals (in samples)

const HISTORY_SIZE = 8;

export class RrHistory {
	count = 0;
	#ring = new Int32Array(HISTORY_SIZE);
	/** The ring's values in ascending order (the first `count`). */
	#sorted = new Int32Array(HISTORY_SIZE);
	#next = 0;
	#sum = 0;

	clear(): void {
		this.count = this.#next = this.#sum = 0;
	}

	add(rr: number): void {
		if (this.count === HISTORY_SIZE) {
			const old = this.#ring[this.#next];
			this.#sum -= old;
			sortedReplace(this.#sorted, HISTORY_SIZE, old, rr);
		} else sortedInsert(this.#sorted, this.count++, rr);
		this.#ring[this.#next] = rr;
		this.#sum += rr;
		this.#next = (this.#next + 1) % HISTORY_SIZE;
	}

	/** 0 when empty. */
	mean(): number {
		return this.count === 0 ? 0 : Math.floor(this.#sum / this.count);
	}

	/** Lower median; 0 when empty. Allocates nothing. */
	median(): number {
		return this.count === 0 ? 0 : this.#sorted[(this.count - 1) >> 1];
	}
}

// ---- rr-irregularity.ts: median |ΔRR| of the last 16 differences over the mean of the last 16 intervals

const IRREGULARITY_SIZE = 16;

export class RrIrregularity {
	#rr = new Int32Array(IRREGULARITY_SIZE);
	#diffs = new Int32Array(IRREGULARITY_SIZE);
	#sorted = new Int32Array(IRREGULARITY_SIZE);
	#count = 0;
	#next = 0;
	#diffCount = 0;
	#diffNext = 0;
	#sum = 0;
	#last = 0;

	clear(): void {
		this.#count = this.#next = this.#diffCount = this.#diffNext = this.#sum = this.#last = 0;
	}

	/** An RR interval in samples (> 0), in the order the beats come. Allocates nothing. */
	add(rr: number): void {
		if (this.#last > 0) {
			const d = rr > this.#last ? rr - this.#last : this.#last - rr;
			if (this.#diffCount < IRREGULARITY_SIZE) sortedInsert(this.#sorted, this.#diffCount++, d);
			else sortedReplace(this.#sorted, IRREGULARITY_SIZE, this.#diffs[this.#diffNext], d);
			this.#diffs[this.#diffNext] = d;
			this.#diffNext = (this.#diffNext + 1) % IRREGULARITY_SIZE;
		}
		this.#last = rr;
		if (this.#count === IRREGULARITY_SIZE) this.#sum -= this.#rr[this.#next];
		else this.#count++;
		this.#rr[this.#next] = rr;
		this.#sum += rr;
		this.#next = (this.#next + 1) % IRREGULARITY_SIZE;
	}

	/** Median |ΔRR| over mean RR of what was added since clear(); 0 until there are 4 differences. */
	value(): number {
		const n = this.#diffCount;
		if (n < 4) return 0;
		// Lower median; mean as sum / count in one division (the sum is an exact integer).
		return (this.#sorted[(n - 1) >> 1] * this.#count) / this.#sum;
	}
}

// ---- rr-long-term.ts: the mean of the last 256 RR intervals

const LONG_TERM_SIZE = 256;

export class RrLongTerm {
	#ring = new Int32Array(LONG_TERM_SIZE);
	#count = 0;
	#next = 0;
	#sum = 0;

	clear(): void {
		this.#count = this.#next = this.#sum = 0;
	}

	add(rr: number): void {
		if (this.#count === LONG_TERM_SIZE) this.#sum -= this.#ring[this.#next];
		else this.#count++;
		this.#ring[this.#next] = rr;
		this.#sum += rr;
		this.#next = (this.#next + 1) % LONG_TERM_SIZE;
	}

	/** Mean RR in samples (a fraction), 0 when empty. */
	mean(): number {
		return this.#count === 0 ? 0 : this.#sum / this.#count;
	}
}

// ---- rr-features.ts: RrContext

const LIMIT = 2;
/** Seconds-valued features are centred on 75 bpm. */
const CENTRE_S = 0.8;

// The clamp is written out in ratio() and next() rather than called: a call per value costs the device more
// than the arithmetic (XS interprets every call).
function ratio(rr: number, base: number): number {
	if (!(base > 0 && rr > 0)) return 0;
	const x = rr / base - 1;
	return x < -LIMIT ? -LIMIT : x > LIMIT ? LIMIT : x;
}

export class ReferenceRrContext {
	readonly sampleRate: number;
	#local = new RrHistory();
	#longTerm = new RrLongTerm();
	#irregularity = new RrIrregularity();

	constructor(sampleRate: number) {
		this.sampleRate = sampleRate;
	}

	/**
	 * After a gap in the beat sequence (signal lost, detector restarted): the local rhythm and its irregularity
	 * start afresh; the long-term mean is the patient's and carries over.
	 */
	reset(): void {
		this.#local.clear();
		this.#irregularity.clear();
	}

	/**
	 * The features of the next beat, written to out[offset..offset + RR_FEATURE_COUNT) in RR_FEATURE_NAMES order,
	 * then its rrPrevious joins the histories. rrPrevious / rrNext in samples, 0 when unknown. Allocates nothing.
	 */
	next(rrPrevious: number, rrNext: number, out: Float32Array, offset = 0): void {
		const fs = this.sampleRate;
		const local = this.#local.median();
		const longTerm = this.#longTerm.mean();
		out[offset] = ratio(rrPrevious, local);
		out[offset + 1] = ratio(rrNext, local);
		let x = local / fs - CENTRE_S;
		out[offset + 2] = local > 0 ? (x < -LIMIT ? -LIMIT : x > LIMIT ? LIMIT : x) : 0;
		out[offset + 3] = ratio(rrPrevious, longTerm);
		out[offset + 4] = ratio(rrNext, longTerm);
		out[offset + 5] = ratio(local, longTerm);
		x = rrPrevious / fs - CENTRE_S;
		out[offset + 6] = rrPrevious > 0 ? (x < -LIMIT ? -LIMIT : x > LIMIT ? LIMIT : x) : 0;
		x = rrNext / fs - CENTRE_S;
		out[offset + 7] = rrNext > 0 ? (x < -LIMIT ? -LIMIT : x > LIMIT ? LIMIT : x) : 0;
		const irregular = this.#irregularity.value();
		out[offset + 8] = irregular > LIMIT ? LIMIT : irregular;
		if (rrPrevious > 0) {
			this.#local.add(rrPrevious);
			this.#longTerm.add(rrPrevious);
			this.#irregularity.add(rrPrevious);
		}
	}
}
