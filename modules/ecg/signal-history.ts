// The filtered signal of the last `length` sample times (a power of two), addressed by absolute sample index.

export class SignalHistory {
	readonly length: number;
	/** Index of the newest sample written (-1 before the first). */
	newest = -1;
	#ring: Int32Array;
	#mask: number;

	constructor(length: number) {
		if (length < 2 || (length & (length - 1)) !== 0) throw new RangeError(`history length must be a power of two, got ${length}`);
		this.length = length;
		this.#ring = new Int32Array(length);
		this.#mask = length - 1;
	}

	write(index: number, value: number): void {
		this.#ring[index & this.#mask] = value;
		this.newest = index;
	}

	/** Sets every entry to `value` (newest stays). */
	fill(value: number): void {
		this.#ring.fill(value);
	}

	/** Valid for newest - length < index <= newest. (`& mask` keeps the low bits, also past 2^31.) */
	at(index: number): number {
		return this.#ring[index & this.#mask];
	}

	holds(first: number, last: number): boolean {
		return first > this.newest - this.length && last <= this.newest && first <= last;
	}

	copy(first: number, out: Int32Array): void {
		const ring = this.#ring;
		const mask = this.#mask;
		for (let i = 0; i < out.length; i++) out[i] = ring[(first + i) & mask];
	}
}
