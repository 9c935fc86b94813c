// Running sum of the last `length` integers over an Int32Array ring: O(1) per sample, exact (no drift).

export class MovingSum {
	readonly length: number;
	sum = 0;
	#ring: Int32Array;
	#next = 0;

	constructor(length: number) {
		if (!Number.isInteger(length) || length < 1) throw new RangeError(`moving sum length must be a positive integer, got ${length}`);
		this.length = length;
		this.#ring = new Int32Array(length);
	}

	/** As if `value` had been pushed forever: the state a constant input settles to. */
	fill(value: number): void {
		this.#ring.fill(value);
		this.sum = value * this.length;
		this.#next = 0;
	}

	/** Adds `value`, drops the oldest; returns the new sum. */
	push(value: number): number {
		const ring = this.#ring;
		const next = this.#next;
		this.sum += value - ring[next];
		ring[next] = value;
		this.#next = next + 1 === this.length ? 0 : next + 1;
		return this.sum;
	}

	/** The value pushed `ago` pushes before the latest one (0 = latest, length - 1 = oldest still summed). */
	at(ago: number): number {
		let i = this.#next - 1 - ago;
		if (i < 0) i += this.length;
		return this.#ring[i];
	}
}
