// The firmware report's RAM section: what the default image leaves free, the sizes boards/nrf52/manifest.json
// configures and the high-water marks (results/firmware/ram.json) plus margin they were taken from.
import type { ImageReport } from "./firmware-report.ts";
import { NRF52840_RAM } from "./firmware.ts";
import { cHeapOf, requiredSizes, type ConfiguredSizes, type HighWater, type RamReport, type RequiredSizes } from "./ram-budget.ts";

export interface RamSection {
	ram_bytes: number;
	limit_bytes: number;
	free_bytes: number;
	free_fraction: number;
	/** The link's static RAM (with the SoftDevice's) and the FreeRTOS heap. */
	static_bytes: number;
	freertos_heap_bytes: number;
	configured: ConfiguredSizes & { c_heap: number };
	high_water: HighWater;
	required: RequiredSizes;
	margins: RamReport["margins"];
	allowances: RamReport["allowances"];
	measured: { command: string; commit: string; model: string; records: string[]; policies: string[]; ecg_seconds_per_run: number[] };
}

export function ramSection(image: ImageReport, ram: RamReport, configured: ConfiguredSizes): RamSection {
	const used = image.summary.ram + image.summary.heap;
	if (image.summary.heap !== configured.freertos_heap) throw new Error(`the image's heap (${image.summary.heap} B) is not boards/nrf52/manifest.json's NRF52_HEAP_SIZE (${configured.freertos_heap} B)`);
	// heap_4's ucHeap in the link (plus its few bytes of state) must be that heap: a stale heap_4.c.o would link another.
	if (Math.abs(image.parts.heap.ram - image.summary.heap) > 64) throw new Error(`the link's FreeRTOS heap (${image.parts.heap.ram} B in heap_4.c.o) is not NRF52_HEAP_SIZE (${image.summary.heap} B): a stale object?`);
	return {
		ram_bytes: used,
		limit_bytes: NRF52840_RAM,
		free_bytes: NRF52840_RAM - used,
		free_fraction: (NRF52840_RAM - used) / NRF52840_RAM,
		static_bytes: image.summary.ram,
		freertos_heap_bytes: image.summary.heap,
		configured: { ...configured, c_heap: cHeapOf(configured) },
		high_water: ram.high_water,
		required: requiredSizes(ram.high_water),
		margins: ram.margins,
		allowances: ram.allowances,
		measured: {
			command: ram.command,
			commit: ram.source.commit + (ram.source.modified ? " (with changes)" : ""),
			model: `${ram.model.path} (crc32 ${ram.model.crc32})`,
			records: [...new Set(ram.runs.map((r) => r.record))],
			policies: [...new Set(ram.runs.map((r) => r.policy))],
			ecg_seconds_per_run: [...new Set(ram.runs.map((r) => r.seconds))],
		},
	};
}

const n = (v: number) => v.toLocaleString("en-US");

export function ramTable(r: RamSection): string {
	const pct = `${r.margins.xs_and_stacks * 100} %`;
	const cPct = `${r.margins.c_heap * 100} %`;
	const hw = r.high_water;
	const rows = [
		"| what | high-water mark (run) | + margin and allowances | configured |",
		"|---|---:|---:|---:|",
		`| XS heap (\`creation.static\`): chunks + slots, the XS stack's slots among them | ${n(hw.xs_heap_bytes)} B (${hw.from.xs_heap_bytes}) | ${n(r.required.xs_static)} B (+${pct}) | ${n(r.configured.xs_static)} B |`,
		`| XS stack (\`creation.stack\`) | ${n(hw.xs_stack_slots)} slots (${hw.from.xs_stack_slots}) | ${n(r.required.xs_stack_slots)} slots (+${pct}) | ${n(r.configured.xs_stack_slots)} slots |`,
		`| XS task's native stack (\`creation.nativeStack\`) | ${n(hw.native_stack_bytes)} B (${hw.from.native_stack_bytes}) | ${n(r.required.native_stack)} B (+${pct}, +${n(r.allowances.native_stack_context_bytes)} B context) | ${n(r.configured.native_stack)} B |`,
		`| C heap: arena, kernel cache, synthesis scratch, ECG state, XS tables, messages (heap_4 blocks) | ${n(hw.c_heap_bytes)} B (${hw.from.c_heap_bytes}) | ${n(r.required.c_heap)} B (+${cPct}, +${n(r.allowances.ble_heap_bytes)} B BLE) | ${n(r.configured.c_heap)} B |`,
		`| FreeRTOS's own tasks, queues and timers | not on the emulated board | ${n(r.allowances.freertos_bytes)} B allowance | ${n(r.allowances.freertos_bytes)} B |`,
		`| **FreeRTOS heap (\`NRF52_HEAP_SIZE\`)** | | | **${n(r.freertos_heap_bytes)} B** |`,
		`| static RAM of the link (+ SoftDevice S140's ${n(0x4200)} B) | | | ${n(r.static_bytes)} B |`,
		`| **RAM used / free of ${n(r.limit_bytes)} B** | | | **${n(r.ram_bytes)} B / ${n(r.free_bytes)} B (${(r.free_fraction * 100).toFixed(1)} % free)** |`,
	];
	return rows.join("\n");
}
