// Section table checks, docs/FORMAT.md §1 and §8 step 2: passes over all entries in the order
// SECTION_BOUNDS, SECTION_OVERLAP, SECTION_ALIGN, SECTION_MISSING, SECTION_TYPE, then reserved words (PARAM).

import { fail } from "./errors.ts";
import {
	HEADER_BYTES, HT_E_PARAM, HT_E_SECTION_ALIGN, HT_E_SECTION_BOUNDS, HT_E_SECTION_MISSING, HT_E_SECTION_OVERLAP,
	HT_E_SECTION_TYPE, MAX_SECTION_ALIGN, QPARAMS_MIN_ALIGN, SEC_FIRST, SEC_LAST, SEC_LAST_V1, SEC_META, SEC_PLAN, SEC_QPARAMS,
	SEC_SCALES, SECTION_ENTRY_BYTES, SECTION_NAMES, VERSION_MAJOR_V1,
} from "./format.ts";
import type { SectionEntry } from "./model.ts";

export interface SectionTable {
	entries: SectionEntry[];
	/** Indexed by section type; undefined when absent. */
	byType: (SectionEntry | undefined)[];
}

function isPowerOfTwo(n: number): boolean {
	return n > 0 && (n & (n - 1)) === 0;
}

export function checkSections(dv: DataView, blobAddress: number, fileSize: number, sectionCount: number, versionMajor: number): SectionTable {
	const lastKnown = versionMajor === VERSION_MAJOR_V1 ? SEC_LAST_V1 : SEC_LAST;
	const isKnown = (type: number): boolean => type >= SEC_FIRST && type <= lastKnown;
	const label = (i: number, type: number): string => `section ${i} (${isKnown(type) ? SECTION_NAMES[type] : `type ${type}`})`;
	const tableEnd = HEADER_BYTES + SECTION_ENTRY_BYTES * sectionCount;
	const entries: SectionEntry[] = [];
	const reserved: number[] = [];
	for (let i = 0; i < sectionCount; i++) {
		const at = HEADER_BYTES + SECTION_ENTRY_BYTES * i;
		entries.push({ type: dv.getUint16(at, true), align: dv.getUint16(at + 2, true), offset: dv.getUint32(at + 4, true), length: dv.getUint32(at + 8, true) });
		reserved.push(dv.getUint32(at + 12, true));
	}
	entries.forEach((e, i) => {
		if (e.offset < tableEnd || e.offset + e.length > fileSize) {
			fail(HT_E_SECTION_BOUNDS, `${label(i, e.type)} [${e.offset}, ${e.offset + e.length}) outside [${tableEnd}, ${fileSize})`);
		}
	});
	for (let i = 0; i < entries.length; i++) {
		const a = entries[i];
		if (a.length === 0) continue;
		for (let j = i + 1; j < entries.length; j++) {
			const b = entries[j];
			if (b.length !== 0 && a.offset < b.offset + b.length && b.offset < a.offset + a.length) {
				fail(HT_E_SECTION_OVERLAP, `${label(i, a.type)} and ${label(j, b.type)} overlap`);
			}
		}
	}
	if (blobAddress % 4 !== 0) fail(HT_E_SECTION_ALIGN, "the blob does not start at a 4-byte aligned address");
	entries.forEach((e, i) => {
		if (!isPowerOfTwo(e.align) || e.align > MAX_SECTION_ALIGN || e.offset % e.align !== 0 || (e.type === SEC_QPARAMS && e.offset % QPARAMS_MIN_ALIGN !== 0)) {
			fail(HT_E_SECTION_ALIGN, `${label(i, e.type)}: alignment ${e.align}, offset ${e.offset}`);
		}
	});
	const byType: (SectionEntry | undefined)[] = [];
	for (let t = 0; t <= SEC_LAST; t++) byType.push(undefined);
	entries.forEach((e, i) => {
		if (!isKnown(e.type)) return;
		if (byType[e.type]) fail(HT_E_SECTION_MISSING, `${label(i, e.type)} repeats its type`);
		byType[e.type] = e;
	});
	if (!byType[SEC_META]) fail(HT_E_SECTION_MISSING, "no META section");
	if (!byType[SEC_PLAN]) fail(HT_E_SECTION_MISSING, "no PLAN section");
	if (versionMajor !== VERSION_MAJOR_V1 && !byType[SEC_SCALES]) fail(HT_E_SECTION_MISSING, `no SCALES section (version ${versionMajor})`);
	entries.forEach((e, i) => {
		if (!isKnown(e.type)) fail(HT_E_SECTION_TYPE, `section ${i}: unknown type ${e.type}`);
	});
	reserved.forEach((r, i) => {
		if (r !== 0) fail(HT_E_PARAM, `${label(i, entries[i].type)}: reserved field not zero`);
	});
	return { entries, byType };
}
