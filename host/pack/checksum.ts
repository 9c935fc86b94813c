// Golden-test conventions of docs/FORMAT.md §7: xorshift32 windows and the CRC-32 of a run's outputs.

import { crc32Update } from "../../modules/model/crc32.ts";
import type { Model } from "../../modules/model/model.ts";
import { RefEngine, type Policy } from "./ref-engine.ts";
import { Xorshift32 } from "../../modules/runtime/xorshift32.ts";

export { Xorshift32 };

export interface ChecksumRun {
	seed: number;
	windows: number;
	policy: Policy;
	/** Kernel budget in bytes, for the stream policy. */
	budget?: number;
}

export interface ChecksumResult {
	crc: number;
	/** Output bytes of the first window, for diagnostics. */
	first: Int8Array;
	/** Kernels synthesized during the run (policy-dependent; boot counts its start-up synthesis). */
	synthesized: number;
}

/** CRC-32 over the concatenated output tensors of `windows` random windows from one xorshift32 stream. */
export function runChecksum(model: Model, run: ChecksumRun): ChecksumResult {
	const engine = new RefEngine(model, run.policy, run.budget);
	const rng = new Xorshift32(run.seed);
	const input = new Int8Array(model.input.length * model.input.channels);
	let crc = 0;
	let first: Int8Array = new Int8Array(0);
	for (let w = 0; w < run.windows; w++) {
		const out = engine.invoke(rng.fill(input));
		if (w === 0) first = out;
		crc = crc32Update(crc, new Uint8Array(out.buffer, out.byteOffset, out.length));
	}
	return { crc, first, synthesized: engine.synthesisOrder.length };
}
