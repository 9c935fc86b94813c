// Op records, one at a time in plan order, docs/FORMAT.md §2, §3 and §8 step 4
// (per op: OPCODE, PLAN, SHAPE, PARAM_BOUNDS, PARAM, ARENA_OVERLAP).

import { checkMultShift, checkQparams, isScale, qparam, qparamF32, qparamView, type BlobContext } from "./context.ts";
import { fail } from "./errors.ts";
import {
	ADD_AUX_COUNT, ADD_MAX_LEFT_SHIFT, ATTNPOOL_AUX_COUNT, AVGPOOL_AUX_COUNT, HT_E_ARENA_OVERLAP, HT_E_OPCODE, HT_E_PARAM,
	HT_E_PARAM_BOUNDS, HT_E_PLAN, HT_E_SHAPE, NONE16, NONE32, OP_ADD, OP_ATTNPOOL, OP_AVGPOOL, OP_CONV1D, OP_DWCONV1D,
	OP_FC, OP_FIRST, OP_FLAG_PER_TENSOR, OP_LAST, OP_MAXPOOL, OP_NAMES, OP_PWCONV, OP_RECORD_BYTES, SEC_BACKBONE, SEC_KEPT_PW,
	SEC_QPARAMS, SECTION_NAMES, MULT_MAX, SHIFT_MAX, SHIFT_MIN, VERSION_MAJOR_V1,
} from "./format.ts";
import { addRequant, meanIsIdentity, meanRequant, weightedRequant, type Requant } from "./requant.ts";
import type { Op, SectionEntry, Tensor } from "./model.ts";
import type { PlanHeader } from "./plan.ts";

export interface CheckedOps {
	ops: Op[];
	/** Per generated layer: how many ops use it, and the last one. */
	genUses: Uint16Array;
	genOp: Int32Array;
}

/** Output length of a windowed op, or a value < 1 when the window does not fit. */
export function windowedLength(length: number, k: number, stride: number, dilation: number, padLeft: number, padRight: number): number {
	const span = length + padLeft + padRight - dilation * (k - 1) - 1;
	return span < 0 ? 0 : Math.floor(span / stride) + 1;
}

export function isWindowed(opcode: number): boolean {
	return opcode === OP_CONV1D || opcode === OP_DWCONV1D || opcode === OP_MAXPOOL;
}

/** Ops with weights and an optional bias (a generated PW has neither in the file). */
export function hasWeights(opcode: number, generated: boolean): boolean {
	return opcode === OP_CONV1D || opcode === OP_DWCONV1D || opcode === OP_FC || opcode === OP_ATTNPOOL || (opcode === OP_PWCONV && !generated);
}

/** Ops with per-channel (or PER_TENSOR) multiplier and shift arrays. */
export function hasRequant(opcode: number, generated: boolean): boolean {
	return opcode === OP_CONV1D || opcode === OP_DWCONV1D || opcode === OP_FC || (opcode === OP_PWCONV && !generated);
}

export function auxCount(opcode: number): number {
	return opcode === OP_ADD ? ADD_AUX_COUNT : opcode === OP_AVGPOOL ? AVGPOOL_AUX_COUNT : opcode === OP_ATTNPOOL ? ATTNPOOL_AUX_COUNT : 0;
}

function readOp(dv: DataView, at: number): Op {
	return {
		opcode: dv.getUint8(at),
		flags: dv.getUint8(at + 1),
		in0: dv.getUint16(at + 2, true),
		in1: dv.getUint16(at + 4, true),
		out: dv.getUint16(at + 6, true),
		k: dv.getUint16(at + 8, true),
		stride: dv.getUint8(at + 10),
		dilation: dv.getUint8(at + 11),
		padLeft: dv.getUint8(at + 12),
		padRight: dv.getUint8(at + 13),
		genLayer: dv.getUint16(at + 14, true),
		actMin: dv.getInt8(at + 16),
		actMax: dv.getInt8(at + 17),
		weightsOff: dv.getUint32(at + 20, true),
		weightsLen: dv.getUint32(at + 24, true),
		biasOff: dv.getUint32(at + 28, true),
		multOff: dv.getUint32(at + 32, true),
		shiftOff: dv.getUint32(at + 36, true),
		auxOff: dv.getUint32(at + 40, true),
		scaleOff: dv.getUint32(at + 44, true),
		filterScales: null,
		weights: null,
		bias: null,
		mult: null,
		shift: null,
		aux: null,
	};
}

/** Fields an op does not use hold their "none" value: 0xFFFF / 0xFFFFFFFF where the field has one, else 0. */
function checkParams(ctx: BlobContext, op: Op, tensors: Tensor[], reservedNonZero: boolean, cout: number, what: string): void {
	const generated = op.opcode === OP_PWCONV && op.genLayer !== NONE16;
	const requant = hasRequant(op.opcode, generated);
	const bad = (detail: string): never => fail(HT_E_PARAM, `${what}: ${detail}`);
	if ((op.flags & ~OP_FLAG_PER_TENSOR) !== 0) bad(`flags 0x${op.flags.toString(16)}`);
	if (op.actMin > op.actMax) bad(`act_min ${op.actMin} > act_max ${op.actMax}`);
	if (reservedNonZero) bad("reserved field not zero");
	if (isWindowed(op.opcode)) {
		if (op.k < 1 || op.stride < 1 || op.dilation < 1) bad(`K ${op.k}, stride ${op.stride}, dilation ${op.dilation} must be >= 1`);
		if (op.opcode === OP_MAXPOOL && (op.dilation !== 1 || op.padLeft >= op.k || op.padRight >= op.k)) bad("MAXPOOL needs dilation 1 and pads < K");
		if (op.opcode === OP_MAXPOOL && tensors[op.in0].zeroPoint !== tensors[op.out].zeroPoint) bad("MAXPOOL needs equal input and output zero points");
	} else if (op.k !== 1 || op.stride !== 1 || op.dilation !== 1 || op.padLeft !== 0 || op.padRight !== 0) {
		bad("K/stride/dilation must be 1 and pads 0");
	}
	if (op.opcode !== OP_ADD && op.in1 !== NONE16) bad(`in1 ${op.in1} on a single-input op`);
	if (op.opcode !== OP_PWCONV && op.genLayer !== NONE16) bad(`gen_layer ${op.genLayer} on a non-PW op`);
	if (!hasWeights(op.opcode, generated) && (op.weightsOff !== 0 || op.weightsLen !== 0)) bad("weights given to an op without weights");
	if (!requant) {
		if (op.multOff !== 0 || op.shiftOff !== 0 || (op.flags & OP_FLAG_PER_TENSOR) !== 0) bad("multipliers given to an op without them");
		if (op.opcode !== OP_ATTNPOOL && op.biasOff !== NONE32) bad("bias given to an op without bias");
	}
	if (auxCount(op.opcode) === 0 && op.auxOff !== NONE32) bad("aux given to an op without aux params");
	if (requant) {
		const count = op.flags & OP_FLAG_PER_TENSOR ? 1 : cout;
		for (let c = 0; c < count; c++) checkMultShift(qparam(ctx, op.multOff, c), qparam(ctx, op.shiftOff, c), what, "channel", c);
	}
	const aux = (i: number): number => qparam(ctx, op.auxOff, i);
	const v2 = ctx.versionMajor !== VERSION_MAJOR_V1;
	if (op.opcode === OP_ADD) {
		const leftShift = aux(0);
		if (leftShift < 0 || leftShift > ADD_MAX_LEFT_SHIFT) bad(`left_shift ${leftShift} outside 0..${ADD_MAX_LEFT_SHIFT}`);
		for (let i = 1; i < ADD_AUX_COUNT; i += 2) checkMultShift(aux(i), aux(i + 1), what, "aux", i);
	} else if (op.opcode === OP_AVGPOOL && v2) {
		// TFLM's MEAN folds 1/L into the multiplier, which may then be below 2^30 (docs/FORMAT.md §2a).
		if (aux(0) < 0 || aux(0) > MULT_MAX || aux(1) < SHIFT_MIN || aux(1) > SHIFT_MAX) bad(`aux multiplier ${aux(0)}, shift ${aux(1)} out of range`);
	} else if (op.opcode === OP_AVGPOOL || op.opcode === OP_ATTNPOOL) {
		for (let i = 0; i < auxCount(op.opcode); i += 2) checkMultShift(aux(i), aux(i + 1), what, "aux", i);
	}
	if (v2) checkRule(ctx, op, tensors, requant, cout, bad);
}

/** Version 2: filter scales present where they belong, and every multiplier the §2a rule (TFLM's Prepare). */
function checkRule(ctx: BlobContext, op: Op, tensors: Tensor[], requant: boolean, cout: number, bad: (detail: string) => never): void {
	const scales = ctx.tensorScales as number[];
	const sIn = scales[op.in0];
	const sOut = scales[op.out];
	const differs = (stored: number[], rule: number[], part: string): void => {
		for (let i = 0; i < rule.length; i++) {
			if (stored[i] !== rule[i]) bad(`${part} [${stored.join(", ")}] are not the TFLM rule's [${rule.join(", ")}]`);
		}
	};
	const pair = (r: Requant): number[] => [r.m, r.s];
	if (!requant) {
		if (op.scaleOff !== 0) bad("filter scales given to an op without them");
	} else {
		const count = op.flags & OP_FLAG_PER_TENSOR ? 1 : cout;
		const filter: number[] = [];
		for (let c = 0; c < count; c++) {
			const s = qparamF32(ctx, op.scaleOff, c);
			if (!isScale(s)) bad(`filter scale ${c} (${s}) is not finite and > 0`);
			filter.push(s);
		}
		for (let c = 0; c < count; c++) {
			const rule = weightedRequant(op.opcode === OP_FC, sIn, filter, sOut, c);
			differs([qparam(ctx, op.multOff, c), qparam(ctx, op.shiftOff, c)], pair(rule), `channel ${c} multiplier and shift`);
		}
	}
	const aux = (n: number): number[] => Array.from({ length: n }, (_, i) => qparam(ctx, op.auxOff, i));
	if (op.opcode === OP_ADD) {
		const rule = addRequant(scales[op.in0], scales[op.in1], sOut);
		differs(aux(ADD_AUX_COUNT), rule, "ADD parameters");
		if (rule[2] > 0 || rule[4] > 0 || rule[6] > 0) bad("ADD's rescales must be below 1 (TFLM's QuantizeMultiplierSmallerThanOneExp)");
	} else if (op.opcode === OP_AVGPOOL) {
		const a = tensors[op.in0];
		if (meanIsIdentity(sIn, a.zeroPoint, sOut, tensors[op.out].zeroPoint)) bad("input and output have the same scale and zero point (TFLM's MEAN would truncate)");
		differs(aux(AVGPOOL_AUX_COUNT), pair(meanRequant(sIn, sOut, a.length)), "AVGPOOL multiplier and shift");
	}
}

function checkDataFlow(op: Op, plan: PlanHeader, written: Uint8Array, what: string): void {
	const readable = (t: number): boolean => t === plan.inputTensor || written[t] === 1;
	const tc = plan.tensorCount;
	if (op.in0 >= tc) fail(HT_E_PLAN, `${what}: in0 ${op.in0} >= tensor count ${tc}`);
	if (op.opcode === OP_ADD && op.in1 >= tc) fail(HT_E_PLAN, `${what}: in1 ${op.in1} >= tensor count ${tc}`);
	if (op.out >= tc) fail(HT_E_PLAN, `${what}: out ${op.out} >= tensor count ${tc}`);
	if (!readable(op.in0)) fail(HT_E_PLAN, `${what}: reads tensor ${op.in0} before any op writes it`);
	if (op.opcode === OP_ADD && !readable(op.in1)) fail(HT_E_PLAN, `${what}: reads tensor ${op.in1} before any op writes it`);
	if (op.out === plan.inputTensor) fail(HT_E_PLAN, `${what}: writes the input tensor`);
	if (written[op.out] === 1) fail(HT_E_PLAN, `${what}: writes tensor ${op.out} a second time`);
	if (op.opcode === OP_PWCONV && op.genLayer !== NONE16 && op.genLayer >= plan.genCount) {
		fail(HT_E_PLAN, `${what}: gen_layer ${op.genLayer} >= generated-layer count ${plan.genCount}`);
	}
}

function checkShape(op: Op, tensors: Tensor[], what: string): void {
	const a = tensors[op.in0];
	const o = tensors[op.out];
	const bad = (detail: string): never => fail(HT_E_SHAPE, `${what}: ${detail}`);
	// A zero K, stride or dilation is a PARAM failure, found later: the window and its weights go unchecked here.
	const degenerate = op.k === 0 || op.stride === 0 || op.dilation === 0;
	const windowed = (): void => {
		if (degenerate) return;
		const lo = windowedLength(a.length, op.k, op.stride, op.dilation, op.padLeft, op.padRight);
		if (lo < 1) bad(`window does not fit input length ${a.length}`);
		if (o.length !== lo) bad(`output length ${o.length}, expected ${lo}`);
	};
	const sameChannels = (): void => {
		if (o.channels !== a.channels) bad(`output channels ${o.channels}, input has ${a.channels}`);
	};
	const pooled = (): void => {
		if (o.length !== 1) bad(`output length ${o.length}, expected 1`);
	};
	let weights = -1;
	switch (op.opcode) {
		case OP_CONV1D:
			windowed();
			weights = o.channels * op.k * a.channels;
			break;
		case OP_DWCONV1D:
			sameChannels();
			windowed();
			weights = op.k * a.channels;
			break;
		case OP_PWCONV:
			if (o.length !== a.length) bad(`output length ${o.length}, input has ${a.length}`);
			if (op.genLayer === NONE16) weights = o.channels * a.channels;
			break;
		case OP_ADD: {
			const b = tensors[op.in1];
			if (b.length !== a.length || b.channels !== a.channels || o.length !== a.length || o.channels !== a.channels) {
				bad(`operands [${a.length}][${a.channels}] + [${b.length}][${b.channels}] -> [${o.length}][${o.channels}]`);
			}
			break;
		}
		case OP_AVGPOOL:
			sameChannels();
			pooled();
			break;
		case OP_ATTNPOOL:
			sameChannels();
			pooled();
			weights = a.channels;
			break;
		case OP_MAXPOOL:
			sameChannels();
			windowed();
			break;
		case OP_FC:
			pooled();
			weights = o.channels * a.length * a.channels;
			break;
	}
	if (weights >= 0 && !(degenerate && isWindowed(op.opcode)) && op.weightsLen !== weights) bad(`weights are ${op.weightsLen} bytes, the shapes need ${weights}`);
}

function checkBounds(ctx: BlobContext, op: Op, cout: number, what: string): void {
	const generated = op.opcode === OP_PWCONV && op.genLayer !== NONE16;
	if (hasWeights(op.opcode, generated)) {
		const type = op.opcode === OP_PWCONV ? SEC_KEPT_PW : SEC_BACKBONE;
		const sec = ctx.sec[type];
		if (!sec) fail(HT_E_PARAM_BOUNDS, `${what}: weights in ${SECTION_NAMES[type]}, which is absent`);
		if (op.weightsOff + op.weightsLen > sec.length) {
			fail(HT_E_PARAM_BOUNDS, `${what}: weights [${op.weightsOff}, +${op.weightsLen}) outside ${SECTION_NAMES[type]} (${sec.length} bytes)`);
		}
		if (op.biasOff !== NONE32) checkQparams(ctx, op.biasOff, op.opcode === OP_ATTNPOOL ? 1 : cout, what, "bias");
	}
	if (hasRequant(op.opcode, generated)) {
		const count = op.flags & OP_FLAG_PER_TENSOR ? 1 : cout;
		checkQparams(ctx, op.multOff, count, what, "multipliers");
		checkQparams(ctx, op.shiftOff, count, what, "shifts");
		if (ctx.versionMajor !== VERSION_MAJOR_V1) checkQparams(ctx, op.scaleOff, count, what, "filter scales");
	}
	const aux = auxCount(op.opcode);
	if (aux > 0) checkQparams(ctx, op.auxOff, aux, what, "aux");
}

/** Whether op j reads tensor t: in0 always, in1 when op j is an ADD (from the raw record). */
function reads(dv: DataView, plan: PlanHeader, j: number, t: number): boolean {
	const at = plan.opsAt + OP_RECORD_BYTES * j;
	return dv.getUint16(at + 2, true) === t || (dv.getUint8(at) === OP_ADD && dv.getUint16(at + 4, true) === t);
}

/**
 * Arena safety with TFLM lifetimes: op i's output may not overlap output_tensor (at any time), nor a tensor that
 * already holds data (input_tensor, or written by an op before i) and is read by an op j >= i.
 */
function checkArena(dv: DataView, op: Op, index: number, plan: PlanHeader, tensors: Tensor[], written: Uint8Array, what: string): void {
	const o = tensors[op.out];
	const start = o.arenaOffset;
	const end = start + o.length * o.channels;
	for (let t = 0; t < tensors.length; t++) {
		if (t === op.out) continue;
		const x = tensors[t];
		if (!(start < x.arenaOffset + x.length * x.channels && x.arenaOffset < end)) continue;
		let live = t === plan.outputTensor;
		if (!live && (t === plan.inputTensor || written[t] === 1)) {
			for (let j = index; !live && j < plan.opCount; j++) live = reads(dv, plan, j, t);
		}
		if (live) fail(HT_E_ARENA_OVERLAP, `${what}: output tensor ${op.out} overlaps live tensor ${t}`);
	}
}

function attachViews(ctx: BlobContext, op: Op, cout: number): void {
	const generated = op.opcode === OP_PWCONV && op.genLayer !== NONE16;
	if (hasWeights(op.opcode, generated)) {
		const sec = ctx.sec[op.opcode === OP_PWCONV ? SEC_KEPT_PW : SEC_BACKBONE] as SectionEntry;
		op.weights = new Int8Array(ctx.buffer, ctx.base + sec.offset + op.weightsOff, op.weightsLen);
		if (op.biasOff !== NONE32) op.bias = qparamView(ctx, op.biasOff, op.opcode === OP_ATTNPOOL ? 1 : cout);
	}
	if (hasRequant(op.opcode, generated)) {
		const count = op.flags & OP_FLAG_PER_TENSOR ? 1 : cout;
		op.mult = qparamView(ctx, op.multOff, count);
		op.shift = qparamView(ctx, op.shiftOff, count);
		if (ctx.versionMajor !== VERSION_MAJOR_V1) {
			op.filterScales = new Float32Array(ctx.buffer, ctx.base + (ctx.sec[SEC_QPARAMS] as SectionEntry).offset + op.scaleOff, count);
		}
	}
	const aux = auxCount(op.opcode);
	if (aux > 0) op.aux = qparamView(ctx, op.auxOff, aux);
}

export function checkOps(ctx: BlobContext, plan: PlanHeader, tensors: Tensor[]): CheckedOps {
	const dv = ctx.dv;
	const written = new Uint8Array(plan.tensorCount);
	const genUses = new Uint16Array(plan.genCount);
	const genOp = new Int32Array(plan.genCount).fill(-1);
	const ops: Op[] = [];
	for (let i = 0; i < plan.opCount; i++) {
		const at = plan.opsAt + OP_RECORD_BYTES * i;
		const op = readOp(dv, at);
		if (op.opcode < OP_FIRST || op.opcode > OP_LAST) fail(HT_E_OPCODE, `op ${i}: unknown opcode ${op.opcode}`);
		const what = `op ${i} (${OP_NAMES[op.opcode]})`;
		checkDataFlow(op, plan, written, what);
		checkShape(op, tensors, what);
		const cout = tensors[op.out].channels;
		checkBounds(ctx, op, cout, what);
		// Version 2 uses the word at 44 as scale_off (checked by checkRule).
		const reserved = dv.getUint16(at + 18, true) !== 0 || (ctx.versionMajor === VERSION_MAJOR_V1 && op.scaleOff !== 0);
		checkParams(ctx, op, tensors, reserved, cout, what);
		checkArena(dv, op, i, plan, tensors, written, what);
		written[op.out] = 1;
		if (op.opcode === OP_PWCONV && op.genLayer !== NONE16) {
			genUses[op.genLayer]++;
			genOp[op.genLayer] = i;
		}
		attachViews(ctx, op, cout);
		ops.push(op);
	}
	if (written[plan.outputTensor] !== 1) fail(HT_E_PLAN, `no op writes the output tensor ${plan.outputTensor}`);
	return { ops, genUses, genOp };
}
