// The all-stored INT8 twin of a hyper model: the same backbone, each generated PW layer synthesized once and
// stored as a plain INT8 PW (weights in KEPT_PW, bias/multipliers/shifts in QPARAMS), no generator. Both models
// compute exactly the same outputs, so their costs compare like for like.

import type { Model } from "../../modules/model/model.ts";
import { NONE16, OP_ADD, OP_PWCONV } from "../../modules/model/format.ts";
import { kernelView } from "../pack/kernel-layout.ts";
import type { ModelSpec, OpSpec } from "../pack/spec.ts";
import { generatedFilterScales, synthesize } from "../pack/synth.ts";
import { writeModel } from "../pack/writer.ts";

function storedOp(model: Model, index: number): OpSpec {
	const op = model.ops[index];
	const spec: OpSpec = {
		opcode: op.opcode, in0: op.in0, out: op.out, k: op.k, stride: op.stride, dilation: op.dilation,
		padLeft: op.padLeft, padRight: op.padRight, actMin: op.actMin, actMax: op.actMax,
		weights: op.weights ?? undefined, bias: op.bias ?? undefined, mult: op.mult ?? undefined,
		shift: op.shift ?? undefined, aux: op.aux ?? undefined, filterScales: op.filterScales ?? undefined,
	};
	if (op.opcode === OP_ADD) spec.in1 = op.in1;
	if (op.opcode === OP_PWCONV && op.genLayer !== NONE16) {
		const layer = model.generator!.layers[op.genLayer];
		const kernel = kernelView(synthesize(model, op.genLayer), layer.cout, layer.cin);
		Object.assign(spec, { weights: kernel.weights, bias: kernel.bias, mult: kernel.mult, shift: kernel.shift });
		// Version 2: the rows' float32 filter scales, from which the synthesized multipliers came (FORMAT §4).
		if (model.tensorScales) spec.filterScales = generatedFilterScales(model, op.genLayer);
	}
	return spec;
}

export function storedTwinSpec(model: Model): ModelSpec {
	const meta = model.meta && typeof model.meta === "object" ? model.meta : {};
	const name = typeof meta.name === "string" ? meta.name : "model";
	return {
		meta: { ...meta, name: `${name}-stored`, family: "int8", provenance: { stored_twin_of: name, generator: "host/bench/stored-twin.ts" } },
		tensors: model.tensors.map((t) => ({ length: t.length, channels: t.channels, zeroPoint: t.zeroPoint, arenaOffset: t.arenaOffset })),
		ops: model.ops.map((_, i) => storedOp(model, i)),
		inputTensor: model.inputTensor,
		outputTensor: model.outputTensor,
		arenaBytes: model.arenaBytes,
		...(model.tensorScales ? { tensorScales: model.tensorScales } : {}),
	};
}

export function storedTwinBlob(model: Model): Uint8Array {
	return writeModel(storedTwinSpec(model));
}
