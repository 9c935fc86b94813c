// Writes signed values bit-packed LSB first (docs/FORMAT.md §4), the inverse of modules/model/bitpack.ts.

export function packValues(values: ArrayLike<number>, bits: number): Uint8Array {
	if (bits !== 4 && bits !== 6 && bits !== 8) throw new RangeError(`bits must be 4, 6 or 8, not ${bits}`);
	const lo = -(1 << (bits - 1));
	const hi = (1 << (bits - 1)) - 1;
	const out = new Uint8Array(Math.ceil((values.length * bits) / 8));
	const mask = (1 << bits) - 1;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`value ${i} (${v}) does not fit ${bits} signed bits`);
		const field = v & mask;
		const bit = i * bits;
		const byte = bit >> 3;
		const shift = bit & 7;
		out[byte] |= (field << shift) & 0xff;
		if (shift + bits > 8) out[byte + 1] |= field >> (8 - shift);
	}
	return out;
}

export function bitsRange(bits: number): { min: number; max: number } {
	return { min: -(1 << (bits - 1)), max: (1 << (bits - 1)) - 1 };
}
