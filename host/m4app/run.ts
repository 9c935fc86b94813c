// Runs the app's ELF on qemu-system-arm -M mps2-an386 under the project's counting plugin
// (native/m4/plugin/region_count.c) and reads back what the board printed: one counted region per phase
// (boards/mps2-an386/platform/main.c: boot, ADC blocks, messages, timers), split into instructions in the C natives and in XS, the BLE recorder's
// notifications, and the app's own trace lines.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_BUILD, make, NATIVE } from "../bench/native-tools.ts";

const PLUGIN_TARGET = `${BENCH_BUILD}/m4/libregion_count.so`;
export const PLUGIN = join(NATIVE, PLUGIN_TARGET);

export interface Region {
	kind: "boot-vm" | "boot-app" | "msg" | "block" | "timer";
	/** The ADC block (from 1) it delivered (msg, timer: the block before it; boot: 0). */
	tick: number;
	instructions: number;
	/** Of which in the C natives (native/src, native/xs, the board's drivers). */
	native: number;
}

export interface BlePacket {
	tick: number;
	characteristic: string;
	bytes: Uint8Array;
}

export interface M4AppRun {
	regions: Region[];
	packets: BlePacket[];
	/** The app's trace output, in order. */
	trace: string[];
	/** ADC blocks delivered. */
	ticks: number;
	virtualMs: number;
	/** Every guest instruction of the run (start-up and the final dump included). */
	total: number;
	wallSeconds: number;
}

export function symbol(elf: string, name: string): number {
	const r = spawnSync(process.env.ARM_NM ?? "arm-none-eabi-nm", [elf], { encoding: "utf8", maxBuffer: 64 << 20 });
	if (r.status !== 0) throw new Error(`arm-none-eabi-nm ${elf} failed: ${r.stderr}`);
	const line = r.stdout.split("\n").find((l) => l.endsWith(` ${name}`));
	if (!line) throw new Error(`${elf} has no symbol ${name}`);
	return parseInt(line.split(" ")[0]!, 16) & ~1;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

export function ensurePlugin(): string {
	make([PLUGIN_TARGET]);
	return PLUGIN;
}

/** `maxTicks`: stop after that many ADC blocks (0: play the whole recording). */
/** `profile`: also write the plugin's per-address profile of the whole run there. */
export async function runM4App(elf: string, options: { maxTicks?: number; timeoutMs?: number; profile?: string } = {}): Promise<M4AppRun> {
	const plugin = ensurePlugin();
	const dir = mkdtempSync(join(tmpdir(), "m4app-"));
	try {
		const counts = join(dir, "counts");
		const split = `${hex(symbol(elf, "m4app_natives_start"))}-${hex(symbol(elf, "m4app_natives_end"))}`;
		const args = [
			"-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none",
			"-semihosting-config", "enable=on,target=native",
			"-plugin", `${plugin},begin=${hex(symbol(elf, "m4app_region_begin"))},end=${hex(symbol(elf, "m4app_region_end"))},split=${split},out=${counts}${options.profile ? `,profile=${options.profile}` : ""}`,
			"-kernel", elf, "-append", String(options.maxTicks ?? 0),
		];
		const started = performance.now();
		const { status, stdout, stderr } = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
			const child = spawn(process.env.QEMU ?? "qemu-system-arm", args, { stdio: ["ignore", "pipe", "pipe"] });
			let out = "";
			let err = "";
			child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
			child.stderr.setEncoding("utf8").on("data", (d) => (err += d));
			const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20 * 60_000);
			child.on("error", reject);
			child.on("close", (code) => {
				clearTimeout(timer);
				resolve({ status: code, stdout: out, stderr: err });
			});
		});
		const wallSeconds = (performance.now() - started) / 1000;
		const run = parseRun(stdout, readFileSync(counts, "utf8"));
		const errors = stdout.split("\n").filter((l) => l.startsWith("@error"));
		if (status !== 0 || errors.length) {
			const last = [...run.trace.slice(-15), ...errors].join("\n");
			throw new Error(`the app on mps2-an386 exited ${status}:\n${last}\n${stderr.trim().split("\n").slice(-5).join("\n")}`);
		}
		return { ...run, wallSeconds };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

export function parseRun(stdout: string, countsText: string): Omit<M4AppRun, "wallSeconds"> {
	const counts: [number, number][] = [];
	let total = 0;
	for (const line of countsText.split("\n")) {
		const f = line.split(" ");
		if (f[0] === "@count") counts.push([Number(f[1]), Number(f[2])]);
		else if (f[0] === "@total") total = Number(f[1]);
		else if (f[0] === "@error") throw new Error(`counting plugin: ${line}`);
	}
	const regions: Region[] = [];
	const packets: BlePacket[] = [];
	const trace: string[] = [];
	let ticks = 0;
	let virtualMs = 0;
	for (const line of stdout.split("\n")) {
		const f = line.split(" ");
		if (f[0] === "@region") {
			const count = counts[regions.length];
			if (!count) throw new Error(`region ${regions.length} (${line}) has no count: the run stopped inside it`);
			regions.push({ kind: f[1] as Region["kind"], tick: Number(f[2]), instructions: count[0], native: count[1] });
		} else if (f[0] === "@ble") {
			packets.push({ tick: Number(f[1]), characteristic: f[2]!, bytes: Uint8Array.from(Buffer.from(f[3] ?? "", "hex")) });
		} else if (f[0] === "@end") {
			virtualMs = Number(f[2]);
			ticks = Number(f[4]);
		} else if (line.length && !line.startsWith("@error")) {
			trace.push(line);
		}
	}
	if (counts.length !== regions.length) throw new Error(`${regions.length} regions but ${counts.length} counts`);
	return { regions, packets, trace, ticks, virtualMs, total };
}
