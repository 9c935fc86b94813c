// results/deploy/m4app.json and m4app.md from one bench:m4app report: the same numbers, the table written from
// the JSON's fields.
import type { M4AppReport } from "./bench.ts";
import type { Split } from "./analyze.ts";
import { BATTERIES } from "./power.ts";

const n = (x: number): string => Math.round(x).toLocaleString("en-US");
const pct = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)} %`;
const jsShare = (s: Split): string => (s.instructions > 0 ? pct(s.js / s.instructions, 1) : "-");
const row = (what: string, s: Split | undefined, note = ""): string =>
	s ? `| ${what} | ${n(s.instructions)} | ${n(s.js)} | ${n(s.native)} | ${jsShare(s)} | ${note} |` : `| ${what} | - | - | - | - | ${note} |`;

export function markdownReport(r: M4AppReport): string {
	const lines: string[] = [];
	lines.push("# The whole app on the nRF52840's core (QEMU mps2-an386, exact instruction counts)", "");
	lines.push(`Command: \`${r.command}\` at ${r.source.commit.slice(0, 12)}${r.source.modified ? " (with uncommitted changes to the app's sources)" : ""}. Model: \`${r.model.path}\`${r.model.note ? ` (${r.model.note})` : ""}.`);
	if (r.apnea)
		lines.push(`Apnea model: in the app (\`models/apnea.htpw\` as the resource apnea.htpw, policy ${r.apnea.policy}${r.apnea.budget ? ` with a ${n(r.apnea.budget)}-byte kernel budget` : ""}, the nRF52 board's config). Played ${r.apnea.record_seconds} s of the record with and without it (the same beats): ${r.apnea.minutes_assessed} minutes assessed, ${n(r.apnea.per_minute.instructions)} instructions per minute (${n(r.apnea.per_minute.native)} in C: synthesis and inference), ${n(r.apnea.per_ecg_second)} per second of ECG in all (its per-beat upkeep included).`);
	lines.push(
		`Input through the board's ADC front end at ${r.input.sample_rate} Hz in blocks of ${r.input.block_samples} samples (sampled without the CPU, as the nRF52840's SAADC does through EasyDMA): ${r.input.segments.map((s) => `${s.name} ${(s.count / r.input.sample_rate).toFixed(0)} s`).join(", ")}` +
			` (synthetic segments leave out their first ${(r.input.segments[1]?.settle ?? 0) / r.input.sample_rate} s while the detector re-learns).`,
		"",
	);
	lines.push("## Summary", "");
	lines.push("| figure | value |", "|---|---:|");
	lines.push(`| duty cycle at 64 MHz, 75 bpm (CPI ${r.assumptions.cpi}) | ${pct(r.summary.duty_cycle_64mhz_75bpm, 3)} |`);
	if (r.summary.duty_cycles_64mhz_75bpm !== undefined) {
		lines.push(`| duty cycle at 64 MHz, 75 bpm, by estimated cycles (cycle model; pessimistic in brackets) | ${pct(r.summary.duty_cycles_64mhz_75bpm, 3)} (${pct(r.summary.duty_cycles_pessimistic_64mhz_75bpm ?? NaN, 3)}) |`);
		lines.push(`| estimated cycles per second of ECG, 75 bpm (${(r.summary.cpi_75bpm ?? NaN).toFixed(3)} cycles per instruction) | ${n(r.summary.cycles_per_ecg_second ?? NaN)} |`);
		lines.push(`| estimated cycles per classified beat, 75 bpm | ${n(r.summary.cycles_per_beat ?? NaN)} |`);
	}
	if (r.summary.duty_cycle_64mhz_75bpm_with_apnea !== undefined && r.apnea)
		lines.push(`| the same with the apnea minutes (${n(r.apnea.per_minute.instructions)} instructions each, one a minute; CPI 1.5 / cycle model at the segment's CPI) | ${pct(r.summary.duty_cycle_64mhz_75bpm_with_apnea, 3)} / ${pct(r.summary.duty_cycles_64mhz_75bpm_with_apnea ?? NaN, 3)} |`);
	lines.push(`| instructions per second of ECG, 75 bpm | ${n(r.summary.instructions_per_ecg_second)} |`);
	lines.push(`| instructions per classified beat, 75 bpm | ${n(r.summary.instructions_per_beat)} |`);
	lines.push(`| boot instructions (VM, app, BLE connection) | ${n(r.summary.boot_instructions)} |`, "");
	lines.push("## Phases (instructions; JS = XS engine, interpreter and C library; C = our natives and the board's drivers)", "");
	lines.push("| phase | instructions | JS | C | JS share | note |", "|---|---:|---:|---:|---:|---|");
	lines.push(row("boot: XS VM (modCloneMachine)", r.boot.vm));
	lines.push(row("boot: app main module", r.boot.app, "model load, synthesis (boot), BLE server, input start"));
	lines.push(row("boot: BLE ready, connection, subscriptions", r.boot.ble));
	lines.push(row("model load + validation", r.phases.model_load_validation, "boot(lazy) - boot(no model)"));
	lines.push(row("synthesis under boot", r.phases.synthesis_boot, "boot(boot) - boot(lazy)"));
	lines.push(row("synthesis under lazy (first use)", r.phases.synthesis_lazy_first_use, "first classified beat(lazy) - steady beat(boot)"));
	lines.push(row("per beat without inference (no model)", r.phases.beat_without_inference, "windowing, rhythm, BLE packets"));
	lines.push(row("inference per beat (boot)", r.phases.inference_per_beat, "beat(boot) - beat(no model), same beats"));
	lines.push(row("trace line per beat (off on boards)", r.phases.trace_line_per_beat, "beat(traceBeats true) - beat(boot), same beats"));
	const af = r.phases.af_detector_per_beat;
	// At 75 bpm, 1.25 beats per second of ECG; duty at the clock and CPI the power figures assume.
	const afDuty = af ? (af.instructions * 1.25 * r.assumptions.cpi) / r.assumptions.clock_hz : undefined;
	lines.push(row("AF detector per beat (the rhythm layer)", af, `beat(boot) - beat(afDetector false), same beats${afDuty === undefined ? "" : `; at 75 bpm ${n(Math.round(af!.instructions * 1.25))} per second of ECG, ${pct(afDuty, 3)} duty`}`));
	for (const v of r.phases.variants) {
		lines.push(row(`${v.name}: boot`, v.boot));
		lines.push(row(`${v.name}: first classified beat`, v.firstClassifiedBeat, "excess over a block without a beat"));
		lines.push(row(`${v.name}: later beats (mean)`, v.steadyBeat));
	}
	lines.push("", "## ECG pipeline and beats, per input segment", "");
	lines.push("Per second of ECG: a synthetic segment's at exactly its rate (the pipeline per second plus rate / 60 beats; as its blocks measured it, with the beats they caught, in brackets).", "");
	lines.push(`| segment | beats | per second of ECG | JS share | pipeline per second (no beats) | pipeline JS share | per beat | per beat JS / C | block of ${r.input.block_samples} samples (no beat) |`);
	lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
	for (const s of r.segments)
		lines.push(
			`| ${s.name} | ${s.beats} | ${n(s.perSecond.instructions)}${s.measuredPerSecond && s.measuredPerSecond.instructions !== s.perSecond.instructions ? ` (${n(s.measuredPerSecond.instructions)})` : ""} | ${jsShare(s.perSecond)} | ${n(s.pipelinePerSecond.instructions)} | ${jsShare(s.pipelinePerSecond)} | ${s.perBeat ? n(s.perBeat.instructions) : "-"} | ${s.perBeat ? `${n(s.perBeat.js)} / ${n(s.perBeat.native)}` : "-"} | ${n(s.block.instructions)} |`,
		);
	lines.push("", `## On a wrist (CPU only; ${r.assumptions.excluded} excluded)`, "");
	lines.push(`Assumptions: ${r.assumptions.clock_hz / 1e6} MHz, CPI ${r.assumptions.cpi} (${r.assumptions.cpi_note}); active ${r.assumptions.cpu_active_ma} mA, idle ${r.assumptions.system_on_idle_ma * 1000} uA (${r.assumptions.source}).`, "");
	if (r.assumptions.cycle_model) lines.push(`${r.assumptions.cycle_model}.`, "");
	lines.push(
		`| segment | duty cycle (CPI ${r.assumptions.cpi}) | average current | ${BATTERIES.cr2032.what} | ${BATTERIES.lipo100.what} | duty by est. cycles (pessimistic) | average current by cycles | ${BATTERIES.cr2032.what} by cycles |`,
		"|---|---:|---:|---:|---:|---:|---:|---:|",
	);
	for (const [name, p] of Object.entries(r.power)) {
		const c = p.byCycles;
		lines.push(
			`| ${name} | ${pct(p.dutyCycle, 3)} | ${(p.averageMa * 1000).toFixed(1)} uA | ${(p.batteryHours.cr2032 / 24).toFixed(0)} days | ${(p.batteryHours.lipo100 / 24).toFixed(0)} days | ` +
				(c ? `${pct(c.dutyCycle, 3)} (${pct(c.dutyCyclePessimistic, 3)}) | ${(c.averageMa * 1000).toFixed(1)} uA | ${(c.batteryHours.cr2032 / 24).toFixed(0)} days |` : "- | - | - |"),
		);
	}
	if (r.cycles) {
		lines.push("", "Cycles per instruction the cycle model gives each segment's profiled blocks (all, pessimistic, in the C natives, in XS):", "");
		lines.push("| segment | blocks profiled | instructions profiled | CPI | pessimistic | C natives | XS |", "|---|---|---:|---:|---:|---:|---:|");
		for (const [name, c] of Object.entries(r.cycles))
			lines.push(`| ${name} | ${c.blocks.first}..${c.blocks.last} | ${n(c.profiled_instructions)} | ${c.cpi.toFixed(3)} | ${c.cpi_pessimistic.toFixed(3)} | ${c.cpi_native.toFixed(3)} | ${c.cpi_js.toFixed(3)} |`);
	}
	lines.push("", `## Where the instructions go, by part (policy boot: boot and the first ${r.profile.seconds} s of the record; C parts by the source file their code is in; per second of ECG: after the first block, beats included)`, "");
	lines.push("| part | instructions | share | per second of ECG | sources |", "|---|---:|---:|---:|---|");
	for (const p of r.profile.parts) lines.push(`| ${p.part} | ${n(p.instructions)} | ${pct(p.share, 1)} | ${n(p.per_ecg_second)} | ${p.sources.join(", ")} |`);
	lines.push("", `## Where the instructions go after boot (the first ${r.profile.seconds} s of the record less boot alone, per C function; fxRunID is XS's bytecode interpreter)`, "");
	lines.push("| function | instructions | share | per second of ECG |", "|---|---:|---:|---:|");
	for (const f of r.profile.functions) lines.push(`| \`${f.name}\` | ${n(f.instructions)} | ${pct(f.share, 1)} | ${n(f.per_ecg_second)} |`);
	lines.push("", `Run: ${n(r.run.ticks)} ADC blocks, ${n(r.run.beats)} beat packets, ${n(r.run.total_instructions)} guest instructions in all, ${r.run.wall_seconds.toFixed(0)} s under QEMU.`, "");
	return lines.join("\n");
}
