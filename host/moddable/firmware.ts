// What an nRF52840 DK image built by the Moddable SDK is made of, from its own linker map: every input section the
// link placed, attributed to the Moddable/XS runtime, BLE, our C natives, the preloaded modules, the model blob;
// plus the fixed regions the SDK's memory summary adds (SoftDevice, bootloader, mod preferences) and what the
// native heap leaves for the synthesized kernels under each policy.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { decodeIntelHex, findAll, parseLinkerMap, type MapSection } from "./moddable.ts";
import { ROOT } from "./toolchain.ts";

/** nRF52840: 1 MiB flash, 256 KiB RAM. */
export const NRF52840_FLASH = 1 << 20;
export const NRF52840_RAM = 256 << 10;
/** What Moddable's make.nrf52.mk adds to the link's own figures (SOFTDEVICE_ADDR, SOFTDEVICE_RAM, ...). */
export const SOFTDEVICE_FLASH = 0x27000; // MBR + S140 7.0.2, below the app
export const SOFTDEVICE_RAM = 0x4200;
export const BOOTLOADER_FLASH = 0xc000;
export const MOD_PREFS_FLASH = 0x2000;
/** The FreeRTOS stack of the XS task (build/devices/nrf52/base/xsmain.c kStack) unless creation sets one. */
export const XS_TASK_STACK = 6 * 1024;

const FLASH_END = 0x100000;
const RAM_START = 0x20000000;
const RAM_END = 0x20040000;

export type Part = "runtime" | "ble" | "natives" | "modules" | "model" | "resources" | "heap" | "stack";

export const PART_TITLES: Record<Part, string> = {
	runtime: "Moddable/XS runtime (XS, FreeRTOS, nrfx, nRF5 SDK base, libc)",
	ble: "BLE (Moddable BLE server, nRF5 SDK BLE glue, GATT tables)",
	natives: "our C natives (native/src + native/xs)",
	modules: "preloaded modules (XS archive + preloaded heap, mc.xs.c)",
	model: "the model blob (resource model.htpw)",
	resources: "other resources",
	heap: "FreeRTOS heap (XS heap + native arena + kernels)",
	stack: "startup stack",
};

/** Object files of the BLE stack as Moddable's nRF52 build links them (the SoftDevice itself is outside the ELF). */
const BLE_OBJECT = /^(modBLE\w*|btutils|gap|mc\.bleservices|nrf_sdh_ble|ble_\w+|nrf_ble_\w+|peer_\w+|pm_\w+|gatts?_cache_manager|security_\w+|id_manager|auth_status_tracker|bsp_btn_ble)\.c\.o$/;

/** The C files of native/ (their objects are ours). */
export function nativeObjects(): Set<string> {
	const names = new Set<string>();
	for (const dir of ["native/src", "native/xs"]) {
		const path = join(ROOT, dir);
		if (!existsSync(path)) continue;
		for (const f of readdirSync(path)) if (f.endsWith(".c")) names.add(`${f}.o`);
	}
	return names;
}

export function partOf(section: MapSection, natives: Set<string>, modelSection: MapSection | undefined): Part {
	const file = basename(section.file);
	if (section === modelSection) return "model";
	if (file === "heap_4.c.o" && section.section.startsWith(".bss")) return "heap";
	if (section.section.startsWith(".stack")) return "stack";
	if (file === "mc.resources.c.o") return "resources";
	if (file === "mc.xs.c.o") return "modules";
	if (natives.has(file)) return "natives";
	if (BLE_OBJECT.test(file)) return "ble";
	return "runtime";
}

export interface PartBytes {
	flash: number;
	ram: number;
}

export interface ImageSplit {
	parts: Record<Part, PartBytes>;
	/** The runtime part, split further. */
	runtime: Record<RuntimePart, PartBytes>;
	/** Sum of the parts: the linked app (flash: code, read-only data and .data's load image; RAM: .data, .bss, heap, stack). */
	linked: PartBytes;
	/** Where the model's bytes are in flash, and how many. */
	model: { address: number; bytes: number } | undefined;
}

/** Sections the map lists at file offsets, not addresses: they are not loaded. */
const NOT_LOADED = /^\.(debug|comment|ARM\.attributes|stab|gnu)/;

function inFlash(s: MapSection): boolean {
	return s.address >= SOFTDEVICE_FLASH && s.address < FLASH_END;
}

function inRam(s: MapSection): boolean {
	return s.address >= RAM_START && s.address < RAM_END;
}

/**
 * Splits the linked image by part. `modelBytes` is found in the Intel HEX image; the map's input section that holds
 * that address is the model's.
 */
export function splitImage(mapText: string, hexText: string, modelBytes: Uint8Array): ImageSplit {
	const sections = parseLinkerMap(mapText).filter((s) => s.size > 0 && !NOT_LOADED.test(s.section) && (inFlash(s) || inRam(s)));
	const image = decodeIntelHex(hexText);
	const at = findAll(image.bytes, modelBytes);
	const modelAddress = at.length > 0 ? image.base + at[0] : undefined;
	const modelSection = modelAddress === undefined ? undefined : sections.find((s) => inFlash(s) && s.address <= modelAddress && modelAddress + modelBytes.length <= s.address + s.size);
	const natives = nativeObjects();
	const parts = Object.fromEntries(Object.keys(PART_TITLES).map((p) => [p, { flash: 0, ram: 0 }])) as Record<Part, PartBytes>;
	const linked = { flash: 0, ram: 0 };
	const runtime = Object.fromEntries(Object.keys(RUNTIME_TITLES).map((p) => [p, { flash: 0, ram: 0 }])) as Record<RuntimePart, PartBytes>;
	for (const s of sections) {
		const name = partOf(s, natives, modelSection);
		const part = parts[name];
		const sub = name === "runtime" ? runtime[runtimePartOf(s)] : undefined;
		// .data lives in RAM and its initial values in flash (the load image right after the code).
		const flash = inFlash(s) || s.section.startsWith(".data") ? s.size : 0;
		const ram = inRam(s) ? s.size : 0;
		part.flash += flash;
		part.ram += ram;
		if (sub) {
			sub.flash += flash;
			sub.ram += ram;
		}
		linked.flash += flash;
		linked.ram += ram;
	}
	return { parts, runtime, linked, model: modelAddress === undefined ? undefined : { address: modelAddress, bytes: modelSection?.size ?? modelBytes.length } };
}

/** `arm-none-eabi-size -A` of the ELF: its allocated sections, name → size and address. */
export function parseSizeA(text: string): Record<string, { size: number; address: number }> {
	const sections: Record<string, { size: number; address: number }> = {};
	for (const line of text.split("\n")) {
		const m = /^(\.\S+)\s+(\d+)\s+(\d+)\s*$/.exec(line.trim());
		if (m && Number(m[3]) !== 0) sections[m[1]] = { size: Number(m[2]), address: Number(m[3]) };
	}
	return sections;
}

/** What the ELF puts in flash: sections placed there, and the initial values of .data-like RAM sections. */
export function elfFlashBytes(sections: Record<string, { size: number; address: number }>): number {
	let flash = 0;
	for (const [name, s] of Object.entries(sections)) {
		if (s.address < FLASH_END) flash += s.size;
		else if (/^\.(data|fs_data)$/.test(name)) flash += s.size;
	}
	return flash;
}

/** Bytecode of the modules a build compiled from this repository (tmp/<app>/modules/**.xsb whose source is under ROOT). */
export function ourModuleBytecode(tmpDir: string): { ours: number; sdk: number; modules: string[] } {
	const makefile = readFileSync(join(tmpDir, "makefile"), "utf8");
	const modulesDir = join(tmpDir, "modules");
	let ours = 0;
	let sdk = 0;
	const modules: string[] = [];
	for (const m of makefile.matchAll(/^\$\(MODULES_DIR\)\/(\S+\.xsb): (\S+)/gm)) {
		const path = join(modulesDir, m[1]);
		if (!existsSync(path)) continue;
		const bytes = statSync(path).size;
		const source = m[2];
		// mc/config is generated into the build folder: the SDK's, not a module of ours.
		if (source.includes(ROOT + "/") && !source.includes("/node_modules/") && !source.startsWith(join(ROOT, "build") + "/")) {
			ours += bytes;
			modules.push(m[1].replace(/\.xsb$/, ""));
		} else sdk += bytes;
	}
	return { ours, sdk, modules: modules.sort() };
}

/** creation.static of the build (the XS heap, allocated once from the FreeRTOS heap) from manifest_flat.json. */
export function xsStaticBytes(tmpDir: string): number {
	const flat = JSON.parse(readFileSync(join(tmpDir, "manifest_flat.json"), "utf8"));
	const value = flat?.creation?.static;
	if (typeof value !== "number") throw new Error(`${tmpDir}/manifest_flat.json has no creation.static`);
	return value;
}

/** creation.nativeStack of the build (the XS task's stack), or the SDK's kStack when the manifest sets none. */
export function xsTaskStackBytes(tmpDir: string): number {
	const flat = JSON.parse(readFileSync(join(tmpDir, "manifest_flat.json"), "utf8"));
	const value = flat?.creation?.nativeStack;
	return typeof value === "number" && value > 0 ? value : XS_TASK_STACK;
}

export type RuntimePart = "xs" | "freertos" | "moddable" | "crypto" | "libc" | "nrf";

export const RUNTIME_TITLES: Record<RuntimePart, string> = {
	xs: "XS engine and its nRF52 platform layer (xs*.c)",
	freertos: "FreeRTOS (tasks, queues, timers, heap_4, port)",
	moddable: "Moddable's C modules (Resource, Timer, Time, digital pins, preferences, instrumentation)",
	crypto: "nrf_crypto and the CC310 library (LESC pairing, RNG)",
	libc: "newlib nano libc, libm, libgcc",
	nrf: "nRF5 SDK and nrfx drivers, start-up, fds, app timers, USB, board support",
};

const FREERTOS_OBJECT = /^(tasks|queue|list|timers|croutine|event_groups|heap_\d|port(_cmsis\w*)?|nrf_sdh_freertos)\.c\.o$/;

/** Which part of the runtime an object of the "runtime" part is. */
export function runtimePartOf(section: MapSection): RuntimePart {
	const path = section.file;
	const file = basename(path);
	if (/^xs\w*\.c\.o$/.test(file)) return "xs";
	if (FREERTOS_OBJECT.test(file)) return "freertos";
	if (/libnrf_cc310|^(cc310_|nrf_crypto|nrf_hw_backend|mbedtls)/.test(file) || /libnrf_cc310/.test(path)) return "crypto";
	if (/lib(c|c_nano|m|gcc|nosys|g_nano|stdc\+\+)\.a\(/.test(file) || /\/lib(c|c_nano|m|gcc|nosys)\.a/.test(path)) return "libc";
	if (/^(mod\w*|Resource|timer|digital|monitor|buildinfo)\.c\.o$/.test(file)) return "moddable";
	return "nrf";
}

/** "region `FLASH' overflowed by N bytes" (and RAM) from a failed link. */
export function linkOverflow(output: string): { region: string; bytes: number }[] {
	return [...output.matchAll(/region [`']?(\w+)'? overflowed by (\d+) bytes/g)].map((m) => ({ region: m[1], bytes: Number(m[2]) }));
}

export interface PolicySram {
	policy: string;
	/** Bytes of synthesized kernels resident under the policy (0 for a model with no generated layer). */
	kernel_bytes: number;
	arena_bytes: number;
	scratch_bytes: number;
	/** What the native heap still has after arena, kernels and scratch. */
	headroom_bytes: number;
}
