// Where rejected (garbage) samples were replaced, as a few merged spans of sample indices, so that a window
// touching any of them can be refused. Spans closer than a window apart merge, so `capacity` spans cover
// more than the filtered history that windows are cut from.

export class GarbageSpans {
	#first: Float64Array;
	#last: Float64Array;
	#mergeGap: number;
	#newest = -1;

	constructor(capacity: number, mergeGap: number) {
		this.#first = new Float64Array(capacity);
		this.#last = new Float64Array(capacity);
		this.#first.fill(-1);
		this.#last.fill(-1);
		this.#mergeGap = mergeGap;
	}

	/** True when `index` starts a new span (the previous garbage sample is more than a window back). */
	add(index: number): boolean {
		const newest = this.#newest;
		if (newest >= 0 && index - this.#last[newest] <= this.#mergeGap) {
			this.#last[newest] = index;
			return false;
		}
		const slot = (newest + 1) % this.#first.length;
		this.#first[slot] = index;
		this.#last[slot] = index;
		this.#newest = slot;
		return true;
	}

	overlaps(first: number, last: number): boolean {
		for (let i = 0; i < this.#first.length; i++) if (this.#last[i] >= first && this.#first[i] <= last && this.#first[i] >= 0) return true;
		return false;
	}
}
