// GENERATOR section and generated-layer records, docs/FORMAT.md §4 and §8 step 5 (per record: GENERATOR,
// SHAPE, PARAM_BOUNDS, PARAM).

import { checkMultShift, checkQparams, isScale, qparam, qparamView, type BlobContext } from "./context.ts";
import { fail } from "./errors.ts";
import {
	FAMILY_HEAD, FAMILY_LOWRANK, GEN_HEADER_BYTES, GEN_RECORD_BYTES, HT_E_GENERATOR, HT_E_PARAM, HT_E_PARAM_BOUNDS,
	HT_E_SECTION_MISSING, HT_E_SHAPE, kernelBytesFor, MAX_CODE_DIM, MAX_MLP_DIM, MAX_MLP_LAYERS, MLP_RECORD_BYTES, packedBytes, SEC_CODES,
	SEC_GENERATOR, SEC_HEADS, SECTION_NAMES, VERSION_MAJOR_V1,
} from "./format.ts";
import type { CheckedOps } from "./ops.ts";
import type { Generator, GenLayer, MlpLayer, SectionEntry, Tensor } from "./model.ts";
import type { PlanHeader } from "./plan.ts";
import { MAX_KERNEL_BYTES } from "./format.ts";

function isBits(b: number): boolean {
	return b === 4 || b === 6 || b === 8;
}

function checkInt8(v: number): boolean {
	return v >= -128 && v <= 127;
}

/** Number of packed head values of a generated layer: H [cout*cin][dh], or U [cout][rank] then V [rank][cin]. */
export function headCount(family: number, cout: number, cin: number, hDim: number, rank: number): number {
	return family === FAMILY_HEAD ? cout * cin * hDim : cout * rank + rank * cin;
}

function sectionView(ctx: BlobContext, sec: SectionEntry, off: number, length: number): Uint8Array {
	return new Uint8Array(ctx.buffer, ctx.base + sec.offset + off, length);
}

export function checkGenerator(ctx: BlobContext, plan: PlanHeader, tensors: Tensor[], checked: CheckedOps): Generator | null {
	if (plan.genCount === 0) return null;
	for (const type of [SEC_GENERATOR, SEC_HEADS, SEC_CODES]) {
		if (!ctx.sec[type]) fail(HT_E_SECTION_MISSING, `the plan has ${plan.genCount} generated layers but no ${SECTION_NAMES[type]} section`);
	}
	const gen = ctx.sec[SEC_GENERATOR] as SectionEntry;
	const heads = ctx.sec[SEC_HEADS] as SectionEntry;
	const codes = ctx.sec[SEC_CODES] as SectionEntry;
	const dv = ctx.dv;
	const at = gen.offset;
	if (gen.length < GEN_HEADER_BYTES) fail(HT_E_GENERATOR, `GENERATOR is ${gen.length} bytes, shorter than its header`);
	const family = dv.getUint16(at, true);
	const codeDim = dv.getUint8(at + 2);
	const mlpCount = dv.getUint8(at + 3);
	const genCount = dv.getUint16(at + 4, true);
	if (family !== FAMILY_HEAD && family !== FAMILY_LOWRANK) fail(HT_E_GENERATOR, `unknown family ${family}`);
	if (codeDim < 1 || codeDim > MAX_CODE_DIM) fail(HT_E_GENERATOR, `code_dim ${codeDim} outside 1..${MAX_CODE_DIM}`);
	if (mlpCount < 1 || mlpCount > MAX_MLP_LAYERS) fail(HT_E_GENERATOR, `mlp_count ${mlpCount} outside 1..${MAX_MLP_LAYERS}`);
	if (genCount !== plan.genCount) fail(HT_E_GENERATOR, `gen_count ${genCount}, the plan says ${plan.genCount}`);
	const recordsEnd = GEN_HEADER_BYTES + MLP_RECORD_BYTES * mlpCount + GEN_RECORD_BYTES * genCount;
	if (gen.length < recordsEnd) fail(HT_E_GENERATOR, `GENERATOR is ${gen.length} bytes, its records need ${recordsEnd}`);
	if (dv.getUint16(at + 6, true) !== 0) fail(HT_E_PARAM, "GENERATOR reserved field not zero");

	const mlp: MlpLayer[] = [];
	let prevOut = codeDim;
	for (let l = 0; l < mlpCount; l++) {
		const r = at + GEN_HEADER_BYTES + MLP_RECORD_BYTES * l;
		const what = `MLP layer ${l}`;
		const inDim = dv.getUint16(r, true);
		const outDim = dv.getUint16(r + 2, true);
		const bits = dv.getUint8(r + 4);
		const reserved = dv.getUint8(r + 5);
		const actMin = dv.getInt8(r + 6);
		const actMax = dv.getInt8(r + 7);
		const inZp = dv.getInt32(r + 8, true);
		const outZp = dv.getInt32(r + 12, true);
		const weightsOff = dv.getUint32(r + 16, true);
		const qpOff = dv.getUint32(r + 20, true);
		if (inDim < 1 || inDim > MAX_MLP_DIM || outDim < 1 || outDim > MAX_MLP_DIM) fail(HT_E_GENERATOR, `${what}: dims ${inDim}->${outDim} outside 1..${MAX_MLP_DIM}`);
		if (inDim !== prevOut) fail(HT_E_GENERATOR, `${what}: in_dim ${inDim}, expected ${prevOut}`);
		const weightBytes = packedBytes(inDim * outDim, bits);
		if (isBits(bits) && weightsOff + weightBytes > gen.length) fail(HT_E_PARAM_BOUNDS, `${what}: weights [${weightsOff}, +${weightBytes}) outside GENERATOR`);
		checkQparams(ctx, qpOff, outDim + 2, what, "quant params");
		if (!isBits(bits)) fail(HT_E_PARAM, `${what}: bits ${bits}`);
		if (reserved !== 0) fail(HT_E_PARAM, `${what}: reserved field not zero`);
		if (actMin > actMax) fail(HT_E_PARAM, `${what}: act_min ${actMin} > act_max ${actMax}`);
		if (!checkInt8(inZp) || !checkInt8(outZp)) fail(HT_E_PARAM, `${what}: zero points ${inZp}, ${outZp} outside -128..127`);
		const mult = qparam(ctx, qpOff, outDim);
		const shift = qparam(ctx, qpOff, outDim + 1);
		checkMultShift(mult, shift, what, "requantization", 0);
		mlp.push({
			inDim, outDim, bits, actMin, actMax, inZp, outZp, weightsOff, qpOff,
			weights: sectionView(ctx, gen, weightsOff, weightBytes), bias: qparamView(ctx, qpOff, outDim), mult, shift,
		});
		prevOut = outDim;
	}
	const hDim = prevOut;
	const hZeroPoint = mlp[mlpCount - 1].outZp;

	const layers: GenLayer[] = [];
	for (let g = 0; g < genCount; g++) {
		const r = at + GEN_HEADER_BYTES + MLP_RECORD_BYTES * mlpCount + GEN_RECORD_BYTES * g;
		const what = `generated layer ${g}`;
		const cout = dv.getUint16(r, true);
		const cin = dv.getUint16(r + 2, true);
		const headBits = dv.getUint8(r + 4);
		const codeBits = dv.getUint8(r + 5);
		const rank = dv.getUint8(r + 6);
		const v1 = ctx.versionMajor === VERSION_MAJOR_V1;
		// Version 2 keeps the layer's float32 unit_scale in the word at 20 (docs/FORMAT.md §4).
		const reserved = dv.getUint8(r + 7) !== 0 || (v1 && dv.getUint32(r + 20, true) !== 0);
		const unitScale = v1 ? 0 : dv.getFloat32(r + 20, true);
		const qpCount = v1 ? cout + 2 : cout;
		const codeOff = dv.getUint32(r + 8, true);
		const headOff = dv.getUint32(r + 12, true);
		const qpOff = dv.getUint32(r + 16, true);
		if (cout < 1 || cin < 1) fail(HT_E_GENERATOR, `${what}: shape ${cout}x${cin} has a zero dimension`);
		const wantRank = family === FAMILY_HEAD ? 0 : hDim;
		if (rank !== wantRank) fail(HT_E_GENERATOR, `${what}: rank ${rank}, the family needs ${wantRank}`);
		if (kernelBytesFor(cout, cin) > MAX_KERNEL_BYTES) fail(HT_E_GENERATOR, `${what}: a ${cout}x${cin} kernel takes ${kernelBytesFor(cout, cin)} bytes, over the ${MAX_KERNEL_BYTES}-byte (256 KiB) cap of a device`);
		if (checked.genUses[g] !== 1) fail(HT_E_GENERATOR, `${what} is used by ${checked.genUses[g]} ops, not exactly one`);
		const op = checked.genOp[g];
		const opIn = tensors[checked.ops[op].in0];
		const opOut = tensors[checked.ops[op].out];
		if (opOut.channels !== cout || opIn.channels !== cin) {
			fail(HT_E_SHAPE, `${what} is ${cout}x${cin}, op ${op} maps ${opIn.channels} to ${opOut.channels} channels`);
		}
		const codeBytes = packedBytes(codeDim, codeBits);
		if (isBits(codeBits) && codeOff + codeBytes > codes.length) fail(HT_E_PARAM_BOUNDS, `${what}: code [${codeOff}, +${codeBytes}) outside CODES (${codes.length} bytes)`);
		const headBytes = packedBytes(headCount(family, cout, cin, hDim, rank), headBits);
		if (isBits(headBits) && headOff + headBytes > heads.length) fail(HT_E_PARAM_BOUNDS, `${what}: heads [${headOff}, +${headBytes}) outside HEADS (${heads.length} bytes)`);
		checkQparams(ctx, qpOff, qpCount, what, "quant params");
		if (!isBits(headBits) || !isBits(codeBits)) fail(HT_E_PARAM, `${what}: head_bits ${headBits}, code_bits ${codeBits}`);
		if (reserved) fail(HT_E_PARAM, `${what}: reserved field not zero`);
		const m0 = v1 ? qparam(ctx, qpOff, cout) : 0;
		const s0 = v1 ? qparam(ctx, qpOff, cout + 1) : 0;
		if (v1) checkMultShift(m0, s0, what, "m0/s0", 0);
		else if (!isScale(unitScale)) fail(HT_E_PARAM, `${what}: unit_scale ${unitScale} is not finite and > 0`);
		layers.push({
			cout, cin, headBits, codeBits, rank, codeOff, headOff, qpOff, op,
			code: sectionView(ctx, codes, codeOff, codeBytes), heads: sectionView(ctx, heads, headOff, headBytes),
			biasUnit: qparamView(ctx, qpOff, cout), m0, s0, unitScale,
		});
	}
	return { family, codeDim, mlp, layers, hDim, hZeroPoint };
}
