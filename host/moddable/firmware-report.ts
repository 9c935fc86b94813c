// The firmware budget of one nRF52840 DK image as results/firmware/nrf52dk.json holds it, and its markdown table.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readModel } from "../../modules/model/index.ts";
import {
	BOOTLOADER_FLASH,
	elfFlashBytes,
	MOD_PREFS_FLASH,
	NRF52840_FLASH,
	NRF52840_RAM,
	ourModuleBytecode,
	PART_TITLES,
	SOFTDEVICE_FLASH,
	SOFTDEVICE_RAM,
	splitImage,
	RUNTIME_TITLES,
	xsStaticBytes,
	xsTaskStackBytes,
	type Part,
	type RuntimePart,
	type PolicySram,
} from "./firmware.ts";
import type { MemoryUsage } from "./moddable.ts";
import { FREERTOS_ALLOWANCE, HEAP4_HEADER, XS_TASK_TCB } from "./ram-budget.ts";

export interface ImageReport {
	name: string;
	/** What the model is, for people. */
	title: string;
	model: string;
	model_bytes: number;
	/** The build's "# Memory usage" block (flash includes SoftDevice, bootloader and mod preferences). */
	summary: MemoryUsage;
	flash_bytes: number;
	ram_bytes: number;
	headroom: { flash_bytes: number; ram_bytes: number };
	/** arm-none-eabi-size -A of the ELF (allocated sections). */
	elf_sections: Record<string, { size: number; address: number }>;
	/** Flash and RAM per part, from the linker map's input sections, plus what the summary adds outside the ELF. */
	parts: Record<Part | "softdevice" | "bootloader" | "mod_preferences", { flash: number; ram: number }>;
	/** The runtime part by component (XS, FreeRTOS, Moddable's C modules, crypto, libc, nRF5 SDK). */
	runtime: Record<RuntimePart, { flash: number; ram: number }>;
	/** ELF text+data minus the parts' sum: the linker's string merging (negative) and alignment fill (positive). */
	merge_and_fill_flash: number;
	model_address: number;
	preloaded_modules: { ours_bytecode: number; sdk_bytecode: number; heap_and_tables: number; ours: string[] };
	/** The FreeRTOS heap: XS's heap (creation.static) is taken first, the XS task's stack (creation.nativeStack) next,
	 * FreeRTOS's own tasks and queues (an allowance), the rest is C heap (heap_4 headers counted). */
	heap: { total: number; xs_static: number; xs_task_stack: number; freertos: number; native_left: number };
	policies: PolicySram[];
}

function policies(blob: Uint8Array, nativeLeft: number): PolicySram[] {
	const model = readModel(blob);
	const all = model.kernelBytes.reduce((a, b) => a + b, 0);
	const scratch = model.kernelBytes.length > 0 ? model.synthScratchBytes : 0;
	const rows: { policy: string; kernels: number }[] =
		model.kernelBytes.length === 0 ? [{ policy: "stored", kernels: 0 }] : [
			{ policy: "boot", kernels: all },
			{ policy: "lazy", kernels: all },
			{ policy: `stream@${model.maxKernelBytes}`, kernels: model.maxKernelBytes },
		];
	return rows.map((r) => ({
		policy: r.policy,
		kernel_bytes: r.kernels,
		arena_bytes: model.arenaBytes,
		scratch_bytes: scratch,
		headroom_bytes: nativeLeft - model.arenaBytes - r.kernels - scratch,
	}));
}

/** Everything the bench reports about one built image. */
export function imageReport(options: {
	name: string;
	title: string;
	modelPath: string;
	modelLabel: string;
	binDir: string;
	tmpDir: string;
	summary: MemoryUsage;
	elfSections: Record<string, { size: number; address: number }>;
}): ImageReport {
	const blob = readFileSync(options.modelPath);
	const hex = readFileSync(join(options.binDir, "xs_nrf52.hex"), "utf8");
	const split = splitImage(readFileSync(join(options.binDir, "xs_lib.map"), "utf8"), hex, blob);
	if (!split.model) throw new Error(`${options.name}: the model's bytes are not in ${options.binDir}/xs_nrf52.hex`);
	const s = options.summary;
	const bytecode = ourModuleBytecode(options.tmpDir);
	const xsStatic = xsStaticBytes(options.tmpDir);
	const taskStack = xsTaskStackBytes(options.tmpDir);
	const nativeLeft = s.heap - (xsStatic + HEAP4_HEADER) - (taskStack + XS_TASK_TCB + HEAP4_HEADER) - FREERTOS_ALLOWANCE;
	return {
		name: options.name,
		title: options.title,
		model: options.modelLabel,
		model_bytes: blob.length,
		summary: s,
		flash_bytes: s.flash,
		ram_bytes: s.ram + s.heap,
		headroom: { flash_bytes: NRF52840_FLASH - s.flash, ram_bytes: NRF52840_RAM - s.ram - s.heap },
		elf_sections: options.elfSections,
		parts: {
			...split.parts,
			softdevice: { flash: SOFTDEVICE_FLASH, ram: SOFTDEVICE_RAM },
			bootloader: { flash: BOOTLOADER_FLASH, ram: 0 },
			mod_preferences: { flash: MOD_PREFS_FLASH, ram: 0 },
		},
		runtime: split.runtime,
		merge_and_fill_flash: elfFlashBytes(options.elfSections) - split.linked.flash,
		model_address: split.model.address,
		preloaded_modules: {
			ours_bytecode: bytecode.ours,
			sdk_bytecode: bytecode.sdk,
			heap_and_tables: split.parts.modules.flash - bytecode.ours - bytecode.sdk,
			ours: bytecode.modules,
		},
		heap: { total: s.heap, xs_static: xsStatic, xs_task_stack: taskStack, freertos: FREERTOS_ALLOWANCE, native_left: nativeLeft },
		policies: policies(blob, nativeLeft),
	};
}

const n = (v: number) => v.toLocaleString("en-US");

export const PART_ROWS: [keyof ImageReport["parts"], string][] = [
	["runtime", PART_TITLES.runtime],
	["ble", PART_TITLES.ble],
	["softdevice", "Nordic SoftDevice S140 7.0.2 + MBR (BLE controller and host, outside the ELF)"],
	["natives", PART_TITLES.natives],
	["modules", PART_TITLES.modules],
	["model", PART_TITLES.model],
	["resources", PART_TITLES.resources],
	["bootloader", "UF2 bootloader (reserved)"],
	["mod_preferences", "mod preferences (reserved)"],
	["heap", PART_TITLES.heap],
	["stack", PART_TITLES.stack],
];

export function partsTable(images: ImageReport[]): string {
	const head = `| part | ${images.map((i) => `${i.name} flash B | ${i.name} RAM B`).join(" | ")} |`;
	const rule = `|---|${images.map(() => "---:|---:").join("|")}|`;
	const rows = PART_ROWS.map(([key, title]) => `| ${title} | ${images.map((i) => `${n(i.parts[key].flash)} | ${n(i.parts[key].ram)}`).join(" | ")} |`);
	rows.push(`| linker string merging (−) and fill (+) | ${images.map((i) => `${n(i.merge_and_fill_flash)} | `).join(" | ")} |`);
	rows.push(`| **total (the build's memory summary)** | ${images.map((i) => `**${n(i.summary.flash)}** | **${n(i.summary.ram + i.summary.heap)}**`).join(" | ")} |`);
	rows.push(`| headroom vs 1 MiB flash / 256 KiB RAM | ${images.map((i) => `${n(i.headroom.flash_bytes)} | ${n(i.headroom.ram_bytes)}`).join(" | ")} |`);
	return [head, rule, ...rows].join("\n");
}

export function policyTable(images: ImageReport[]): string {
	const rows = ["| image | policy | arena B | kernels B | synthesis scratch B | C heap left B | headroom B |", "|---|---|---:|---:|---:|---:|---:|"];
	for (const i of images) {
		for (const p of i.policies) rows.push(`| ${i.name} | ${p.policy} | ${n(p.arena_bytes)} | ${n(p.kernel_bytes)} | ${n(p.scratch_bytes)} | ${n(i.heap.native_left)} | ${n(p.headroom_bytes)} |`);
	}
	return rows.join("\n");
}

export function runtimeTable(images: ImageReport[]): string {
	const i = images[0]!;
	const rows = ["| runtime component | flash B | RAM B |", "|---|---:|---:|"];
	for (const [key, title] of Object.entries(RUNTIME_TITLES) as [RuntimePart, string][]) rows.push(`| ${title} | ${n(i.runtime[key].flash)} | ${n(i.runtime[key].ram)} |`);
	rows.push(`| **runtime (the row above)** | **${n(i.parts.runtime.flash)}** | **${n(i.parts.runtime.ram)}** |`);
	return rows.join("\n");
}
