// A liveness-based arena planner that satisfies docs/FORMAT.md §2 "Arena safety" (greedy, largest first).

import type { ModelSpec } from "./spec.ts";

export interface ArenaPlan {
	offsets: number[];
	arenaBytes: number;
}

const NEVER = -2;

/** Tensor t holds data from def[t] (-1: before op 0) until last[t] (Infinity: the output). */
export function tensorLifetimes(spec: ModelSpec): { def: number[]; last: number[] } {
	const n = spec.tensors.length;
	const def: number[] = new Array(n).fill(NEVER);
	const last: number[] = new Array(n).fill(NEVER);
	def[spec.inputTensor] = -1;
	spec.ops.forEach((op, i) => {
		def[op.out] = i;
		last[op.in0] = Math.max(last[op.in0], i);
		if (op.in1 !== undefined) last[op.in1] = Math.max(last[op.in1], i);
	});
	for (let t = 0; t < n; t++) last[t] = Math.max(last[t], def[t]);
	// output_tensor is protected for the whole run (docs/FORMAT.md §2), not only once written.
	def[spec.outputTensor] = -1;
	last[spec.outputTensor] = Infinity;
	return { def, last };
}

export function planArena(spec: ModelSpec, align = 4): ArenaPlan {
	const { def, last } = tensorLifetimes(spec);
	const size = spec.tensors.map((t) => t.length * t.channels);
	// Two tensors may share bytes only when one is written after the other's last read.
	const conflict = (a: number, b: number): boolean => def[a] <= last[b] && def[b] <= last[a];
	const order = spec.tensors.map((_, t) => t).sort((a, b) => size[b] - size[a] || a - b);
	const offsets: number[] = new Array(spec.tensors.length).fill(0);
	const placed: number[] = [];
	let arenaBytes = 0;
	for (const t of order) {
		if (def[t] === NEVER) continue; // unused tensor: offset 0 is harmless, nothing writes or reads it
		const busy = placed.filter((p) => conflict(t, p)).map((p) => [offsets[p], offsets[p] + size[p]]).sort((x, y) => x[0] - y[0]);
		let at = 0;
		for (const [start, end] of busy) {
			if (at + size[t] <= start) break;
			if (end > at) at = Math.ceil(end / align) * align;
		}
		offsets[t] = at;
		placed.push(t);
		arenaBytes = Math.max(arenaBytes, at + size[t]);
	}
	return { offsets, arenaBytes };
}
