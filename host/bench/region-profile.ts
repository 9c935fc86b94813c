// Per-region instruction profiles of a native/m4/bench ELF, for the cycle model (cycle-model.ts): the ELF runs once
// more on QEMU mps2-an386 under host/bench/region-profile.c, which writes the executions of every address in
// every counted region. The counts themselves still come from the project's counting plugin (count.sh); each
// profile must add up to its region's count, which the callers check.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "../cli/sim-runner.ts";
import { disassemble, estimateCycles, NOMINAL, PESSIMISTIC } from "./cycle-model.ts";
import { BENCH_BUILD, NATIVE } from "./native-tools.ts";

const SOURCE = join(ROOT, "host/bench/region-profile.c");
export const PROFILE_PLUGIN = join(NATIVE, BENCH_BUILD, "m4/libregion_profile.so");

/** Builds the plugin with the host's cc when it is missing or older than its source. */
export function ensureProfilePlugin(): string {
	const stale = (() => {
		try {
			return statSync(PROFILE_PLUGIN).mtimeMs < statSync(SOURCE).mtimeMs;
		} catch {
			return true;
		}
	})();
	if (stale) {
		mkdirSync(dirname(PROFILE_PLUGIN), { recursive: true });
		const cc = process.env.CC ?? "cc";
		const r = spawnSync(cc, ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-fPIC", "-shared", "-fvisibility=hidden", `-I${join(NATIVE, "m4/plugin")}`, SOURCE, "-o", PROFILE_PLUGIN], { encoding: "utf8" });
		if (r.status !== 0) throw new Error(`${cc} ${SOURCE} failed:\n${r.stdout}${r.stderr}`);
	}
	return PROFILE_PLUGIN;
}

export interface RegionProfile {
	/** Instructions in the region as this run counted them (the counting overhead not subtracted). */
	instructions: number;
	/** Executions per instruction address. */
	profile: Map<number, number>;
}

export function parseRegionProfiles(text: string): RegionProfile[] {
	const out: RegionProfile[] = [];
	let current: RegionProfile | undefined;
	for (const line of text.split("\n")) {
		if (!line) continue;
		const [a, b, c] = line.split(" ");
		if (a === "@region") {
			current = { instructions: Number(c), profile: new Map() };
			out.push(current);
		} else if (a === "@error") {
			throw new Error(`region_profile: ${line}`);
		} else if (a!.startsWith("@")) {
			continue;
		} else if (current) {
			current.profile.set(parseInt(a!, 16), Number(b));
		}
	}
	return out;
}

function symbolAddress(elf: string, name: string): number {
	const r = spawnSync(process.env.ARM_NM ?? "arm-none-eabi-nm", [elf], { encoding: "utf8", maxBuffer: 64 << 20 });
	if (r.status !== 0) throw new Error(`arm-none-eabi-nm ${elf} failed: ${r.stderr}`);
	const line = r.stdout.split("\n").find((l) => l.endsWith(` ${name}`));
	if (!line) throw new Error(`${elf} has no symbol ${name}`);
	return parseInt(line.split(" ")[0]!, 16) & ~1;
}

/** Runs a native/m4/bench ELF (markers region_begin / region_end) and returns one profile per region, in order. */
export function profileRegions(elf: string, markers = { begin: "region_begin", end: "region_end" }): RegionProfile[] {
	const plugin = ensureProfilePlugin();
	const dir = mkdtempSync(join(tmpdir(), "region-profile-"));
	try {
		const outPath = join(dir, "profile");
		const hex = (n: number) => `0x${n.toString(16)}`;
		const r = spawnSync(
			process.env.QEMU ?? "qemu-system-arm",
			[
				"-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none",
				"-semihosting-config", "enable=on,target=native",
				"-plugin", `${plugin},begin=${hex(symbolAddress(elf, markers.begin))},end=${hex(symbolAddress(elf, markers.end))},out=${outPath}`,
				"-kernel", elf,
			],
			{ encoding: "utf8", maxBuffer: 64 << 20, timeout: 20 * 60_000, stdio: ["ignore", "pipe", "pipe"] },
		);
		if (r.status !== 0) throw new Error(`the profiled run of ${elf} exited ${r.status}: ${(r.stderr ?? "").slice(-2000)}`);
		return parseRegionProfiles(readFileSync(outPath, "utf8"));
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

export interface RegionCycles {
	/** Estimated Cortex-M4 cycles (cycle-model.ts, NOMINAL), the counting overhead's cycles subtracted. */
	cycles: number;
	/** The same under PESSIMISTIC (slowest refills, flash wait states at each, nothing paired). */
	cycles_pessimistic: number;
}

/**
 * Cycles of every region of a parsed report (m4-report.ts: "empty" first and dropped, its count subtracted),
 * from a profiled run of the same ELF. Each profile must hold exactly its region's instructions.
 */
export function regionCycles(elf: string, regions: { label: string; index: number; count: number }[]): RegionCycles[] {
	const profiles = profileRegions(elf);
	if (profiles.length !== regions.length + 1)
		throw new Error(`${elf}: ${profiles.length} profiled regions for ${regions.length} counted ones and "empty"`);
	const insns = disassemble(elf);
	const [empty, ...rest] = profiles;
	const emptyNominal = estimateCycles(insns, empty!.profile, NOMINAL).cycles;
	const emptyPessimistic = estimateCycles(insns, empty!.profile, PESSIMISTIC).cycles;
	return rest.map((p, k) => {
		const r = regions[k]!;
		if (p.instructions - empty!.instructions !== r.count)
			throw new Error(`${elf}: region ${r.label} ${r.index} counted ${r.count} instructions, its profile ${p.instructions - empty!.instructions}`);
		return {
			cycles: estimateCycles(insns, p.profile, NOMINAL).cycles - emptyNominal,
			cycles_pessimistic: estimateCycles(insns, p.profile, PESSIMISTIC).cycles - emptyPessimistic,
		};
	});
}
