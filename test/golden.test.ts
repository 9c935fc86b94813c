// Golden tests: for random architectures (generated PW at 4, 6 and 8 bits, both generator families, residual
// blocks, strides), the device runtime in the XS simulator and the C core's CLI give the TypeScript reference's
// outputs bit for bit on 1000 random windows, under both synthesis policies (docs/FORMAT.md §7).
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readModel } from "../modules/model/index.ts";
import { OP_ADD, OP_CONV1D, OP_DWCONV1D, OP_MAXPOOL } from "../modules/model/format.ts";
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

for (const { seed, options } of GOLDEN_ARCHS) {
	test(`random architecture ${seed} (${options.family}): simulator and C equal the reference on ${WINDOWS} windows, boot and lazy`, (t) => {
		const blob = randomModelBlob(seed, options);
		const path = join(dir, `golden-${seed}.htpw`);
		writeFileSync(path, blob);
		const model = readModel(blob);

		// The architecture really has what the golden tests are meant to cover.
		const bits = new Set(model.generator?.layers.map((l) => l.headBits));
		t.deepEqual([...bits].sort(), [4, 6, 8], "generated PW layers at 4, 6 and 8 bits");
		t.true(model.ops.some((op) => op.opcode === OP_ADD), "a residual block");
		t.true(model.ops.some((op) => (op.opcode === OP_CONV1D || op.opcode === OP_DWCONV1D || op.opcode === OP_MAXPOOL) && op.stride === 2), "a stride-2 layer");

		const inputSeed = goldenInputSeed(seed);
		const reference = runChecksum(model, { seed: inputSeed, windows: WINDOWS, policy: "boot" });
		const referenceLazy = runChecksum(model, { seed: inputSeed, windows: WINDOWS, policy: "lazy" });
		t.is(hex(referenceLazy.crc), hex(reference.crc), "reference: lazy equals boot");

		for (const policy of ["boot", "lazy"] as const) {
			const run = runSim("checksum", { resources: { "model.htpw": path }, config: { policy, windows: WINDOWS, seed: inputSeed } });
			t.is(run.status, 0, run.stderr);
			const sim = lastJson(run);
			t.deepEqual(sim.first, Array.from(reference.first), `simulator ${policy}: first window`);
			t.is(sim.crc, hex(reference.crc), `simulator ${policy}: all ${WINDOWS} windows`);
			const generated = model.generator?.layers.length ?? 0;
			t.is(sim.synthesizedAtStart, policy === "boot" ? generated : 0, `simulator ${policy}: layers synthesized before the first window`);
			t.is(sim.synthesized, generated, `simulator ${policy}: each layer synthesized once`);

			const c = spawnSync(HTRUN, ["checksum", path, String(WINDOWS), String(inputSeed), policy], { encoding: "utf8" });
			t.is(c.status, 0, c.stderr);
			t.is(c.stdout.trim(), `checksum ${hex(reference.crc)}`, `C htrun ${policy}`);
		}
	});
}
