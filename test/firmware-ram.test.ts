// The nRF52840 firmware's RAM sizes (boards/nrf52/manifest.json) against the high-water marks measured on the
// emulated core (results/firmware/ram.json, npm run bench:firmware -- --measure): every size must hold its mark plus
// its margin, so shrinking one below what was measured fails here; the committed firmware report must leave at
// least 20 % of the nRF52840's RAM free; and the C heap must still hold what the default model itself needs.
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readModel } from "../modules/model/index.ts";
import { parseRamMarks } from "../host/m4app/ram.ts";
import { NRF52840_RAM } from "../host/moddable/firmware.ts";
import {
	BLE_HEAP_ALLOWANCE,
	C_HEAP_MARGIN,
	cHeapOf,
	configuredSizes,
	highWater,
	RAM_MARGIN,
	readRamReport,
	requiredSizes,
	sizeProblems,
} from "../host/moddable/ram-budget.ts";
import { ROOT } from "../host/moddable/toolchain.ts";

const ram = readRamReport();
const configured = configuredSizes();

test("ram.json holds whole-record runs under every synthesis policy, and its high-water marks are the runs' largest", (t) => {
	const policies = new Set(ram.runs.map((r) => r.policy.replace(/@\d+$/, "")));
	for (const p of ["boot", "lazy", "stream"]) t.true(policies.has(p), `policy ${p} measured`);
	t.true(new Set(ram.runs.map((r) => r.record)).size >= 2, "at least two records");
	t.true(ram.runs.every((r) => r.seconds >= 1800 && r.beats > 1000), "whole 30-minute records");
	t.deepEqual(highWater(ram.runs), ram.high_water);
	t.deepEqual(requiredSizes(ram.high_water), ram.required);
	t.is(ram.margins.xs_and_stacks, RAM_MARGIN);
	t.is(ram.margins.c_heap, C_HEAP_MARGIN);
	const hw = ram.high_water;
	t.true(hw.xs_heap_bytes > 0 && hw.c_heap_bytes > 0 && hw.native_stack_bytes > 0 && hw.xs_stack_slots > 0);
});

test("boards/nrf52/manifest.json's sizes hold every measured mark plus its margin", (t) => {
	t.deepEqual(sizeProblems(configured, requiredSizes(ram.high_water)), []);
	const hw = ram.high_water;
	t.true(configured.xs_static >= hw.xs_heap_bytes * (1 + RAM_MARGIN));
	t.true(configured.xs_stack_slots >= hw.xs_stack_slots * (1 + RAM_MARGIN));
	t.true(configured.native_stack >= hw.native_stack_bytes * (1 + RAM_MARGIN));
	t.true(cHeapOf(configured) >= hw.c_heap_bytes * (1 + C_HEAP_MARGIN) + BLE_HEAP_ALLOWANCE);
	// The rule itself bites: one byte less than required anywhere is a problem.
	const r = requiredSizes(hw);
	t.is(sizeProblems({ ...configured, xs_static: r.xs_static - 8 }, r).length, 1);
	t.is(sizeProblems({ ...configured, native_stack: r.native_stack - 8 }, r).length, 1);
	t.is(sizeProblems({ ...configured, freertos_heap: configured.freertos_heap - (cHeapOf(configured) - r.c_heap) - 8 }, r).length, 1);
});

test("the committed firmware report was built with these sizes and leaves at least 20 % of RAM free", (t) => {
	const report = JSON.parse(readFileSync(join(ROOT, "results/firmware/nrf52dk.json"), "utf8"));
	const d = report.images[0];
	t.is(d.summary.heap, configured.freertos_heap, "NRF52_HEAP_SIZE");
	t.is(d.heap.xs_static, configured.xs_static, "creation.static");
	t.is(d.heap.xs_task_stack, configured.native_stack, "creation.nativeStack");
	t.is(report.ram_bytes, d.summary.ram + d.summary.heap);
	t.true(report.ram_bytes <= 0.8 * NRF52840_RAM, `${report.ram_bytes} B of ${NRF52840_RAM} B used`);
	t.deepEqual(report.ram.high_water, ram.high_water, "the report quotes the committed marks");
});

test("the C heap still holds what the default model needs under its most demanding policy", (t) => {
	const blob = readFileSync(join(ROOT, ram.model.path));
	const m = readModel(new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength));
	const kernels = m.kernelBytes.reduce((a, b) => a + b, 0);
	const needs = m.arenaBytes + kernels + (m.kernelBytes.length ? m.synthScratchBytes : 0);
	// What the measured C heap held besides the model's own blocks (ECG state, XS's tables, messages) stays.
	const rest = ram.high_water.c_heap_bytes - (ram.model.arena_bytes + ram.model.kernel_bytes + ram.model.scratch_bytes);
	t.true(rest > 0);
	t.true(cHeapOf(configured) >= (needs + rest) * (1 + C_HEAP_MARGIN) + BLE_HEAP_ALLOWANCE, `model needs ${needs} B`);
});

test("the RAM build's @ram lines are read, and a missing or broken one is refused", (t) => {
	const lines = [
		"@ram native_stack_bytes 3612 painted 49152",
		"@ram c_heap_peak_bytes 54336 blocks 22 allocations 40 largest 24256 live_at_end 54016 unknown_frees 0 table_full 0",
		"@ram c_heap_live 24264x1 8208x2",
		"@ram xs_static_bytes 95232 static_block 1 chunks_region 32784 slots_region 43008",
		"@ram xs_chunks peak 33524 current 20000 maximum 32768",
		"@ram xs_slots peak 2175 current 1900 maximum 2176 slot_bytes 16",
		"@ram xs_stack peak_slots 375 slots 512",
	];
	const m = parseRamMarks(lines);
	t.is(m.c_heap_peak_bytes, 54336);
	t.is(m.xs_chunks_region_bytes + m.xs_slots_region_bytes, 75792);
	t.is(m.xs_stack_peak_slots, 375);
	t.deepEqual(m.c_heap_live_at_end, [[24264, 1], [8208, 2]]);
	t.throws(() => parseRamMarks(lines.slice(1)), { message: /native_stack_bytes/ });
	t.throws(() => parseRamMarks(lines.map((l) => l.replace("unknown_frees 0", "unknown_frees 2"))), { message: /frees/ });
	t.throws(() => parseRamMarks(lines.map((l) => l.replace("3612 painted", "49000 painted"))), { message: /painted/ });
});
