import test from "ava";
import { readModel } from "../modules/model/reader.ts";
import { HtError } from "../modules/model/errors.ts";
import { FAMILY_HEAD, FAMILY_LOWRANK, HT_E_SYNTH_RANGE, OP_AVGPOOL, OP_PWCONV } from "../modules/model/format.ts";
import { withGeneratedShift, withGeneratedUnitScale } from "../host/pack/corrupt.ts";
import { kernelView } from "../host/pack/kernel-layout.ts";
import { randomModelBlob } from "../host/pack/random-model.ts";
import { RefEngine } from "../host/pack/ref-engine.ts";
import type { ModelSpec } from "../host/pack/spec.ts";
import { generatorOutput, rowAccumulators, scaleMultiplier, synthesize } from "../host/pack/synth.ts";
import { convRequant, f32 } from "../modules/model/requant.ts";
import { storedTwinBlob } from "../host/bench/stored-twin.ts";
import { writeModel } from "../host/pack/writer.ts";

/** code [3] -> MLP 1->2 (W = [1, 2], multiplier 1.0) -> h = [3, 6], zh = 0; one 2x2 generated layer. */
function handModel(family: number, heads: number[]): ModelSpec {
	return {
		meta: { name: "hand" },
		tensors: [{ length: 1, channels: 2, zeroPoint: 0 }, { length: 1, channels: 2, zeroPoint: 0 }, { length: 1, channels: 2, zeroPoint: 0 }],
		ops: [
			{ opcode: OP_PWCONV, in0: 0, out: 1, genLayer: 0 },
			{ opcode: OP_AVGPOOL, in0: 1, out: 2, aux: [0x40000000, 1] },
		],
		inputTensor: 0,
		outputTensor: 2,
		generator: {
			family,
			codeDim: 1,
			mlp: [{ inDim: 1, outDim: 2, bits: 8, actMin: -128, actMax: 127, inZp: 0, outZp: 0, weights: [1, 2], bias: [0, 0], mult: 0x40000000, shift: 1 }],
			layers: [{ cout: 2, cin: 2, headBits: 8, codeBits: 8, code: [3], heads, biasUnit: [600, -7], m0: 0x40000000, s0: -3 }],
		},
	};
}

test("HEAD synthesis by hand: a = H·(h − zh), w = rdiv(127a, M), bias and multiplier scaled by M", (t) => {
	// H rows (c, i): (0,0) [1,0] -> 3; (0,1) [0,1] -> 6; (1,0) [-1,0] -> -3; (1,1) [1,1] -> 9
	const m = readModel(writeModel(handModel(FAMILY_HEAD, [1, 0, 0, 1, -1, 0, 1, 1])));
	const k = kernelView(synthesize(m, 0), 2, 2);
	t.deepEqual([...k.weights], [64, 127, -42, 127]); // 381/6 = 63.5 rounds away from zero
	t.deepEqual([...k.bias], [100, -1]); // rdiv(600, 6), rdiv(-7, 9)
	// 0.5·2^-3·6 = 0.375 = 0x60000000·2^-31·2^-1;  0.5·2^-3·9 = 0.5625 = 0x48000000·2^-31·2^0
	t.deepEqual([...k.mult], [0x60000000, 0x48000000]);
	t.deepEqual([...k.shift], [-1, 0]);
});

test("LOWRANK synthesis by hand: a = Σ_k U[c][k]·(h[k] − zh)·V[k][i]", (t) => {
	// U = [[1, 0], [0, 1]], V = [[1, 2], [3, -1]]: row 0 = 3·V[0] = [3, 6], row 1 = 6·V[1] = [18, -6]
	const m = readModel(writeModel(handModel(FAMILY_LOWRANK, [1, 0, 0, 1, 1, 2, 3, -1])));
	t.is(m.generator?.layers[0].rank, 2);
	const k = kernelView(synthesize(m, 0), 2, 2);
	t.deepEqual([...k.weights], [64, 127, 127, -42]);
	t.deepEqual([...k.bias], [100, 0]); // rdiv(-7, 18) = 0
	// M = 18: P = 2^30·18 has 35 bits: m = 0x48000000, s = -3 + 35 - 31 = 1
	t.deepEqual([...k.mult], [0x60000000, 0x48000000]);
	t.deepEqual([...k.shift], [-1, 1]);
});

test("a row whose accumulators are all zero synthesizes to zeros", (t) => {
	const m = readModel(writeModel(handModel(FAMILY_HEAD, [0, 0, 0, 0, 1, 0, 0, 1])));
	const k = kernelView(synthesize(m, 0), 2, 2);
	t.deepEqual([...k.weights], [0, 0, 64, 127]);
	t.deepEqual([k.bias[0], k.mult[0], k.shift[0]], [0, 0, 0]);
});

test("multiplier normalisation: carry into 2^31, bit lengths <= 31, flush below -31, SYNTH_RANGE above 30", (t) => {
	t.deepEqual(scaleMultiplier(0x55555555, 0, 3, "t"), { m: 0x40000000, s: 2 }); // P = 2^32 - 1 rounds up to 2^32
	t.deepEqual(scaleMultiplier(0x7fffffff, 5, 1, "t"), { m: 0x7fffffff, s: 5 });
	t.deepEqual(scaleMultiplier(0, 7, 1000, "t"), { m: 0, s: 0 });
	t.deepEqual(scaleMultiplier(1, -31, 1, "t"), { m: 0, s: 0 });
	const e = t.throws(() => scaleMultiplier(0x40000000, 30, 2, "t"), { instanceOf: HtError });
	t.is(e?.code, HT_E_SYNTH_RANGE);
});

test("a valid model whose s0 is too large fails synthesis with SYNTH_RANGE", (t) => {
	const blob = withGeneratedShift(randomModelBlob(4, { forceAllBits: true }), 0, 30);
	const m = readModel(blob);
	const e = t.throws(() => synthesize(m, 0), { instanceOf: HtError });
	t.is(e?.code, HT_E_SYNTH_RANGE);
});

test("version 2: a row's multiplier is TFLM's for the filter scale f32(M·unit_scale) (docs/FORMAT.md §4)", (t) => {
	for (const seed of [1, 2, 3, 4]) {
		const m = readModel(randomModelBlob(seed, { forceAllBits: true, version: 2 }));
		const gen = m.generator;
		if (!gen) continue;
		const scales = m.tensorScales as number[];
		gen.layers.forEach((layer, g) => {
			const k = kernelView(synthesize(m, g), layer.cout, layer.cin);
			const h = generatorOutput(gen, g);
			const hc = Int32Array.from(h, (v) => v - gen.hZeroPoint);
			const a = new Float64Array(layer.cin);
			const op = m.ops[layer.op];
			for (let c = 0; c < layer.cout; c++) {
				rowAccumulators(gen, g, hc, c, a);
				const bigM = Math.max(...Array.from(a, Math.abs));
				const rule = convRequant(scales[op.in0], f32(bigM * layer.unitScale), scales[op.out]);
				t.deepEqual([k.mult[c], k.shift[c]], [rule.m, rule.s], `seed ${seed} layer ${g} row ${c}`);
			}
		});
	}
});

test("version 2: a valid model whose unit_scale is too large fails synthesis with SYNTH_RANGE", (t) => {
	const m = readModel(withGeneratedUnitScale(randomModelBlob(4, { forceAllBits: true, version: 2 }), 0, 1e20));
	const e = t.throws(() => synthesize(m, 0), { instanceOf: HtError });
	t.is(e?.code, HT_E_SYNTH_RANGE);
});

test("the all-stored twin of a version 2 model is version 2 (its stored multipliers are the rule's) and computes the same outputs", (t) => {
	const m = readModel(randomModelBlob(3, { forceAllBits: true, version: 2 }));
	const twin = readModel(storedTwinBlob(m));
	t.is(twin.versionMajor, 2);
	t.is(twin.generator, null);
	const a = new RefEngine(m, "boot");
	const b = new RefEngine(twin, "boot");
	const size = m.input.length * m.input.channels;
	for (let w = 0; w < 20; w++) {
		const x = Int8Array.from({ length: size }, (_, i) => ((i * 37 + w * 101) % 256) - 128);
		t.deepEqual(b.invoke(x), a.invoke(x));
	}
});

test("synthesis is deterministic and the kernel layout is well-formed", (t) => {
	for (let seed = 1; seed <= 12; seed++) {
		const blob = randomModelBlob(seed, { forceAllBits: true });
		const a = readModel(blob);
		const b = readModel(blob.slice());
		a.generator?.layers.forEach((layer, g) => {
			const k1 = synthesize(a, g);
			t.deepEqual(k1, synthesize(b, g));
			t.is(k1.length, a.kernelBytes[g]);
			for (let p = layer.cout * layer.cin; p < ((layer.cout * layer.cin + 3) & ~3); p++) t.is(k1[p], 0);
			const k = kernelView(k1, layer.cout, layer.cin);
			for (let c = 0; c < layer.cout; c++) {
				const row = k.weights.subarray(c * layer.cin, (c + 1) * layer.cin);
				const max = Math.max(...Array.from(row, Math.abs));
				t.true(max === 127 || (max === 0 && k.mult[c] === 0));
				t.true(k.mult[c] === 0 || k.mult[c] >= 0x40000000);
				t.true(k.shift[c] >= -31 && k.shift[c] <= 30);
			}
		});
	}
});

test("boot synthesizes everything up front, lazy in order of first use, with identical outputs", (t) => {
	const m = readModel(randomModelBlob(13, { forceAllBits: true }));
	const boot = new RefEngine(m, "boot");
	const lazy = new RefEngine(m, "lazy");
	t.deepEqual(boot.synthesisOrder, m.kernelBytes.map((_, g) => g));
	t.deepEqual(lazy.synthesisOrder, []);
	const input = new Int8Array(m.input.length * m.input.channels).map((_, i) => (i * 37) % 256);
	t.deepEqual(lazy.invoke(input), boot.invoke(input));
	const firstUse = m.ops.filter((o) => o.genLayer !== 0xffff).map((o) => o.genLayer);
	t.deepEqual(lazy.synthesisOrder, firstUse);
	t.deepEqual(lazy.invoke(input), boot.invoke(input));
	t.is(lazy.synthesisOrder.length, firstUse.length, "kernels are cached between windows");
});
