import { describeNativeModel, type NativeModel } from "./native-model.ts";
import { allocNative, openNativeModel, runGeneratedOp, runModel, runOps, type NativeBytes, type NativeModelHandle } from "./native.ts";
import { planSteps, STEP_OPS } from "./plan.ts";
import { SynthesisCache, type SynthesisPolicy } from "./synthesis-cache.ts";

/**
 * Runs a packed model over one native activation arena. The blob is validated by the C core (with its CRC), which
 * also gives the plan's numbers and META (native-model.ts), so a bad blob never reaches a kernel.
 * invoke() allocates nothing: under boot the whole plan is one native call (the kernels never move); otherwise
 * the plan is pre-cut into steps; input/output are fixed views into the arena, generated kernels live in the
 * synthesis cache.
 */
export class Interpreter {
	readonly model: NativeModel;
	readonly arena: HostBuffer;
	readonly input: Int8Array;
	readonly output: Int8Array;
	readonly cache: SynthesisCache;
	#native: NativeModelHandle;
	#blob: NativeBytes;
	#steps: Int32Array;
	/** Under boot every kernel is resident from the start and never moves: its offset per generated layer (uint32s),
	 * so that an inference is one native call. */
	#bootOffsets: ArrayBuffer | undefined;

	/**
	 * budgetBytes: the kernel budget of the stream policy (ignored by boot and lazy). arenaOf: another model whose
	 * arena this one runs in when it is large enough (two models that never run at once need one arena: nothing in
	 * an arena outlives an inference); else the model gets its own.
	 */
	constructor(blob: NativeBytes, policy: SynthesisPolicy, budgetBytes?: number, arenaOf?: Interpreter) {
		this.#blob = blob;
		this.#native = openNativeModel(blob);
		const model = (this.model = describeNativeModel(this.#native, blob));
		this.#steps = planSteps(model);
		this.arena = arenaOf && arenaOf.model.arenaBytes >= model.arenaBytes ? arenaOf.arena : allocNative(model.arenaBytes);
		this.input = new Int8Array(this.arena, model.input.arenaOffset, model.input.length * model.input.channels);
		this.output = new Int8Array(this.arena, model.output.arenaOffset, model.output.length * model.output.channels);
		const cache = (this.cache = new SynthesisCache(this.#native, blob, model.kernelBytes, policy, budgetBytes));
		if (policy === "boot") {
			const offsets = new Uint32Array(Math.max(1, model.kernelBytes.length));
			for (let g = 0; g < model.kernelBytes.length; g++) offsets[g] = cache.kernelOffset(g);
			this.#bootOffsets = offsets.buffer;
		}
	}

	invoke(): void {
		const model = this.#native;
		const blob = this.#blob;
		const arena = this.arena;
		const cache = this.cache;
		const boot = this.#bootOffsets;
		if (boot) {
			runModel(model, blob, arena, cache.kernels, boot);
			return;
		}
		const steps = this.#steps;
		const kernels = cache.kernels;
		for (let i = 0; i < steps.length; i += 3) {
			if (steps[i] === STEP_OPS) runOps(model, blob, steps[i + 1], steps[i + 2], arena);
			else runGeneratedOp(model, blob, steps[i + 1], arena, kernels, cache.kernelOffset(steps[i + 2]));
		}
	}
}
