// Detected beats waiting for their window to complete and for the next beat (rrNext), oldest first.

export class BeatQueue {
	readonly capacity: number;
	size = 0;
	#position: Float64Array;
	#rrPrevious: Int32Array;
	#heartRate: Int32Array;
	#head = 0;

	constructor(capacity: number) {
		this.capacity = capacity;
		this.#position = new Float64Array(capacity);
		this.#rrPrevious = new Int32Array(capacity);
		this.#heartRate = new Int32Array(capacity);
	}

	clear(): void {
		this.size = 0;
	}

	push(position: number, rrPrevious: number, heartRate: number): void {
		if (this.size === this.capacity) throw new RangeError("beat queue full: release before pushing");
		const i = (this.#head + this.size) % this.capacity;
		this.#position[i] = position;
		this.#rrPrevious[i] = rrPrevious;
		this.#heartRate[i] = heartRate;
		this.size++;
	}

	/** Field of the `k`-th oldest beat (k < size). */
	position(k: number): number {
		return this.#position[(this.#head + k) % this.capacity];
	}

	rrPrevious(k: number): number {
		return this.#rrPrevious[(this.#head + k) % this.capacity];
	}

	heartRate(k: number): number {
		return this.#heartRate[(this.#head + k) % this.capacity];
	}

	shift(): void {
		this.#head = (this.#head + 1) % this.capacity;
		this.size--;
	}
}
