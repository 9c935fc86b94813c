// Estimated Cortex-M4 cycles of the whole app, per input segment: the cycle model (host/bench/cycle-model.ts) over
// the exact instructions the app executed in the segment. The counting plugin's profile covers a whole run, and a
// run stopped after block B executes exactly what the full run executed up to B (plus the same final dump), so the
// profile of blocks A+1..B is the run stopped after B minus the run stopped after A. Its cycles per instruction
// (and apart for the C natives and for XS) turn the segment's exact instruction counts into cycles.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { disassemble, estimateCycles, NOMINAL, PESSIMISTIC, parseProfile, profileDifference, type Insn } from "../bench/cycle-model.ts";
import { segmentBlocks, type Segment, type Split } from "./analyze.ts";
import { runM4App, symbol } from "./run.ts";

export interface SegmentCycles {
	/** Blocks whose profile was taken (after the segment's settling time), and the instructions in it. */
	blocks: { first: number; last: number };
	profiled_instructions: number;
	/** Estimated cycles per instruction: nominal, pessimistic, and nominal in the C natives and in XS apart. */
	cpi: number;
	cpi_pessimistic: number;
	cpi_native: number;
	cpi_js: number;
}

export function cyclesOf(s: Split, c: SegmentCycles): number {
	return s.native * c.cpi_native + s.js * c.cpi_js;
}

function cpiOf(insns: Map<number, Insn>, profile: Map<number, number>): { cpi: number; cpi_pessimistic: number } {
	const nominal = estimateCycles(insns, profile, NOMINAL);
	const pessimistic = estimateCycles(insns, profile, PESSIMISTIC);
	return { cpi: nominal.instructions ? nominal.cycles / nominal.instructions : NaN, cpi_pessimistic: pessimistic.instructions ? pessimistic.cycles / pessimistic.instructions : NaN };
}

/** Profiles the app's ELF stopped at each segment's edges (one run per edge) and weighs the differences. */
export async function segmentCycles(elf: string, segments: Segment[], blockSamples: number, log: (line: string) => void = () => {}): Promise<Record<string, SegmentCycles>> {
	const insns = disassemble(elf);
	const lo = symbol(elf, "m4app_natives_start");
	const hi = symbol(elf, "m4app_natives_end");
	const dir = mkdtempSync(join(tmpdir(), "m4app-cycles-"));
	const profiles = new Map<number, Map<number, number>>();
	// maxTicks 0 plays the whole recording: a segment from block 1 starts after block 1 instead.
	const edges = segments.map((s) => {
		const { first, last } = segmentBlocks(s, blockSamples);
		return { name: s.name, from: Math.max(1, first - 1), to: last };
	});
	const profileAt = async (ticks: number): Promise<Map<number, number>> => {
		const hit = profiles.get(ticks);
		if (hit) return hit;
		const path = join(dir, `profile-${ticks}.txt`);
		log(`profiling the app up to block ${ticks} (cycle model)`);
		await runM4App(elf, { maxTicks: ticks, profile: path });
		const p = parseProfile(readFileSync(path, "utf8"));
		profiles.set(ticks, p);
		return p;
	};
	try {
		const out: Record<string, SegmentCycles> = {};
		for (const e of edges) {
			const diff = profileDifference(await profileAt(e.to), await profileAt(e.from));
			const native = new Map<number, number>();
			const js = new Map<number, number>();
			let instructions = 0;
			for (const [addr, n] of diff) {
				instructions += n;
				(addr >= lo && addr < hi ? native : js).set(addr, n);
			}
			const all = cpiOf(insns, diff);
			out[e.name] = {
				blocks: { first: e.from + 1, last: e.to },
				profiled_instructions: instructions,
				cpi: all.cpi,
				cpi_pessimistic: all.cpi_pessimistic,
				cpi_native: cpiOf(insns, native).cpi,
				cpi_js: cpiOf(insns, js).cpi,
			};
		}
		return out;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
