import { SignalHistory } from "./signal-history.ts";

/**
 * The minimum of a non-negative signal over each block of `block` consecutive sample indices, for the last
 * `length` blocks (a power of two): answers "the lowest value between two sample indices" to block
 * precision in 1/block of the memory of the samples themselves.
 */
export class BlockMinima {
	readonly block: number;
	#minima: SignalHistory;
	#current = -1;
	#lowest = 0;

	constructor(block: number, length: number) {
		if (!Number.isInteger(block) || block < 1) throw new RangeError(`block must be a positive integer, got ${block}`);
		this.block = block;
		this.#minima = new SignalHistory(length);
		this.clear();
	}

	/** Forgets every block. */
	clear(): void {
		this.#minima.fill(-1);
		this.#current = -1;
	}

	/** Sample indices must arrive in increasing order; values must be non-negative. */
	push(index: number, value: number): void {
		const block = Math.floor(index / this.block);
		if (block !== this.#current) {
			this.#current = block;
			this.#lowest = value;
		} else if (value < this.#lowest) this.#lowest = value;
		this.#minima.write(block, this.#lowest);
	}

	/** Lowest value of the blocks holding sample indices first..last (clipped to the blocks kept); -1 if none is known. */
	lowest(first: number, last: number): number {
		const minima = this.#minima;
		const oldest = minima.newest - minima.length + 1;
		let from = Math.floor(first / this.block);
		const to = Math.min(Math.floor(last / this.block), minima.newest);
		if (from < oldest) from = oldest;
		let lowest = -1;
		for (let b = from; b <= to; b++) {
			const v = minima.at(b);
			if (v >= 0 && (lowest < 0 || v < lowest)) lowest = v;
		}
		return lowest;
	}
}
