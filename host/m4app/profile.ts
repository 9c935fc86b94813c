// Where a run's instructions go, per C function of the ELF (the XS interpreter loop, property lookups, soft-float
// doubles, our kernels): the counting plugin's per-address profile folded onto the ELF's function symbols.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface FunctionShare {
	name: string;
	instructions: number;
	share: number;
}

function functions(elf: string): { start: number; end: number; name: string }[] {
	const r = spawnSync(process.env.ARM_NM ?? "arm-none-eabi-nm", ["-S", elf], { encoding: "utf8", maxBuffer: 64 << 20 });
	if (r.status !== 0) throw new Error(`arm-none-eabi-nm -S ${elf} failed: ${r.stderr}`);
	const out: { start: number; end: number; name: string }[] = [];
	for (const line of r.stdout.split("\n")) {
		const f = line.trim().split(/\s+/);
		if (f.length !== 4 || !/^[tT]$/.test(f[2]!)) continue;
		const start = parseInt(f[0]!, 16) & ~1;
		out.push({ start, end: start + parseInt(f[1]!, 16), name: f[3]! });
	}
	return out.sort((a, b) => a.start - b.start);
}

/** Instructions per function (by start address), and in all, from a profile file ("<hex address> <count>" lines). */
function totalsByFunction(fns: { start: number; end: number; name: string }[], profilePath: string): { totals: Map<number, number>; all: number } {
	const totals = new Map<number, number>();
	let all = 0;
	for (const line of readFileSync(profilePath, "utf8").split("\n")) {
		if (!line) continue;
		const [hex, count] = line.split(" ");
		const at = parseInt(hex!, 16);
		const n = Number(count);
		all += n;
		let lo = 0;
		let hi = fns.length - 1;
		let found = -1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			if (fns[mid]!.start <= at) {
				if (at < fns[mid]!.end) {
					found = fns[mid]!.start;
					break;
				}
				lo = mid + 1;
			} else hi = mid - 1;
		}
		totals.set(found, (totals.get(found) ?? 0) + n);
	}
	return { totals, all };
}

/** Instructions per function name in a profile file. */
function byName(fns: { start: number; end: number; name: string }[], profilePath: string): Map<string, number> {
	const nameAt = new Map(fns.map((f) => [f.start, f.name]));
	const totals = new Map<string, number>();
	for (const [start, n] of totalsByFunction(fns, profilePath).totals) {
		const name = nameAt.get(start) ?? "(outside any function)";
		totals.set(name, (totals.get(name) ?? 0) + n);
	}
	return totals;
}

/**
 * The `top` functions by instructions executed, from a profile file ("<hex address> <count>" lines); with
 * `baselinePath` (a run that stopped earlier, e.g. after boot), what each function ran after it: the steady state.
 */
export function profileByFunction(elf: string, profilePath: string, top = 15, baselinePath?: string): FunctionShare[] {
	const fns = functions(elf);
	const totals = byName(fns, profilePath);
	if (baselinePath) for (const [name, n] of byName(fns, baselinePath)) totals.set(name, (totals.get(name) ?? 0) - n);
	let all = 0;
	for (const n of totals.values()) all += n;
	return [...totals]
		.sort((a, b) => b[1] - a[1])
		.slice(0, top)
		.map(([name, instructions]) => ({ name, instructions, share: instructions / all }));
}

export interface PartShare {
	part: string;
	/** The C sources whose functions it counts (empty: everything else). */
	sources: string[];
	instructions: number;
	share: number;
}

/** The app's parts by the C source their instructions ran in (static functions and inlined code included). */
export const PARTS: { part: string; sources: RegExp }[] = [
	{ part: "ECG filtering (C)", sources: /^ht_ecg_filter\.[ch]$/ },
	{ part: "ECG detection (C)", sources: /^ht_ecg_detect\.[ch]$/ },
	{ part: "ECG quality gates, windows, events (C)", sources: /^ht_ecg(_stages)?\.[ch]$/ },
	{ part: "ECG binding (C)", sources: /^ht_xs_ecg\.c$/ },
	{ part: "beat template (C; its soft-float doubles count under the C library)", sources: /^ht_ecg_template\.[ch]$/ },
	{ part: "RR context (C; its soft-float doubles count under the C library)", sources: /^ht_ecg_rr\.[ch]$/ },
	{ part: "apnea minute input (C; its soft-float doubles count under the C library)", sources: /^ht_ecg_apnea\.[ch]$/ },
	{ part: "model input (C)", sources: /^ht_(xs_)?input\.[ch]$/ },
	// The kernels' inline DSP helpers live in headers (ht_pwconv_dsp.h, ht_dwconv_dsp.h, ht_dot.h, ...).
	{ part: "inference and synthesis (C)", sources: /^ht_(?!ecg|adc|xs_ecg|xs_input|input).*\.[ch]$/ },
	{ part: "ADC block input (C)", sources: /^(ht_adc_.*|board_adc)\.[ch]$/ },
	{ part: "board: BLE recorder, pins (C)", sources: /^board_.*\.[ch]$/ },
];
export const JS_PART = "XS: the JS, the engine, the C library";

/** The source file of each function symbol (by start address), from the ELF's debug information (`nm -l`). */
function sourceOfFunctions(elf: string): Map<number, string> {
	const r = spawnSync(process.env.ARM_NM ?? "arm-none-eabi-nm", ["-l", elf], { encoding: "utf8", maxBuffer: 64 << 20 });
	if (r.status !== 0) throw new Error(`arm-none-eabi-nm -l ${elf} failed: ${r.stderr}`);
	const out = new Map<number, string>();
	for (const line of r.stdout.split("\n")) {
		const m = /^([0-9a-f]+) [tT] \S+\t(.+):\d+$/.exec(line);
		if (m) out.set(parseInt(m[1]!, 16) & ~1, m[2]!.split("/").pop()!);
	}
	return out;
}

/** Instructions per part of the app (PARTS, then the rest as JS_PART), over the whole profiled run. */
export function profileBySource(elf: string, profilePath: string): PartShare[] {
	const { totals, all } = totalsByFunction(functions(elf), profilePath);
	const sourceOf = sourceOfFunctions(elf);
	const parts = new Map<string, { sources: Set<string>; instructions: number }>();
	for (const p of [...PARTS.map((p) => p.part), JS_PART]) parts.set(p, { sources: new Set(), instructions: 0 });
	for (const [start, n] of totals) {
		const source = sourceOf.get(start);
		const part = (source && PARTS.find((p) => p.sources.test(source))?.part) || JS_PART;
		const entry = parts.get(part)!;
		entry.instructions += n;
		if (source && part !== JS_PART) entry.sources.add(source);
	}
	return [...parts].map(([part, e]) => ({ part, sources: [...e.sources].sort(), instructions: e.instructions, share: all ? e.instructions / all : 0 }));
}
