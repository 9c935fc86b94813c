// The C core's build outputs the deployment bench drives: htrun (model needs) and the Cortex-M4 bench targets.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../cli/sim-runner.ts";

export const NATIVE = join(ROOT, "native");
/** The bench builds into its own directory: no make elsewhere (tests running in parallel) touches its files. */
export const BENCH_BUILD = "build/deploy";
export const HTRUN = join(NATIVE, BENCH_BUILD, "htrun");

/** Runs `make -C native BUILD=build/deploy <args>`; throws with its output when it fails. */
export function make(args: string[]): string {
	const r = spawnSync("make", ["-C", NATIVE, "--no-print-directory", `BUILD=${BENCH_BUILD}`, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
	if (r.status !== 0) throw new Error(`make ${args.join(" ")} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`.slice(0, 8000));
	return r.stdout;
}

/** What a runtime must provide for a model, as the C core computes it (`htrun info`). */
export interface ModelNeeds {
	blob_bytes: number;
	arena_bytes: number;
	synth_scratch_bytes: number;
	max_kernel_bytes: number;
	total_kernel_bytes: number;
	gen_count: number;
	op_count: number;
}

export function modelNeeds(path: string): ModelNeeds {
	const r = spawnSync(HTRUN, ["info", path], { encoding: "utf8" });
	if (r.status !== 0) throw new Error(`htrun info ${path} failed (exit ${r.status}): ${r.stderr.trim()}`);
	const needs: Record<string, number> = {};
	for (const line of r.stdout.trim().split("\n")) {
		const [key, value] = line.split(" ");
		needs[key] = Number(value);
	}
	return needs as unknown as ModelNeeds;
}
