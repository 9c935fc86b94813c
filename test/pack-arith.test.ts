import test from "ava";
import { addRequant, convRequant, f32, generatedFilterScale, meanRequant, tflmQuantizeMultiplier, weightedRequant } from "../modules/model/requant.ts";
import { INT32_MAX, INT32_MIN, mbqm, quantizeMultiplier, rdbpot, rdiv, srdhm } from "../host/pack/arith.ts";
import { Rng } from "../host/pack/rng.ts";

// BigInt transcriptions of docs/FORMAT.md §3, the oracle for the number-based versions.
function srdhmBig(a: number, b: number): number {
	if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
	const ab = BigInt(a) * BigInt(b);
	const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
	return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero
}
function rdbpotBig(x: number, e: number): number {
	const mask = (1n << BigInt(e)) - 1n;
	const bx = BigInt(x);
	const rem = bx & mask;
	const thr = (mask >> 1n) + (x < 0 ? 1n : 0n);
	return Number((bx >> BigInt(e)) + (rem > thr ? 1n : 0n));
}
function mbqmBig(x: number, m: number, s: number): number {
	const ls = Math.max(s, 0);
	const shifted = Number(BigInt.asIntN(32, BigInt(x) << BigInt(ls)));
	return rdbpotBig(srdhmBig(shifted, m), Math.max(-s, 0));
}

const EDGES = [INT32_MIN, INT32_MIN + 1, -0x40000001, -0x40000000, -65537, -65536, -32768, -255, -2, -1, 0, 1, 2, 127, 255, 32767, 65535, 65536, 0x3fffffff, 0x40000000, INT32_MAX - 1, INT32_MAX];

test("srdhm matches the 64-bit definition on edges and random operands", (t) => {
	for (const a of EDGES) for (const b of EDGES) t.is(srdhm(a, b), srdhmBig(a, b), `srdhm(${a}, ${b})`);
	const rng = new Rng(1);
	for (let i = 0; i < 20000; i++) {
		const a = (rng.int(0, 0xffffffff) | 0);
		const b = (rng.int(0, 0xffffffff) | 0);
		if (srdhm(a, b) !== srdhmBig(a, b)) t.fail(`srdhm(${a}, ${b})`);
	}
	t.is(srdhm(INT32_MIN, INT32_MIN), INT32_MAX);
	t.is(srdhm(INT32_MIN, INT32_MAX), -INT32_MAX);
});

test("rdbpot rounds ties away from zero for every exponent 0..31", (t) => {
	t.is(rdbpot(5, 1), 3);
	t.is(rdbpot(-5, 1), -3);
	t.is(rdbpot(6, 2), 2); // 1.5 -> 2
	t.is(rdbpot(-6, 2), -2); // -1.5 -> -2
	t.is(rdbpot(-7, 2), -2);
	t.is(rdbpot(-5, 2), -1);
	t.is(rdbpot(INT32_MIN, 31), -1);
	t.is(rdbpot(INT32_MAX, 31), 1);
	t.is(rdbpot(0x40000000, 31), 1); // exactly 0.5
	t.is(rdbpot(-0x40000000, 31), -1); // exactly -0.5
	t.is(rdbpot(0x3fffffff, 31), 0);
	for (const x of EDGES) for (let e = 0; e <= 31; e++) t.is(rdbpot(x, e), rdbpotBig(x, e), `rdbpot(${x}, ${e})`);
});

test("mbqm matches the definition, including shifts of ±31 and wrapping left shifts", (t) => {
	const mults = [0, 0x40000000, 0x40000001, 0x5a82799a, 0x7fffffff];
	const shifts = [-31, -30, -16, -1, 0, 1, 8, 30, 31];
	for (const x of EDGES) for (const m of mults) for (const s of shifts) t.is(mbqm(x, m, s), mbqmBig(x, m, s), `mbqm(${x}, ${m}, ${s})`);
	const rng = new Rng(2);
	for (let i = 0; i < 20000; i++) {
		const x = rng.int(-(2 ** 24), 2 ** 24);
		const m = rng.int(0x40000000, 0x7fffffff);
		const s = rng.int(-31, 30);
		if (mbqm(x, m, s) !== mbqmBig(x, m, s)) t.fail(`mbqm(${x}, ${m}, ${s})`);
	}
	t.is(mbqm(1000, 0x40000000, 0), 500); // multiplier 0.5
	t.is(mbqm(-1001, 0x40000000, 0), -500); // SRDHM rounds a -500.5 tie up (toward +inf)
	t.is(mbqm(3, 0x40000000, -1), 1); // 3 * 0.5 / 2 = 0.75: double rounding gives 1
	t.is(mbqm(12345, 0, 5), 0);
	t.is(mbqm(INT32_MIN, 0x7fffffff, 0), -0x7fffffff);
	t.is(mbqm(40, 0x40000000, 40), mbqm(40, 0x40000000, 31), "out-of-range shifts clamp like the C core");
});

test("rdiv rounds half away from zero", (t) => {
	t.is(rdiv(5, 2), 3);
	t.is(rdiv(-5, 2), -3);
	t.is(rdiv(4, 3), 1);
	t.is(rdiv(-4, 3), -1);
	t.is(rdiv(0, 7), 0);
	t.is(rdiv(127 * 2 ** 30, 2 ** 30), 127);
	t.is(rdiv(-127 * 1073741823, 1073741824), -127);
	t.is(rdiv(2 ** 40 + 1, 2), 2 ** 39 + 1);
	const rng = new Rng(3);
	for (let i = 0; i < 5000; i++) {
		const n = rng.int(-(2 ** 38), 2 ** 38);
		const d = rng.int(1, 2 ** 31);
		const a = BigInt(Math.abs(n));
		const q = Number((2n * a + BigInt(d)) / (2n * BigInt(d)));
		if (rdiv(n, d) !== (n < 0 ? -q : q)) t.fail(`rdiv(${n}, ${d})`);
	}
});

test("quantizeMultiplier follows TFLM (frexp, round, renormalise at 2^31)", (t) => {
	t.deepEqual(quantizeMultiplier(0), { m: 0, s: 0 });
	t.deepEqual(quantizeMultiplier(0.5), { m: 0x40000000, s: 0 });
	t.deepEqual(quantizeMultiplier(1), { m: 0x40000000, s: 1 });
	t.deepEqual(quantizeMultiplier(0.75), { m: 0x60000000, s: 0 });
	t.deepEqual(quantizeMultiplier(2 ** -40), { m: 0, s: 0 }, "shift below -31 flushes to zero");
	t.deepEqual(quantizeMultiplier(1 - 2 ** -40), { m: 0x40000000, s: 1 }, "q rounding up to 2^31 renormalises");
	const rng = new Rng(4);
	for (let i = 0; i < 2000; i++) {
		const real = 2 ** rng.range(-30, 20);
		const { m, s } = quantizeMultiplier(real);
		t.true(m >= 0x40000000 && m <= 0x7fffffff);
		t.true(Math.abs((m / 2 ** 31) * 2 ** s - real) <= real * 2 ** -30);
	}
	t.throws(() => quantizeMultiplier(-1));
	t.throws(() => quantizeMultiplier(2 ** 40));
});

/** TFLM's QuantizeMultiplier read off the double's bits (frexp without Math.log2): an independent model. */
function frexpReference(real: number): { m: number; s: number } {
	const dv = new DataView(new ArrayBuffer(8));
	dv.setFloat64(0, real);
	const hi = dv.getUint32(0);
	const lo = dv.getUint32(4);
	let s = ((hi >>> 20) & 0x7ff) - 1022;
	const mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo) | (1n << 52n);
	let m = Number((mantissa + (1n << 21n)) >> 22n);
	if (m === 2 ** 31) { m = 2 ** 30; s++; }
	return s < -31 ? { m: 0, s: 0 } : { m, s };
}

test("the version 2 rule: TFLM's QuantizeMultiplier over float32 scales, per op (docs/FORMAT.md §2a)", (t) => {
	const rng = new Rng(9);
	for (let i = 0; i < 5000; i++) {
		const real = rng.range(0.5, 1) * 2 ** rng.int(-40, 20);
		t.deepEqual(tflmQuantizeMultiplier(real), frexpReference(real), String(real));
	}
	let fcDiffers = 0;
	for (let i = 0; i < 500; i++) {
		const [a, b, c] = [f32(rng.range(1e-3, 0.1)), f32(rng.range(1e-4, 0.01)), f32(rng.range(1e-3, 0.1))];
		t.deepEqual(convRequant(a, b, c), frexpReference((a * b) / c));
		// FULLY_CONNECTED with one filter scale multiplies in float32 first (GetQuantizedConvolutionMultipler).
		t.deepEqual(weightedRequant(true, a, [b], c, 0), frexpReference(f32(a * b) / c));
		t.deepEqual(weightedRequant(true, a, [b, b], c, 1), convRequant(a, b, c));
		t.deepEqual(weightedRequant(false, a, [b], c, 0), convRequant(a, b, c));
		if (weightedRequant(true, a, [b], c, 0).m !== convRequant(a, b, c).m) fcDiffers++;
		const length = rng.int(1, 1000);
		const q = frexpReference(a / c);
		const n = Math.min(Math.floor(Math.log2(length)), 31 + q.s);
		t.deepEqual(meanRequant(a, c, length), { m: Number((BigInt(q.m) << BigInt(n)) / BigInt(length)), s: q.s - n });
		const twice = 2 * Math.max(a, b);
		const [p, r, o] = [frexpReference(a / twice), frexpReference(b / twice), frexpReference(twice / (2 ** 20 * c))];
		t.deepEqual(addRequant(a, b, c), [20, p.m, p.s, r.m, r.s, o.m, o.s]);
		const bigM = rng.int(0, 200000);
		t.is(generatedFilterScale(bigM, b), Math.fround(bigM * b));
	}
	t.true(fcDiffers > 0, "the float32 product of a per-tensor FC changes some multipliers");
	t.deepEqual(tflmQuantizeMultiplier(0), { m: 0, s: 0 });
	t.true(tflmQuantizeMultiplier(Infinity).s > 30, "an infinite rescale is no valid shift");
});
