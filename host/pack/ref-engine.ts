// The reference integer engine: the TypeScript twin of the C core, used to produce and check golden vectors.

import type { Model } from "../../modules/model/model.ts";
import { HtError } from "../../modules/model/errors.ts";
import { HT_E_ARGUMENT, NONE16 } from "../../modules/model/format.ts";
import { KernelLru } from "../../modules/runtime/kernel-lru.ts";
import { runOp } from "./kernels.ts";
import { synthesize } from "./synth.ts";

export { runOp } from "./kernels.ts";
export { synthesize } from "./synth.ts";

export type Policy = "boot" | "lazy" | "stream";

/** Runs windows through one model, keeping synthesized kernels between windows like the device cache. */
export class RefEngine {
	readonly model: Model;
	readonly policy: Policy;
	readonly arena: Int8Array;
	/** Generated layers in the order they were synthesized (re-syntheses under stream included). */
	readonly synthesisOrder: number[] = [];
	#kernel: (g: number) => Uint8Array;

	/** budgetBytes: the stream policy's kernel budget (docs/FORMAT.md §7). */
	constructor(model: Model, policy: Policy = "boot", budgetBytes?: number) {
		if (policy !== "boot" && policy !== "lazy" && policy !== "stream") throw new HtError(HT_E_ARGUMENT, `unknown policy ${policy}`);
		this.model = model;
		this.policy = policy;
		this.arena = new Int8Array(Math.max(model.arenaBytes, 1));
		this.#kernel = policy === "stream" ? this.#streamKernels(budgetBytes) : this.#allKernels();
		if (policy === "boot") for (let g = 0; g < model.kernelBytes.length; g++) this.kernel(g);
	}

	#allKernels(): (g: number) => Uint8Array {
		const kernels: (Uint8Array | null)[] = this.model.kernelBytes.map(() => null);
		return (g) => {
			let k = kernels[g];
			if (!k) {
				k = kernels[g] = synthesize(this.model, g);
				this.synthesisOrder.push(g);
			}
			return k;
		};
	}

	#streamKernels(budgetBytes: number | undefined): (g: number) => Uint8Array {
		if (budgetBytes === undefined) throw new HtError(HT_E_ARGUMENT, "the stream policy needs a kernel budget in bytes");
		const memory = new Uint8Array(budgetBytes);
		const lru = new KernelLru(this.model.kernelBytes, budgetBytes, {
			fill: (g, offset) => {
				memory.set(synthesize(this.model, g), offset);
				this.synthesisOrder.push(g);
			},
			move: (from, to, length) => memory.copyWithin(to, from, from + length),
		});
		return (g) => {
			const offset = lru.acquire(g);
			return memory.subarray(offset, offset + this.model.kernelBytes[g]);
		};
	}

	kernel(g: number): Uint8Array {
		return this.#kernel(g);
	}

	/** One window in, the output tensor's bytes out (a copy). */
	invoke(input: Int8Array): Int8Array {
		const m = this.model;
		const t = m.input;
		if (input.length !== t.length * t.channels) throw new HtError(HT_E_ARGUMENT, `input has ${input.length} values, the model takes ${t.length * t.channels}`);
		this.arena.set(input, t.arenaOffset);
		for (let i = 0; i < m.ops.length; i++) {
			const g = m.ops[i].genLayer;
			runOp(m, i, this.arena, g === NONE16 ? undefined : this.kernel(g));
		}
		const o = m.output;
		return this.arena.slice(o.arenaOffset, o.arenaOffset + o.length * o.channels);
	}
}

export function run(model: Model, input: Int8Array, policy: Policy = "boot", budgetBytes?: number): Int8Array {
	return new RefEngine(model, policy, budgetBytes).invoke(input);
}
