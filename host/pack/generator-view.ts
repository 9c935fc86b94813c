// A Generator (the reader's view) built from a GeneratorSpec, so writers can run synthesis before packing.

import type { Generator } from "../../modules/model/model.ts";
import { FAMILY_HEAD } from "../../modules/model/format.ts";
import { packValues } from "./bitpack-writer.ts";
import type { GeneratorSpec } from "./spec.ts";

export function generatorView(spec: GeneratorSpec): Generator {
	const mlp = spec.mlp.map((l) => ({
		inDim: l.inDim, outDim: l.outDim, bits: l.bits, actMin: l.actMin, actMax: l.actMax, inZp: l.inZp, outZp: l.outZp,
		weightsOff: 0, qpOff: 0, weights: packValues(l.weights, l.bits), bias: Int32Array.from(l.bias), mult: l.mult, shift: l.shift,
	}));
	const last = spec.mlp[spec.mlp.length - 1];
	const layers = spec.layers.map((g, i) => ({
		cout: g.cout, cin: g.cin, headBits: g.headBits, codeBits: g.codeBits, rank: spec.family === FAMILY_HEAD ? 0 : last.outDim,
		codeOff: 0, headOff: 0, qpOff: 0, op: i, code: packValues(g.code, g.codeBits), heads: packValues(g.heads, g.headBits),
		biasUnit: Int32Array.from(g.biasUnit), m0: g.m0 ?? 0, s0: g.s0 ?? 0, unitScale: g.unitScale ?? 0,
	}));
	return { family: spec.family, codeDim: spec.codeDim, mlp, layers, hDim: last.outDim, hZeroPoint: last.outZp };
}
