import { allocNative, nativeScratchBytes, synthesize, type NativeBytes, type NativeModelHandle } from "./native.ts";
import { KernelLru } from "./kernel-lru.ts";

/**
 * boot: every generated layer is synthesized when the cache is created; steady state never calls the generator.
 * lazy: a layer is synthesized right before the first op that uses it.
 * stream: kernels live in a budget smaller than all of them (at least the largest); the least recently used is
 * evicted to make room and re-synthesized at its next use (docs/FORMAT.md §7).
 */
export type SynthesisPolicy = "boot" | "lazy" | "stream";

export const POLICIES: readonly SynthesisPolicy[] = ["boot", "lazy", "stream"];

export function isPolicy(name: unknown): name is SynthesisPolicy {
	return POLICIES.indexOf(name as SynthesisPolicy) >= 0;
}

/** Kernel memory a policy needs: all kernels for boot and lazy, the budget for stream. */
export function cacheBytes(kernelBytes: readonly number[], policy: SynthesisPolicy, budgetBytes?: number): number {
	if (!isPolicy(policy)) throw new Error(`unknown synthesis policy "${policy}" (boot, lazy or stream)`);
	if (policy !== "stream") return kernelBytes.reduce((sum, bytes) => sum + bytes, 0);
	if (budgetBytes === undefined) throw new Error("the stream policy needs a kernel budget in bytes");
	return budgetBytes;
}

export class SynthesisCache {
	readonly policy: SynthesisPolicy;
	/** Native memory holding the resident synthesized kernels (weights, bias, multipliers, shifts). */
	readonly kernels: HostBuffer;
	/** Bytes of `kernels`: all kernels (boot, lazy) or the stream budget. */
	readonly bytes: number;
	readonly scratchBytes: number;
	#lru: KernelLru;

	constructor(model: NativeModelHandle, blob: NativeBytes, kernelBytes: number[], policy: SynthesisPolicy, budgetBytes?: number) {
		const bytes = cacheBytes(kernelBytes, policy, budgetBytes);
		this.policy = policy;
		this.bytes = bytes;
		this.kernels = allocNative(bytes > 0 ? bytes : 4);
		this.scratchBytes = nativeScratchBytes(model);
		const scratch = allocNative(this.scratchBytes > 0 ? this.scratchBytes : 4);
		const kernels = this.kernels;
		const view = new Uint8Array(kernels);
		this.#lru = new KernelLru(kernelBytes, bytes, {
			fill: (layer, offset) => synthesize(model, blob, layer, kernels, offset, scratch),
			move: (from, to, length) => view.copyWithin(to, from, from + length),
		});
		if (policy === "boot") for (let g = 0; g < kernelBytes.length; g++) this.#lru.acquire(g);
	}

	/** Kernels synthesized since creation (re-syntheses of evicted layers included). */
	get synthesized(): number {
		return this.#lru.synthesized;
	}

	get evicted(): number {
		return this.#lru.evicted;
	}

	/** Times resident kernels were moved together to make one gap (stream only). */
	get compactions(): number {
		return this.#lru.compactions;
	}

	isReady(layer: number): boolean {
		return this.#lru.isResident(layer);
	}

	/** Offset of layer's kernel in `kernels`, synthesizing it first if it is not there. */
	kernelOffset(layer: number): number {
		return this.#lru.acquire(layer);
	}
}
