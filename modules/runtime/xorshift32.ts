// The random-window stream of docs/FORMAT.md §7, shared by the golden tests of every engine.

/** xorshift32 (13, 17, 5); each input byte is the low 8 bits of the next state. */
export class Xorshift32 {
	state: number;

	constructor(seed: number) {
		if ((seed >>> 0) === 0) throw new RangeError("xorshift32 needs a non-zero seed");
		this.state = seed >>> 0;
	}

	next(): number {
		let x = this.state;
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		this.state = x >>> 0;
		return this.state;
	}

	/** Fills `out` with the next out.length bytes of the stream. */
	fill(out: Int8Array): Int8Array {
		for (let i = 0; i < out.length; i++) out[i] = this.next() & 0xff;
		return out;
	}
}
