// readModel: validates a packed model in the order of docs/FORMAT.md §8 and returns a zero-copy view of it.

import type { BlobContext } from "./context.ts";
import { checkGenerator } from "./generator.ts";
import { checkHeader } from "./header.ts";
import { Model } from "./model.ts";
import { checkOps } from "./ops.ts";
import { checkPlanHeader, checkScales, checkTensors } from "./plan.ts";
import { checkSections } from "./sections.ts";
import { SEC_META } from "./format.ts";
import { decodeUtf8 } from "./utf8.ts";
import { parseMeta } from "./meta-json.ts";

export interface ReadOptions {
	/** Check the header CRC (default true). */
	verifyCrc?: boolean;
}

/** A blob: an ArrayBuffer (or a Moddable HostBuffer such as a Resource) or a view of one. */
export type BlobSource = ArrayBufferLike | ArrayBufferView;

/** Throws HtError (and nothing else) on the first failed check. */
export function readModel(source: BlobSource, options?: ReadOptions): Model {
	const isView = ArrayBuffer.isView(source);
	const buffer: ArrayBufferLike = isView ? (source as ArrayBufferView).buffer : (source as ArrayBufferLike);
	const base = isView ? (source as ArrayBufferView).byteOffset : 0;
	const available = isView ? (source as ArrayBufferView).byteLength : (source as ArrayBufferLike).byteLength;
	const all = new Uint8Array(buffer, base, available);
	const header = checkHeader(all, new DataView(buffer, base, available), options?.verifyCrc !== false);
	const bytes = all.subarray(0, header.fileSize);
	const dv = new DataView(buffer, base, header.fileSize);
	const table = checkSections(dv, base, header.fileSize, header.sectionCount, header.versionMajor);
	const ctx: BlobContext = { buffer, base, dv, bytes, sec: table.byType, versionMajor: header.versionMajor, tensorScales: null };
	const plan = checkPlanHeader(ctx);
	const tensors = checkTensors(ctx, plan);
	ctx.tensorScales = checkScales(ctx, plan);
	const checked = checkOps(ctx, plan, tensors);
	const generator = checkGenerator(ctx, plan, tensors, checked);
	const meta = table.byType[SEC_META];
	const metaText = meta ? decodeUtf8(bytes.subarray(meta.offset, meta.offset + meta.length)) : "";
	return new Model({
		bytes, versionMajor: header.versionMajor, versionMinor: header.versionMinor, crc: header.crc, sections: table.entries,
		tensors, ops: checked.ops, arenaBytes: plan.arenaBytes, inputTensor: plan.inputTensor, outputTensor: plan.outputTensor,
		generator, metaText, meta: parseMeta(metaText), tensorScales: ctx.tensorScales,
	});
}
