// The sorted windows behind the RR medians (modules/ecg/lower-median.ts sortedInsert / sortedReplace, used by the
// AF detector; the RR context's C keeps its windows the same way, test/rr-reference.ts) give the value of a plain
// sort (lowerMedian below) over the same window, value by value.
import test from "ava";
import { sortedInsert, sortedReplace } from "../modules/ecg/lower-median.ts";
import { RrHistory } from "./rr-reference.ts";
import { Xorshift32 } from "../modules/runtime/xorshift32.ts";

/** The reference: lower median of values[0..count) by an insertion sort into scratch (0 when count is 0). */
function lowerMedian(values: Int32Array, count: number, scratch: Int32Array): number {
	if (count === 0) return 0;
	for (let i = 0; i < count; i++) {
		const v = values[i];
		let j = i;
		while (j > 0 && scratch[j - 1] > v) {
			scratch[j] = scratch[j - 1];
			j--;
		}
		scratch[j] = v;
	}
	return scratch[(count - 1) >> 1];
}

test("a window kept sorted value by value has lowerMedian's median at every step", (t) => {
	const rng = new Xorshift32(7);
	for (const size of [1, 2, 3, 8, 16]) {
		for (const spread of [3, 40, 1000]) {
			const ring = new Int32Array(size);
			const sorted = new Int32Array(size);
			const scratch = new Int32Array(size);
			let count = 0;
			let next = 0;
			for (let i = 0; i < 400; i++) {
				const v = 250 + (rng.next() % spread) - (spread >> 1);
				if (count < size) sortedInsert(sorted, count++, v);
				else sortedReplace(sorted, size, ring[next], v);
				ring[next] = v;
				next = (next + 1) % size;
				const expected = lowerMedian(ring, count, scratch);
				if (sorted[(count - 1) >> 1] !== expected) return t.fail(`size ${size} spread ${spread} step ${i}: ${sorted[(count - 1) >> 1]} != ${expected}`);
				for (let k = 1; k < count; k++) if (sorted[k - 1] > sorted[k]) return t.fail(`size ${size} step ${i}: not sorted`);
			}
		}
	}
	t.pass();
});

test("the reference RrHistory's median (what the C RR context reproduces) is the lower median of its last eight intervals, across clear()", (t) => {
	const rng = new Xorshift32(11);
	const h = new RrHistory();
	let last: number[] = [];
	for (let i = 0; i < 500; i++) {
		if (rng.next() % 50 === 0) {
			h.clear();
			last = [];
		}
		const rr = 150 + (rng.next() % 300);
		h.add(rr);
		last = [...last, rr].slice(-8);
		const expected = lowerMedian(Int32Array.from(last), last.length, new Int32Array(8));
		if (h.median() !== expected) return t.fail(`step ${i}: ${h.median()} != ${expected}`);
	}
	t.pass();
});
