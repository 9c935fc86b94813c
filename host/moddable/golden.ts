// The golden runs of docs/FORMAT.md §7 in a real Moddable build (host/moddable/apps/golden): the blobs of the
// golden architectures go to the build's data folder, the runs to mc/config, and the app's trace lines are
// compared with the TypeScript reference.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readModel } from "../../modules/model/index.ts";
import { runChecksum } from "../pack/checksum.ts";
import { randomModelBlob } from "../pack/random-model.ts";
import { GOLDEN_ARCHS, GOLDEN_WINDOWS, goldenInputSeed, hex } from "../../test/golden-archs.ts";
import { ROOT } from "./toolchain.ts";

export const GOLDEN_APP = join(ROOT, "host/moddable/apps/golden/manifest.json");
export const RESULT_PREFIX = "hypertiny-golden ";
export const DONE_LINE = /^hypertiny-golden done$/;

export type GoldenPolicy = "boot" | "lazy" | "stream";

export interface GoldenRun {
	model: string;
	policy: GoldenPolicy;
	windows: number;
	seed: number;
	budget?: number;
}

export interface GoldenExpectation {
	run: GoldenRun;
	arch: number;
	blob: Uint8Array;
	crc: string;
	first: number[];
	synthesizedAtStart: number;
	synthesized: number;
}

/**
 * Writes golden-<seed>.htpw for each architecture into `dataDir` (emptied first) and returns the runs (stream at the
 * tightest budget, the largest kernel) with the reference's results.
 */
export function prepareGolden(dataDir: string, options: { seeds?: number[]; policies?: GoldenPolicy[]; windows?: number } = {}): GoldenExpectation[] {
	const policies = options.policies ?? ["boot", "lazy", "stream"];
	const windows = options.windows ?? GOLDEN_WINDOWS;
	rmSync(dataDir, { recursive: true, force: true });
	mkdirSync(dataDir, { recursive: true });
	const expectations: GoldenExpectation[] = [];
	for (const { seed, options: archOptions } of GOLDEN_ARCHS) {
		if (options.seeds && !options.seeds.includes(seed)) continue;
		const blob = randomModelBlob(seed, archOptions);
		const name = `golden-${seed}.htpw`;
		writeFileSync(join(dataDir, name), blob);
		const model = readModel(blob);
		const inputSeed = goldenInputSeed(seed);
		const generated = model.kernelBytes.length;
		for (const policy of policies) {
			const budget = policy === "stream" ? model.maxKernelBytes : undefined;
			const reference = runChecksum(model, { seed: inputSeed, windows, policy, budget });
			const run: GoldenRun = { model: name, policy, windows, seed: inputSeed, ...(budget === undefined ? {} : { budget }) };
			expectations.push({
				run,
				arch: seed,
				blob,
				crc: hex(reference.crc),
				first: Array.from(reference.first),
				synthesizedAtStart: policy === "boot" ? generated : 0,
				synthesized: reference.synthesized,
			});
		}
	}
	return expectations;
}

export interface GoldenResult {
	model?: string;
	policy?: string;
	crc?: string;
	first?: number[];
	synthesizedAtStart?: number;
	synthesized?: number;
	compactions?: number;
	ms?: number;
	error?: string;
}

/** The app's result lines, in order. */
export function goldenResults(lines: string[]): GoldenResult[] {
	const results: GoldenResult[] = [];
	for (const line of lines) {
		const at = line.indexOf(RESULT_PREFIX);
		if (at < 0) continue;
		const rest = line.slice(at + RESULT_PREFIX.length);
		if (!rest.startsWith("{")) continue;
		try {
			results.push(JSON.parse(rest));
		} catch {
			results.push({ error: `unparsable result line: ${rest}` });
		}
	}
	return results;
}
