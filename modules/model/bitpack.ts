// Signed values bit-packed LSB first (docs/FORMAT.md §4): value i is bits [i*bits, (i+1)*bits) of the stream.

/** Value `index` of the stream starting at bytes[0], sign-extended from `bits` (4, 6 or 8). */
export function readPacked(bytes: Uint8Array, index: number, bits: number): number {
	const bit = index * bits;
	const byte = bit >> 3;
	const shift = bit & 7;
	let word = bytes[byte] >> shift;
	if (shift + bits > 8) word |= bytes[byte + 1] << (8 - shift);
	const sign = 32 - bits;
	return ((word << sign) >> sign);
}

/** Unpacks `out.length` values starting at value `first`. */
export function unpackInto(bytes: Uint8Array, first: number, bits: number, out: Int8Array | Int32Array): void {
	for (let i = 0; i < out.length; i++) out[i] = readPacked(bytes, first + i, bits);
}
