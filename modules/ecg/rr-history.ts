// The last eight RR intervals (in samples): their mean drives search-back, their median the heart rate.

import { lowerMedian } from "./lower-median.ts";

const SIZE = 8;

export class RrHistory {
	count = 0;
	#ring = new Int32Array(SIZE);
	#sorted = new Int32Array(SIZE);
	#next = 0;
	#sum = 0;

	clear(): void {
		this.count = this.#next = this.#sum = 0;
	}

	add(rr: number): void {
		if (this.count === SIZE) this.#sum -= this.#ring[this.#next];
		else this.count++;
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
		return lowerMedian(this.#ring, this.count, this.#sorted);
	}
}
