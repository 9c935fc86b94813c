// Per-op timings in the XS simulator: each op of the model through the C natives and through the same loops in
// plain JS (the reference kernels of host/pack, bundled into XS), plus each generated layer's synthesis.
import Resource from "Resource";
import config from "mc/config";
import Time from "time";
import { NOT_GENERATED } from "../../../modules/runtime/plan.ts";
import { readModel } from "../../../modules/model/index.ts";
import { allocNative, openNativeModel, runGeneratedOp, runOps, synthesize, nativeScratchBytes } from "../../../modules/runtime/native.ts";
import { runOp as runOpJs } from "../../pack/kernels.ts";
import { synthesize as synthesizeJs } from "../../pack/synth.ts";
import { Xorshift32 } from "../../../modules/runtime/xorshift32.ts";

function now(): number {
	return Time.microseconds ?? Time.ticks * 1000;
}

/** Repeats `body` until at least minUs have passed (and at least once); returns microseconds per call. */
function timePerCall(minUs: number, body: () => void): number {
	let reps = 0;
	const start = now();
	let elapsed = 0;
	do {
		body();
		reps++;
		elapsed = now() - start;
	} while (elapsed < minUs);
	return elapsed / reps;
}

const minUs = Number(config.minUs ?? 20000);
const blob = new Resource("model.htpw");
const handle = openNativeModel(blob);
const model = readModel(blob, { verifyCrc: false });
const arena = allocNative(model.arenaBytes);
const arenaView = new Int8Array(arena);
const jsArena = new Int8Array(model.arenaBytes);
new Xorshift32(12345).fill(arenaView);
jsArena.set(arenaView);

const kernelOffsets: number[] = [];
let kernelTotal = 0;
for (const bytes of model.kernelBytes) {
	kernelOffsets.push(kernelTotal);
	kernelTotal += bytes;
}
const kernels = allocNative(Math.max(kernelTotal, 4));
const scratch = allocNative(Math.max(nativeScratchBytes(handle), 4));
const jsKernels: Uint8Array[] = [];
const synthesis: { layer: number; native_us: number; js_us: number }[] = [];
for (let g = 0; g < model.kernelBytes.length; g++) {
	const nativeUs = timePerCall(minUs, () => synthesize(handle, blob, g, kernels, kernelOffsets[g], scratch));
	let kernel: Uint8Array = new Uint8Array(0);
	const jsUs = timePerCall(minUs, () => (kernel = synthesizeJs(model, g)));
	jsKernels.push(kernel);
	synthesis.push({ layer: g, native_us: nativeUs, js_us: jsUs });
}

const ops: { op: number; opcode: number; native_us: number; js_us: number }[] = [];
for (let i = 0; i < model.opCount; i++) {
	const g = model.opGenLayer(i);
	const nativeUs =
		g === NOT_GENERATED
			? timePerCall(minUs, () => runOps(handle, blob, i, i + 1, arena))
			: timePerCall(minUs, () => runGeneratedOp(handle, blob, i, arena, kernels, kernelOffsets[g]));
	const jsUs = timePerCall(minUs, () => runOpJs(model, i, jsArena, g === NOT_GENERATED ? undefined : jsKernels[g]));
	ops.push({ op: i, opcode: model.ops[i].opcode, native_us: nativeUs, js_us: jsUs });
}
trace(JSON.stringify({ ops, synthesis }) + "\n");
