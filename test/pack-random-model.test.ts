import test from "ava";
import { readModel } from "../modules/model/reader.ts";
import { FAMILY_HEAD, FAMILY_LOWRANK, OP_ADD, OP_ATTNPOOL, OP_AVGPOOL, OP_FC, OP_MAXPOOL, OP_PWCONV } from "../modules/model/format.ts";
import { checkAccumulators } from "../host/pack/overflow.ts";
import { randomModel, randomModelBlob } from "../host/pack/random-model.ts";
import { run } from "../host/pack/ref-engine.ts";
import { Xorshift32 } from "../host/pack/checksum.ts";

const ALL = { forceAllBits: true, forceResidual: true, forceStride2: true };

test("random models are valid and run under both policies for many seeds", (t) => {
	const seen = { families: new Set<number>(), ops: new Set<number>(), bits: new Set<number>(), dilation2: false, maxpool: false };
	for (let seed = 1; seed <= 60; seed++) {
		const m = readModel(randomModelBlob(seed, seed % 3 === 0 ? ALL : {}));
		const input = new Xorshift32(seed).fill(new Int8Array(m.input.length * m.input.channels));
		t.deepEqual(run(m, input, "lazy"), run(m, input, "boot"), `seed ${seed}`);
		for (const op of m.ops) {
			seen.ops.add(op.opcode);
			if (op.dilation === 2) seen.dilation2 = true;
		}
		if (m.generator) seen.families.add(m.generator.family);
		for (const l of m.generator?.layers ?? []) seen.bits.add(l.headBits);
	}
	t.deepEqual([...seen.families].sort(), [FAMILY_HEAD, FAMILY_LOWRANK]);
	t.deepEqual([...seen.bits].sort(), [4, 6, 8]);
	for (const op of [OP_ADD, OP_MAXPOOL, OP_AVGPOOL, OP_ATTNPOOL, OP_FC, OP_PWCONV]) t.true(seen.ops.has(op), `opcode ${op} never drawn`);
	t.true(seen.dilation2);
});

test("the force options hold for every seed", (t) => {
	for (let seed = 1; seed <= 40; seed++) {
		const family = seed % 2 ? "head" : "lowrank";
		const m = readModel(randomModelBlob(seed, { ...ALL, family }));
		t.deepEqual([...new Set(m.generator?.layers.map((l) => l.headBits))].sort(), [4, 6, 8], `seed ${seed}`);
		t.is(m.generator?.family, family === "head" ? FAMILY_HEAD : FAMILY_LOWRANK);
		t.true(m.ops.some((o) => o.opcode === OP_ADD), `seed ${seed}: no residual`);
		t.true(m.ops.some((o) => o.stride === 2), `seed ${seed}: no stride 2`);
		const pw = m.ops.filter((o) => o.opcode === OP_PWCONV);
		t.is(pw[0].genLayer, 0xffff, "PW1 is stored");
	}
});

test("random models are deterministic from the seed and respect the accumulator bound", (t) => {
	for (let seed = 1; seed <= 10; seed++) {
		t.deepEqual(randomModelBlob(seed, ALL), randomModelBlob(seed, ALL));
		t.notThrows(() => checkAccumulators(randomModel(seed, ALL)));
	}
	t.notDeepEqual(randomModelBlob(1), randomModelBlob(2));
});

test("options set the input shape and class count", (t) => {
	const m = readModel(randomModelBlob(5, { length: 100, channels: 3, classes: 4, generated: false }));
	t.deepEqual([m.input.length, m.input.channels, m.output.channels], [100, 3, 4]);
	t.is(m.generator, null);
	t.deepEqual(m.meta.classes, ["c0", "c1", "c2", "c3"]);
});
