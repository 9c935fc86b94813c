// Integer synthesis of a generated layer's kernel, docs/FORMAT.md §4, bit for bit.

import { readPacked } from "../../modules/model/bitpack.ts";
import { HtError } from "../../modules/model/errors.ts";
import { align4, FAMILY_HEAD, HT_E_ARGUMENT, HT_E_SYNTH_RANGE, kernelBytesFor, SHIFT_MAX, SHIFT_MIN } from "../../modules/model/format.ts";
import type { Generator, Model } from "../../modules/model/model.ts";
import { convRequant, generatedFilterScale } from "../../modules/model/requant.ts";
import { clamp, mbqm, rdiv } from "./arith.ts";

/** The MLP output h for generated layer g's code (step 1 and 2). */
export function generatorOutput(gen: Generator, g: number): Int32Array {
	const layer = gen.layers[g];
	let h = new Int32Array(gen.codeDim);
	for (let i = 0; i < gen.codeDim; i++) h[i] = readPacked(layer.code, i, layer.codeBits);
	for (const l of gen.mlp) {
		const next = new Int32Array(l.outDim);
		for (let o = 0; o < l.outDim; o++) {
			let acc = l.bias[o];
			for (let i = 0; i < l.inDim; i++) acc += readPacked(l.weights, o * l.inDim + i, l.bits) * (h[i] - l.inZp);
			next[o] = clamp(mbqm(acc | 0, l.mult, l.shift) + l.outZp, l.actMin, l.actMax);
		}
		h = next;
	}
	return h;
}

/** Row c's accumulators a[i] (step 3). */
export function rowAccumulators(gen: Generator, g: number, hc: Int32Array, c: number, a: Float64Array): void {
	const layer = gen.layers[g];
	const { cin, headBits, heads } = layer;
	const dh = gen.hDim;
	if (gen.family === FAMILY_HEAD) {
		for (let i = 0; i < cin; i++) {
			let acc = 0;
			const base = (c * cin + i) * dh;
			for (let k = 0; k < dh; k++) acc += readPacked(heads, base + k, headBits) * hc[k];
			a[i] = acc | 0;
		}
		return;
	}
	const rank = layer.rank;
	const vBase = layer.cout * rank;
	a.fill(0);
	for (let k = 0; k < rank; k++) {
		const u = readPacked(heads, c * rank + k, headBits) * hc[k];
		for (let i = 0; i < cin; i++) a[i] += u * readPacked(heads, vBase + k * cin + i, headBits);
	}
	for (let i = 0; i < cin; i++) a[i] = a[i] | 0;
}

/** m0 * 2^s0 * M as a normalised Q0.31 multiplier and shift (step 4); shift > 30 is SYNTH_RANGE. */
export function scaleMultiplier(m0: number, s0: number, bigM: number, what: string): { m: number; s: number } {
	if (m0 === 0) return { m: 0, s: 0 };
	const p = BigInt(m0) * BigInt(bigM);
	let n = p.toString(2).length;
	let m: number;
	if (n > 31) {
		let q = (p + (1n << BigInt(n - 32))) >> BigInt(n - 31);
		if (q === 1n << 31n) {
			q = 1n << 30n;
			n++;
		}
		m = Number(q);
	} else {
		m = Number(p << BigInt(31 - n));
	}
	const s = s0 + n - 31;
	if (s < SHIFT_MIN) return { m: 0, s: 0 };
	if (s > SHIFT_MAX) throw new HtError(HT_E_SYNTH_RANGE, `${what}: shift ${s} > ${SHIFT_MAX}`);
	return { m, s };
}

/** Version 2 (docs/FORMAT.md §4): the row's float32 filter scale f32(M·unit_scale), then TFLM's PWCONV rule. */
export function rowRequant(sIn: number, sOut: number, unitScale: number, bigM: number, what: string): { m: number; s: number } {
	const r = convRequant(sIn, generatedFilterScale(bigM, unitScale), sOut);
	if (r.s > SHIFT_MAX) throw new HtError(HT_E_SYNTH_RANGE, `${what}: shift ${r.s} > ${SHIFT_MAX}`);
	return r;
}

/** Version 2: each row's float32 filter scale f32(M·unit_scale), what a .tflite export writes for the layer. */
export function generatedFilterScales(model: Model, g: number): number[] {
	const gen = model.generator;
	if (!gen || !model.tensorScales || g < 0 || g >= gen.layers.length) throw new HtError(HT_E_ARGUMENT, `no version 2 generated layer ${g}`);
	const layer = gen.layers[g];
	const h = generatorOutput(gen, g);
	const hc = new Int32Array(gen.hDim);
	for (let k = 0; k < gen.hDim; k++) hc[k] = h[k] - gen.hZeroPoint;
	const a = new Float64Array(layer.cin);
	const scales: number[] = [];
	for (let c = 0; c < layer.cout; c++) {
		rowAccumulators(gen, g, hc, c, a);
		let bigM = 0;
		for (let i = 0; i < layer.cin; i++) bigM = Math.max(bigM, Math.abs(a[i]));
		scales.push(generatedFilterScale(bigM, layer.unitScale));
	}
	return scales;
}

/** Synthesizes generated layer g into a new kernel of model.genKernelBytes(g) bytes. */
export function synthesize(model: Model, g: number): Uint8Array {
	const gen = model.generator;
	if (!gen || g < 0 || g >= gen.layers.length) throw new HtError(HT_E_ARGUMENT, `no generated layer ${g}`);
	const layer = gen.layers[g];
	const { cout, cin } = layer;
	const h = generatorOutput(gen, g);
	const hc = new Int32Array(gen.hDim);
	for (let k = 0; k < gen.hDim; k++) hc[k] = h[k] - gen.hZeroPoint;
	const kernel = new Uint8Array(kernelBytesFor(cout, cin));
	const dv = new DataView(kernel.buffer);
	const biasAt = align4(cout * cin);
	const multAt = biasAt + 4 * cout;
	const shiftAt = multAt + 4 * cout;
	const a = new Float64Array(cin);
	const scales = model.tensorScales;
	const user = model.ops[layer.op];
	for (let c = 0; c < cout; c++) {
		rowAccumulators(gen, g, hc, c, a);
		let bigM = 0;
		for (let i = 0; i < cin; i++) bigM = Math.max(bigM, Math.abs(a[i]));
		if (bigM === 0) continue; // weights, bias, multiplier and shift stay 0
		for (let i = 0; i < cin; i++) dv.setInt8(c * cin + i, rdiv(127 * a[i], bigM));
		dv.setInt32(biasAt + 4 * c, rdiv(layer.biasUnit[c], bigM), true);
		const what = `generated layer ${g} row ${c}`;
		const { m, s } = scales ? rowRequant(scales[user.in0], scales[user.out], layer.unitScale, bigM, what) : scaleMultiplier(layer.m0, layer.s0, bigM, what);
		dv.setInt32(multAt + 4 * c, m, true);
		dv.setInt32(shiftAt + 4 * c, s, true);
	}
	return kernel;
}
