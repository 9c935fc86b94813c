// results/deploy/README.md: how the figures were made, the summary, one table row per model and policy, the
// kernels, and where each op's instructions go.
import type { ModelResult } from "./deploy-bench.ts";
import type { DeploySummary } from "./deploy-summary.ts";
import type { KernelFigure } from "./m4-kernels.ts";

export interface ReadmeInput {
	command: string;
	windows: number;
	seed: number;
	models: ModelResult[];
	kernels: KernelFigure[];
	summary: DeploySummary;
	plot: string;
	/** Models found but not measured, each with the reason (too large for the flash, a second copy). */
	notMeasured?: string[];
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => (n >= 10 ? n.toFixed(1) : n >= 1 ? n.toFixed(2) : n.toFixed(3));
const fixed = (n: number, d: number) => n.toFixed(d);
/** A cycle figure, or "-" in results made before the cycle model. */
const opt = (n: number | null | undefined, f: (x: number) => string) => (n === null || n === undefined ? "-" : f(n));
const cyclesPerMac = (nominal: number | null, pessimistic: number | null) =>
	nominal === null ? "" : `; est. **${fixed(nominal, 3)} cycles/MAC** (pessimistic ${opt(pessimistic, (x) => fixed(x, 3))})`;

function policyTable(models: ModelResult[]): string[] {
	const lines = [
		"| model | policy | flash B | SRAM B (arena+kernels+scratch) | stack used B | synthesis insns (all layers once) | synth / inference (steady) | insns to first result | steady insns / inference | ms first @64 MHz | ms steady @64 MHz | est. cycles to first result | est. steady cycles / inference (pessimistic) | ms first @64 MHz by cycles | ms steady @64 MHz by cycles | sim first ms | sim steady ms |",
		"|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
	];
	for (const m of models) {
		const synthOnce = m.synthesis.reduce((s, l) => s + l.insns, 0);
		for (const r of m.runs)
			lines.push(
				`| ${m.name} | ${r.label} | ${int(r.m4.flash_bytes)} | ${int(r.m4.sram_bytes)} | ${int(r.m4.stack_used_bytes)} | ${int(synthOnce)} | ` +
					`${fixed(r.m4.steady_synth_per_inference, 2)} | ${int(r.m4.first_result_insns)} | ${int(r.m4.steady_insns)} | ` +
					`${ms(r.ms_first_result_at_64mhz)} | ${ms(r.ms_steady_at_64mhz)} | ${opt(r.m4.first_result_cycles, int)} | ${opt(r.m4.steady_cycles, int)} (${opt(r.m4.steady_cycles_pessimistic, int)}) | ` +
					`${opt(r.ms_first_result_at_64mhz_cycles, ms)} | ${opt(r.ms_steady_at_64mhz_cycles, ms)} | ${r.sim ? ms(r.sim.first_result_ms) : "-"} | ${r.sim ? ms(r.sim.steady_ms) : "-"} |`,
			);
	}
	return lines;
}

function opTable(m: ModelResult): string[] {
	const lines = [`| op | kernel | MACs | insns | insns/MAC | est. cycles | est. cycles/MAC |`, "|---:|---|---:|---:|---:|---:|---:|"];
	for (const o of m.ops)
		lines.push(
			`| ${o.op} | ${o.opcode} | ${int(o.macs)} | ${int(o.insns)} | ${o.insns_per_mac === null ? "-" : fixed(o.insns_per_mac, 2)} | ${opt(o.cycles, int)} | ${opt(o.cycles_per_mac, (x) => fixed(x, 2))} |`,
		);
	return lines;
}

/** What the cycle columns are; host/bench/cycle-model.md has the timing table and its sources. */
export const CYCLE_MODEL_NOTE = [
	"Each ELF runs once more under a second plugin (host/bench/region-profile.c) that writes, per counted region, how",
	"often every instruction address executed (the profiles add up to the exact counts above; the bench checks it).",
	"host/bench/cycle-model.ts classifies each executed instruction from its disassembly and weighs it with the",
	"Cortex-M4 Technical Reference Manual's timings (ARM DDI 0439B §3.3.1 Table 3-1, §3.3.2 load/store timings, FPU",
	"Table 7-1): 1 cycle for data processing, every multiply and the DSP instructions (SMLAD, SMLAL, SXTB16, ...);",
	"single loads 2, 1 when pipelined after an independent single load; stores 1 (register offset 2); LDRD/STRD 3;",
	"LDM/STM/PUSH/POP 1 + N; taken branches 1 + P with P = 1..3 from the target's alignment and whether it comes from",
	"a register; +1 when a load/store address comes from the instruction just before; taken/not-taken split from the",
	"profile's flow. Code is assumed to run from the nRF52840's flash at 64 MHz with its instruction cache on and",
	"every fetch hitting it (zero wait states); the pessimistic column takes P = 3 and 2 flash wait states at every",
	"refill, no pipelining, no IT folding, divides at 12 cycles. Not modelled: data loads from flash (the model's",
	"stored weights) and their wait states, unaligned accesses, interrupts, bus contention. The timing table, its",
	"sources and how to check it on an nRF52840 DK with the DWT cycle counter: [host/bench/cycle-model.md](../../host/bench/cycle-model.md).",
];

/** The pointwise shapes past the deployment one (kernels.c: inputs past 128 channels, not a multiple of 4). */
function otherPointwise(kernels: KernelFigure[]): string[] {
	const at = (label: string) => kernels.find((k) => k.kernel === label);
	const wide = at("pw-192x64"), odd = at("pw-30x64");
	if (!wide || !odd) return [];
	return [`- Pointwise at other widths, the same DSP path: 47 positions, 192→64 (past the 128 channels a widened quad holds) **${fixed(wide.insns_per_mac, 3)} instructions/MAC**, 187 positions, 30→64 (not a multiple of 4) **${fixed(odd.insns_per_mac, 3)}**.`];
}

export function deployReadme(input: ReadmeInput): string {
	const s = input.summary;
	const out = [
		"# Deployability: boot vs lazy vs stream synthesis on a Cortex-M4F",
		"",
		`Produced by \`${input.command}\` (host/cli/bench-deploy.ts); the raw figures are in [m4.json](m4.json).`,
		"",
		"**How.** Each model is linked into flash (objcopy) with a bare-metal driver (native/m4/bench/deploy.c) whose",
		"static SRAM is exactly what the policy needs, under the nRF52840's limits (1 MiB flash, 256 KiB RAM: the link",
		"fails otherwise), and run on QEMU 7.2's mps2-an386 (Cortex-M4F with DSP) under our TCG plugin",
		"(native/m4/plugin/region_count.c), which counts every guest instruction of a marked region exactly; the same",
		"ELF run twice gives the same counts. `open` is full validation with the CRC, `init` sets up the kernel cache",
		"(boot synthesizes every generated layer there), then " + input.windows + " inferences over the docs/FORMAT.md §7",
		`random windows (seed ${input.seed}); the steady state is the median of inferences 2..${input.windows}.`,
		"QEMU counts instructions, not cycles: milliseconds at 64 MHz are given twice, by instructions at one per cycle",
		"and by **estimated Cortex-M4 cycles** (the cycle model below: every counted region profiled per instruction and",
		"weighed with the Cortex-M4 TRM's timings). The simulator columns are wall time of the same runtime in the",
		"desktop XS simulator (host/sim), an engine check, not a device estimate. Every engine's checksum agreed with",
		`the TypeScript reference: **${s.all_checksums_agree}**; counts repeatable: **${s.all_counts_repeatable}**.`,
		"",
		"**Policies.** `boot` synthesizes all generated PW kernels before the first window; `lazy` right before first",
		"use; `stream@B` keeps at most B bytes of kernels (at least the largest), evicting the least recently used",
		"(docs/FORMAT.md §7). The plan visits generated layers cyclically, so under LRU every budget below all kernels",
		"evicts each layer just before its next use: stream re-synthesizes every generated layer every inference, and",
		"the budget only trades SRAM, not instructions.",
		"",
		"## Summary",
		"",
		`- Steady state, hyper (boot) / all-stored INT8 twin with the same backbone (${s.hyper_model} / ${s.stored_model}):`,
		`  **${fixed(s.hyper_vs_stored_steady_ratio, 4)}** (flash ${fixed(s.hyper_vs_stored_flash_ratio, 3)}, instructions to first result ${fixed(s.hyper_vs_stored_first_result_ratio, 3)}).`,
		...(s.hyper_vs_stored_steady_cycles_ratio === null || s.hyper_vs_stored_steady_cycles_ratio === undefined ? [] : [`  By estimated cycles: ${fixed(s.hyper_vs_stored_steady_cycles_ratio, 4)}.`]),
		`- Pointwise 187 positions, 64→64: **${fixed(s.pw_instructions_per_mac, 3)} instructions/MAC** (${fixed(s.pw_relu_instructions_per_mac, 3)} with a ReLU clamp); target ≤ ${s.targets_instructions_per_mac.pw}, CMSIS-NN arm_convolve_1x1_s8_fast ${s.cmsis_nn_instructions_per_mac.pw}; our portable C kernel ${fixed(s.portable_pw_instructions_per_mac, 3)}${cyclesPerMac(s.pw_cycles_per_mac ?? null, s.pw_cycles_pessimistic_per_mac ?? null)}.`,
		...otherPointwise(input.kernels),
		`- Depthwise 187×64, K 7, stride 1: **${fixed(s.dw_instructions_per_mac, 3)} instructions/MAC** (${fixed(s.dw_relu_instructions_per_mac, 3)} with a ReLU clamp); target ≤ ${s.targets_instructions_per_mac.dw}, CMSIS-NN depthwise opt ${s.cmsis_nn_instructions_per_mac.dw}; our portable C kernel ${fixed(s.portable_dw_instructions_per_mac, 3)}${cyclesPerMac(s.dw_cycles_per_mac ?? null, s.dw_cycles_pessimistic_per_mac ?? null)}.`,
		`- CONV1D 256 positions, 8→32, K 7, stride 2, pad 3 (MACs nominal, padding taps included): **${fixed(s.conv1d_instructions_per_mac, 3)} instructions/MAC**; target ≤ ${s.targets_instructions_per_mac.conv1d}; our portable C kernel ${fixed(s.portable_conv1d_instructions_per_mac, 3)}${cyclesPerMac(s.conv1d_cycles_per_mac ?? null, s.conv1d_cycles_pessimistic_per_mac ?? null)}.`,
		`- FC 64→32, per-channel, batch 1: **${fixed(s.fc_instructions_per_mac, 3)} instructions/MAC**; target ≤ ${s.targets_instructions_per_mac.fc}; our portable C kernel ${fixed(s.portable_fc_instructions_per_mac, 3)}${cyclesPerMac(s.fc_cycles_per_mac ?? null, s.fc_cycles_pessimistic_per_mac ?? null)}.`,
		"",
		`![SRAM vs time per policy](${input.plot})`,
		"",
		"## Per model and policy",
		"",
		...policyTable(input.models),
		"",
		"## Kernels at the deployment shapes (native/m4/bench/kernels.c, output checked against the reference kernels on the device)",
		"",
		"| kernel | MACs | insns | insns/MAC | est. cycles | est. cycles/MAC | pessimistic cycles/MAC | exact |",
		"|---|---:|---:|---:|---:|---:|---:|---|",
		...input.kernels.map(
			(k) =>
				`| ${k.kernel} | ${int(k.macs)} | ${int(k.insns)} | ${fixed(k.insns_per_mac, 3)} | ${opt(k.cycles, int)} | ${opt(k.cycles_per_mac, (x) => fixed(x, 3))} | ${opt(k.cycles_pessimistic_per_mac, (x) => fixed(x, 3))} | ${k.exact} |`,
		),
		"",
		"## Cycle model (an estimate: no board here)",
		"",
		...CYCLE_MODEL_NOTE,
		"",
		"## Models",
		"",
		...input.models.map((m) => `- **${m.name}** (${m.role}): ${int(m.needs.blob_bytes)} B blob, ${m.needs.gen_count} generated layers, ${int(m.macs_per_inference)} MACs per inference; from ${m.origin}.`),
		...(input.notMeasured ?? []).map((line) => `- Not measured: ${line}.`),
	];
	for (const m of input.models) {
		out.push("", `## ${m.name}: instructions per op (one inference) and per synthesis`, "", ...opTable(m));
		if (m.synthesis.length) {
			out.push("", "| generated layer | cout×cin | synthesis insns |", "|---:|---|---:|");
			for (const l of m.synthesis) out.push(`| ${l.layer} | ${l.cout}×${l.cin} | ${int(l.insns)} |`);
		}
	}
	return out.join("\n") + "\n";
}
