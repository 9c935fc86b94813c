// The same C kernels and synthesis built for Cortex-M4 (arm-none-eabi-gcc, hard float) and run under
// qemu-system-arm -M mps2-an386 give the TypeScript reference's checksums bit for bit, as on x86.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readModel } from "../modules/model/index.ts";
import { runChecksum } from "../host/pack/checksum.ts";
import { randomModelBlob } from "../host/pack/random-model.ts";
import { ROOT } from "../host/cli/sim-runner.ts";
import { GOLDEN_ARCHS, GOLDEN_WINDOWS, goldenInputSeed, hex } from "./golden-archs.ts";
import { testWithTools } from "./toolchain.ts";

const NATIVE = join(ROOT, "native");
const ELF = join(NATIVE, "build/m4/htrun.elf");
const TOOLS = ["arm-none-eabi-gcc", "qemu-system-arm"];

function make(target: string): void {
	const r = spawnSync("make", ["-C", NATIVE, target], { encoding: "utf8" });
	if (r.status !== 0) throw new Error(`make ${target} failed:\n${r.stdout}${r.stderr}`);
}

/** htrun on the emulated Cortex-M4: arguments go over semihosting; the exit status is main's return value. */
function m4(args: string[]): { status: number | null; stdout: string; stderr: string } {
	const semihosting = ["enable=on", "target=native", "arg=htrun", ...args.map((a) => `arg=${a}`)].join(",");
	const r = spawnSync("qemu-system-arm", ["-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none", "-semihosting-config", semihosting, "-kernel", ELF], {
		encoding: "utf8",
		timeout: 300_000,
		stdio: ["ignore", "pipe", "pipe"],
	});
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

testWithTools("C unit tests and host/M4 agreement on the C test blobs (make qemu)", TOOLS, (t) => {
	const r = spawnSync("make", ["-C", NATIVE, "qemu"], { encoding: "utf8" });
	t.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
	t.regex(r.stdout, /qemu check: PASS/);
});

testWithTools(`Cortex-M4 under QEMU equals the TS reference on the golden architectures (${GOLDEN_WINDOWS} windows, boot, lazy and stream)`, TOOLS, (t) => {
	make("build/m4/htrun.elf");
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-m4-"));
	// Version 2 too: the M4's soft-float doubles must give TFLM's (and the host's) multipliers (docs/FORMAT.md §2a).
	const version2 = GOLDEN_ARCHS.slice(0, 2).map(({ seed, options }) => ({ seed, options: { ...options, version: 2 as const } }));
	for (const { seed, options } of [...GOLDEN_ARCHS, ...version2]) {
		const blob = randomModelBlob(seed, options);
		const path = join(dir, `golden-${seed}-v${options.version ?? 1}.htpw`);
		writeFileSync(path, blob);
		const inputSeed = goldenInputSeed(seed);
		const model = readModel(blob);
		const reference = hex(runChecksum(model, { seed: inputSeed, windows: GOLDEN_WINDOWS, policy: "boot" }).crc);
		const tight = model.maxKernelBytes;
		const streamSynthesized = runChecksum(model, { seed: inputSeed, windows: GOLDEN_WINDOWS, policy: "stream", budget: tight }).synthesized;
		const generated = model.kernelBytes.length;
		const runs = [
			{ policy: "boot", synthesized: generated },
			{ policy: "lazy", synthesized: generated },
			{ policy: `stream:${tight}`, synthesized: streamSynthesized },
		];
		for (const { policy, synthesized } of runs) {
			const r = m4(["checksum", path, String(GOLDEN_WINDOWS), String(inputSeed), policy]);
			t.is(r.status, 0, r.stderr);
			t.is(r.stdout.trim(), `checksum ${reference}\nsynthesized ${synthesized}`, `architecture ${seed} version ${options.version ?? 1}, ${policy}`);
		}
	}
	const bad = join(dir, "bad.htpw");
	const blob = randomModelBlob(11, GOLDEN_ARCHS[0].options);
	blob[blob.length - 1] ^= 0x10;
	writeFileSync(bad, blob);
	const r = m4(["validate", bad]);
	t.is(r.stdout.trim(), "CRC");
	t.is(r.status, 5, "a corrupted blob is rejected with its status code, not a fault");
});
