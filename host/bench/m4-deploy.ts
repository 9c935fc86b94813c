// One model under one synthesis policy on the Cortex-M4 (QEMU mps2-an386 under nRF52840 limits, native/m4/bench):
// `make m4-deploy` links the blob into flash with exactly the SRAM the policy needs, runs it under our counting
// plugin; this turns its report into the deployment figures.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { make, type ModelNeeds } from "./native-tools.ts";
import { parseReport, parseSize, regionCount, regionsOf, valuesOf, type ElfSize, type M4Report } from "./m4-report.ts";
import { regionCycles, type RegionCycles } from "./region-profile.ts";

export type DeployPolicy = "boot" | "lazy" | "stream";

const POLICY_CODE: Record<DeployPolicy, number> = { boot: 0, lazy: 1, stream: 2 };

export interface DeployRun {
	modelPath: string;
	needs: ModelNeeds;
	policy: DeployPolicy;
	/** Kernel memory: all kernels (boot, lazy) or the stream budget. */
	kernelBytes: number;
	windows: number;
	seed: number;
	outDir: string;
}

export interface M4Figures {
	flash_bytes: number;
	/** Arena + kernel memory + synthesis scratch: what the policy keeps in SRAM. */
	sram_bytes: number;
	/** The linked RAM image (data, bss, reserved stack) and the deepest stack use measured. */
	ram_linked_bytes: number;
	stack_used_bytes: number;
	open_insns: number;
	init_insns: number;
	infer_insns: number[];
	first_result_insns: number;
	steady_insns: number;
	/** Kernels synthesized per inference once running (stream: the re-synthesis of evicted layers). */
	steady_synth_per_inference: number;
	synthesized_after_init: number;
	/** Estimated Cortex-M4 cycles of the same regions (cycle-model.ts, nominal; steady also pessimistic). */
	open_cycles: number;
	init_cycles: number;
	infer_cycles: number[];
	first_result_cycles: number;
	steady_cycles: number;
	steady_cycles_pessimistic: number;
	ops: { op: number; insns: number; cycles: number }[];
	synth: { layer: number; insns: number; cycles: number }[];
	checksum: string;
	size: ElfSize;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

export function runM4Deploy(run: DeployRun): { report: M4Report; size: ElfSize } {
	const n = run.needs;
	make([
		"m4-deploy", `MODEL=${run.modelPath}`, `DEPLOY_OUT=${run.outDir}`, `POLICY=${POLICY_CODE[run.policy]}`,
		`KERNEL_BYTES=${run.kernelBytes}`, `ARENA_BYTES=${n.arena_bytes}`, `SCRATCH_BYTES=${n.synth_scratch_bytes}`,
		`GENS=${n.gen_count}`, `WINDOWS=${run.windows}`, `SEED=${run.seed}`,
	]);
	const report = parseReport(readFileSync(join(run.outDir, "report.txt"), "utf8"));
	if (report.errors.length) throw new Error(`the M4 run of ${run.modelPath} (${run.policy}) reported: ${report.errors.join("; ")}`);
	return { report, size: parseSize(readFileSync(join(run.outDir, "size.txt"), "utf8")) };
}

/** Runs the ELF built by the last runM4Deploy in outDir again (same binary): for the repeatability check. */
export function rerunM4Deploy(outDir: string): M4Report {
	const out = make(["-s", "m4-rerun", `DEPLOY_OUT=${outDir}`]);
	return parseReport(out);
}

/** Cycles of every counted region of the last runM4Deploy in outDir (its ELF profiled once more), keyed "label index". */
export function deployCycles(outDir: string, report: M4Report): Map<string, RegionCycles> {
	const cycles = regionCycles(join(outDir, "deploy.elf"), report.regions);
	return new Map(report.regions.map((r, i) => [`${r.label} ${r.index}`, cycles[i]!]));
}

export function m4Figures(run: DeployRun, report: M4Report, size: ElfSize, cycles = deployCycles(run.outDir, report)): M4Figures {
	const cyclesOf = (label: string, index: number): RegionCycles => {
		const c = cycles.get(`${label} ${index}`);
		if (!c) throw new Error(`no cycle estimate for region "${label} ${index}"`);
		return c;
	};
	const infer = regionsOf(report, "infer").map((r) => r.count);
	const inferCycles = regionsOf(report, "infer").map((r) => cyclesOf("infer", r.index));
	const synthesized = valuesOf(report, "synthesized").map(Number);
	const open = regionCount(report, "open");
	const init = regionCount(report, "init");
	const steadyFrom = infer.length > 1 ? 1 : 0;
	const steadySynth = infer.length > 1 ? (synthesized[synthesized.length - 1] - synthesized[1]) / (infer.length - 1) : 0;
	return {
		flash_bytes: size.flash_bytes,
		sram_bytes: run.needs.arena_bytes + run.kernelBytes + (run.needs.gen_count ? run.needs.synth_scratch_bytes : 0),
		ram_linked_bytes: size.ram_bytes,
		stack_used_bytes: Number(valuesOf(report, "stack_used")[0]),
		open_insns: open,
		init_insns: init,
		infer_insns: infer,
		first_result_insns: open + init + infer[0],
		steady_insns: median(infer.slice(steadyFrom)),
		open_cycles: cyclesOf("open", 0).cycles,
		init_cycles: cyclesOf("init", 0).cycles,
		infer_cycles: inferCycles.map((c) => c.cycles),
		first_result_cycles: cyclesOf("open", 0).cycles + cyclesOf("init", 0).cycles + inferCycles[0]!.cycles,
		steady_cycles: median(inferCycles.slice(steadyFrom).map((c) => c.cycles)),
		steady_cycles_pessimistic: median(inferCycles.slice(steadyFrom).map((c) => c.cycles_pessimistic)),
		steady_synth_per_inference: steadySynth,
		synthesized_after_init: synthesized[0],
		ops: regionsOf(report, "op").map((r) => ({ op: r.index, insns: r.count, cycles: cyclesOf("op", r.index).cycles })),
		synth: regionsOf(report, "synth").map((r) => ({ layer: r.index, insns: r.count, cycles: cyclesOf("synth", r.index).cycles })),
		checksum: valuesOf(report, "checksum")[0],
		size,
	};
}
