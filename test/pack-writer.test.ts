import test from "ava";
import { readModel } from "../modules/model/reader.ts";
import { HtError } from "../modules/model/errors.ts";
import { HT_E_ARENA_OVERLAP, OP_DWCONV1D, OP_FC, OP_PWCONV, SEC_QPARAMS } from "../modules/model/format.ts";
import { planArena } from "../host/pack/arena.ts";
import { randomModel } from "../host/pack/random-model.ts";
import type { ModelSpec } from "../host/pack/spec.ts";
import { writeModel } from "../host/pack/writer.ts";

/** x -> dw -> pw -> dw -> pw -> fc: a chain where the arena can reuse bytes. */
function chain(): ModelSpec {
	const one = { mult: [0x40000000], shift: [0] };
	return {
		meta: { name: "chain" },
		tensors: [
			{ length: 32, channels: 4, zeroPoint: 0 }, { length: 32, channels: 4, zeroPoint: 0 }, { length: 32, channels: 8, zeroPoint: 0 },
			{ length: 32, channels: 8, zeroPoint: 0 }, { length: 32, channels: 4, zeroPoint: 0 }, { length: 1, channels: 2, zeroPoint: 0 },
		],
		ops: [
			{ opcode: OP_DWCONV1D, in0: 0, out: 1, k: 3, padLeft: 1, padRight: 1, weights: new Int8Array(12).fill(1), ...one },
			{ opcode: OP_PWCONV, in0: 1, out: 2, weights: new Int8Array(32).fill(1), ...one },
			{ opcode: OP_DWCONV1D, in0: 2, out: 3, k: 3, padLeft: 1, padRight: 1, weights: new Int8Array(24).fill(-1), ...one },
			{ opcode: OP_PWCONV, in0: 3, out: 4, weights: new Int8Array(32).fill(2), ...one },
			{ opcode: OP_FC, in0: 4, out: 5, weights: new Int8Array(256).fill(1), ...one },
		],
		inputTensor: 0,
		outputTensor: 5,
	};
}

test("the liveness allocator reuses arena bytes and the validator accepts the placement", (t) => {
	const spec = chain();
	const plan = planArena(spec);
	const sum = spec.tensors.reduce((s, x) => s + x.length * x.channels, 0);
	t.true(plan.arenaBytes < sum);
	t.true(plan.offsets.every((o) => o % 4 === 0));
	const m = readModel(writeModel(spec));
	t.is(m.arenaBytes, plan.arenaBytes);
	for (let s = 1; s <= 30; s++) {
		const r = randomModel(s);
		t.notThrows(() => readModel(writeModel(r)), `seed ${s}`);
	}
});

test("given arena offsets are kept, and unsafe ones fail validation", (t) => {
	const spec = chain();
	spec.tensors.forEach((x, i) => (x.arenaOffset = 1024 * i));
	const m = readModel(writeModel(spec));
	t.deepEqual(m.tensors.map((x) => x.arenaOffset), [0, 1024, 2048, 3072, 4096, 5120]);
	spec.tensors[2].arenaOffset = 1024 + 64; // op 1 would write over its own input
	const e = t.throws(() => writeModel(spec), { instanceOf: HtError });
	t.is(e?.code, HT_E_ARENA_OVERLAP);
	t.notThrows(() => writeModel(spec, { validate: false }));
});

test("sections are aligned as asked, QPARAMS to at least 4", (t) => {
	const m = readModel(writeModel(chain(), { sectionAlign: 16 }));
	for (const s of m.sections) {
		t.is(s.offset % 16, 0);
		t.is(s.align, 16);
	}
	const q = readModel(writeModel(chain(), { sectionAlign: 1 })).sectionEntry(SEC_QPARAMS);
	t.is(q?.align, 4);
});

test("the writer refuses weights whose accumulators could overflow int32", (t) => {
	const spec = chain();
	spec.ops[4].weights = new Int8Array(256).fill(127);
	spec.ops[4].bias = [2 ** 31 - 1000, 0];
	t.throws(() => writeModel(spec), { instanceOf: RangeError, message: /overflow/ });
	t.notThrows(() => writeModel(spec, { checkOverflow: false }));
});
