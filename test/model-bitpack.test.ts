import test from "ava";
import { readPacked, unpackInto } from "../modules/model/bitpack.ts";
import { packValues } from "../host/pack/bitpack-writer.ts";
import { Rng } from "../host/pack/rng.ts";

test("packed layout is LSB first, value i at bits [i*bits, (i+1)*bits)", (t) => {
	t.deepEqual([...packValues([1, -1], 4)], [0xf1]);
	t.deepEqual([...packValues([-8, 7, 3], 4)], [0x78, 0x03]);
	// 6-bit: 0b000001 | 0b111111 << 6 | 0b100000 << 12 -> bits 0..17
	t.deepEqual([...packValues([1, -1, -32], 6)], [0xc1, 0x0f, 0x02]);
	t.deepEqual([...packValues([-128, 127, 0], 8)], [0x80, 0x7f, 0x00]);
	t.is(packValues(new Array(5).fill(0), 6).length, 4); // ceil(30 / 8)
});

test("readPacked sign-extends and inverts packValues at 4, 6 and 8 bits", (t) => {
	const rng = new Rng(11);
	for (const bits of [4, 6, 8]) {
		for (let trial = 0; trial < 50; trial++) {
			const n = rng.int(1, 300);
			const lo = -(1 << (bits - 1));
			const hi = (1 << (bits - 1)) - 1;
			const values = Array.from({ length: n }, () => rng.int(lo, hi));
			const packed = packValues(values, bits);
			t.is(packed.length, Math.ceil((n * bits) / 8));
			const back = values.map((_, i) => readPacked(packed, i, bits));
			t.deepEqual(back, values);
			const out = new Int8Array(n);
			unpackInto(packed, 0, bits, out);
			t.deepEqual([...out], values);
		}
	}
});

test("extreme values survive at every bit position", (t) => {
	for (const bits of [4, 6, 8]) {
		const lo = -(1 << (bits - 1));
		const hi = (1 << (bits - 1)) - 1;
		const values = Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? lo : i % 3 === 1 ? hi : -1));
		const packed = packValues(values, bits);
		t.deepEqual(values.map((_, i) => readPacked(packed, i, bits)), values);
	}
});

test("packValues rejects values that do not fit", (t) => {
	t.throws(() => packValues([8], 4));
	t.throws(() => packValues([-33], 6));
	t.throws(() => packValues([1.5], 8));
	t.throws(() => packValues([0], 5));
});
