/**
 * Picks peaks of the integrated energy signal the way Hamilton & Tompkins' detector does: a peak is the
 * running maximum once the signal has fallen below half of it (or `timeout` samples have passed), and of two
 * peaks less than `preBlank` apart only the larger is kept (one wide QRS can make two humps).
 * Values must be non-negative 32-bit integers.
 */
export class PeakPicker {
	/** The peak reported by the last step() that returned true. */
	value = 0;
	position = 0;
	#timeout: number;
	#preBlank: number;
	#max = 0;
	#maxPosition = 0;
	#sinceMax = 0;
	#last = 0;
	#held = 0;
	#heldPosition = 0;
	#blank = 0;

	constructor(timeout: number, preBlank: number) {
		this.#timeout = timeout;
		this.#preBlank = preBlank;
	}

	reset(): void {
		this.#max = this.#sinceMax = this.#last = this.#held = this.#blank = 0;
	}

	step(energy: number, position: number): boolean {
		const peak = this.#pick(energy, position);
		if (peak > 0 && this.#blank === 0) {
			this.#hold(peak);
			return false;
		}
		if (peak > 0 && peak > this.#held) {
			this.#hold(peak);
			return false;
		}
		if (this.#blank > 0 && --this.#blank === 0) {
			this.value = this.#held;
			this.position = this.#heldPosition;
			this.#held = 0;
			return true;
		}
		return false;
	}

	#hold(peak: number): void {
		this.#held = peak;
		this.#heldPosition = this.#maxPosition;
		this.#blank = this.#preBlank;
	}

	#pick(energy: number, position: number): number {
		let peak = 0;
		if (this.#sinceMax > 0) this.#sinceMax++;
		if (energy > this.#last && energy > this.#max) {
			this.#max = energy;
			this.#maxPosition = position;
			if (energy > 2) this.#sinceMax = 1;
		} else if (energy < this.#max >> 1 || this.#sinceMax > this.#timeout) {
			peak = this.#max;
			this.#max = 0;
			this.#sinceMax = 0;
		}
		this.#last = energy;
		return peak;
	}
}
