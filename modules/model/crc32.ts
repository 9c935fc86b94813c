// CRC-32 (zlib/IEEE: reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF).

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
	if (table) return table;
	table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
}

/** Continues a CRC: crc32Update(0, a) then crc32Update(thatResult, b) equals crc32 of a followed by b. */
export function crc32Update(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
	const t = crcTable();
	let c = ~crc >>> 0;
	for (let i = start; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
	return ~c >>> 0;
}

export function crc32(bytes: Uint8Array): number {
	return crc32Update(0, bytes);
}

/** The header CRC: all bytes with the CRC field (12..15) taken as zero. */
export function blobCrc(bytes: Uint8Array): number {
	const zeros = new Uint8Array(4);
	let c = crc32Update(0, bytes, 0, 12);
	c = crc32Update(c, zeros);
	return crc32Update(c, bytes, 16, bytes.length);
}
