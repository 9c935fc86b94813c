import { allocNative, nativeScratchBytes, synthesize, type NativeBytes, type NativeModelHandle } from "./native.ts";

/**
 * boot: every generated layer is synthesized when the cache is created; steady state never calls the generator.
 * lazy: a layer is synthesized right before the first op that uses it.
 * (stream, an LRU under an SRAM budget, plugs in here: kernelOffset() may then evict and regenerate.)
 */
export type SynthesisPolicy = "boot" | "lazy";

export const POLICIES: readonly SynthesisPolicy[] = ["boot", "lazy"];

export function isPolicy(name: unknown): name is SynthesisPolicy {
	return POLICIES.indexOf(name as SynthesisPolicy) >= 0;
}

export class SynthesisCache {
	readonly policy: SynthesisPolicy;
	/** Native memory holding every synthesized kernel (weights, bias, multipliers, shifts). */
	readonly kernels: HostBuffer;
	readonly bytes: number;
	readonly scratchBytes: number;
	synthesized = 0;
	#offsets: Int32Array;
	#ready: Uint8Array;
	#scratch: HostBuffer;
	#model: NativeModelHandle;
	#blob: NativeBytes;

	constructor(model: NativeModelHandle, blob: NativeBytes, kernelBytes: number[], policy: SynthesisPolicy) {
		if (!isPolicy(policy)) throw new Error(`unknown synthesis policy "${policy}" (boot or lazy)`);
		this.policy = policy;
		this.#model = model;
		this.#blob = blob;
		this.#offsets = new Int32Array(kernelBytes.length);
		this.#ready = new Uint8Array(kernelBytes.length);
		let total = 0;
		for (let g = 0; g < kernelBytes.length; g++) {
			this.#offsets[g] = total;
			total += kernelBytes[g];
		}
		this.bytes = total;
		this.kernels = allocNative(total > 0 ? total : 4);
		this.scratchBytes = nativeScratchBytes(model);
		this.#scratch = allocNative(this.scratchBytes > 0 ? this.scratchBytes : 4);
		if (policy === "boot") for (let g = 0; g < kernelBytes.length; g++) this.kernelOffset(g);
	}

	isReady(layer: number): boolean {
		return this.#ready[layer] === 1;
	}

	/** Offset of layer's kernel in `kernels`, synthesizing it first if it is not there yet. */
	kernelOffset(layer: number): number {
		const offset = this.#offsets[layer];
		if (this.#ready[layer] === 0) {
			synthesize(this.#model, this.#blob, layer, this.kernels, offset, this.#scratch);
			this.#ready[layer] = 1;
			this.synthesized++;
		}
		return offset;
	}
}
