// The nRF52840 firmware's RAM, sized from measured high-water marks. The whole app runs on the emulated core
// (host/m4app/ram.ts: whole MIT-BIH records under every synthesis policy) and records how much of the XS heap,
// the XS stack, the native (XS task) stack and the C heap it ever used; results/firmware/ram.json holds those
// marks (npm run bench:firmware -- --measure). The firmware's sizes (boards/nrf52/manifest.json: creation.static,
// creation.stack, creation.nativeStack and NRF52_HEAP_SIZE, the FreeRTOS heap) must cover every mark plus
// RAM_MARGIN, plus allowances for what the emulated board cannot exercise (the BLE stack's buffers, FreeRTOS's own
// tasks and queues). `requiredSizes` is that rule; bench:firmware and test/firmware-ram.test.ts apply it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RamMarks, RamRun } from "../m4app/ram.ts";
import { ROOT } from "./toolchain.ts";

export const NRF52_MANIFEST = join(ROOT, "boards/nrf52/manifest.json");
export const RAM_JSON = join(ROOT, "results/firmware/ram.json");

/**
 * Headroom on the XS heap, the XS stack and the native stack (25 %). The marks come from exact, repeatable runs,
 * but of the emulated board: paths it does not take on its own (the companion's commands and config writes, BLE
 * reconnects, pairing and bonding, error reports) make JS objects and stack frames the runs never made.
 */
export const RAM_MARGIN = 0.25;

/**
 * Headroom on the C heap (7.5 %). Its blocks are made once, when the app starts: the model handle, the activation
 * arena, the kernel cache (all kernels under boot and lazy, the budget under stream), the synthesis scratch, the ECG
 * pipeline's state and XS's own tables; in steady state only small message copies come and go (the peak was the
 * steady state plus one, the same on two whole records under every policy). What is left to cover is heap_4's
 * placement on the board, which newlib's allocator does not reproduce: an 8-byte header and 8-byte alignment a block,
 * ~230 B for the 28 blocks of the peak, which 7.5 % (~4.9 kB) covers twenty times over. It was 10 % until the on-time
 * templates' second state (1,848 B) would have taken the board below issue 18's 20 % of free RAM; a DK's heap_4
 * statistics (results/firmware/README.md) are the check. The BLE stack's blocks have their own allowance below.
 */
export const C_HEAP_MARGIN = 0.075;

/** FreeRTOS heap_4: each block carries an 8-byte header and is 8-byte aligned. */
export const HEAP4_HEADER = 8;

/**
 * What the BLE stack takes from the FreeRTOS heap on the board and the emulated board (boards/mps2-an386/natives/
 * board_ble.c replaces Moddable's modBLEServer.c) does not: Moddable's modBLERecord (connection, advertising and
 * scan-response data, nrf_ble_gatt state; ~170 B), the copies of SoftDevice events modBLEServer.c posts to the XS
 * task (modMessagePostToMachine copies each: a GATT write is sizeof(ble_gatts_evt_write_t) + up to MTU - 3 = 244 B,
 * ~272 B with heap_4's header, at most MODDEF_TASK_QUEUELENGTH = 10 queued: 2,720 B), the device name and the
 * bond records modBLECommon.c keeps (tens of bytes each). The SoftDevice's own RAM (S140: 0x4200 B with Moddable's
 * sdk_config, below the app's RAM) and the nRF5 SDK's static BLE state (peer manager, LESC keys) are not in this
 * heap: the link counts them. Confirmed only on a DK (results/firmware/README.md says how).
 */
export const BLE_HEAP_ALLOWANCE = 4096;

/**
 * FreeRTOS's own objects in its heap (configSUPPORT_STATIC_ALLOCATION 0: all of them): the idle task (60 words of
 * stack), the timer daemon (80 words) and its queue (32 commands), the SoftDevice handler task of nrf_sdh_freertos
 * (256 words), a TCB each (~100 B), the XS task's message queue (10 records), debug queue (4) and queue set, and
 * the app_timer/FreeRTOS timers (~56 B each): ~3.4 KB, rounded up. Release builds start no USB or debugger task.
 */
export const FREERTOS_ALLOWANCE = 4096;

/** The XS task's TCB, allocated with its stack. */
export const XS_TASK_TCB = 128;

/** Bytes on the XS task's stack beyond the emulated board's frames: FreeRTOS's context save with the FPU registers (~200 B) and SoftDevice SVC calls. */
export const NATIVE_STACK_CONTEXT = 512;

const up = (value: number, step: number) => Math.ceil(value / step) * step;

/** The largest of every mark over the runs: what the sizes must hold. */
export interface HighWater {
	/** XS heap taken: chunks region + slots region (the XS stack's slots among them). */
	xs_heap_bytes: number;
	xs_stack_slots: number;
	native_stack_bytes: number;
	c_heap_bytes: number;
	/** Which run set each mark (record/policy). */
	from: Record<"xs_heap_bytes" | "xs_stack_slots" | "native_stack_bytes" | "c_heap_bytes", string>;
}

export function highWater(runs: RamRun[]): HighWater {
	if (runs.length === 0) throw new Error("no RAM runs");
	const of = (f: (m: RamMarks) => number) => {
		let best = runs[0]!;
		for (const r of runs) if (f(r.marks) > f(best.marks)) best = r;
		return { value: f(best.marks), from: `${best.record}/${best.policy}` };
	};
	const xs = of((m) => m.xs_chunks_region_bytes + m.xs_slots_region_bytes);
	const stack = of((m) => m.xs_stack_peak_slots);
	const native = of((m) => m.native_stack_bytes);
	const c = of((m) => m.c_heap_peak_bytes);
	return {
		xs_heap_bytes: xs.value,
		xs_stack_slots: stack.value,
		native_stack_bytes: native.value,
		c_heap_bytes: c.value,
		from: { xs_heap_bytes: xs.from, xs_stack_slots: stack.from, native_stack_bytes: native.from, c_heap_bytes: c.from },
	};
}

/** The least each size may be: every mark plus RAM_MARGIN, the allowances added where the mark cannot see. */
export interface RequiredSizes {
	/** creation.static: the XS heap. */
	xs_static: number;
	/** creation.stack, in slots. */
	xs_stack_slots: number;
	/** creation.nativeStack: the XS task's stack. */
	native_stack: number;
	/** The C heap our natives, XS's own tables and Moddable's modules allocate from (measured), plus the BLE allowance. */
	c_heap: number;
}

export function requiredSizes(hw: HighWater): RequiredSizes {
	const grow = (v: number, margin = RAM_MARGIN) => Math.ceil(v * (1 + margin));
	return {
		xs_static: up(grow(hw.xs_heap_bytes), 8),
		xs_stack_slots: grow(hw.xs_stack_slots),
		native_stack: up(grow(hw.native_stack_bytes) + NATIVE_STACK_CONTEXT, 8),
		c_heap: up(grow(hw.c_heap_bytes, C_HEAP_MARGIN), 8) + BLE_HEAP_ALLOWANCE,
	};
}

/** What boards/nrf52/manifest.json configures. */
export interface ConfiguredSizes {
	xs_static: number;
	xs_stack_slots: number;
	native_stack: number;
	/** NRF52_HEAP_SIZE: the FreeRTOS heap everything above comes from. */
	freertos_heap: number;
}

export function configuredSizes(manifestPath = NRF52_MANIFEST): ConfiguredSizes {
	const m = JSON.parse(readFileSync(manifestPath, "utf8"));
	const c = m.creation ?? {};
	const heap = Number(m.build?.NRF52_HEAP_SIZE);
	const sizes = { xs_static: Number(c.static), xs_stack_slots: Number(c.stack), native_stack: Number(c.nativeStack), freertos_heap: heap };
	for (const [k, v] of Object.entries(sizes)) if (!(Number.isInteger(v) && v > 0)) throw new Error(`${manifestPath}: no ${k} (creation.static, creation.stack, creation.nativeStack, build.NRF52_HEAP_SIZE)`);
	return sizes;
}

/** How the FreeRTOS heap splits: the XS heap and the XS task come out first, FreeRTOS's objects next, the rest is the C heap. */
export function cHeapOf(c: ConfiguredSizes): number {
	return c.freertos_heap - (c.xs_static + HEAP4_HEADER) - (c.native_stack + XS_TASK_TCB + HEAP4_HEADER) - FREERTOS_ALLOWANCE;
}

/** Every size that is below what the marks require, in words (empty when the firmware has room for every mark). */
export function sizeProblems(c: ConfiguredSizes, r: RequiredSizes): string[] {
	const problems: string[] = [];
	if (c.xs_static < r.xs_static) problems.push(`creation.static ${c.xs_static} B < ${r.xs_static} B (XS heap mark + ${RAM_MARGIN * 100} %)`);
	if (c.xs_stack_slots < r.xs_stack_slots) problems.push(`creation.stack ${c.xs_stack_slots} slots < ${r.xs_stack_slots} (XS stack mark + ${RAM_MARGIN * 100} %)`);
	if (c.native_stack < r.native_stack) problems.push(`creation.nativeStack ${c.native_stack} B < ${r.native_stack} B (native stack mark + ${RAM_MARGIN * 100} % + ${NATIVE_STACK_CONTEXT} B)`);
	const cHeap = cHeapOf(c);
	if (cHeap < r.c_heap) problems.push(`NRF52_HEAP_SIZE ${c.freertos_heap} B leaves a C heap of ${cHeap} B < ${r.c_heap} B (C heap mark + ${C_HEAP_MARGIN * 100} % + BLE ${BLE_HEAP_ALLOWANCE} B)`);
	return problems;
}

/** The smallest NRF52_HEAP_SIZE (a multiple of 4 KiB) that holds the required sizes. */
export function requiredFreertosHeap(r: RequiredSizes, c: Pick<ConfiguredSizes, "xs_static" | "native_stack">): number {
	return up(Math.max(r.xs_static, c.xs_static) + HEAP4_HEADER + Math.max(r.native_stack, c.native_stack) + XS_TASK_TCB + HEAP4_HEADER + FREERTOS_ALLOWANCE + r.c_heap, 4096);
}

/** results/firmware/ram.json */
export interface RamReport {
	command: string;
	source: { commit: string; modified: boolean };
	model: { path: string; crc32: string; arena_bytes: number; kernel_bytes: number; max_kernel_bytes: number; scratch_bytes: number };
	margins: { xs_and_stacks: number; c_heap: number };
	allowances: { ble_heap_bytes: number; freertos_bytes: number; native_stack_context_bytes: number; xs_task_tcb_bytes: number; heap4_header_bytes: number };
	runs: RamRun[];
	high_water: HighWater;
	required: RequiredSizes;
}

export function readRamReport(path = RAM_JSON): RamReport {
	return JSON.parse(readFileSync(path, "utf8")) as RamReport;
}
