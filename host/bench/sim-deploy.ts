// The same model and policy on the desktop XS simulator (host/sim/entries/deploy.ts): wall time of creating the
// interpreter and of each inference (the fastest of a few runs: wall time on a shared host only gets noisier),
// and the checksum of its outputs.
import { lastJson, runSim } from "../cli/sim-runner.ts";
import type { DeployPolicy } from "./m4-deploy.ts";

export interface SimFigures {
	checksum: string;
	init_ms: number;
	first_result_ms: number;
	steady_ms: number;
	synthesized: number;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function simOnce(modelPath: string, policy: DeployPolicy, budget: number | undefined, windows: number, seed: number): SimFigures {
	const run = runSim("deploy", { resources: { "model.htpw": modelPath }, config: { policy, budget, windows, seed } });
	if (run.status !== 0) throw new Error(`the simulator failed on ${modelPath} (${policy}): ${(run.stderr || run.stdout).trim()}`);
	const r = lastJson(run);
	const infer: number[] = r.infer_us;
	return {
		checksum: r.crc,
		init_ms: r.init_us / 1000,
		first_result_ms: (r.init_us + infer[0]) / 1000,
		steady_ms: median(infer.slice(infer.length > 1 ? 1 : 0)) / 1000,
		synthesized: r.synthesized,
	};
}

export function runSimDeploy(modelPath: string, policy: DeployPolicy, budget: number | undefined, windows: number, seed: number, repeats = 3): SimFigures {
	const runs = Array.from({ length: repeats }, () => simOnce(modelPath, policy, budget, windows, seed));
	if (runs.some((r) => r.checksum !== runs[0].checksum)) throw new Error(`the simulator's checksum changed between runs on ${modelPath}`);
	const min = (f: (r: SimFigures) => number) => Math.min(...runs.map(f));
	return { ...runs[0], init_ms: min((r) => r.init_ms), first_result_ms: min((r) => r.first_result_ms), steady_ms: min((r) => r.steady_ms) };
}
