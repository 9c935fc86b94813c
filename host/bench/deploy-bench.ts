// Measures one model under every synthesis policy that applies to it: Cortex-M4 instruction counts (exact, under
// nRF52840 memory limits), simulator wall time, and the checksum every engine must agree on.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readModel } from "../../modules/model/index.ts";
import { OP_NAMES } from "../../modules/model/format.ts";
import { opMacs } from "../../modules/model/work.ts";
import { runChecksum } from "../pack/checksum.ts";
import type { BenchModel } from "./deploy-models.ts";
import { m4Figures, rerunM4Deploy, runM4Deploy, type DeployPolicy, type M4Figures } from "./m4-deploy.ts";
import { modelNeeds, type ModelNeeds } from "./native-tools.ts";
import { runSimDeploy, type SimFigures } from "./sim-deploy.ts";

export const CLOCK_HZ = 64_000_000;

type CycleField = "open_cycles" | "init_cycles" | "infer_cycles" | "first_result_cycles" | "steady_cycles" | "steady_cycles_pessimistic";

export interface PolicyRun {
	label: string;
	policy: DeployPolicy;
	budget_bytes: number | null;
	/** The cycle estimates are absent in results made before the cycle model. */
	m4: Omit<M4Figures, "size" | "ops" | "synth" | "infer_insns" | CycleField> & { infer_insns: number[] } & Partial<Pick<M4Figures, CycleField>>;
	/** Milliseconds at 64 MHz by instructions at one per cycle (as before), and by the cycle model (nominal). */
	ms_first_result_at_64mhz: number;
	ms_steady_at_64mhz: number;
	ms_first_result_at_64mhz_cycles?: number;
	ms_steady_at_64mhz_cycles?: number;
	sim: SimFigures | null;
}

export interface ModelResult {
	name: string;
	role: BenchModel["role"];
	origin: string;
	needs: ModelNeeds;
	macs_per_inference: number;
	/** The same ELF run twice gave the same count for every region. */
	repeatable: boolean;
	/** M4, simulator and the TypeScript reference gave the same checksum under every policy. */
	checksums_agree: boolean;
	reference_checksum: string;
	runs: PolicyRun[];
	ops: { op: number; opcode: string; macs: number; insns: number; insns_per_mac: number | null; cycles?: number; cycles_per_mac?: number | null }[];
	synthesis: { layer: number; cout: number; cin: number; insns: number; cycles?: number }[];
}

export interface BenchSettings {
	windows: number;
	seed: number;
	workDir: string;
	sim: boolean;
}

/** boot, lazy and stream at three budgets below all kernels (the largest kernel, halfway, all but 4 bytes). */
export function policiesFor(needs: ModelNeeds): { label: string; policy: DeployPolicy; budget: number | null }[] {
	if (needs.gen_count === 0) return [{ label: "stored", policy: "boot", budget: null }];
	const max = needs.max_kernel_bytes, total = needs.total_kernel_bytes;
	const runs: { label: string; policy: DeployPolicy; budget: number | null }[] = [
		{ label: "boot", policy: "boot", budget: null },
		{ label: "lazy", policy: "lazy", budget: null },
	];
	const budgets = [max, 4 * Math.ceil((max + total) / 8), total - 4].filter((b, i, all) => b >= max && b < total && all.indexOf(b) === i);
	for (const b of budgets) runs.push({ label: `stream@${b}`, policy: "stream", budget: b });
	return runs;
}

function hex(crc: number): string {
	return (crc >>> 0).toString(16).padStart(8, "0");
}

export function benchModel(model: BenchModel, settings: BenchSettings): ModelResult {
	const needs = modelNeeds(model.path);
	const parsed = readModel(new Uint8Array(readFileSync(model.path)));
	const reference = hex(runChecksum(parsed, { seed: settings.seed, windows: settings.windows, policy: "boot" }).crc);
	const runs: PolicyRun[] = [];
	let agree = true;
	let repeatable = true;
	let first: M4Figures | null = null;
	for (const p of policiesFor(needs)) {
		const outDir = join(settings.workDir, model.name, p.label);
		mkdirSync(outDir, { recursive: true });
		const run = { modelPath: model.path, needs, policy: p.policy, kernelBytes: p.budget ?? needs.total_kernel_bytes, windows: settings.windows, seed: settings.seed, outDir };
		const { report, size } = runM4Deploy(run);
		const m4 = m4Figures(run, report, size);
		if (!first) {
			first = m4;
			const again = rerunM4Deploy(outDir);
			repeatable = JSON.stringify(again.regions) === JSON.stringify(report.regions);
		}
		const sim = settings.sim ? runSimDeploy(model.path, p.policy, p.budget ?? undefined, settings.windows, settings.seed) : null;
		agree &&= m4.checksum === reference && (!sim || sim.checksum === reference);
		const { size: _size, ops: _ops, synth: _synth, ...rest } = m4;
		runs.push({
			label: p.label, policy: p.policy, budget_bytes: p.budget, m4: rest,
			ms_first_result_at_64mhz: (m4.first_result_insns / CLOCK_HZ) * 1000,
			ms_steady_at_64mhz: (m4.steady_insns / CLOCK_HZ) * 1000,
			ms_first_result_at_64mhz_cycles: (m4.first_result_cycles / CLOCK_HZ) * 1000,
			ms_steady_at_64mhz_cycles: (m4.steady_cycles / CLOCK_HZ) * 1000,
			sim,
		});
	}
	const base = first as M4Figures;
	const layers = parsed.generator?.layers ?? [];
	return {
		name: model.name, role: model.role, origin: model.origin, needs,
		macs_per_inference: parsed.ops.reduce((sum, _, i) => sum + opMacs(parsed, i), 0),
		repeatable, checksums_agree: agree, reference_checksum: reference, runs,
		ops: base.ops.map(({ op, insns, cycles }) => {
			const macs = opMacs(parsed, op);
			return { op, opcode: OP_NAMES[parsed.ops[op].opcode], macs, insns, insns_per_mac: macs ? insns / macs : null, cycles, cycles_per_mac: macs ? cycles / macs : null };
		}),
		synthesis: base.synth.map(({ layer, insns, cycles }) => ({ layer, cout: layers[layer].cout, cin: layers[layer].cin, insns, cycles })),
	};
}
