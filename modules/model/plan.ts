// PLAN header and tensor records, docs/FORMAT.md §2 and §8 step 3 (PLAN, then TENSOR, then the reserved word: PARAM).

import type { BlobContext } from "./context.ts";
import { fail } from "./errors.ts";
import { isScale } from "./context.ts";
import { HT_E_PARAM, HT_E_PLAN, HT_E_TENSOR, MAX_OPS, MAX_TENSORS, OP_RECORD_BYTES, PLAN_HEADER_BYTES, SEC_PLAN, SEC_SCALES, TENSOR_RECORD_BYTES } from "./format.ts";
import type { SectionEntry, Tensor } from "./model.ts";
import { MAX_ARENA_BYTES } from "./format.ts";

export interface PlanHeader {
	/** Blob offset of the PLAN section. */
	at: number;
	tensorCount: number;
	opCount: number;
	arenaBytes: number;
	inputTensor: number;
	outputTensor: number;
	genCount: number;
	/** Blob offset of op record 0. */
	opsAt: number;
}

export function checkPlanHeader(ctx: BlobContext): PlanHeader {
	const plan = ctx.sec[SEC_PLAN] as SectionEntry;
	const dv = ctx.dv;
	const at = plan.offset;
	if (plan.length < PLAN_HEADER_BYTES) fail(HT_E_PLAN, `PLAN is ${plan.length} bytes, shorter than its header`);
	const tensorCount = dv.getUint16(at, true);
	const opCount = dv.getUint16(at + 2, true);
	if (tensorCount < 1 || tensorCount > MAX_TENSORS) fail(HT_E_PLAN, `tensor count ${tensorCount} outside 1..${MAX_TENSORS}`);
	if (opCount < 1 || opCount > MAX_OPS) fail(HT_E_PLAN, `op count ${opCount} outside 1..${MAX_OPS}`);
	const expected = PLAN_HEADER_BYTES + TENSOR_RECORD_BYTES * tensorCount + OP_RECORD_BYTES * opCount;
	if (plan.length !== expected) fail(HT_E_PLAN, `PLAN is ${plan.length} bytes, ${tensorCount} tensors and ${opCount} ops need ${expected}`);
	const arenaBytes = dv.getUint32(at + 4, true);
	const inputTensor = dv.getUint16(at + 8, true);
	const outputTensor = dv.getUint16(at + 10, true);
	const genCount = dv.getUint16(at + 12, true);
	if (inputTensor >= tensorCount) fail(HT_E_PLAN, `input tensor ${inputTensor} >= tensor count ${tensorCount}`);
	if (outputTensor >= tensorCount) fail(HT_E_PLAN, `output tensor ${outputTensor} >= tensor count ${tensorCount}`);
	if (arenaBytes > MAX_ARENA_BYTES) fail(HT_E_PLAN, `arena of ${arenaBytes} bytes exceeds the ${MAX_ARENA_BYTES}-byte (256 KiB) cap of a device`);
	const opsAt = at + PLAN_HEADER_BYTES + TENSOR_RECORD_BYTES * tensorCount;
	return { at, tensorCount, opCount, arenaBytes, inputTensor, outputTensor, genCount, opsAt };
}

export function checkTensors(ctx: BlobContext, plan: PlanHeader): Tensor[] {
	const dv = ctx.dv;
	const tensors: Tensor[] = [];
	for (let t = 0; t < plan.tensorCount; t++) {
		const at = plan.at + PLAN_HEADER_BYTES + TENSOR_RECORD_BYTES * t;
		const arenaOffset = dv.getUint32(at, true);
		const length = dv.getUint16(at + 4, true);
		const channels = dv.getUint16(at + 6, true);
		const zeroPoint = dv.getInt32(at + 8, true);
		if (length < 1 || channels < 1) fail(HT_E_TENSOR, `tensor ${t}: shape [${length}][${channels}] has a zero dimension`);
		if (zeroPoint < -128 || zeroPoint > 127) fail(HT_E_TENSOR, `tensor ${t}: zero point ${zeroPoint} outside -128..127`);
		if (arenaOffset + length * channels > plan.arenaBytes) {
			fail(HT_E_TENSOR, `tensor ${t}: [${arenaOffset}, ${arenaOffset + length * channels}) outside the ${plan.arenaBytes}-byte arena`);
		}
		tensors.push({ arenaOffset, length, channels, zeroPoint });
	}
	if (dv.getUint16(plan.at + 14, true) !== 0) fail(HT_E_PARAM, "PLAN reserved field not zero");
	return tensors;
}

/** Version 2: SCALES holds one float32 scale per tensor, each finite and > 0 (docs/FORMAT.md §8 step 3). */
export function checkScales(ctx: BlobContext, plan: PlanHeader): number[] | null {
	const sec = ctx.sec[SEC_SCALES];
	if (!sec) return null;
	if (sec.length !== 4 * plan.tensorCount) fail(HT_E_PLAN, `SCALES is ${sec.length} bytes, ${plan.tensorCount} tensors need ${4 * plan.tensorCount}`);
	const scales: number[] = [];
	for (let t = 0; t < plan.tensorCount; t++) {
		const s = ctx.dv.getFloat32(sec.offset + 4 * t, true);
		if (!isScale(s)) fail(HT_E_PARAM, `tensor ${t}: scale ${s} is not finite and > 0`);
		scales.push(s);
	}
	return scales;
}
