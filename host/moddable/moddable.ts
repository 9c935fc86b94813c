// Real Moddable SDK builds of hypertiny apps: mcconfig for lin (mcsim) and nrf52/dk, mcsim run headless with the
// app's trace collected through the SDK's xsbug-log, and what a firmware build tells: the memory summary, the
// Intel HEX image, the linker map.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Toolchain } from "./toolchain.ts";
import { ROOT } from "./toolchain.ts";

export type Platform = "lin" | "nrf52/dk" | "esp32";

export interface BuildOptions {
	/** The app's manifest.json. */
	manifest: string;
	platform: Platform;
	/** mcconfig -o: the build's tmp/ and bin/ go here (created if missing). */
	outDir: string;
	/** -d: a debug build (instrumented, connects to xsbug; mcsim runs need it to print trace output). */
	debug?: boolean;
	/** mc/config overrides, `name=value` on the mcconfig command line (values become strings, objects JSON). */
	config?: Record<string, unknown>;
	/** Extra environment, e.g. manifest build variables declared `NAME ?=`. */
	env?: Record<string, string>;
	timeoutMs?: number;
	/** false: no -m, mcconfig only resolves the manifest and writes the makefile (ESP32 without ESP-IDF). */
	make?: boolean;
	/** -t TARGET of the generated makefile (default build: never launches a debugger or flashes). */
	target?: string;
	/** Print the build's output as it comes (a person watching), besides collecting it. */
	echo?: boolean;
}

export interface BuildResult {
	status: number | null;
	/** stdout and stderr of mcconfig and the make it runs, interleaved. */
	output: string;
	seconds: number;
	command: string;
	/** The folder holding mc.so (lin), xs_nrf52.hex/.uf2 (nrf52) or xs_esp32.bin (esp32), when the build made one. */
	binDir?: string;
	/** The build's tmp folder (makefile, mc.xs.c, the compiled modules). */
	tmpDir?: string;
}

function findFile(dir: string, name: string): string | undefined {
	let entries: string[];
	try {
		entries = readdirSync(dir);
	} catch {
		return undefined;
	}
	for (const entry of entries) {
		const path = join(dir, entry);
		if (entry === name) return path;
		if (statSync(path).isDirectory()) {
			const found = findFile(path, name);
			if (found) return found;
		}
	}
	return undefined;
}

/** The file a finished build of `platform` leaves in its bin folder. */
export const ARTIFACT: Record<Platform, string> = { lin: "mc.so", "nrf52/dk": "xs_nrf52.hex", esp32: "xs_esp32.bin" };

/** Runs `mcconfig [-d] -m -p PLATFORM -t build -o OUT MANIFEST [name=value]...` (never launches a debugger). */
/**
 * Removes the data copies (the model, the playback recording) an earlier build left under `dir`: make copies
 * data only when the source is newer than the copy, so a build with an older model file would otherwise keep the
 * previous model without a word.
 */
function forgetDataCopies(dir: string): void {
	if (!existsSync(dir)) return;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) forgetDataCopies(path);
		else if (entry.name === "model.htpw" || entry.name === "ecg.bin") rmSync(path);
	}
}

export function mcconfig(tool: Toolchain, options: BuildOptions): Promise<BuildResult> {
	const outDir = resolve(options.outDir);
	mkdirSync(outDir, { recursive: true });
	forgetDataCopies(join(outDir, "tmp"));
	if (options.platform.startsWith("nrf52")) forgetHeapSizedObjects(join(outDir, "tmp"));
	const args = [...(options.debug ? ["-d"] : []), ...(options.make === false ? [] : ["-m"]), "-p", options.platform, "-t", options.target ?? "build", "-o", outDir, resolve(options.manifest)];
	for (const [name, value] of Object.entries(options.config ?? {})) {
		args.push(`${name}=${typeof value === "string" ? value : JSON.stringify(value)}`);
	}
	const env = { ...tool.env, ...options.env };
	const command = `${Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v} `).join("")}mcconfig ${args.map((a) => (/^[\w./=:,@+-]+$/.test(a) ? a : `'${a}'`)).join(" ")}`;
	const started = Date.now();
	return new Promise((resolvePromise) => {
		const child = spawn(tool.mcconfig, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
		let output = "";
		child.stdout.on("data", (d) => {
			output += d;
			if (options.echo) process.stdout.write(d);
		});
		child.stderr.on("data", (d) => {
			output += d;
			if (options.echo) process.stderr.write(d);
		});
		const timer = options.timeoutMs ? setTimeout(() => child.kill("SIGTERM"), options.timeoutMs) : undefined;
		child.on("error", (error) => {
			output += `\nmcconfig could not run: ${error.message}`;
		});
		child.on("close", (status) => {
			if (timer) clearTimeout(timer);
			const binPath = findFile(join(outDir, "bin"), ARTIFACT[options.platform]);
			const makefile = findFile(join(outDir, "tmp"), "makefile");
			resolvePromise({
				status,
				output,
				seconds: (Date.now() - started) / 1000,
				command,
				binDir: binPath ? resolve(binPath, "..") : undefined,
				tmpDir: makefile ? resolve(makefile, "..") : undefined,
			});
		});
	});
}

/**
 * The two objects that bake NRF52_HEAP_SIZE in (FreeRTOS's heap_4: configTOTAL_HEAP_SIZE = __HEAP_SIZE__; the
 * start-up's __HEAP_SIZE) sit in the build's lib folder, which make judges by timestamps alone: after the board
 * manifest's heap size changes they would link the old heap. Removing them makes every build compile them again
 * (a second or two).
 */
function forgetHeapSizedObjects(tmp: string): void {
	const walk = (dir: string, depth: number): void => {
		if (depth > 5 || !existsSync(dir)) return;
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path, depth + 1);
			else if (entry.name === "heap_4.c.o" || /^moddable_startup_nrf52\w*\.S\.o$/.test(entry.name)) rmSync(path, { force: true });
		}
	};
	walk(tmp, 0);
}

/** The last lines of a build's output, for a failure message. */
export function tail(output: string, lines = 40): string {
	return output.trimEnd().split("\n").slice(-lines).join("\n");
}

function freePort(): Promise<number> {
	return new Promise((resolvePromise, reject) => {
		const server = createServer();
		server.on("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			const port = typeof address === "object" && address ? address.port : 0;
			server.close(() => resolvePromise(port));
		});
	});
}

export interface SimRunOptions {
	/** The run is over when a trace line matches this (mcsim never exits by itself). */
	until: RegExp;
	timeoutMs: number;
}

export interface SimRunResult {
	/** The app's trace output and xsbug-log's notices, one entry per line, terminal escapes and prompts removed. */
	lines: string[];
	/** True when `until` matched; false when the run timed out, aborted or mcsim ended first. */
	finished: boolean;
	/** The machine's "XS abort: <reason>" line when XS aborted (mcsim stays up after an abort: the run stops there). */
	aborted?: string;
	seconds: number;
	command: string;
}

const XS_ABORT = /^XS abort: /;

const ESCAPES = /\x1b\[[0-9;]*[A-Za-z]/g;

/** One line of xsbug-log's terminal output without the prompt and the "[Thread n] " prefix. */
export function cleanLogLine(line: string): string {
	return line.replace(ESCAPES, "").replace(/^(\(xsdb\)\s*)+/, "").replace(/^\[Thread \d+\]\s?/, "").trimEnd();
}

/**
 * Runs a debug mc.so in mcsim, headless: `xvfb-run -a node xsbug-log mcsim mc.so`, both xsbug ports on a free
 * port, in a scratch folder (xsbug-log keeps its preferences in the current folder). Stops the whole process
 * group (xvfb-run, Xvfb, xsbug-log, mcsim) when `until` matches, on timeout, or when mcsim ends.
 */
export async function runInMcsim(tool: Toolchain, mcSo: string, options: SimRunOptions): Promise<SimRunResult> {
	const port = String(await freePort());
	const cwd = mkdtempSync(join(tmpdir(), "hypertiny-mcsim-"));
	const args = ["-a", process.execPath, tool.xsbugLog, tool.mcsim, mcSo];
	const env = { ...tool.env, XSBUG_LOG_PORT: port, XSBUG_PORT: port, XSBUG_HOST: "localhost" };
	delete (env as Record<string, string | undefined>).XSBUG_PROJECT;
	const command = `XSBUG_LOG_PORT=${port} XSBUG_PORT=${port} XSBUG_HOST=localhost xvfb-run ${args.join(" ")}`;
	const started = Date.now();
	return new Promise((resolvePromise) => {
		const child = spawn("xvfb-run", args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
		const lines: string[] = [];
		let pending = "";
		let finished = false;
		let aborted: string | undefined;
		let done = false;
		const stop = () => {
			if (child.pid === undefined) return;
			try {
				process.kill(-child.pid, "SIGTERM");
			} catch {}
			setTimeout(() => {
				try {
					process.kill(-child.pid!, "SIGKILL");
				} catch {}
			}, 2000).unref();
		};
		const take = (chunk: string) => {
			pending += chunk;
			const parts = pending.split(/\r?\n/);
			pending = parts.pop() ?? "";
			for (const part of parts) {
				const line = cleanLogLine(part);
				if (!line) continue;
				lines.push(line);
				if (!finished && aborted === undefined && options.until.test(line)) {
					finished = true;
					stop();
				} else if (!finished && aborted === undefined && XS_ABORT.test(line)) {
					aborted = line;
					stop();
				}
			}
		};
		child.stdout.setEncoding("utf8").on("data", take);
		child.stderr.setEncoding("utf8").on("data", take);
		const timer = setTimeout(stop, options.timeoutMs);
		const end = () => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			if (pending) take("\n");
			stop();
			rmSync(cwd, { recursive: true, force: true });
			resolvePromise({ lines, finished, aborted, seconds: (Date.now() - started) / 1000, command });
		};
		child.on("error", (error) => {
			lines.push(`xvfb-run could not run: ${error.message}`);
			end();
		});
		child.on("close", end);
	});
}

export interface MemoryUsage {
	/** Static RAM (SoftDevice RAM included), the FreeRTOS heap XS allocates from, flash (SoftDevice, bootloader
	 * and mod preferences included), QSPI: the "# Memory usage" block the nRF52 makefile prints. */
	ram: number;
	heap: number;
	flash: number;
	qspi: number;
}

/** The nRF52 build's "# Memory usage" summary, or undefined when the output has none. */
export function parseMemoryUsage(output: string): MemoryUsage | undefined {
	const value = (name: string) => {
		const m = new RegExp(`^#\\s+${name}:\\s+(\\d+) bytes`, "m").exec(output);
		return m ? Number(m[1]) : undefined;
	};
	const ram = value("Ram"), heap = value("Heap"), flash = value("Flash"), qspi = value("QSPI");
	if (ram === undefined || heap === undefined || flash === undefined) return undefined;
	return { ram, heap, flash, qspi: qspi ?? 0 };
}

export interface HexImage {
	/** Lowest address with data. */
	base: number;
	/** The bytes from `base` to the highest address with data; gaps are 0xFF (erased flash). */
	bytes: Uint8Array;
	/** Bytes that records gave data for. */
	dataBytes: number;
}

/** Decodes Intel HEX (records 00 data, 01 end, 02 segment, 04 linear, 03/05 start), checking every checksum. */
export function decodeIntelHex(text: string): HexImage {
	const chunks: { address: number; data: Uint8Array }[] = [];
	let upper = 0;
	let lineNo = 0;
	let ended = false;
	for (const raw of text.split(/\r?\n/)) {
		lineNo++;
		const line = raw.trim();
		if (!line) continue;
		if (ended) throw new Error(`hex line ${lineNo}: data after the end record`);
		if (line[0] !== ":" || line.length < 11 || line.length % 2 === 0) throw new Error(`hex line ${lineNo}: not a record`);
		const record = Buffer.from(line.slice(1), "hex");
		if (record.length * 2 !== line.length - 1) throw new Error(`hex line ${lineNo}: bad hex digits`);
		const count = record[0];
		if (record.length !== count + 5) throw new Error(`hex line ${lineNo}: length ${count} does not match the record`);
		let sum = 0;
		for (const b of record) sum = (sum + b) & 0xff;
		if (sum !== 0) throw new Error(`hex line ${lineNo}: checksum`);
		const offset = (record[1] << 8) | record[2];
		const type = record[3];
		const data = record.subarray(4, 4 + count);
		if (type === 0x00) chunks.push({ address: upper + offset, data });
		else if (type === 0x01) ended = true;
		else if (type === 0x02) upper = ((data[0] << 8) | data[1]) << 4;
		else if (type === 0x04) upper = ((data[0] << 8) | data[1]) * 0x10000;
		else if (type !== 0x03 && type !== 0x05) throw new Error(`hex line ${lineNo}: unknown record type ${type}`);
	}
	if (!ended) throw new Error("hex: no end record");
	if (chunks.length === 0) return { base: 0, bytes: new Uint8Array(0), dataBytes: 0 };
	const base = Math.min(...chunks.map((c) => c.address));
	const top = Math.max(...chunks.map((c) => c.address + c.data.length));
	if (top - base > 64 << 20) throw new Error(`hex: data spans ${top - base} bytes`);
	const bytes = new Uint8Array(top - base).fill(0xff);
	let dataBytes = 0;
	for (const c of chunks) {
		bytes.set(c.data, c.address - base);
		dataBytes += c.data.length;
	}
	return { base, bytes, dataBytes };
}

/** Every offset where `needle` occurs in `haystack`. */
export function findAll(haystack: Uint8Array, needle: Uint8Array): number[] {
	const found: number[] = [];
	const h = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
	for (let at = h.indexOf(needle); at >= 0; at = h.indexOf(needle, at + 1)) found.push(at);
	return found;
}

export interface MapSection {
	section: string;
	address: number;
	size: number;
	file: string;
}

/** The input sections of a GNU ld map file (both the one-line and the wrapped two-line form). */
export function parseLinkerMap(text: string): MapSection[] {
	const sections: MapSection[] = [];
	const lines = text.split("\n");
	const start = lines.findIndex((l) => l.startsWith("Linker script and memory map"));
	let pendingName: string | undefined;
	for (let i = Math.max(0, start); i < lines.length; i++) {
		const line = lines[i];
		const one = /^ (\.\S+|COMMON)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
		if (one) {
			sections.push({ section: one[1], address: parseInt(one[2], 16), size: parseInt(one[3], 16), file: one[4].trim() });
			pendingName = undefined;
			continue;
		}
		const name = /^ (\.\S+|COMMON)$/.exec(line);
		if (name) {
			pendingName = name[1];
			continue;
		}
		const rest = /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
		if (rest && pendingName) sections.push({ section: pendingName, address: parseInt(rest[1], 16), size: parseInt(rest[2], 16), file: rest[3].trim() });
		pendingName = undefined;
	}
	return sections;
}

/** Bytes by kind for the input sections whose object file matches `file`: flash (code, read-only data), RAM. */
export function sizeOf(sections: MapSection[], file: RegExp): { text: number; rodata: number; data: number; bss: number } {
	const total = { text: 0, rodata: 0, data: 0, bss: 0 };
	for (const s of sections) {
		if (!file.test(s.file) || s.size === 0) continue;
		if (s.section.startsWith(".text")) total.text += s.size;
		else if (s.section.startsWith(".rodata")) total.rodata += s.size;
		else if (s.section.startsWith(".data")) total.data += s.size;
		else if (s.section.startsWith(".bss") || s.section === "COMMON") total.bss += s.size;
	}
	return total;
}
