// Bad blobs for tests: truncations, bit flips, and targeted field patches that each reach one specific check
// (patches re-CRC by default so validation gets past the header).

import { blobCrc } from "../../modules/model/crc32.ts";
import { readModel } from "../../modules/model/reader.ts";
import type { Model } from "../../modules/model/model.ts";
import {
	GEN_HEADER_BYTES, GEN_RECORD_BYTES, HEADER_BYTES, HT_E_ARENA_OVERLAP, HT_E_CRC, HT_E_GENERATOR, HT_E_MAGIC, HT_E_OPCODE,
	HT_E_PARAM, HT_E_PARAM_BOUNDS, HT_E_PLAN, HT_E_SECTION_ALIGN, HT_E_SECTION_BOUNDS, HT_E_SECTION_MISSING, HT_E_SECTION_OVERLAP,
	HT_E_SECTION_TYPE, HT_E_SHAPE, HT_E_SIZE, HT_E_TENSOR, HT_E_TRUNCATED, HT_E_VERSION, MLP_RECORD_BYTES, OP_FC,
	OP_RECORD_BYTES, PLAN_HEADER_BYTES, SEC_GENERATOR, SEC_HEADS, SEC_META, SEC_PLAN, SEC_QPARAMS, SECTION_ENTRY_BYTES,
	TENSOR_RECORD_BYTES, OP_ADD, OP_AVGPOOL, SEC_SCALES, VERSION_MAJOR_V1,
} from "../../modules/model/format.ts";

export function recrc(blob: Uint8Array): Uint8Array {
	new DataView(blob.buffer, blob.byteOffset).setUint32(12, blobCrc(blob), true);
	return blob;
}

export function truncate(blob: Uint8Array, length: number): Uint8Array {
	return blob.slice(0, length);
}

export function flipBit(blob: Uint8Array, bit: number, reCrc = false): Uint8Array {
	const out = blob.slice();
	out[bit >> 3] ^= 1 << (bit & 7);
	return reCrc ? recrc(out) : out;
}

export type Width = "u8" | "i8" | "u16" | "u32" | "i32" | "f32";

/** A copy with one little-endian field set (and the CRC recomputed unless reCrc is false). */
export function patch(blob: Uint8Array, offset: number, width: Width, value: number, reCrc = true): Uint8Array {
	const out = blob.slice();
	const dv = new DataView(out.buffer);
	if (width === "u8") dv.setUint8(offset, value);
	else if (width === "i8") dv.setInt8(offset, value);
	else if (width === "u16") dv.setUint16(offset, value, true);
	else if (width === "u32") dv.setUint32(offset, value >>> 0, true);
	else if (width === "f32") dv.setFloat32(offset, value, true);
	else dv.setInt32(offset, value, true);
	return reCrc ? recrc(out) : out;
}

/** Offsets of the records inside a valid blob. */
export class Layout {
	readonly model: Model;

	constructor(blob: Uint8Array) {
		this.model = readModel(blob);
	}
	sectionEntry(type: number): number {
		const i = this.model.sections.findIndex((s) => s.type === type);
		if (i < 0) throw new Error(`no section of type ${type}`);
		return HEADER_BYTES + SECTION_ENTRY_BYTES * i;
	}
	sectionOffset(type: number): number {
		return (this.model.sectionEntry(type) as { offset: number }).offset;
	}
	get plan(): number {
		return this.sectionOffset(SEC_PLAN);
	}
	tensor(t: number): number {
		return this.plan + PLAN_HEADER_BYTES + TENSOR_RECORD_BYTES * t;
	}
	op(i: number): number {
		return this.plan + PLAN_HEADER_BYTES + TENSOR_RECORD_BYTES * this.model.tensorCount + OP_RECORD_BYTES * i;
	}
	mlpRecord(l: number): number {
		return this.sectionOffset(SEC_GENERATOR) + GEN_HEADER_BYTES + MLP_RECORD_BYTES * l;
	}
	genRecord(g: number): number {
		const mlp = this.model.generator?.mlp.length ?? 0;
		return this.sectionOffset(SEC_GENERATOR) + GEN_HEADER_BYTES + MLP_RECORD_BYTES * mlp + GEN_RECORD_BYTES * g;
	}
	/** Blob offset of int32 `index` of the array at QPARAMS byte `qpOff`. */
	qparam(qpOff: number, index: number): number {
		return this.sectionOffset(SEC_QPARAMS) + qpOff + 4 * index;
	}
	/** Sorted distinct offsets where the header, table and sections start or end. */
	boundaries(): number[] {
		const set = new Set<number>([0, HEADER_BYTES, HEADER_BYTES + SECTION_ENTRY_BYTES * this.model.sections.length, this.model.fileSize]);
		for (const s of this.model.sections) set.add(s.offset).add(s.offset + s.length);
		return [...set].sort((a, b) => a - b);
	}
}

/** A copy without section-table entry `index` (later entries move up; the table shrinks by 16 bytes). */
export function dropSectionEntry(blob: Uint8Array, index: number): Uint8Array {
	const out = blob.slice();
	const dv = new DataView(out.buffer);
	const count = dv.getUint16(16, true);
	const at = HEADER_BYTES + SECTION_ENTRY_BYTES * index;
	out.copyWithin(at, at + SECTION_ENTRY_BYTES, HEADER_BYTES + SECTION_ENTRY_BYTES * count);
	out.fill(0, HEADER_BYTES + SECTION_ENTRY_BYTES * (count - 1), HEADER_BYTES + SECTION_ENTRY_BYTES * count);
	dv.setUint16(16, count - 1, true);
	return recrc(out);
}

export interface Corruption {
	name: string;
	/** The status readModel must fail with. */
	code: number;
	blob: Uint8Array;
}

/**
 * One blob per error class reachable from `blob` (a valid model with a generator, a stored PW and an FC op),
 * each expected to fail with its `code`.
 */
export function corruptions(blob: Uint8Array): Corruption[] {
	const L = new Layout(blob);
	const m = L.model;
	const out: Corruption[] = [];
	const add = (name: string, code: number, b: Uint8Array): void => void out.push({ name, code, blob: b });
	const entry = (type: number): number => L.sectionEntry(type);

	for (const at of L.boundaries()) if (at < m.fileSize) add(`truncated at ${at}`, HT_E_TRUNCATED, truncate(blob, at));
	add("bad magic", HT_E_MAGIC, patch(blob, 0, "u8", 0x58));
	add("version 3", HT_E_VERSION, patch(blob, 4, "u16", 3));
	add("header bytes 48", HT_E_SIZE, patch(blob, 18, "u16", 48));
	add("no sections", HT_E_SIZE, patch(blob, 16, "u16", 0));
	add("17 sections", HT_E_SIZE, patch(blob, 16, "u16", 17));
	add("header flags", HT_E_SIZE, patch(blob, 20, "u32", 1));
	add("file_size inside the table", HT_E_SIZE, patch(blob, 8, "u32", HEADER_BYTES + 8));
	add("crc", HT_E_CRC, patch(blob, 12, "u32", (m.crc ^ 1) >>> 0, false));
	add("flipped payload bit", HT_E_CRC, flipBit(blob, 8 * (m.fileSize - 8)));

	add("section past the end", HT_E_SECTION_BOUNDS, patch(blob, entry(SEC_QPARAMS) + 8, "u32", m.fileSize));
	add("section inside the header", HT_E_SECTION_BOUNDS, patch(blob, entry(SEC_META) + 4, "u32", 0));
	const meta = m.sectionEntry(SEC_META) as { offset: number };
	add("sections overlap", HT_E_SECTION_OVERLAP, patch(blob, entry(SEC_PLAN) + 4, "u32", meta.offset));
	add("alignment 3", HT_E_SECTION_ALIGN, patch(blob, entry(SEC_PLAN) + 2, "u16", 3));
	add("alignment 128", HT_E_SECTION_ALIGN, patch(blob, entry(SEC_PLAN) + 2, "u16", 128));
	const loose = m.sections.findIndex((s) => s.offset % 64 !== 0);
	if (loose >= 0) add("offset not a multiple of the alignment", HT_E_SECTION_ALIGN, patch(blob, HEADER_BYTES + SECTION_ENTRY_BYTES * loose + 2, "u16", 64));
	add("repeated type", HT_E_SECTION_MISSING, patch(blob, entry(SEC_META), "u16", SEC_PLAN));
	add("no META", HT_E_SECTION_MISSING, dropSectionEntry(blob, m.sections.findIndex((s) => s.type === SEC_META)));
	add("unknown section type", HT_E_SECTION_TYPE, patch(blob, entry(SEC_QPARAMS), "u16", 10));
	add("section reserved", HT_E_PARAM, patch(blob, entry(SEC_QPARAMS) + 12, "u32", 1));

	add("tensor count vs PLAN length", HT_E_PLAN, patch(blob, L.plan, "u16", m.tensorCount + 1));
	add("input tensor out of range", HT_E_PLAN, patch(blob, L.plan + 8, "u16", m.tensorCount));
	add("PLAN reserved", HT_E_PARAM, patch(blob, L.plan + 14, "u16", 1));
	add("op reads a tensor no op wrote", HT_E_PLAN, patch(blob, L.op(0) + 2, "u16", m.ops[m.ops.length - 1].out));
	add("tensor zero channels", HT_E_TENSOR, patch(blob, L.tensor(0) + 6, "u16", 0));
	add("tensor zero point 200", HT_E_TENSOR, patch(blob, L.tensor(0) + 8, "i32", 200));
	add("tensor outside the arena", HT_E_TENSOR, patch(blob, L.tensor(0), "u32", m.arenaBytes));
	add("unknown opcode", HT_E_OPCODE, patch(blob, L.op(0), "u8", 9));
	add("opcode 0", HT_E_OPCODE, patch(blob, L.op(m.ops.length - 1), "u8", 0));

	const fc = m.ops.findIndex((o) => o.opcode === OP_FC);
	add("FC weight length", HT_E_SHAPE, patch(blob, L.op(fc) + 24, "u32", (m.ops[fc].weightsLen + 1)));
	add("stem padding changes the output length", HT_E_SHAPE, patch(blob, L.op(0) + 12, "u8", m.ops[0].padLeft + 40));
	add("weights outside BACKBONE", HT_E_PARAM_BOUNDS, patch(blob, L.op(fc) + 20, "u32", 0xfffffff0));
	add("misaligned multipliers", HT_E_PARAM_BOUNDS, patch(blob, L.op(fc) + 32, "u32", m.ops[fc].multOff + 2));
	add("stride 0", HT_E_PARAM, patch(blob, L.op(0) + 10, "u8", 0));
	add("act_min > act_max", HT_E_PARAM, patch(patch(blob, L.op(fc) + 16, "i8", 100), L.op(fc) + 17, "i8", 0));
	const v1 = m.versionMajor === VERSION_MAJOR_V1;
	if (v1) add("op reserved", HT_E_PARAM, patch(blob, L.op(0) + 44, "u32", 1));
	else add("misaligned filter scales", HT_E_PARAM_BOUNDS, patch(blob, L.op(0) + 44, "u32", m.ops[0].scaleOff + 2));
	add("unused in1", HT_E_PARAM, patch(blob, L.op(0) + 4, "u16", 0));
	add("multiplier below 2^30", HT_E_PARAM, patch(blob, L.qparam(m.ops[fc].multOff, 0), "i32", 5));
	add("shift 31", HT_E_PARAM, patch(blob, L.qparam(m.ops[fc].shiftOff, 0), "i32", 31));

	if (!v1) {
		// Version 2: every multiplier is the TFLM rule's (docs/FORMAT.md §2a); one nudged by one is refused.
		add("no SCALES", HT_E_SECTION_MISSING, dropSectionEntry(blob, m.sections.findIndex((s) => s.type === SEC_SCALES)));
		add("SCALES length", HT_E_PLAN, patch(blob, entry(SEC_SCALES) + 8, "u32", 4 * m.tensorCount - 4));
		const scales = L.sectionOffset(SEC_SCALES);
		add("tensor scale 0", HT_E_PARAM, patch(blob, scales + 4 * (m.tensorCount - 1), "f32", 0));
		add("tensor scale NaN", HT_E_PARAM, patch(blob, scales, "f32", NaN));
		add("multiplier nudged by one", HT_E_PARAM, patch(blob, L.qparam(m.ops[fc].multOff, 0), "i32", (m.ops[fc].mult as Int32Array)[0] + 1));
		add("shift nudged by one", HT_E_PARAM, patch(blob, L.qparam(m.ops[0].shiftOff, 0), "i32", (m.ops[0].shift as Int32Array)[0] - 1));
		add("filter scale negative", HT_E_PARAM, patch(blob, L.qparam(m.ops[0].scaleOff, 0), "f32", -1));
		add("filter scale doubled", HT_E_PARAM, patch(blob, L.qparam(m.ops[0].scaleOff, 0), "f32", 2 * (m.ops[0].filterScales as Float32Array)[0]));
		add("tensor scale doubled", HT_E_PARAM, patch(blob, scales + 4 * m.ops[0].out, "f32", 2 * (m.tensorScales as number[])[m.ops[0].out]));
		add("scale_off on an op without filter scales", HT_E_PARAM, patch(blob, L.op(m.ops.findIndex((o) => o.scaleOff === 0)) + 44, "u32", 4));
		const add1 = m.ops.findIndex((o) => o.opcode === OP_ADD);
		if (add1 >= 0) add("ADD left_shift 19", HT_E_PARAM, patch(blob, L.qparam(m.ops[add1].auxOff, 0), "i32", 19));
		const avg = m.ops.findIndex((o) => o.opcode === OP_AVGPOOL);
		if (avg >= 0) add("AVGPOOL multiplier nudged by one", HT_E_PARAM, patch(blob, L.qparam(m.ops[avg].auxOff, 0), "i32", (m.ops[avg].aux as Int32Array)[0] + 1));
	}

	const victim = m.ops.findIndex((o) => m.tensors[o.in0].arenaOffset + m.tensors[o.out].length * m.tensors[o.out].channels <= m.arenaBytes);
	if (victim >= 0) add("output over its own input", HT_E_ARENA_OVERLAP, patch(blob, L.tensor(m.ops[victim].out), "u32", m.tensors[m.ops[victim].in0].arenaOffset));

	const gen = m.generator;
	if (gen) {
		const g0 = gen.layers[0];
		const genAt = L.sectionOffset(SEC_GENERATOR);
		add("no HEADS", HT_E_SECTION_MISSING, dropSectionEntry(blob, m.sections.findIndex((s) => s.type === SEC_HEADS)));
		add("generated layer index out of range", HT_E_PLAN, patch(blob, L.op(g0.op) + 14, "u16", gen.layers.length));
		add("family 3", HT_E_GENERATOR, patch(blob, genAt, "u16", 3));
		add("code_dim 0", HT_E_GENERATOR, patch(blob, genAt + 2, "u8", 0));
		add("gen_count mismatch", HT_E_GENERATOR, patch(blob, genAt + 4, "u16", gen.layers.length + 1));
		add("MLP dims do not chain", HT_E_GENERATOR, patch(blob, L.mlpRecord(0), "u16", gen.codeDim + 1));
		add("rank", HT_E_GENERATOR, patch(blob, L.genRecord(0) + 6, "u8", g0.rank + 1));
		if (gen.layers.length > 1) {
			add("layer used twice", HT_E_GENERATOR, patch(blob, L.op(gen.layers[1].op) + 14, "u16", 0));
		}
		add("generated layer cout mismatch", HT_E_SHAPE, patch(blob, L.genRecord(0), "u16", g0.cout + 1));
		add("MLP bits 5", HT_E_PARAM, patch(blob, L.mlpRecord(0) + 4, "u8", 5));
		add("head bits 3", HT_E_PARAM, patch(blob, L.genRecord(0) + 4, "u8", 3));
		add("MLP weights outside GENERATOR", HT_E_PARAM_BOUNDS, patch(blob, L.mlpRecord(0) + 16, "u32", 0x7fffffff));
		add("heads outside HEADS", HT_E_PARAM_BOUNDS, patch(blob, L.genRecord(0) + 12, "u32", 0x7fffffff));
		add("code outside CODES", HT_E_PARAM_BOUNDS, patch(blob, L.genRecord(0) + 8, "u32", 0x7fffffff));
		if (v1) add("m0 below 2^30", HT_E_PARAM, patch(blob, L.qparam(g0.qpOff, g0.cout), "i32", 12345));
		else add("unit_scale 0", HT_E_PARAM, patch(blob, L.genRecord(0) + 20, "f32", 0));
	}
	return out;
}

/** Version 2: a copy whose generated layer g has unit_scale `unit` (valid on its own; a large one makes synthesis fail with SYNTH_RANGE). */
export function withGeneratedUnitScale(blob: Uint8Array, g: number, unit: number): Uint8Array {
	const L = new Layout(blob);
	return patch(blob, L.genRecord(g) + 20, "f32", unit);
}

/** A copy whose generated layer g has shift s0 (valid on its own; large s0 makes synthesis fail with SYNTH_RANGE). */
export function withGeneratedShift(blob: Uint8Array, g: number, s0: number): Uint8Array {
	const L = new Layout(blob);
	const layer = (L.model.generator as NonNullable<Model["generator"]>).layers[g];
	return patch(blob, L.qparam(layer.qpOff, layer.cout + 1), "i32", s0);
}
