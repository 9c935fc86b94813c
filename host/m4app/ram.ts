// RAM high-water marks of the whole app on the emulated nRF52840 core, for sizing the firmware's XS heap, stacks and
// C heap (host/moddable/ram-budget.ts, npm run bench:firmware -- --measure). The app is the bench:m4app one (same
// archive, same board), linked with MEMORY=1: boards/mps2-an386/memory/ram_marks.c wraps the C allocator and paints
// the XS and native stacks, and prints "@ram" lines when the recording has been played. One run per record and
// synthesis policy, each playing a whole record followed by bench:m4app's synthetic segments.
import { join } from "node:path";
import { readModel } from "../../modules/model/index.ts";
import { encodeEcgResource } from "../app/ecg-resource.ts";
import type { Toolchain } from "../moddable/toolchain.ts";
import { ROOT } from "../moddable/toolchain.ts";
import { benchInput } from "./bench.ts";
import { buildM4App } from "./build.ts";
import { runM4App } from "./run.ts";

/** What one run's "@ram" lines say (bytes unless named otherwise). */
export interface RamMarks {
	/** Deepest C stack below the frame that makes the VM (the XS task's stack on the nRF52). */
	native_stack_bytes: number;
	/** Peak of the live C heap as FreeRTOS heap_4 would hold it (request + 8-byte header, 8-byte aligned), the XS heap apart. */
	c_heap_peak_bytes: number;
	c_heap_peak_blocks: number;
	c_heap_largest_request: number;
	/** creation.static of the build: the XS heap, one block. */
	xs_static_bytes: number;
	/** What XS took of that block at the end of the run: chunks grow up from its bottom, slots (the XS stack among them) down from its top. */
	xs_chunks_region_bytes: number;
	xs_slots_region_bytes: number;
	/** XS's own peaks: live chunk bytes and live slots (of slot_bytes each). */
	xs_chunks_peak_bytes: number;
	xs_slots_peak: number;
	xs_slot_bytes: number;
	/** Deepest JS stack (slots) of the creation.stack slots. */
	xs_stack_peak_slots: number;
	xs_stack_slots: number;
	/** The C heap's blocks live when the run ended, as [heap_4 bytes, how many], largest first. */
	c_heap_live_at_end: [number, number][];
}

export function parseRamMarks(lines: string[]): RamMarks {
	const fields = new Map<string, string[]>();
	for (const line of lines) {
		const f = line.trim().split(" ");
		if (f[0] === "@ram") fields.set(f[1]!, f.slice(2));
	}
	const num = (key: string, index: number, name: string): number => {
		const v = Number(fields.get(key)?.[index]);
		if (!Number.isInteger(v) || v < 0) throw new Error(`the RAM build printed no ${key} ${name} (is ram_marks.c linked? MEMORY=1)`);
		return v;
	};
	// "@ram key v name v name v ...": the first value follows the key, the rest follow their names.
	const named = (key: string, name: string): number => {
		const f = fields.get(key) ?? [];
		const i = f.indexOf(name);
		return num(key, i + 1, name);
	};
	const marks: RamMarks = {
		native_stack_bytes: num("native_stack_bytes", 0, "value"),
		c_heap_peak_bytes: num("c_heap_peak_bytes", 0, "value"),
		c_heap_peak_blocks: named("c_heap_peak_bytes", "blocks"),
		c_heap_largest_request: named("c_heap_peak_bytes", "largest"),
		xs_static_bytes: num("xs_static_bytes", 0, "value"),
		xs_chunks_region_bytes: named("xs_static_bytes", "chunks_region"),
		xs_slots_region_bytes: named("xs_static_bytes", "slots_region"),
		xs_chunks_peak_bytes: named("xs_chunks", "peak"),
		xs_slots_peak: named("xs_slots", "peak"),
		xs_slot_bytes: named("xs_slots", "slot_bytes"),
		xs_stack_peak_slots: named("xs_stack", "peak_slots"),
		xs_stack_slots: named("xs_stack", "slots"),
		c_heap_live_at_end: (fields.get("c_heap_live") ?? []).map((b) => b.split("x").map(Number) as [number, number]),
	};
	if (named("xs_static_bytes", "static_block") !== 1) throw new Error("the RAM build did not find the XS heap among the C allocations");
	if (named("c_heap_peak_bytes", "table_full") !== 0) throw new Error("the RAM build's allocation table overflowed");
	if (named("c_heap_peak_bytes", "unknown_frees") !== 0) throw new Error("the RAM build saw frees of blocks it did not see allocated");
	const painted = named("native_stack_bytes", "painted");
	if (marks.native_stack_bytes >= painted - 512) throw new Error(`the native stack went below the ${painted} B painted`);
	return marks;
}

export interface RamRun {
	record: string;
	/** ECG seconds played: the whole record, then bench:m4app's synthetic 60/75/120 bpm and rest segments. */
	seconds: number;
	beats: number;
	policy: string;
	config: Record<string, unknown>;
	marks: RamMarks;
}

export interface RamMeasureOptions {
	model: string;
	/** MIT-BIH records played whole, one run each per policy. */
	records: string[];
	/** Seconds of each record (default: all of it, 1,805 s for MIT-BIH). */
	recordSeconds?: number;
	segmentSeconds?: number;
	outDir?: string;
	log?: (line: string) => void;
}

/** The synthesis policies the app supports, as bench:m4app configures them: boot (shipped), lazy, stream at the tightest and the loosest budget. */
export function policyConfigs(modelPath: string, blob: Uint8Array): { policy: string; config: Record<string, unknown> }[] {
	const m = readModel(blob);
	if (m.kernelBytes.length === 0) return [{ policy: "stored", config: { policy: "boot" } }];
	const total = m.kernelBytes.reduce((a, b) => a + b, 0);
	return [
		{ policy: "boot", config: { policy: "boot" } },
		{ policy: "lazy", config: { policy: "lazy" } },
		{ policy: `stream@${m.maxKernelBytes}`, config: { policy: "stream", budget: m.maxKernelBytes } },
		{ policy: `stream@${total}`, config: { policy: "stream", budget: total } },
	];
}

export async function measureRam(tool: Toolchain, o: RamMeasureOptions): Promise<RamRun[]> {
	const log = o.log ?? (() => {});
	const outDir = o.outDir ?? join(ROOT, "build/m4app-ram");
	const { readFileSync } = await import("node:fs");
	const blob = new Uint8Array(readFileSync(o.model));
	const runs: RamRun[] = [];
	for (const record of o.records) {
		const input = await benchInput(record, o.recordSeconds ?? 1805, o.segmentSeconds ?? 20);
		const ecg = encodeEcgResource(input.recording);
		const seconds = input.recording.samples.length / input.recording.sampleRate;
		for (const p of policyConfigs(o.model, blob)) {
			const built = await buildM4App(tool, { outDir, model: o.model, ecg, config: p.config, makeVars: ["MEMORY=1"], log });
			log(`RAM run: record ${record} (${seconds.toFixed(0)} s with the synthetic segments), policy ${p.policy}`);
			const run = await runM4App(built.elf, { timeoutMs: 30 * 60_000 });
			const beats = run.packets.filter((q) => q.characteristic === "beat").length;
			if (beats === 0) throw new Error(`record ${record}, ${p.policy}: the app reported no beat`);
			runs.push({ record, seconds: Math.round(seconds), beats, policy: p.policy, config: p.config, marks: parseRamMarks(run.trace) });
			log(`  ${JSON.stringify(runs.at(-1)!.marks)}`);
		}
	}
	return runs;
}
