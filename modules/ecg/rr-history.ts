// The last eight RR intervals (in samples): their mean drives search-back, their median the heart rate.

import { sortedInsert, sortedReplace } from "./lower-median.ts";

const SIZE = 8;

export class RrHistory {
	count = 0;
	#ring = new Int32Array(SIZE);
	/** The ring's values in ascending order (the first `count`). */
	#sorted = new Int32Array(SIZE);
	#next = 0;
	#sum = 0;

	clear(): void {
		this.count = this.#next = this.#sum = 0;
	}

	add(rr: number): void {
		if (this.count === SIZE) {
			const old = this.#ring[this.#next];
			this.#sum -= old;
			sortedReplace(this.#sorted, SIZE, old, rr);
		} else sortedInsert(this.#sorted, this.count++, rr);
		this.#ring[this.#next] = rr;
		this.#sum += rr;
		this.#next = (this.#next + 1) % SIZE;
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
