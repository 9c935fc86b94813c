// The stream policy's kernel bookkeeping (modules/runtime/kernel-lru.ts): the LRU rule of docs/FORMAT.md §7,
// placement that never overlaps or corrupts a resident kernel, and a clear refusal of a too-small budget.
import test from "ava";
import { KernelLru } from "../modules/runtime/kernel-lru.ts";
import { Rng } from "../host/pack/rng.ts";

/** A byte store where each layer's kernel is a recognisable pattern, with a log of what happened. */
function patternStore(budget: number, sizes: number[]) {
	const memory = new Uint8Array(budget);
	const log: string[] = [];
	const byte = (layer: number, i: number) => (layer * 31 + i * 7 + 1) & 0xff;
	return {
		memory,
		log,
		intact(layer: number, offset: number): boolean {
			for (let i = 0; i < sizes[layer]; i++) if (memory[offset + i] !== byte(layer, i)) return false;
			return true;
		},
		fill(layer: number, offset: number) {
			for (let i = 0; i < sizes[layer]; i++) memory[offset + i] = byte(layer, i);
			log.push(`fill ${layer}@${offset}`);
		},
		move(from: number, to: number, length: number) {
			memory.copyWithin(to, from, from + length);
			log.push(`move ${from}->${to} (${length})`);
		},
	};
}

test("evicts the least recently used kernel, places first fit, compacts when no gap is large enough", (t) => {
	const sizes = [56, 128, 40];
	const store = patternStore(200, sizes);
	const lru = new KernelLru(sizes, 200, store);
	t.is(lru.acquire(0), 0);
	t.is(lru.acquire(1), 56);
	t.is(lru.acquire(2), 0, "layer 0 was the least recently used; layer 2 takes its place");
	t.false(lru.isResident(0));
	t.is(lru.acquire(1), 56, "a hit: layer 1 becomes the most recently used");
	t.is(lru.acquire(0), 0, "layer 2, now the least recently used, is evicted; layer 0 fits first at 0");
	t.deepEqual([lru.isResident(0), lru.isResident(1), lru.isResident(2)], [true, true, false]);
	t.deepEqual([lru.synthesized, lru.evicted, lru.compactions], [4, 2, 0]);

	const fresh = patternStore(200, sizes);
	const fragmented = new KernelLru(sizes, 200, fresh);
	fragmented.acquire(2);
	fragmented.acquire(0);
	t.is(fragmented.acquire(1), 56, "2 evicted leaves gaps of 40 and 104: compact layer 0 to 0, place 1 after it");
	t.deepEqual(fresh.log, ["fill 2@0", "fill 0@40", "move 40->0 (56)", "fill 1@56"]);
	t.true(fresh.intact(0, 0) && fresh.intact(1, 56));
	t.is(fragmented.compactions, 1);
});

test("a cyclic plan under any budget below all kernels regenerates every layer of every inference", (t) => {
	const sizes = [56, 128, 40];
	for (const budget of [128, 184, 200, 223]) {
		const lru = new KernelLru(sizes, budget, patternStore(budget, sizes));
		for (let window = 0; window < 10; window++) for (let g = 0; g < 3; g++) lru.acquire(g);
		t.is(lru.synthesized, 30, `budget ${budget}`);
	}
	const all = new KernelLru(sizes, 224, patternStore(224, sizes));
	for (let window = 0; window < 10; window++) for (let g = 0; g < 3; g++) all.acquire(g);
	t.is(all.synthesized, 3, "a budget that holds all kernels synthesizes each once");
});

test("a budget below the largest kernel is refused, naming both sizes", (t) => {
	const error = t.throws(() => new KernelLru([56, 128, 40], 124, patternStore(124, [56, 128, 40])));
	t.is(error?.message, "kernel budget 124 bytes is smaller than the largest synthesized kernel (layer 1, 128 bytes)");
	t.notThrows(() => new KernelLru([], 0, patternStore(0, [])), "a model with no generated layers needs no budget");
});

/** The §7 rule on its own: which layers are resident, and how many syntheses, for a sequence of uses. */
function naiveLru(sizes: number[], budget: number, uses: number[]) {
	let resident: number[] = []; // least recently used first
	let synthesized = 0;
	for (const g of uses) {
		if (resident.includes(g)) {
			resident = [...resident.filter((x) => x !== g), g];
			continue;
		}
		while (resident.reduce((s, x) => s + sizes[x], 0) + sizes[g] > budget) resident.shift();
		resident.push(g);
		synthesized++;
	}
	return { resident: new Set(resident), synthesized };
}

test("random sizes, budgets and use sequences: the naive LRU's decisions, kernels never overlap or change", (t) => {
	const rng = new Rng(2024);
	for (let trial = 0; trial < 300; trial++) {
		const sizes = Array.from({ length: rng.int(1, 9) }, () => 4 * rng.int(1, 40));
		const largest = Math.max(...sizes);
		const total = sizes.reduce((a, b) => a + b, 0);
		const budget = 4 * rng.int(largest / 4, Math.max(largest, total) / 4);
		const store = patternStore(budget, sizes);
		const lru = new KernelLru(sizes, budget, store);
		const uses: number[] = [];
		let ok = true;
		for (let step = 0; step < 60; step++) {
			const g = rng.int(0, sizes.length - 1);
			uses.push(g);
			const offset = lru.acquire(g);
			ok &&= offset % 4 === 0 && offset + sizes[g] <= budget && store.intact(g, offset);
			const spans = sizes.map((s, l) => [lru.offsetOf(l), s, l]).filter(([at]) => at >= 0);
			spans.sort((a, b) => a[0] - b[0]);
			for (const [at, , l] of spans) ok &&= store.intact(l, at);
			for (let i = 1; i < spans.length; i++) ok &&= spans[i - 1][0] + spans[i - 1][1] <= spans[i][0];
			const want = naiveLru(sizes, budget, uses);
			ok &&= want.synthesized === lru.synthesized && sizes.every((_, l) => want.resident.has(l) === lru.isResident(l));
			if (!ok) break;
		}
		t.true(ok, `trial ${trial}: sizes ${sizes}, budget ${budget}, uses ${uses}`);
	}
});
