// The reference integer engine: the TypeScript twin of the C core, used to produce and check golden vectors.

import type { Model } from "../../modules/model/model.ts";
import { HtError } from "../../modules/model/errors.ts";
import { HT_E_ARGUMENT, NONE16 } from "../../modules/model/format.ts";
import { runOp } from "./kernels.ts";
import { synthesize } from "./synth.ts";

export { runOp } from "./kernels.ts";
export { synthesize } from "./synth.ts";

export type Policy = "boot" | "lazy";

/** Runs windows through one model, keeping synthesized kernels between windows like the device cache. */
export class RefEngine {
	readonly model: Model;
	readonly policy: Policy;
	readonly arena: Int8Array;
	readonly kernels: (Uint8Array | null)[];
	/** Generated layers in the order they were synthesized. */
	readonly synthesisOrder: number[] = [];

	constructor(model: Model, policy: Policy = "boot") {
		if (policy !== "boot" && policy !== "lazy") throw new HtError(HT_E_ARGUMENT, `unknown policy ${policy}`);
		this.model = model;
		this.policy = policy;
		this.arena = new Int8Array(Math.max(model.arenaBytes, 1));
		this.kernels = model.kernelBytes.map(() => null);
		if (policy === "boot") for (let g = 0; g < this.kernels.length; g++) this.kernel(g);
	}

	kernel(g: number): Uint8Array {
		let k = this.kernels[g];
		if (!k) {
			k = synthesize(this.model, g);
			this.kernels[g] = k;
			this.synthesisOrder.push(g);
		}
		return k;
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

export function run(model: Model, input: Int8Array, policy: Policy = "boot"): Int8Array {
	return new RefEngine(model, policy).invoke(input);
}
