// Reference INT8 kernels, docs/FORMAT.md §3, bit for bit. Sums are exact in doubles and wrapped to int32 once.

import { EXP2_Q8, NONE16, OP_FLAG_PER_TENSOR, OP_ADD, OP_ATTNPOOL, OP_AVGPOOL, OP_CONV1D, OP_DWCONV1D, OP_FC, OP_MAXPOOL, OP_PWCONV } from "../../modules/model/format.ts";
import type { Model, Op, Tensor } from "../../modules/model/model.ts";
import { clamp, mbqm, rdiv } from "./arith.ts";
import { kernelView, type KernelView } from "./kernel-layout.ts";

interface Io {
	x: Int8Array;
	zi: number;
	y: Int8Array;
	zo: number;
	a: Tensor;
	o: Tensor;
}

function tensorView(arena: Int8Array, t: Tensor): Int8Array {
	return arena.subarray(t.arenaOffset, t.arenaOffset + t.length * t.channels);
}

interface Requant {
	bias: ArrayLike<number> | null;
	mult: ArrayLike<number>;
	shift: ArrayLike<number>;
	perTensor: boolean;
}

function requant(op: Op, rq: Requant, acc: number, c: number, zo: number): number {
	const j = rq.perTensor ? 0 : c;
	return clamp(mbqm(acc | 0, rq.mult[j], rq.shift[j]) + zo, op.actMin, op.actMax);
}

function biasOf(rq: Requant, c: number): number {
	return rq.bias ? rq.bias[c] : 0;
}

function conv1d(op: Op, io: Io, w: Int8Array, rq: Requant): void {
	const { x, zi, y, zo, a, o } = io;
	const cin = a.channels;
	const cout = o.channels;
	for (let t = 0; t < o.length; t++) {
		for (let c = 0; c < cout; c++) {
			let acc = biasOf(rq, c);
			for (let k = 0; k < op.k; k++) {
				const pos = t * op.stride - op.padLeft + k * op.dilation;
				if (pos < 0 || pos >= a.length) continue;
				const wRow = (c * op.k + k) * cin;
				for (let i = 0; i < cin; i++) acc += w[wRow + i] * (x[pos * cin + i] - zi);
			}
			y[t * cout + c] = requant(op, rq, acc, c, zo);
		}
	}
}

function dwconv1d(op: Op, io: Io, w: Int8Array, rq: Requant): void {
	const { x, zi, y, zo, a, o } = io;
	const ch = a.channels;
	for (let t = 0; t < o.length; t++) {
		for (let c = 0; c < ch; c++) {
			let acc = biasOf(rq, c);
			for (let k = 0; k < op.k; k++) {
				const pos = t * op.stride - op.padLeft + k * op.dilation;
				if (pos < 0 || pos >= a.length) continue;
				acc += w[k * ch + c] * (x[pos * ch + c] - zi);
			}
			y[t * ch + c] = requant(op, rq, acc, c, zo);
		}
	}
}

function pwconv(op: Op, io: Io, w: Int8Array, rq: Requant): void {
	const { x, zi, y, zo, a, o } = io;
	const cin = a.channels;
	const cout = o.channels;
	for (let t = 0; t < a.length; t++) {
		for (let c = 0; c < cout; c++) {
			let acc = biasOf(rq, c);
			for (let i = 0; i < cin; i++) acc += w[c * cin + i] * (x[t * cin + i] - zi);
			y[t * cout + c] = requant(op, rq, acc, c, zo);
		}
	}
}

function fc(op: Op, io: Io, w: Int8Array, rq: Requant): void {
	const { x, zi, y, zo } = io;
	const n = x.length;
	for (let c = 0; c < y.length; c++) {
		let acc = biasOf(rq, c);
		for (let i = 0; i < n; i++) acc += w[c * n + i] * (x[i] - zi);
		y[c] = requant(op, rq, acc, c, zo);
	}
}

function add(op: Op, io: Io, x2: Int8Array, z2: number): void {
	const { x, zi, y, zo } = io;
	const aux = op.aux as Int32Array;
	const [leftShift, m1, s1, m2, s2, mo, so] = aux;
	for (let i = 0; i < y.length; i++) {
		const a = mbqm(((x[i] - zi) << leftShift) | 0, m1, s1);
		const b = mbqm(((x2[i] - z2) << leftShift) | 0, m2, s2);
		y[i] = clamp(mbqm((a + b) | 0, mo, so) + zo, op.actMin, op.actMax);
	}
}

function avgpool(op: Op, io: Io): void {
	const { x, zi, y, zo, a } = io;
	const [m, s] = op.aux as Int32Array;
	const ch = a.channels;
	for (let c = 0; c < ch; c++) {
		let sum = 0;
		for (let t = 0; t < a.length; t++) sum += x[t * ch + c] - zi;
		y[c] = clamp(mbqm(sum | 0, m, s) + zo, op.actMin, op.actMax);
	}
}

function attnpool(op: Op, io: Io): void {
	const { x, zi, y, zo, a } = io;
	const w = op.weights as Int8Array;
	const b = op.bias ? op.bias[0] : 0;
	const [ms, ss, mo, so] = op.aux as Int32Array;
	const ch = a.channels;
	const scores = new Int32Array(a.length);
	let best = -128;
	for (let t = 0; t < a.length; t++) {
		let acc = b;
		for (let c = 0; c < ch; c++) acc += w[c] * (x[t * ch + c] - zi);
		const s = clamp(mbqm(acc | 0, ms, ss), -128, 127);
		scores[t] = s;
		if (s > best) best = s;
	}
	let den = 0;
	for (let t = 0; t < a.length; t++) {
		const d = best - scores[t];
		scores[t] = EXP2_Q8[d & 15] >> (d >> 4);
		den += scores[t];
	}
	for (let c = 0; c < ch; c++) {
		let num = 0;
		for (let t = 0; t < a.length; t++) num += scores[t] * (x[t * ch + c] - zi);
		const avg16 = rdiv(16 * num, den) | 0; // num is int64 in C: no wrap
		y[c] = clamp(mbqm(avg16, mo, so) + zo, op.actMin, op.actMax);
	}
}

function maxpool(op: Op, io: Io): void {
	const { x, y, a, o } = io;
	const ch = a.channels;
	for (let t = 0; t < o.length; t++) {
		for (let c = 0; c < ch; c++) {
			let best = -128;
			for (let k = 0; k < op.k; k++) {
				const pos = t * op.stride - op.padLeft + k;
				if (pos < 0 || pos >= a.length) continue;
				const v = x[pos * ch + c];
				if (v > best) best = v;
			}
			y[t * ch + c] = clamp(best, op.actMin, op.actMax);
		}
	}
}

function storedRequant(op: Op): Requant {
	return { bias: op.bias, mult: op.mult as Int32Array, shift: op.shift as Int32Array, perTensor: (op.flags & OP_FLAG_PER_TENSOR) !== 0 };
}

/**
 * Runs op `index` over `arena` (>= arenaBytes). A generated PWCONV needs its synthesized kernel
 * (docs/FORMAT.md §4 layout); other ops take none.
 */
export function runOp(model: Model, index: number, arena: Int8Array, kernel?: Uint8Array): void {
	const op = model.ops[index];
	const a = model.tensors[op.in0];
	const o = model.tensors[op.out];
	const io: Io = { x: tensorView(arena, a), zi: a.zeroPoint, y: tensorView(arena, o), zo: o.zeroPoint, a, o };
	switch (op.opcode) {
		case OP_CONV1D:
			return conv1d(op, io, op.weights as Int8Array, storedRequant(op));
		case OP_DWCONV1D:
			return dwconv1d(op, io, op.weights as Int8Array, storedRequant(op));
		case OP_PWCONV: {
			if (op.genLayer === NONE16) return pwconv(op, io, op.weights as Int8Array, storedRequant(op));
			if (!kernel) throw new Error(`op ${index} is generated: it needs its synthesized kernel`);
			const k: KernelView = kernelView(kernel, o.channels, a.channels);
			return pwconv(op, io, k.weights, { bias: k.bias, mult: k.mult, shift: k.shift, perTensor: false });
		}
		case OP_ADD: {
			const b = model.tensors[op.in1];
			return add(op, io, tensorView(arena, b), b.zeroPoint);
		}
		case OP_AVGPOOL:
			return avgpool(op, io);
		case OP_ATTNPOOL:
			return attnpool(op, io);
		case OP_MAXPOOL:
			return maxpool(op, io);
		case OP_FC:
			return fc(op, io, op.weights as Int8Array, storedRequant(op));
	}
}
