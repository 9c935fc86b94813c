// Header checks, docs/FORMAT.md §1 and §8 step 1 (codes TRUNCATED, MAGIC, VERSION, SIZE, CRC).

import { blobCrc } from "./crc32.ts";
import { fail } from "./errors.ts";
import { HEADER_BYTES, HT_E_CRC, HT_E_MAGIC, HT_E_SIZE, HT_E_TRUNCATED, HT_E_VERSION, MAGIC, MAX_SECTIONS, SECTION_ENTRY_BYTES, VERSION_MAJOR, VERSION_MAJOR_V1 } from "./format.ts";

export interface Header {
	versionMajor: number;
	versionMinor: number;
	fileSize: number;
	crc: number;
	sectionCount: number;
}

function hex(n: number): string {
	return "0x" + (n >>> 0).toString(16).padStart(8, "0");
}

/** `bytes` is everything the caller gave, which must be exactly file_size bytes. */
export function checkHeader(bytes: Uint8Array, dv: DataView, verifyCrc: boolean): Header {
	if (bytes.byteLength < HEADER_BYTES) fail(HT_E_TRUNCATED, `${bytes.byteLength} bytes, shorter than the ${HEADER_BYTES}-byte header`);
	const magic = dv.getUint32(0, true);
	if (magic !== MAGIC) fail(HT_E_MAGIC, `magic ${hex(magic)} is not "HTPW"`);
	const versionMajor = dv.getUint16(4, true);
	const versionMinor = dv.getUint16(6, true);
	if (versionMajor !== VERSION_MAJOR && versionMajor !== VERSION_MAJOR_V1) {
		fail(HT_E_VERSION, `version ${versionMajor}.${versionMinor}, this reader takes ${VERSION_MAJOR_V1}.x and ${VERSION_MAJOR}.x`);
	}
	const fileSize = dv.getUint32(8, true);
	const crc = dv.getUint32(12, true);
	if (bytes.byteLength < fileSize) fail(HT_E_TRUNCATED, `${bytes.byteLength} bytes, file_size says ${fileSize}`);
	if (bytes.byteLength > fileSize) fail(HT_E_SIZE, `${bytes.byteLength} bytes, file_size says only ${fileSize}`);
	const sectionCount = dv.getUint16(16, true);
	const headerBytes = dv.getUint16(18, true);
	if (headerBytes !== HEADER_BYTES) fail(HT_E_SIZE, `header bytes ${headerBytes}, expected ${HEADER_BYTES}`);
	if (sectionCount < 1 || sectionCount > MAX_SECTIONS) fail(HT_E_SIZE, `section count ${sectionCount} outside 1..${MAX_SECTIONS}`);
	const tableEnd = HEADER_BYTES + SECTION_ENTRY_BYTES * sectionCount;
	if (fileSize < tableEnd) fail(HT_E_SIZE, `file_size ${fileSize} smaller than header and section table (${tableEnd})`);
	if (dv.getUint32(20, true) !== 0 || dv.getUint32(24, true) !== 0 || dv.getUint32(28, true) !== 0) fail(HT_E_SIZE, "header flags/reserved not zero");
	if (verifyCrc) {
		const actual = blobCrc(bytes);
		if (actual !== crc) fail(HT_E_CRC, `stored ${hex(crc)}, computed ${hex(actual)}`);
	}
	return { versionMajor, versionMinor, fileSize, crc, sectionCount };
}
