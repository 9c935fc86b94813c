// bench:deploy's behaviour (host/bench): the stored twin computes exactly what the hyper model computes, the pair is
// found by backbone, the policies and budgets, the report parsing, the M4 driver's exactness and repeatability on
// the fixture, and the written report. No performance thresholds here: the figures are the bench's business.
import test from "ava";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readModel } from "../modules/model/index.ts";
import { runChecksum } from "../host/pack/checksum.ts";
import { randomModelBlob } from "../host/pack/random-model.ts";
import { storedTwinBlob } from "../host/bench/stored-twin.ts";
import { chooseModels, findPair } from "../host/bench/deploy-models.ts";
import { policiesFor, type ModelResult } from "../host/bench/deploy-bench.ts";
import { parseReport, parseSize } from "../host/bench/m4-report.ts";
import { m4Figures, rerunM4Deploy, runM4Deploy } from "../host/bench/m4-deploy.ts";
import { make, modelNeeds } from "../host/bench/native-tools.ts";
import { runSimDeploy } from "../host/bench/sim-deploy.ts";
import { deploySummary } from "../host/bench/deploy-summary.ts";
import { deployReadme } from "../host/bench/deploy-readme.ts";
import { deployPlot } from "../host/bench/deploy-plot.ts";
import { ROOT } from "../host/cli/sim-runner.ts";
import { testWithTools } from "./toolchain.ts";

const dir = mkdtempSync(join(tmpdir(), "hypertiny-bench-deploy-"));
const FIXTURE = join(ROOT, "test/fixtures/tiny-hyper.htpw");
const hex = (crc: number) => (crc >>> 0).toString(16).padStart(8, "0");

test.before(() => {
	make(["htrun"]);
});

test("the stored twin has no generator and gives the hyper model's outputs bit for bit", (t) => {
	const blobs = [randomModelBlob(5, { family: "lowrank", length: 96, forceAllBits: true, forceResidual: true }), new Uint8Array(readFileSync(FIXTURE))];
	for (const blob of blobs) {
		const hyper = readModel(blob);
		const stored = readModel(storedTwinBlob(hyper));
		t.true(hyper.genCount > 0);
		t.is(stored.genCount, 0);
		t.is(stored.opCount, hyper.opCount);
		t.is(runChecksum(stored, { seed: 9, windows: 30, policy: "boot" }).crc, runChecksum(hyper, { seed: 9, windows: 30, policy: "boot" }).crc);
	}
});

test("a hyper model and its stored twin are found as a pair by backbone; another model is not", (t) => {
	const hyper = join(dir, "h.htpw"), stored = join(dir, "s.htpw"), other = join(dir, "o.htpw");
	const blob = randomModelBlob(6, { family: "head", length: 64 });
	writeFileSync(hyper, blob);
	writeFileSync(stored, storedTwinBlob(readModel(blob)));
	writeFileSync(other, storedTwinBlob(readModel(randomModelBlob(7, { family: "head", length: 80 }))));
	t.deepEqual(findPair([other, hyper, stored]), { hyper, stored });
	t.is(findPair([other, hyper]), null);
	const chosen = chooseModels({ models: [other], modelsDir: join(dir, "none"), fixture: FIXTURE, workDir: dir });
	t.deepEqual(chosen.map((m) => m.role), ["hyper", "stored", "other"], "no trained pair: a random pair, then the others");
	t.is(chosen[2].path, other);
});

test("with two trained pairs in models/, the headline pair is the default model's", (t) => {
	const models = join(dir, "two-pairs");
	mkdirSync(models, { recursive: true });
	for (const [name, seed, length] of [["a-first", 11, 64], ["b-default", 12, 80]] as const) {
		const blob = randomModelBlob(seed, { family: "head", length });
		writeFileSync(join(models, `${name}.htpw`), blob);
		writeFileSync(join(models, `${name}-int8.htpw`), storedTwinBlob(readModel(blob)));
	}
	copyFileSync(join(models, "b-default.htpw"), join(models, "default.htpw"));
	const chosen = chooseModels({ modelsDir: models, fixture: FIXTURE, workDir: dir });
	t.deepEqual(chosen.slice(0, 2).map((m) => [m.role, m.name]), [["hyper", "b-default"], ["stored", "b-default-int8"]]);
	t.true(chosen.some((m) => m.name === "a-first" && m.role === "other"), "the other pair is still measured");
});

test("policies: boot, lazy and stream budgets from the largest kernel up to below all kernels; stored models only boot", (t) => {
	const needs = { blob_bytes: 1, arena_bytes: 1, synth_scratch_bytes: 4, max_kernel_bytes: 448, total_kernel_bytes: 896, gen_count: 2, op_count: 3 };
	const runs = policiesFor(needs);
	t.deepEqual(runs.map((r) => r.label), ["boot", "lazy", "stream@448", "stream@672", "stream@892"]);
	for (const r of runs.filter((x) => x.policy === "stream")) t.true((r.budget as number) >= 448 && (r.budget as number) < 896 && (r.budget as number) % 4 === 0);
	t.deepEqual(policiesFor({ ...needs, gen_count: 0, max_kernel_bytes: 0, total_kernel_bytes: 0 }).map((r) => r.label), ["stored"]);
});

test("M4 reports: the empty region's overhead is subtracted, errors are collected, sizes split into flash and RAM", (t) => {
	const report = parseReport("junk\n@region empty 0 2\n@region open 0 102\n@synthesized 0\n@region infer 0 52\n@plugin-error nested\n@checksum 0badf00d\n");
	t.deepEqual(report.regions, [{ label: "open", index: 0, count: 100 }, { label: "infer", index: 0, count: 50 }]);
	t.deepEqual(report.errors, ["@plugin-error nested"]);
	t.deepEqual(report.values, [{ key: "synthesized", value: "0" }, { key: "checksum", value: "0badf00d" }]);
	const size = parseSize("x.elf  :\nsection size addr\n.vectors 64 0\n.text 100 64\n.rodata 20 164\n.data 8 536870912\n.bss 1000 536870920\n.stack 16384 536871920\n.comment 38 0\n");
	t.is(size.flash_bytes, 64 + 100 + 20 + 8);
	t.is(size.ram_bytes, 8 + 1000 + 16384);
});

testWithTools("the M4 driver runs the fixture from flash under nRF52840 limits: exact, repeatable, stream re-synthesizes", ["arm-none-eabi-gcc", "qemu-system-arm"], (t) => {
	const needs = modelNeeds(FIXTURE);
	const windows = 3;
	const reference = hex(runChecksum(readModel(new Uint8Array(readFileSync(FIXTURE))), { seed: 5, windows, policy: "boot" }).crc);
	const run = { modelPath: FIXTURE, needs, policy: "stream" as const, kernelBytes: needs.max_kernel_bytes, windows, seed: 5, outDir: join(dir, "m4") };
	const { report, size } = runM4Deploy(run);
	const figures = m4Figures(run, report, size);
	t.is(figures.checksum, reference);
	t.is(figures.steady_synth_per_inference, needs.gen_count, "the tightest budget regenerates every layer every inference");
	t.is(figures.synthesized_after_init, 0);
	t.is(figures.ops.length, needs.op_count);
	t.is(figures.synth.length, needs.gen_count);
	t.true(figures.steady_insns > 0 && figures.open_insns > 0);
	t.true(size.flash_bytes <= 1 << 20 && size.ram_bytes <= 256 << 10);
	t.is(figures.sram_bytes, needs.arena_bytes + needs.max_kernel_bytes + needs.synth_scratch_bytes);
	t.deepEqual(rerunM4Deploy(run.outDir).regions, report.regions, "the same ELF counts the same instructions again");
	const sim = runSimDeploy(FIXTURE, "stream", needs.max_kernel_bytes, windows, 5, 1);
	t.is(sim.checksum, reference);
	t.is(sim.synthesized, windows * needs.gen_count);
});

function fakeModel(name: string, role: ModelResult["role"], steady: number): ModelResult {
	const m4 = {
		flash_bytes: 1000, sram_bytes: 2048, ram_linked_bytes: 20000, stack_used_bytes: 3000, open_insns: 10, init_insns: 5,
		infer_insns: [steady + 100, steady], first_result_insns: steady + 115, steady_insns: steady, steady_synth_per_inference: 0,
		synthesized_after_init: 0, checksum: "00000000",
	};
	return {
		name, role, origin: "test", needs: { blob_bytes: 500, arena_bytes: 1024, synth_scratch_bytes: 64, max_kernel_bytes: 256, total_kernel_bytes: 512, gen_count: 2, op_count: 1 },
		macs_per_inference: 1000, repeatable: true, checksums_agree: true, reference_checksum: "00000000",
		runs: [{ label: "boot", policy: "boot", budget_bytes: null, m4, ms_first_result_at_64mhz: 1, ms_steady_at_64mhz: 0.5, sim: null }],
		ops: [{ op: 0, opcode: "PWCONV", macs: 1000, insns: steady, insns_per_mac: steady / 1000 }],
		synthesis: [{ layer: 0, cout: 8, cin: 8, insns: 4000 }],
	};
}

test("the summary, the README and the plot come from the results", (t) => {
	const models = [fakeModel("h", "hyper", 1010), fakeModel("s", "stored", 1000)];
	const kernels = [
		{ kernel: "pw", macs: 100, insns: 130, insns_per_mac: 1.3, exact: true },
		{ kernel: "pw-relu", macs: 100, insns: 135, insns_per_mac: 1.35, exact: true },
		{ kernel: "dw", macs: 100, insns: 550, insns_per_mac: 5.5, exact: true },
		{ kernel: "dw-relu", macs: 100, insns: 560, insns_per_mac: 5.6, exact: true },
		{ kernel: "conv1d-8x32", macs: 100, insns: 140, insns_per_mac: 1.4, exact: true },
		{ kernel: "fc-64x32", macs: 100, insns: 197, insns_per_mac: 1.97, exact: true },
		{ kernel: "portable-pw", macs: 100, insns: 390, insns_per_mac: 3.9, exact: true },
		{ kernel: "portable-dw", macs: 100, insns: 1970, insns_per_mac: 19.7, exact: true },
		{ kernel: "portable-conv1d-8x32", macs: 100, insns: 510, insns_per_mac: 5.1, exact: true },
		{ kernel: "portable-fc-64x32", macs: 100, insns: 520, insns_per_mac: 5.2, exact: true },
	];
	const summary = deploySummary(models, kernels);
	t.is(summary.hyper_vs_stored_steady_ratio, 1.01);
	t.is(summary.pw_instructions_per_mac, 1.3);
	t.is(summary.dw_instructions_per_mac, 5.5);
	t.is(summary.portable_pw_instructions_per_mac, 3.9);
	t.is(summary.portable_dw_instructions_per_mac, 19.7);
	t.is(summary.conv1d_instructions_per_mac, 1.4);
	t.is(summary.fc_instructions_per_mac, 1.97);
	t.is(summary.portable_fc_instructions_per_mac, 5.2);
	t.throws(() => deploySummary(models, kernels.filter((k) => k.kernel !== "fc-64x32")), { message: /has no "fc-64x32"/ });
	t.throws(() => deploySummary(models, [{ ...kernels[0], exact: false }, ...kernels.slice(1)]), { message: /differs from the reference/ });
	const readme = deployReadme({ command: "npm run bench:deploy", windows: 2, seed: 1, models, kernels, summary, plot: "deploy.svg", notMeasured: ["big.htpw: 2000000 bytes do not fit"] });
	t.regex(readme, /\| h \| boot \| 1,000 \| 2,048 \|/);
	t.regex(readme, /\*\*1\.0100\*\*/);
	t.regex(readme, /our portable C kernel 19\.700/);
	t.regex(readme, /CONV1D 256 positions, 8→32, K 7, stride 2, pad 3 \(MACs nominal, padding taps included\): \*\*1\.400 instructions\/MAC\*\*; target ≤ 2\.5; our portable C kernel 5\.100/);
	t.regex(readme, /FC 64→32, per-channel, batch 1: \*\*1\.970 instructions\/MAC\*\*; target ≤ 2; our portable C kernel 5\.200/);
	t.regex(readme, /- Not measured: big\.htpw: 2000000 bytes do not fit\./);
	t.regex(readme, /npm run bench:deploy/);
	const svg = deployPlot(models);
	t.regex(svg, /^<svg /);
	t.is(svg.match(/<circle /g)?.length, 4, "per model and policy: a steady-state and a first-result point");
});
