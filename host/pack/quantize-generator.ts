// The checkpoint's generator to a GeneratorSpec (docs/FORMAT.md §4): packed codes, MLP and heads, and per
// generated layer the float32 unit_scale that, times a row's max |a|, is that row's filter scale ("Meaning (for writers)").

import { FAMILY_HEAD, FAMILY_LOWRANK } from "../../modules/model/format.ts";
import { isGeneratedPw, type Checkpoint, type GenLayerJson, type GeneratorJson } from "./checkpoint.ts";
import { actMinOf, modelScale, quantizeBias, quantizeSymmetric, requantizer } from "./quantize.ts";
import type { GenLayerSpec, GeneratorSpec, MlpLayerSpec } from "./spec.ts";

function mlpLayers(g: GeneratorJson): MlpLayerSpec[] {
	return g.mlp.map((l, j) => {
		const inScale = j === 0 ? g.code_scale : g.mlp[j - 1].out_scale;
		const inZp = j === 0 ? 0 : g.mlp[j - 1].out_zero_point;
		const q = requantizer((inScale * l.weight_scale) / l.out_scale, `generator MLP layer ${j}`);
		return {
			inDim: l.in_dim, outDim: l.out_dim, bits: l.bits, inZp, outZp: l.out_zero_point,
			actMin: actMinOf(l.relu, l.out_zero_point), actMax: 127,
			weights: l.weight.map((w) => quantizeSymmetric(w, l.weight_scale, l.bits)),
			bias: l.bias.map((b) => quantizeBias(b, inScale, l.weight_scale)),
			mult: q.m, shift: q.s,
		};
	});
}

/** Packed head values and the real scale of one unit of the synthesis accumulator a, without h's scale. */
function heads(g: GeneratorJson, l: GenLayerJson): { values: number[]; scale: number } {
	const q = (xs: number[], s: number) => xs.map((x) => quantizeSymmetric(x, s, l.head_bits));
	if (g.family === "lowrank") {
		if (!l.u || !l.v || l.u_scale === undefined || l.v_scale === undefined) throw new Error("a LOWRANK layer needs u, v and their scales");
		return { values: [...q(l.u, l.u_scale), ...q(l.v, l.v_scale)], scale: l.u_scale * l.v_scale };
	}
	if (!l.h || l.h_scale === undefined) throw new Error("a HEAD layer needs h and its scale");
	return { values: q(l.h, l.h_scale), scale: l.h_scale };
}

export function quantizeGenerator(c: Checkpoint): GeneratorSpec | undefined {
	const g = c.generator;
	if (!g) return undefined;
	const hScale = g.mlp[g.mlp.length - 1].out_scale;
	const useOf = new Map<number, number>();
	c.ops.forEach((op, i) => {
		if (isGeneratedPw(op)) useOf.set(op.gen_layer, i);
	});
	const layers: GenLayerSpec[] = g.layers.map((l, index) => {
		const opIndex = useOf.get(index);
		if (opIndex === undefined) throw new Error(`generated layer ${index} is used by no op`);
		const h = heads(g, l);
		const sAcc = h.scale * hScale;
		return {
			cout: l.cout, cin: l.cin, headBits: l.head_bits, codeBits: g.code_bits,
			code: g.codes[index].map((z) => quantizeSymmetric(z, g.code_scale, g.code_bits)),
			heads: h.values, biasUnit: new Array(l.cout).fill(0), unitScale: modelScale(sAcc / 127, `generated layer ${index} unit_scale`),
		};
	});
	return { family: g.family === "lowrank" ? FAMILY_LOWRANK : FAMILY_HEAD, codeDim: g.code_dim, mlp: mlpLayers(g), layers };
}
