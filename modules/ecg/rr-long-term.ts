// The patient's own long-term RR: the mean of the last 256 RR intervals (about 3.4 minutes at 75 bpm). Premature
// beats are judged against it rather than against the last few beats, which follow the ectopic rhythm itself
// wherever premature beats are frequent (bigeminy, runs). Integer ring and sum: exact on every target.

const SIZE = 256;

export class RrLongTerm {
	#ring = new Int32Array(SIZE);
	#count = 0;
	#next = 0;
	#sum = 0;

	clear(): void {
		this.#count = this.#next = this.#sum = 0;
	}

	add(rr: number): void {
		if (this.#count === SIZE) this.#sum -= this.#ring[this.#next];
		else this.#count++;
		this.#ring[this.#next] = rr;
		this.#sum += rr;
		this.#next = (this.#next + 1) % SIZE;
	}

	/** Mean RR in samples (a fraction), 0 when empty. */
	mean(): number {
		return this.#count === 0 ? 0 : this.#sum / this.#count;
	}
}
