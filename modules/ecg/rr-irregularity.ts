// How irregular the rhythm before a beat is: the median of the last 16 successive RR differences |RR_i − RR_i−1|
// over the mean of the last 16 RR intervals. Sinus rhythm gives ~0.02, atrial fibrillation ~0.1–0.3; one premature
// beat among 16 moves two differences and leaves the median where it was, so an irregular rhythm and a premature
// beat in a regular one read differently. Integer state, one division: device, simulators and host compute the
// same value. Shared by the beat classifier's context (rr-features.ts) and rhythm tracking.

import { sortedInsert, sortedReplace } from "./lower-median.ts";

const SIZE = 16;

export class RrIrregularity {
	#rr = new Int32Array(SIZE);
	#diffs = new Int32Array(SIZE);
	#sorted = new Int32Array(SIZE);
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
			if (this.#diffCount < SIZE) sortedInsert(this.#sorted, this.#diffCount++, d);
			else sortedReplace(this.#sorted, SIZE, this.#diffs[this.#diffNext], d);
			this.#diffs[this.#diffNext] = d;
			this.#diffNext = (this.#diffNext + 1) % SIZE;
		}
		this.#last = rr;
		if (this.#count === SIZE) this.#sum -= this.#rr[this.#next];
		else this.#count++;
		this.#rr[this.#next] = rr;
		this.#sum += rr;
		this.#next = (this.#next + 1) % SIZE;
	}

	/** Median |ΔRR| over mean RR of what was added since clear(); 0 until there are 4 differences. */
	value(): number {
		const n = this.#diffCount;
		if (n < 4) return 0;
		// Lower median; mean as sum / count in one division (the sum is an exact integer).
		return (this.#sorted[(n - 1) >> 1] * this.#count) / this.#sum;
	}
}
