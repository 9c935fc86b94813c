// Writes a ModelSpec as a .htpw blob (docs/FORMAT.md): sections aligned, section table, CRC last.

import { readModel } from "../../modules/model/reader.ts";
import { blobCrc } from "../../modules/model/crc32.ts";
import {
	FAMILY_HEAD, GEN_HEADER_BYTES, GEN_RECORD_BYTES, HEADER_BYTES, MAGIC, MLP_RECORD_BYTES, NONE16, NONE32, OP_ADD,
	OP_FLAG_PER_TENSOR, OP_PWCONV, OP_RECORD_BYTES, PLAN_HEADER_BYTES, SEC_BACKBONE, SEC_CODES, SEC_GENERATOR, SEC_HEADS,
	SEC_KEPT_PW, SEC_META, SEC_PLAN, SEC_QPARAMS, SECTION_ENTRY_BYTES, TENSOR_RECORD_BYTES, VERSION_MAJOR, VERSION_MINOR,
	SEC_SCALES, VERSION_MAJOR_V1,
} from "../../modules/model/format.ts";
import { hasRequant } from "../../modules/model/ops.ts";
import { planArena } from "./arena.ts";
import { packValues } from "./bitpack-writer.ts";
import { checkAccumulators } from "./overflow.ts";
import type { Ints, ModelSpec } from "./spec.ts";

export interface WriteOptions {
	/** Run readModel over the result (default true); corruption tests turn it off. */
	validate?: boolean;
	/** Check the §3 accumulator bound (default true). */
	checkOverflow?: boolean;
	/** Alignment of every section (default 4; QPARAMS never less than 4). */
	sectionAlign?: number;
}

/** A growing byte buffer. */
export class ByteSink {
	bytes = new Uint8Array(256);
	length = 0;

	reserve(n: number): void {
		if (this.length + n <= this.bytes.length) return;
		let size = this.bytes.length;
		while (size < this.length + n) size *= 2;
		const next = new Uint8Array(size);
		next.set(this.bytes.subarray(0, this.length));
		this.bytes = next;
	}
	/** Appends bytes at `align` and returns their offset. */
	append(data: Uint8Array, align = 1): number {
		this.pad(align);
		this.reserve(data.length);
		const at = this.length;
		this.bytes.set(data, at);
		this.length += data.length;
		return at;
	}
	appendFloat32(values: Ints): number {
		const data = new Uint8Array(4 * values.length);
		const dv = new DataView(data.buffer);
		for (let i = 0; i < values.length; i++) dv.setFloat32(4 * i, values[i], true);
		return this.append(data, 4);
	}
	appendInt32(values: Ints): number {
		const data = new Uint8Array(4 * values.length);
		const dv = new DataView(data.buffer);
		for (let i = 0; i < values.length; i++) dv.setInt32(4 * i, values[i], true);
		return this.append(data, 4);
	}
	pad(align: number): void {
		const target = Math.ceil(this.length / align) * align;
		this.reserve(target - this.length);
		this.length = target;
	}
	result(): Uint8Array {
		return this.bytes.slice(0, this.length);
	}
}

function encodeUtf8(text: string): Uint8Array {
	return new TextEncoder().encode(text);
}

interface Section {
	type: number;
	data: Uint8Array;
}

export function writeModel(spec: ModelSpec, options: WriteOptions = {}): Uint8Array {
	if (options.checkOverflow !== false) checkAccumulators(spec);
	const backbone = new ByteSink();
	const keptPw = new ByteSink();
	const qparams = new ByteSink();
	const i32 = (values: Ints | undefined): number => (values === undefined ? NONE32 : qparams.appendInt32(values));
	const v2 = spec.tensorScales !== undefined;
	if (v2 && spec.tensorScales?.length !== spec.tensors.length) throw new Error(`${spec.tensorScales?.length} tensor scales for ${spec.tensors.length} tensors`);

	const placed = spec.tensors.every((t) => t.arenaOffset !== undefined);
	const arena = placed ? null : planArena(spec);
	const offsets = spec.tensors.map((t, i) => t.arenaOffset ?? (arena as { offsets: number[] }).offsets[i]);
	const arenaBytes = spec.arenaBytes ?? Math.max(...spec.tensors.map((t, i) => offsets[i] + t.length * t.channels));

	const gen = spec.generator;
	const planBytes = new Uint8Array(PLAN_HEADER_BYTES + TENSOR_RECORD_BYTES * spec.tensors.length + OP_RECORD_BYTES * spec.ops.length);
	const plan = new DataView(planBytes.buffer);
	plan.setUint16(0, spec.tensors.length, true);
	plan.setUint16(2, spec.ops.length, true);
	plan.setUint32(4, arenaBytes, true);
	plan.setUint16(8, spec.inputTensor, true);
	plan.setUint16(10, spec.outputTensor, true);
	plan.setUint16(12, gen ? gen.layers.length : 0, true);
	spec.tensors.forEach((t, i) => {
		const at = PLAN_HEADER_BYTES + TENSOR_RECORD_BYTES * i;
		plan.setUint32(at, offsets[i], true);
		plan.setUint16(at + 4, t.length, true);
		plan.setUint16(at + 6, t.channels, true);
		plan.setInt32(at + 8, t.zeroPoint, true);
	});
	const opsAt = PLAN_HEADER_BYTES + TENSOR_RECORD_BYTES * spec.tensors.length;
	spec.ops.forEach((op, i) => {
		const at = opsAt + OP_RECORD_BYTES * i;
		const generated = op.opcode === OP_PWCONV && op.genLayer !== undefined;
		let weightsOff = 0;
		if (op.weights && !generated) weightsOff = (op.opcode === OP_PWCONV ? keptPw : backbone).append(new Uint8Array(op.weights.buffer, op.weights.byteOffset, op.weights.length));
		plan.setUint8(at, op.opcode);
		plan.setUint8(at + 1, op.mult && op.mult.length === 1 ? OP_FLAG_PER_TENSOR : 0);
		plan.setUint16(at + 2, op.in0, true);
		plan.setUint16(at + 4, op.opcode === OP_ADD ? (op.in1 as number) : (op.in1 ?? NONE16), true);
		plan.setUint16(at + 6, op.out, true);
		plan.setUint16(at + 8, op.k ?? 1, true);
		plan.setUint8(at + 10, op.stride ?? 1);
		plan.setUint8(at + 11, op.dilation ?? 1);
		plan.setUint8(at + 12, op.padLeft ?? 0);
		plan.setUint8(at + 13, op.padRight ?? 0);
		plan.setUint16(at + 14, op.genLayer ?? NONE16, true);
		plan.setInt8(at + 16, op.actMin ?? -128);
		plan.setInt8(at + 17, op.actMax ?? 127);
		plan.setUint32(at + 20, weightsOff, true);
		plan.setUint32(at + 24, op.weights && !generated ? op.weights.length : 0, true);
		plan.setUint32(at + 28, i32(op.bias), true);
		plan.setUint32(at + 32, op.mult === undefined ? 0 : i32(op.mult), true);
		plan.setUint32(at + 36, op.shift === undefined ? 0 : i32(op.shift), true);
		plan.setUint32(at + 40, i32(op.aux), true);
		if (v2 && hasRequant(op.opcode, generated)) {
			if (!op.filterScales || op.filterScales.length !== op.mult?.length) throw new Error(`op ${i}: version 2 needs one filter scale per multiplier`);
			plan.setUint32(at + 44, qparams.appendFloat32(op.filterScales), true);
		}
	});

	const sections: Section[] = [
		{ type: SEC_META, data: encodeUtf8(JSON.stringify(spec.meta)) },
		{ type: SEC_PLAN, data: planBytes },
	];
	if (backbone.length > 0) sections.push({ type: SEC_BACKBONE, data: backbone.result() });
	if (keptPw.length > 0) sections.push({ type: SEC_KEPT_PW, data: keptPw.result() });
	if (gen) sections.push(...writeGenerator(gen, qparams, v2));
	sections.push({ type: SEC_QPARAMS, data: qparams.result() });
	if (v2) {
		const scales = new ByteSink();
		scales.appendFloat32(spec.tensorScales as number[]);
		sections.push({ type: SEC_SCALES, data: scales.result() });
	}
	return assemble(sections, options.sectionAlign ?? 4, options.validate !== false, v2 ? VERSION_MAJOR : VERSION_MAJOR_V1);
}

function writeGenerator(gen: NonNullable<ModelSpec["generator"]>, qparams: ByteSink, v2: boolean): Section[] {
	const records = GEN_HEADER_BYTES + MLP_RECORD_BYTES * gen.mlp.length + GEN_RECORD_BYTES * gen.layers.length;
	const body = new ByteSink();
	body.reserve(records);
	body.length = records;
	const heads = new ByteSink();
	const codes = new ByteSink();
	const mlpOffsets = gen.mlp.map((l) => body.append(packValues(l.weights, l.bits)));
	const genBytes = body.result();
	const dv = new DataView(genBytes.buffer);
	dv.setUint16(0, gen.family, true);
	dv.setUint8(2, gen.codeDim);
	dv.setUint8(3, gen.mlp.length);
	dv.setUint16(4, gen.layers.length, true);
	gen.mlp.forEach((l, i) => {
		const at = GEN_HEADER_BYTES + MLP_RECORD_BYTES * i;
		dv.setUint16(at, l.inDim, true);
		dv.setUint16(at + 2, l.outDim, true);
		dv.setUint8(at + 4, l.bits);
		dv.setInt8(at + 6, l.actMin);
		dv.setInt8(at + 7, l.actMax);
		dv.setInt32(at + 8, l.inZp, true);
		dv.setInt32(at + 12, l.outZp, true);
		dv.setUint32(at + 16, mlpOffsets[i], true);
		dv.setUint32(at + 20, qparams.appendInt32([...Array.from(l.bias), l.mult, l.shift]), true);
	});
	const hDim = gen.mlp[gen.mlp.length - 1].outDim;
	gen.layers.forEach((g, i) => {
		const at = GEN_HEADER_BYTES + MLP_RECORD_BYTES * gen.mlp.length + GEN_RECORD_BYTES * i;
		dv.setUint16(at, g.cout, true);
		dv.setUint16(at + 2, g.cin, true);
		dv.setUint8(at + 4, g.headBits);
		dv.setUint8(at + 5, g.codeBits);
		dv.setUint8(at + 6, gen.family === FAMILY_HEAD ? 0 : hDim);
		dv.setUint32(at + 8, codes.append(packValues(g.code, g.codeBits)), true);
		dv.setUint32(at + 12, heads.append(packValues(g.heads, g.headBits)), true);
		if (v2) {
			if (g.unitScale === undefined) throw new Error(`generated layer ${i}: version 2 needs unitScale`);
			dv.setUint32(at + 16, qparams.appendInt32(g.biasUnit), true);
			dv.setFloat32(at + 20, g.unitScale, true);
		} else {
			if (g.m0 === undefined || g.s0 === undefined) throw new Error(`generated layer ${i}: version 1 needs m0 and s0`);
			dv.setUint32(at + 16, qparams.appendInt32([...Array.from(g.biasUnit), g.m0, g.s0]), true);
		}
	});
	return [
		{ type: SEC_GENERATOR, data: genBytes },
		{ type: SEC_HEADS, data: heads.result() },
		{ type: SEC_CODES, data: codes.result() },
	];
}

function assemble(sections: Section[], sectionAlign: number, validate: boolean, versionMajor: number): Uint8Array {
	const out = new ByteSink();
	const tableEnd = HEADER_BYTES + SECTION_ENTRY_BYTES * sections.length;
	out.reserve(tableEnd);
	out.length = tableEnd;
	const entries = sections.map((s) => {
		const align = s.type === SEC_QPARAMS ? Math.max(4, sectionAlign) : sectionAlign;
		return { type: s.type, align, offset: out.append(s.data, align), length: s.data.length };
	});
	out.pad(4);
	const blob = out.result();
	const dv = new DataView(blob.buffer);
	dv.setUint32(0, MAGIC, true);
	dv.setUint16(4, versionMajor, true);
	dv.setUint16(6, VERSION_MINOR, true);
	dv.setUint32(8, blob.length, true);
	dv.setUint16(16, sections.length, true);
	dv.setUint16(18, HEADER_BYTES, true);
	entries.forEach((e, i) => {
		const at = HEADER_BYTES + SECTION_ENTRY_BYTES * i;
		dv.setUint16(at, e.type, true);
		dv.setUint16(at + 2, e.align, true);
		dv.setUint32(at + 4, e.offset, true);
		dv.setUint32(at + 8, e.length, true);
	});
	dv.setUint32(12, blobCrc(blob), true);
	if (validate) readModel(blob.buffer);
	return blob;
}
