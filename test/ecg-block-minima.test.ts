import test from "ava";
import { BlockMinima } from "../modules/ecg/block-minima.ts";

test("block minima: lowest value between two sample indices, to block precision, over the blocks kept", (t) => {
	const minima = new BlockMinima(4, 8);
	t.is(minima.lowest(0, 100), -1, "nothing known yet");
	const values = [9, 7, 8, 9, /**/ 5, 6, 9, 9, /**/ 9, 9, 9, 3, /**/ 8, 8];
	values.forEach((v, i) => minima.push(i, v));
	t.is(minima.lowest(0, 3), 7);
	t.is(minima.lowest(2, 5), 5, "whole blocks: index 2 brings in block 0");
	t.is(minima.lowest(8, 13), 3);
	t.is(minima.lowest(12, 13), 8, "the block being filled counts");
	t.is(minima.lowest(12, 1000), 8, "clipped to the newest block");

	for (let i = 14; i < 44; i++) minima.push(i, 20 + i);
	t.is(minima.lowest(0, 43), 8, "blocks 3..10 are kept; block 2 (indices 8..11, with the 3) is forgotten");
	t.is(minima.lowest(0, 11), -1);
	t.is(minima.lowest(40, 43), 60);

	minima.clear();
	t.is(minima.lowest(0, 39), -1);
	minima.push(41, 4);
	t.is(minima.lowest(0, 41), 4);
	t.throws(() => new BlockMinima(0, 8), { instanceOf: RangeError });
	t.throws(() => new BlockMinima(4, 6), { instanceOf: RangeError });
});
