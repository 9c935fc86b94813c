// npm run bench:m4app: the whole app on the emulated nRF52840 core, counted. One input for every figure: a window
// of a bundled MIT-BIH record, then synthetic ECG at 60, 75 and 120 bpm and a beat-free baseline ("rest"), played
// through the board's ADC front end at MIT-BIH's 360 Hz. The app with the project's default model
// (models/default.htpw, or --model) under policy boot runs it all; the same archive built with other configs (no
// model, lazy, stream at two budgets) runs the record's first seconds for the boot and first-use figures.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { decodeBeat } from "../../modules/ble/protocol.ts";
import { readModel } from "../../modules/model/index.ts";
import { opExecutedMacs, opMacs } from "../../modules/model/work.ts";
import { encodeEcgResource, type EcgRecording } from "../app/ecg-resource.ts";
import { BENCH_BUILD, make, modelNeeds } from "../bench/native-tools.ts";
import { NRF52_MANIFEST } from "../moddable/ram-budget.ts";
import { ROOT, type Toolchain } from "../moddable/toolchain.ts";
import { bootCost, firstClassifiedBeat, segmentCost, split, type Segment, type SegmentCost, type Split } from "./analyze.ts";
import { BOARD_MANIFEST, buildM4App } from "./build.ts";
import { cyclesOf, segmentCycles, type SegmentCycles } from "./cycles.ts";
import { powerOf, ASSUMPTIONS, type PowerEstimate } from "./power.ts";
import { boardRecording } from "./recording.ts";
import { profileByFunction, profileBySource, type FunctionShare, type PartShare } from "./profile.ts";
import { runM4App, type M4AppRun } from "./run.ts";
import { syntheticEcg } from "./synthetic.ts";

export const DEFAULT_OUT = join(ROOT, "build/m4app");
export const DEFAULT_MODEL = join(ROOT, "models/default.htpw");

/** The board's ADC as its manifest configures it (boards/mps2-an386/manifest.json): MIT-BIH's front end. */
function boardAdc(): { sampleRate: number; adcBits: number; adcGain: number; blockSamples: number } {
	const c = JSON.parse(readFileSync(BOARD_MANIFEST, "utf8")).config;
	const adc = { sampleRate: Number(c.sampleRate), adcBits: Number(c.adcBits), adcGain: Number(c.adcGain), blockSamples: Number(c.adcBlockSamples) };
	for (const [k, v] of Object.entries(adc)) if (!(Number.isInteger(v) && v > 0)) throw new Error(`${BOARD_MANIFEST}: config for ${k} is not a positive integer`);
	return adc;
}
export const BOARD_ADC = boardAdc();
const SETTLE_SECONDS = 5;
const VARIANT_SECONDS = 12;

export interface M4AppInput {
	recording: EcgRecording;
	segments: Segment[];
}

/** The record's window, then the synthetic segments, as one recording. */
export async function benchInput(record: string, recordSeconds: number, segmentSeconds: number, synthetic = true): Promise<M4AppInput> {
	const rec = await boardRecording(record, 0, recordSeconds, BOARD_ADC);
	const parts: { name: string; samples: Int16Array; settle: number; bpm?: number }[] = [{ name: `MIT-BIH ${record}`, samples: rec.samples, settle: 0 }];
	if (synthetic) {
		const settle = SETTLE_SECONDS * rec.sampleRate;
		for (const bpm of [60, 75, 120]) parts.push({ name: `${bpm} bpm`, samples: syntheticEcg(rec, bpm, segmentSeconds, bpm), settle, bpm });
		parts.push({ name: "rest (no beats)", samples: syntheticEcg(rec, 0, segmentSeconds, 7), settle });
	}
	const total = parts.reduce((n, p) => n + p.samples.length, 0);
	const samples = new Int16Array(total);
	const segments: Segment[] = [];
	let at = 0;
	for (const p of parts) {
		samples.set(p.samples, at);
		segments.push({ name: p.name, start: at, count: p.samples.length, settle: p.settle, ...(p.bpm ? { bpm: p.bpm } : {}) });
		at += p.samples.length;
	}
	return { recording: { ...rec, name: `${record}+synthetic`, samples, beats: rec.beats }, segments };
}

export interface VariantFigures {
	name: string;
	config: Record<string, unknown>;
	boot: Split;
	firstClassifiedBeat: Split | undefined;
	steadyBeat: Split | undefined;
}

export interface M4AppReport {
	summary: {
		duty_cycle_64mhz_75bpm: number;
		instructions_per_ecg_second: number;
		instructions_per_beat: number;
		boot_instructions: number;
		/** By the cycle model (cycles.ts): duty at 64 MHz and 75 bpm, nominal and pessimistic, the cycles behind it
		 * and the cycles per instruction they imply (against the CPI the instruction duty assumes). */
		duty_cycles_64mhz_75bpm?: number;
		duty_cycles_pessimistic_64mhz_75bpm?: number;
		cycles_per_ecg_second?: number;
		cycles_per_beat?: number;
		cpi_75bpm?: number;
		/** The same duties with the apnea minutes amortized (one assessment a minute; apneaMinutes below), when the
		 * board's app carries the apnea model. */
		duty_cycle_64mhz_75bpm_with_apnea?: number;
		duty_cycles_64mhz_75bpm_with_apnea?: number;
	};
	/** What the apnea model costs the board's app, when its build carries one (the nRF52's config: apneaPolicy,
	 * apneaBudget): the same record played with and without it, over enough minutes to assess some. */
	apnea?: ApneaCost;
	command: string;
	/** The commit the app was built from, and whether the checkout had changes beyond it. */
	source: { commit: string; modified: boolean };
	model: { path: string; note: string };
	input: { record: string; record_seconds: number; segments: Segment[]; sample_rate: number; block_samples: number };
	boot: ReturnType<typeof bootCost>;
	phases: {
		model_load_validation: Split;
		synthesis_boot: Split;
		synthesis_lazy_first_use: Split | undefined;
		/** A beat with no model: windowing, rhythm and BLE packets, no inference. */
		beat_without_inference: Split | undefined;
		/** A beat's inference (boot policy): its beat minus a beat without a model. */
		inference_per_beat: Split | undefined;
		/** The "beat ..." trace line (config.traceBeats, off on boards): a beat with it minus a beat without it. */
		trace_line_per_beat: Split | undefined;
		/** The AF detector (the rhythm layer, config.afDetector): a beat minus a beat without it. */
		af_detector_per_beat: Split | undefined;
		variants: VariantFigures[];
	};
	segments: SegmentCost[];
	power: Record<string, PowerEstimate>;
	/** The cycle model's cycles per instruction in each segment (its blocks after settling, profiled). */
	cycles?: Record<string, SegmentCycles>;
	/** Where the instructions of boot and the record's first seconds go (policy boot): per C function, and per part
	 * of the app (the sources of the C natives: ECG filtering, detection, quality and windows, model input,
	 * inference; the rest is XS, the JS, and the C library), in all and per second of ECG after boot (the same run
	 * stopped after its first block, subtracted). */
	profile: { seconds: number; functions: (FunctionShare & { per_ecg_second: number })[]; parts: (PartShare & { per_ecg_second: number })[] };
	assumptions: typeof ASSUMPTIONS;
	run: { ticks: number; virtual_ms: number; total_instructions: number; beats: number; wall_seconds: number };
	elf: string;
}

const classified = (bytes: Uint8Array): boolean => decodeBeat(bytes).classIndex !== undefined;

/** Seconds of the record the apnea runs play: minute m is assessed at 60·m + 284 s (apnea-minutes.ts), so two. */
const APNEA_SECONDS = 360;

export interface ApneaCost {
	/** The nRF52 board's apnea config (boards/nrf52/manifest.json; unset: the beat model's policy). */
	policy: string;
	budget: number | undefined;
	record_seconds: number;
	minutes_assessed: number;
	/** Per assessed minute: the blocks that assessed one, with the model minus without it (input, synthesis under the
	 * board's policy, inference, packet, trace line). */
	per_minute: Split;
	/** Everything the model adds, over the whole run (its per-beat ring included), per second of ECG. */
	per_ecg_second: number;
}

/** The board's app with and without its apnea model (config apneaModel ""), the same beats; undefined when the
 * build carries none. */
async function apneaCost(tool: Toolchain, o: { outDir: string; model: string; record: string; log: (line: string) => void }): Promise<ApneaCost | undefined> {
	const input = await benchInput(o.record, APNEA_SECONDS, 0, false);
	const ecg = encodeEcgResource(input.recording);
	const runs: M4AppRun[] = [];
	for (const config of [{ policy: "boot" }, { policy: "boot", apneaModel: "" }]) {
		const built = await buildM4App(tool, { outDir: o.outDir, model: o.model, ecg, config, log: o.log });
		o.log(`running ${config.apneaModel === "" ? "without" : "with"} the apnea model (${APNEA_SECONDS} s of the record)`);
		runs.push(await runM4App(built.elf));
	}
	const [on, off] = runs as [M4AppRun, M4AppRun];
	const beatsOf = (run: M4AppRun) => run.packets.filter((p) => p.characteristic === "beat").map((p) => Buffer.from(p.bytes).toString("hex")).join();
	if (beatsOf(on) !== beatsOf(off)) throw new Error("bench:m4app: the apnea model changed the beats");
	const minuteTicks = new Set(on.packets.filter((p) => p.characteristic === "apnea").map((p) => p.tick));
	if (minuteTicks.size === 0) return undefined;
	const byTick = (run: M4AppRun): Map<number, Split> => {
		const m = new Map<number, Split>();
		for (const r of run.regions) {
			if (r.kind === "boot-vm" || r.kind === "boot-app") continue;
			const t = m.get(r.tick) ?? split(0, 0);
			m.set(r.tick, split(t.instructions + r.instructions, t.native + r.native));
		}
		return m;
	};
	const a = byTick(on), b = byTick(off);
	let minute = split(0, 0), all = 0;
	for (const [tick, x] of a) {
		const y = b.get(tick) ?? split(0, 0);
		all += x.instructions - y.instructions;
		if (minuteTicks.has(tick)) minute = split(minute.instructions + x.instructions - y.instructions, minute.native + x.native - y.native);
	}
	const seconds = (on.ticks * BOARD_ADC.blockSamples) / BOARD_ADC.sampleRate;
	const board = JSON.parse(readFileSync(NRF52_MANIFEST, "utf8")).config ?? {};
	return {
		policy: String(board.apneaPolicy ?? "boot"),
		budget: board.apneaBudget,
		record_seconds: APNEA_SECONDS,
		minutes_assessed: minuteTicks.size,
		per_minute: split(minute.instructions / minuteTicks.size, minute.native / minuteTicks.size),
		per_ecg_second: all / seconds,
	};
}

export interface BenchOptions {
	outDir?: string;
	record?: string;
	recordSeconds?: number;
	segmentSeconds?: number;
	/** The model the app classifies with (at the board's 360 Hz); default models/default.htpw. */
	model?: string;
	log?: (line: string) => void;
}

export async function benchM4App(tool: Toolchain, o: BenchOptions = {}): Promise<M4AppReport> {
	const log = o.log ?? (() => {});
	const outDir = o.outDir ?? DEFAULT_OUT;
	const record = o.record ?? "119";
	const recordSeconds = o.recordSeconds ?? 60;
	const input = await benchInput(record, recordSeconds, o.segmentSeconds ?? 20);
	const ecg = encodeEcgResource(input.recording);
	const model = o.model ?? DEFAULT_MODEL;
	make([`${BENCH_BUILD}/htrun`]);
	const needs = modelNeeds(model);

	const variants: { name: string; config: Record<string, unknown>; model: string | undefined }[] = [
		{ name: "no model", config: {}, model: undefined },
		{ name: "lazy", config: { policy: "lazy" }, model },
		{ name: "boot, with the trace line per beat", config: { policy: "boot", traceBeats: true }, model },
		{ name: "boot, no AF detector", config: { policy: "boot", afDetector: false }, model },
		{ name: `stream, budget ${needs.max_kernel_bytes} B (largest kernel)`, config: { policy: "stream", budget: needs.max_kernel_bytes }, model },
		{ name: `stream, budget ${needs.total_kernel_bytes} B (all kernels)`, config: { policy: "stream", budget: needs.total_kernel_bytes }, model },
	];
	const figures: VariantFigures[] = [];
	// Blocks of the ADC front end in the record's first VARIANT_SECONDS.
	const variantTicks = Math.floor((VARIANT_SECONDS * BOARD_ADC.sampleRate) / BOARD_ADC.blockSamples);
	for (const v of variants) {
		const built = await buildM4App(tool, { outDir, model: v.model, ecg, config: v.config, log });
		log(`running ${v.name} (${VARIANT_SECONDS} s of the record)`);
		const run = await runM4App(built.elf, { maxTicks: variantTicks });
		expectClassification(run, v.model !== undefined, v.name);
		figures.push(variantFigures(v.name, v.config, run, input.segments[0]!));
	}
	const built = await buildM4App(tool, { outDir, model, ecg, config: { policy: "boot" }, log });
	log(`running the app (policy boot) on ${input.recording.samples.length / BOARD_ADC.sampleRate} s of ECG`);
	const run = await runM4App(built.elf);
	expectClassification(run, true, "policy boot");
	const main = variantFigures("policy boot", {}, run, input.segments[0]!);
	figures.unshift(main);
	const profilePath = join(outDir, "profile.txt");
	const bootProfilePath = join(outDir, "profile-boot.txt");
	await runM4App(built.elf, { maxTicks: variantTicks, profile: profilePath });
	await runM4App(built.elf, { maxTicks: 1, profile: bootProfilePath });
	const bootParts = new Map(profileBySource(built.elf, bootProfilePath).map((p) => [p.part, p.instructions]));
	const ecgSeconds = ((variantTicks - 1) * BOARD_ADC.blockSamples) / BOARD_ADC.sampleRate;
	const parts = profileBySource(built.elf, profilePath).map((p) => ({ ...p, per_ecg_second: Math.round((p.instructions - (bootParts.get(p.part) ?? 0)) / ecgSeconds) }));
	// Per function after boot: boot's model load and its garbage collections would otherwise head the list.
	const functions = profileByFunction(built.elf, profilePath, 20, bootProfilePath).map((f) => ({ ...f, per_ecg_second: Math.round(f.instructions / ecgSeconds) }));
	const profile = { seconds: VARIANT_SECONDS, functions, parts };
	const boot = bootCost(run);
	const segments = input.segments.map((s) => segmentCost(run, s, BOARD_ADC.sampleRate, BOARD_ADC.blockSamples));
	const at75 = segments.find((s) => s.name === "75 bpm")!;
	const noModel = figures.find((f) => f.name === "no model")!;
	const lazy = figures.find((f) => f.name === "lazy")!;
	const withTrace = figures.find((f) => f.name === "boot, with the trace line per beat")!;
	const noAf = figures.find((f) => f.name === "boot, no AF detector")!;
	// The same first seconds as the variants, so a difference compares the same beats.
	const mainShort = variantFigures("policy boot", {}, { ...run, ticks: variantTicks, regions: run.regions.filter((r) => r.tick <= variantTicks) }, { ...input.segments[0]!, count: variantTicks * BOARD_ADC.blockSamples });
	const diff = (a: Split, b: Split): Split => split(a.instructions - b.instructions, a.native - b.native);
	const cycles = await segmentCycles(built.elf, input.segments, BOARD_ADC.blockSamples, log);
	const power: Record<string, PowerEstimate> = {};
	for (const s of segments) {
		const c = cycles[s.name]!;
		power[s.name] = powerOf(s.perSecond.instructions, { perSecond: cyclesOf(s.perSecond, c), perSecondPessimistic: s.perSecond.instructions * c.cpi_pessimistic });
	}
	const at75Cycles = power["75 bpm"]!.byCycles!;
	const apnea = await apneaCost(tool, { outDir, model, record, log });
	// The 75 bpm segment is too short to assess a minute: its duty with the minutes' cost spread over each minute.
	const withApnea = apnea ? (at75.perSecond.instructions + apnea.per_minute.instructions / 60) / at75.perSecond.instructions : undefined;
	return {
		summary: {
			duty_cycle_64mhz_75bpm: power["75 bpm"]!.dutyCycle,
			instructions_per_ecg_second: at75.perSecond.instructions,
			instructions_per_beat: at75.perBeat?.instructions ?? NaN,
			boot_instructions: boot.total.instructions,
			duty_cycles_64mhz_75bpm: at75Cycles.dutyCycle,
			duty_cycles_pessimistic_64mhz_75bpm: at75Cycles.dutyCyclePessimistic,
			cycles_per_ecg_second: Math.round(at75Cycles.cyclesPerSecond),
			cycles_per_beat: at75.perBeat ? Math.round(cyclesOf(at75.perBeat, cycles["75 bpm"]!)) : NaN,
			cpi_75bpm: at75Cycles.cyclesPerSecond / at75.perSecond.instructions,
			duty_cycle_64mhz_75bpm_with_apnea: withApnea === undefined ? undefined : power["75 bpm"]!.dutyCycle * withApnea,
			duty_cycles_64mhz_75bpm_with_apnea: withApnea === undefined ? undefined : at75Cycles.dutyCycle * withApnea,
		},
		apnea,
		command: "npm run bench:m4app",
		source: sourceState(),
		model: { path: relative(ROOT, model), note: modelNote(model) },
		input: { record, record_seconds: recordSeconds, segments: input.segments, sample_rate: BOARD_ADC.sampleRate, block_samples: BOARD_ADC.blockSamples },
		boot,
		phases: {
			model_load_validation: diff(lazy.boot, noModel.boot),
			synthesis_boot: diff(main.boot, lazy.boot),
			synthesis_lazy_first_use: lazy.firstClassifiedBeat && main.steadyBeat ? diff(lazy.firstClassifiedBeat, main.steadyBeat) : undefined,
			beat_without_inference: noModel.steadyBeat,
			inference_per_beat: mainShort.steadyBeat && noModel.steadyBeat ? diff(mainShort.steadyBeat!, noModel.steadyBeat) : undefined,
			trace_line_per_beat: withTrace.steadyBeat && mainShort.steadyBeat ? diff(withTrace.steadyBeat, mainShort.steadyBeat!) : undefined,
			af_detector_per_beat: noAf.steadyBeat && mainShort.steadyBeat ? diff(mainShort.steadyBeat!, noAf.steadyBeat) : undefined,
			variants: figures,
		},
		segments,
		power,
		cycles,
		profile,
		assumptions: ASSUMPTIONS,
		run: { ticks: run.ticks, virtual_ms: run.virtualMs, total_instructions: run.total, beats: run.packets.filter((p) => p.characteristic === "beat").length, wall_seconds: run.wallSeconds },
		elf: built.elf,
	};
}

/** A figure from a build that silently lost its model (or kept one) would be wrong: say so instead. */
function expectClassification(run: M4AppRun, withModel: boolean, name: string): void {
	const beats = run.packets.filter((p) => p.characteristic === "beat");
	const classifiedBeats = beats.filter((p) => classified(p.bytes)).length;
	if (beats.length === 0) throw new Error(`${name}: the app reported no beat\n${run.trace.slice(0, 5).join("\n")}`);
	if (withModel ? classifiedBeats === 0 : classifiedBeats > 0)
		throw new Error(`${name}: ${classifiedBeats} of ${beats.length} beats classified, expected ${withModel ? "all" : "none"}\n${run.trace.slice(0, 3).join("\n")}`);
}

/** Boot, the first classified beat's excess and the mean excess of the later beats, in the record's segment. */
function variantFigures(name: string, config: Record<string, unknown>, run: M4AppRun, record: Segment): VariantFigures {
	const boot = bootCost(run).total;
	const cost = segmentCost(run, { ...record, count: Math.min(record.count, run.ticks * BOARD_ADC.blockSamples) }, BOARD_ADC.sampleRate, BOARD_ADC.blockSamples);
	const first = firstClassifiedBeat(run, classified, cost.block);
	// Later beats: the mean over the beats after the first classified one, which under lazy and stream also
	// synthesizes (averaged in, it added a ninth of the synthesis to every beat of a 12 s run).
	let steadyBeat = cost.perBeat;
	if (steadyBeat && first && cost.beats > 1) {
		const n = cost.beats;
		steadyBeat = split((steadyBeat.instructions * n - first.excess.instructions) / (n - 1), (steadyBeat.native * n - first.excess.native) / (n - 1));
	}
	return { name, config, boot, firstClassifiedBeat: first?.excess, steadyBeat };
}

/** What the model is, from the blob itself (the report names the model it measured). */
function modelNote(path: string): string {
	const blob = readFileSync(path);
	const m = readModel(new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength));
	let macs = 0, executed = 0;
	for (let i = 0; i < m.ops.length; i++) {
		macs += opMacs(m, i);
		executed += opExecutedMacs(m, i);
	}
	const features = Array.isArray(m.meta.features) ? `, features ${m.meta.features.join(", ")}` : "";
	const lead = executed !== macs ? ` (${(executed / 1e6).toFixed(2)} M executed: the first convolution on the lead only)` : "";
	return `${m.meta.name ?? "unnamed"}: ${blob.length.toLocaleString("en-US")} bytes, input ${m.input.length}x${m.input.channels}${features}, ${(macs / 1e6).toFixed(2)} M MACs per inference${lead}, crc32 ${m.crc.toString(16).padStart(8, "0")}`;
}

function sourceState(): { commit: string; modified: boolean } {
	const git = (args: string[]): string => {
		const r = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
		return r.status === 0 ? r.stdout.trim() : "";
	};
	const commit = git(["rev-parse", "HEAD"]) || "unknown";
	// Changes to what the app is built from (tracked files under these paths).
	const modified = git(["status", "--porcelain", "--untracked-files=no", "--", "modules", "native", "boards", "manifest.json", "host/m4app", "models"]) !== "";
	return { commit, modified };
}
