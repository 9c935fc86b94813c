// Where synthesized kernels live inside a byte budget: the LRU rule of docs/FORMAT.md §7 (stream policy), first-fit
// placement by address, compaction when no gap is large enough. Bookkeeping only: the bytes are the store's.
// Allocation-free after construction (typed arrays and numbers), so the interpreter can call acquire() per op.

export interface KernelStore {
	/** Synthesizes generated layer `layer` into [offset, offset + its kernel bytes). */
	fill(layer: number, offset: number): void;
	/** Moves `length` bytes from `from` to `to` (the ranges may overlap). */
	move(from: number, to: number, length: number): void;
}

const ABSENT = -1;

export class KernelLru {
	readonly budget: number;
	synthesized = 0;
	evicted = 0;
	compactions = 0;
	#bytes: Int32Array;
	#offset: Int32Array;
	#lastUse: Float64Array;
	/** Resident layers by ascending offset; the first #resident entries are used. */
	#order: Int32Array;
	#resident = 0;
	#used = 0;
	#clock = 0;
	#store: KernelStore;

	constructor(kernelBytes: ArrayLike<number>, budget: number, store: KernelStore) {
		let largest = -1;
		for (let g = 0; g < kernelBytes.length; g++) if (largest < 0 || kernelBytes[g] > kernelBytes[largest]) largest = g;
		if (!Number.isInteger(budget) || budget < 0) throw new RangeError(`the kernel budget must be a whole number of bytes, not ${budget}`);
		if (largest >= 0 && budget < kernelBytes[largest])
			throw new RangeError(`kernel budget ${budget} bytes is smaller than the largest synthesized kernel (layer ${largest}, ${kernelBytes[largest]} bytes)`);
		this.budget = budget;
		this.#store = store;
		this.#bytes = Int32Array.from(kernelBytes);
		this.#offset = new Int32Array(kernelBytes.length).fill(ABSENT);
		this.#lastUse = new Float64Array(kernelBytes.length);
		this.#order = new Int32Array(kernelBytes.length);
	}

	isResident(layer: number): boolean {
		return this.#offset[layer] !== ABSENT;
	}

	/** Offset of a resident layer's kernel, or -1; changes nothing (acquire() is the use). */
	offsetOf(layer: number): number {
		return this.#offset[layer];
	}

	/** Offset of layer's kernel, synthesized first (evicting least recently used kernels) if not resident. */
	acquire(layer: number): number {
		if (this.#offset[layer] === ABSENT) this.#load(layer);
		this.#lastUse[layer] = ++this.#clock;
		return this.#offset[layer];
	}

	#load(layer: number): void {
		const bytes = this.#bytes[layer];
		while (this.budget - this.#used < bytes) this.#evictLeastRecent();
		let at = this.#firstFit(bytes);
		if (at > this.#resident) {
			this.#compact();
			at = this.#firstFit(bytes);
		}
		const offset = this.#gapStart(at);
		this.#store.fill(layer, offset);
		this.#order.copyWithin(at + 1, at, this.#resident);
		this.#order[at] = layer;
		this.#resident++;
		this.#offset[layer] = offset;
		this.#used += bytes;
		this.synthesized++;
	}

	#evictLeastRecent(): void {
		let at = 0;
		for (let i = 1; i < this.#resident; i++) if (this.#lastUse[this.#order[i]] < this.#lastUse[this.#order[at]]) at = i;
		const victim = this.#order[at];
		this.#used -= this.#bytes[victim];
		this.#offset[victim] = ABSENT;
		this.#order.copyWithin(at, at + 1, this.#resident);
		this.#resident--;
		this.evicted++;
	}

	/** Start of the gap before order[at] (at == #resident: the gap after the last kernel). */
	#gapStart(at: number): number {
		if (at === 0) return 0;
		const before = this.#order[at - 1];
		return this.#offset[before] + this.#bytes[before];
	}

	/** Index in order before which a gap of `bytes` starts, or #resident + 1 when there is none. */
	#firstFit(bytes: number): number {
		for (let i = 0; i < this.#resident; i++) if (this.#offset[this.#order[i]] - this.#gapStart(i) >= bytes) return i;
		return this.budget - this.#gapStart(this.#resident) >= bytes ? this.#resident : this.#resident + 1;
	}

	#compact(): void {
		let start = 0;
		for (let i = 0; i < this.#resident; i++) {
			const layer = this.#order[i];
			const from = this.#offset[layer];
			if (from !== start) this.#store.move(from, start, this.#bytes[layer]);
			this.#offset[layer] = start;
			start += this.#bytes[layer];
		}
		this.compactions++;
	}
}
