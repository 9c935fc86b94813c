// Golden tests: for random architectures (generated PW at 4, 6 and 8 bits, both generator families, residual
// blocks, strides), the device runtime in the XS simulator and the C core's CLI give the TypeScript reference's
// outputs bit for bit on 1000 random windows, under every synthesis policy (docs/FORMAT.md §7); stream runs at the
// tightest budget (the largest kernel), where every inference regenerates evicted layers.
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readModel } from "../modules/model/index.ts";
import { NONE16, OP_ADD, OP_CONV1D, OP_DWCONV1D, OP_MAXPOOL } from "../modules/model/format.ts";
import { KernelLru } from "../modules/runtime/kernel-lru.ts";
import { runChecksum } from "../host/pack/checksum.ts";
import { randomModelBlob } from "../host/pack/random-model.ts";
import { GOLDEN_ARCHS, GOLDEN_WINDOWS as WINDOWS, goldenInputSeed, hex } from "./golden-archs.ts";
import { lastJson, runSim, ROOT } from "../host/cli/sim-runner.ts";

const dir = mkdtempSync(join(tmpdir(), "hypertiny-golden-"));
const HTRUN = join(ROOT, "native/build/htrun");

test.before(() => {
	const make = spawnSync("make", ["-C", join(ROOT, "native"), "htrun"], { encoding: "utf8" });
	if (make.status !== 0) throw new Error(`make htrun failed:\n${make.stdout}${make.stderr}`);
});

// The first two again in format version 2 (float32 scales, TFLM's requantization rule, docs/FORMAT.md §2a).
const VERSION_2 = GOLDEN_ARCHS.slice(0, 2).map(({ seed, options }) => ({ seed, options: { ...options, version: 2 as const } }));

for (const { seed, options } of [...GOLDEN_ARCHS, ...VERSION_2]) {
	test(`random architecture ${seed} (${options.family}, format version ${options.version ?? 1}): simulator and C equal the reference on ${WINDOWS} windows, boot, lazy and stream`, (t) => {
		const blob = randomModelBlob(seed, options);
		const path = join(dir, `golden-${seed}-v${options.version ?? 1}.htpw`);
		writeFileSync(path, blob);
		const model = readModel(blob);

		// The architecture really has what the golden tests are meant to cover.
		const bits = new Set(model.generator?.layers.map((l) => l.headBits));
		t.deepEqual([...bits].sort(), [4, 6, 8], "generated PW layers at 4, 6 and 8 bits");
		t.true(model.ops.some((op) => op.opcode === OP_ADD), "a residual block");
		t.true(model.ops.some((op) => (op.opcode === OP_CONV1D || op.opcode === OP_DWCONV1D || op.opcode === OP_MAXPOOL) && op.stride === 2), "a stride-2 layer");

		const inputSeed = goldenInputSeed(seed);
		const tight = model.maxKernelBytes;
		const reference = runChecksum(model, { seed: inputSeed, windows: WINDOWS, policy: "boot" });
		const referenceLazy = runChecksum(model, { seed: inputSeed, windows: WINDOWS, policy: "lazy" });
		const referenceStream = runChecksum(model, { seed: inputSeed, windows: WINDOWS, policy: "stream", budget: tight });
		t.is(hex(referenceLazy.crc), hex(reference.crc), "reference: lazy equals boot");
		t.is(hex(referenceStream.crc), hex(reference.crc), "reference: stream equals boot");
		const generated = model.generator?.layers.length ?? 0;
		t.true(referenceStream.synthesized > generated, "the tight budget really evicts");

		for (const policy of ["boot", "lazy", "stream"] as const) {
			const budget = policy === "stream" ? tight : undefined;
			const synthesized = policy === "stream" ? referenceStream.synthesized : generated;
			const run = runSim("checksum", { resources: { "model.htpw": path }, config: { policy, budget, windows: WINDOWS, seed: inputSeed } });
			t.is(run.status, 0, run.stderr);
			const sim = lastJson(run);
			t.deepEqual(sim.first, Array.from(reference.first), `simulator ${policy}: first window`);
			t.is(sim.crc, hex(reference.crc), `simulator ${policy}: all ${WINDOWS} windows`);
			t.is(sim.synthesizedAtStart, policy === "boot" ? generated : 0, `simulator ${policy}: layers synthesized before the first window`);
			t.is(sim.synthesized, synthesized, `simulator ${policy}: kernels synthesized in the run`);

			const c = spawnSync(HTRUN, ["checksum", path, String(WINDOWS), String(inputSeed), budget ? `stream:${budget}` : policy], { encoding: "utf8" });
			t.is(c.status, 0, c.stderr);
			t.is(c.stdout.trim(), `checksum ${hex(reference.crc)}\nsynthesized ${synthesized}`, `C htrun ${policy}`);
		}
	});
}

test("stream in the simulator with a budget that fragments: kernels moved by compaction stay exact", (t) => {
	const { seed, options } = GOLDEN_ARCHS[1];
	const blob = randomModelBlob(seed, options);
	const path = join(dir, `compacting-${seed}.htpw`);
	writeFileSync(path, blob);
	const model = readModel(blob);
	const uses = model.ops.map((op) => op.genLayer).filter((g) => g !== NONE16);
	const total = model.kernelBytes.reduce((a, b) => a + b, 0);
	let budget = model.maxKernelBytes;
	for (; budget < total; budget += 4) {
		const lru = new KernelLru(model.kernelBytes, budget, { fill() {}, move() {} });
		for (let w = 0; w < 3; w++) for (const g of uses) lru.acquire(g);
		if (lru.compactions > 0) break;
	}
	t.true(budget < total, "some budget makes the cache compact");
	const inputSeed = goldenInputSeed(seed);
	const reference = runChecksum(model, { seed: inputSeed, windows: 50, policy: "stream", budget });
	const run = runSim("checksum", { resources: { "model.htpw": path }, config: { policy: "stream", budget, windows: 50, seed: inputSeed } });
	t.is(run.status, 0, run.stderr);
	const sim = lastJson(run);
	t.true(sim.compactions > 0);
	t.is(sim.crc, hex(runChecksum(model, { seed: inputSeed, windows: 50, policy: "boot" }).crc));
	t.is(sim.synthesized, reference.synthesized);
	const c = spawnSync(HTRUN, ["checksum", path, "50", String(inputSeed), `stream:${budget}`], { encoding: "utf8" });
	t.is(c.stdout.trim(), `checksum ${sim.crc}\nsynthesized ${reference.synthesized}`);
});

test("a stream budget below the largest kernel is refused with both sizes, by the simulator and by C", (t) => {
	const { seed, options } = GOLDEN_ARCHS[0];
	const blob = randomModelBlob(seed, options);
	const path = join(dir, `small-budget-${seed}.htpw`);
	writeFileSync(path, blob);
	const largest = readModel(blob).maxKernelBytes;
	const budget = largest - 4;
	const run = runSim("checksum", { resources: { "model.htpw": path }, config: { policy: "stream", budget, windows: 1, seed: 1 } });
	t.not(run.status, 0);
	t.regex(run.stdout + run.stderr, new RegExp(`kernel budget ${budget} bytes is smaller than the largest synthesized kernel \\(layer \\d+, ${largest} bytes\\)`));
	const c = spawnSync(HTRUN, ["checksum", path, "1", "1", `stream:${budget}`], { encoding: "utf8" });
	t.is(c.status, 64);
	t.is(c.stderr.trim(), `htrun: stream budget ${budget} bytes is smaller than the largest synthesized kernel (${largest} bytes)`);
});
