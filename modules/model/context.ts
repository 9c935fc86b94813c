// Shared state of one validation pass: the blob, its sections, and checked access to QPARAMS.

import { fail } from "./errors.ts";
import { HT_E_PARAM, HT_E_PARAM_BOUNDS, MULT_MIN, SEC_QPARAMS, SHIFT_MAX, SHIFT_MIN } from "./format.ts";
import type { SectionEntry } from "./model.ts";

export interface BlobContext {
	buffer: ArrayBufferLike;
	/** Byte offset of the blob in `buffer`. */
	base: number;
	dv: DataView;
	bytes: Uint8Array;
	/** Indexed by section type. */
	sec: (SectionEntry | undefined)[];
	versionMajor: number;
	/** Version 2: the float32 tensor scales of SCALES, set once they are checked (docs/FORMAT.md §2a). */
	tensorScales: number[] | null;
}

/** The float32 at byte `off` of QPARAMS (a filter scale; docs/FORMAT.md §2a). */
export function qparamF32(ctx: BlobContext, off: number, index: number): number {
	return ctx.dv.getFloat32((ctx.sec[SEC_QPARAMS] as SectionEntry).offset + off + 4 * index, true);
}

export function isScale(x: number): boolean {
	return Number.isFinite(x) && x > 0;
}

/** Fails with PARAM_BOUNDS unless int32[count] at byte `off` of QPARAMS is aligned and inside the section. */
export function checkQparams(ctx: BlobContext, off: number, count: number, what: string, part: string): void {
	const q = ctx.sec[SEC_QPARAMS];
	if (!q) fail(HT_E_PARAM_BOUNDS, `${what} ${part}: no QPARAMS section`);
	if (off % 4 !== 0 || off + 4 * count > q.length) fail(HT_E_PARAM_BOUNDS, `${what} ${part}: int32[${count}] at ${off} outside QPARAMS (${q.length} bytes) or misaligned`);
}

export function qparam(ctx: BlobContext, off: number, index: number): number {
	return ctx.dv.getInt32((ctx.sec[SEC_QPARAMS] as SectionEntry).offset + off + 4 * index, true);
}

export function qparamView(ctx: BlobContext, off: number, count: number): Int32Array {
	return new Int32Array(ctx.buffer, ctx.base + (ctx.sec[SEC_QPARAMS] as SectionEntry).offset + off, count);
}

export function isMultiplier(m: number): boolean {
	return m === 0 || m >= MULT_MIN;
}

export function isShift(s: number): boolean {
	return s >= SHIFT_MIN && s <= SHIFT_MAX;
}

/** Messages are built only on failure: validation runs at boot on the device. */
export function checkMultShift(m: number, s: number, what: string, part: string, index: number): void {
	if (!isMultiplier(m)) fail(HT_E_PARAM, `${what} ${part} ${index}: multiplier ${m} is neither 0 nor in [2^30, 2^31)`);
	if (!isShift(s)) fail(HT_E_PARAM, `${what} ${part} ${index}: shift ${s} outside ${SHIFT_MIN}..${SHIFT_MAX}`);
}
