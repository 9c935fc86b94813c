import test from "ava";
import { readModel } from "../modules/model/reader.ts";
import { HtError } from "../modules/model/errors.ts";
import { crc32 } from "../modules/model/crc32.ts";
import { decodeUtf8 } from "../modules/model/utf8.ts";
import {
	FAMILY_HEAD, HT_E_SECTION_ALIGN, HT_E_SIZE, NONE16, OP_ADD, OP_AVGPOOL, OP_CONV1D, OP_FC, OP_PWCONV, SEC_BACKBONE, SEC_META, SEC_PLAN,
	SEC_QPARAMS, statusName,
} from "../modules/model/format.ts";
import { recrc } from "../host/pack/corrupt.ts";
import { randomModel, randomModelBlob } from "../host/pack/random-model.ts";
import type { ModelSpec } from "../host/pack/spec.ts";
import { writeModel } from "../host/pack/writer.ts";

const ALL = { forceAllBits: true, forceResidual: true, forceStride2: true };

test("crc32 is zlib's", (t) => {
	t.is(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
	t.is(crc32(new Uint8Array(0)), 0);
});

test("utf8 decoding of META, including multi-byte and malformed input", (t) => {
	t.is(decodeUtf8(new TextEncoder().encode('{"n":"µ€😀"}')), '{"n":"µ€😀"}');
	t.is(decodeUtf8(new Uint8Array([0x61, 0xc3])), "a\ufffd");
	t.is(decodeUtf8(new Uint8Array([0xed, 0xa0, 0x80])), "\ufffd"); // a surrogate code point
	t.is(decodeUtf8(new Uint8Array([0xc0, 0x80])), "\ufffd\ufffd"); // overlong
});

test("writer -> reader round trip keeps every field of the spec", (t) => {
	const spec = randomModel(3, ALL);
	const blob = writeModel(spec);
	const m = readModel(blob);
	t.is(m.fileSize, blob.length);
	t.is(m.tensors.length, spec.tensors.length);
	spec.tensors.forEach((ts, i) => {
		t.is(m.tensors[i].length, ts.length);
		t.is(m.tensors[i].channels, ts.channels);
		t.is(m.tensors[i].zeroPoint, ts.zeroPoint);
	});
	t.is(m.ops.length, spec.ops.length);
	spec.ops.forEach((os, i) => {
		const op = m.ops[i];
		t.is(op.opcode, os.opcode);
		t.is(op.in0, os.in0);
		t.is(op.out, os.out);
		t.is(op.in1, os.opcode === OP_ADD ? (os.in1 as number) : NONE16);
		t.is(op.genLayer, os.genLayer ?? NONE16);
		t.is(op.k, os.k ?? 1);
		t.is(op.actMin, os.actMin ?? -128);
		if (os.weights && os.genLayer === undefined) t.deepEqual([...(op.weights as Int8Array)], [...os.weights]);
		if (os.bias) t.deepEqual([...(op.bias as Int32Array)], Array.from(os.bias));
		if (os.mult) t.deepEqual([...(op.mult as Int32Array)], Array.from(os.mult));
		if (os.aux) t.deepEqual([...(op.aux as Int32Array)], Array.from(os.aux));
	});
	const gen = m.generator;
	t.truthy(gen);
	t.is(gen?.layers.length, spec.generator?.layers.length);
	t.deepEqual([...new Set(gen?.layers.map((l) => l.headBits))].sort(), [4, 6, 8]);
	t.is(m.meta.name, "random-3");
	t.deepEqual(m.kernelBytes, gen?.layers.map((l) => ((l.cout * l.cin + 3) & ~3) + 12 * l.cout));
	t.true(m.synthScratchBytes > 0);
	t.is(m.opGenLayer(gen?.layers[0].op as number), 0);
	t.is(m.opGenLayer(0), NONE16);
	t.is(m.input, m.tensors[m.inputTensor]);
});

test("the model is zero-copy: weights and quant params are views into the blob", (t) => {
	const blob = randomModelBlob(5, ALL);
	const m = readModel(blob.buffer);
	const conv = m.ops.find((o) => o.opcode === OP_CONV1D);
	t.is(conv?.weights?.buffer, blob.buffer);
	t.is(conv?.mult?.buffer, blob.buffer);
	t.is(m.generator?.layers[0].heads.buffer, blob.buffer);
	const q = m.sectionEntry(SEC_QPARAMS);
	t.truthy(q);
	t.is(((conv?.mult as Int32Array).byteOffset - (q?.offset as number)) % 4, 0);
	t.deepEqual(m.section(SEC_PLAN)?.buffer, blob.buffer);
	t.is(m.section(99), null);
});

test("readModel takes an ArrayBuffer or a view, and needs a 4-byte aligned blob of exactly file_size bytes", (t) => {
	const blob = randomModelBlob(6);
	t.notThrows(() => readModel(blob.buffer));
	const shifted = new Uint8Array(blob.length + 2);
	shifted.set(blob, 2);
	const e1 = t.throws(() => readModel(shifted.subarray(2)), { instanceOf: HtError });
	t.is(e1?.code, HT_E_SECTION_ALIGN);
	const padded = new Uint8Array(blob.length + 4);
	padded.set(blob);
	const e2 = t.throws(() => readModel(padded), { instanceOf: HtError });
	t.is(e2?.code, HT_E_SIZE);
	t.is(e2?.status, "SIZE");
	t.regex(e2?.message ?? "", /^htpw SIZE: /);
	t.notThrows(() => readModel(new Uint8Array(padded.buffer, 0, blob.length)));
});

test("verifyCrc: false skips only the CRC", (t) => {
	const blob = randomModelBlob(7);
	blob[readModel(blob).sectionEntry(SEC_BACKBONE)?.offset as number] ^= 1; // a weight: still a valid model
	t.throws(() => readModel(blob), { instanceOf: HtError, message: /^htpw CRC/ });
	t.notThrows(() => readModel(blob, { verifyCrc: false }));
	recrc(blob);
	t.notThrows(() => readModel(blob));
});

test("META that is not a JSON object reads as null without failing validation", (t) => {
	const spec: ModelSpec = {
		meta: { name: "x" },
		tensors: [{ length: 4, channels: 2, zeroPoint: 0 }, { length: 1, channels: 2, zeroPoint: 0 }, { length: 1, channels: 3, zeroPoint: 1 }],
		ops: [
			{ opcode: OP_AVGPOOL, in0: 0, out: 1, aux: [0x40000000, -1] },
			{ opcode: OP_FC, in0: 1, out: 2, weights: new Int8Array([1, 2, 3, 4, 5, 6]), mult: [0x40000000], shift: [0] },
		],
		inputTensor: 0,
		outputTensor: 2,
	};
	const blob = writeModel(spec);
	const m = readModel(blob);
	t.deepEqual(m.meta, { name: "x" });
	const metaAt = m.sectionEntry(SEC_META)?.offset as number;
	blob[metaAt] = 0x5b; // "[" makes it not JSON
	recrc(blob);
	const m2 = readModel(blob);
	t.is(m2.meta, null);
	t.is(m2.generator, null);
	t.is(m2.synthScratchBytes, 0);
	t.deepEqual(m2.kernelBytes, []);
});

test("a model without a generator, and one with a LOWRANK generator, both read", (t) => {
	const plain = readModel(randomModelBlob(8, { generated: false }));
	t.is(plain.generator, null);
	t.true(plain.ops.some((o) => o.opcode === OP_PWCONV));
	const low = readModel(randomModelBlob(9, { family: "lowrank", forceAllBits: true }));
	t.is(low.generator?.family, 2);
	t.is(low.generator?.layers[0].rank, low.generator?.hDim);
	const head = readModel(randomModelBlob(10, { family: "head" }));
	t.is(head.generator?.family, FAMILY_HEAD);
});

test("status names are the C ones", (t) => {
	t.deepEqual([0, 1, 5, 14, 17, 19, 20, 99].map(statusName), ["OK", "TRUNCATED", "CRC", "SHAPE", "ARENA_OVERLAP", "SYNTH_RANGE", "ARGUMENT", "UNKNOWN"]);
});
