import { readModel, type Model } from "../model/index.ts";
import { allocNative, openNativeModel, runGeneratedOp, runOps, type NativeBytes, type NativeModelHandle } from "./native.ts";
import { planSteps, STEP_OPS } from "./plan.ts";
import { SynthesisCache, type SynthesisPolicy } from "./synthesis-cache.ts";

/**
 * Runs a packed model over one native activation arena. The blob is validated by the C core (with its CRC)
 * before the TypeScript reader maps it (without repeating the CRC), so a bad blob never reaches a kernel.
 * invoke() allocates nothing: the plan is pre-cut into steps, input/output are fixed views into the arena,
 * generated kernels live in the synthesis cache.
 */
export class Interpreter {
	readonly model: Model;
	readonly arena: HostBuffer;
	readonly input: Int8Array;
	readonly output: Int8Array;
	readonly cache: SynthesisCache;
	#native: NativeModelHandle;
	#blob: NativeBytes;
	#steps: Int32Array;

	/** budgetBytes: the kernel budget of the stream policy (ignored by boot and lazy). */
	constructor(blob: NativeBytes, policy: SynthesisPolicy, budgetBytes?: number) {
		this.#blob = blob;
		this.#native = openNativeModel(blob);
		const model = (this.model = readModel(blob as ArrayBufferLike, { verifyCrc: false }));
		this.#steps = planSteps(model);
		this.arena = allocNative(model.arenaBytes);
		this.input = new Int8Array(this.arena, model.input.arenaOffset, model.input.length * model.input.channels);
		this.output = new Int8Array(this.arena, model.output.arenaOffset, model.output.length * model.output.channels);
		this.cache = new SynthesisCache(this.#native, blob, model.kernelBytes, policy, budgetBytes);
	}

	invoke(): void {
		const steps = this.#steps;
		for (let i = 0; i < steps.length; i += 3) {
			if (steps[i] === STEP_OPS) runOps(this.#native, this.#blob, steps[i + 1], steps[i + 2], this.arena);
			else runGeneratedOp(this.#native, this.#blob, steps[i + 1], this.arena, this.cache.kernels, this.cache.kernelOffset(steps[i + 2]));
		}
	}
}
