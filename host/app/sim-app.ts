// Runs the device app (dist/sim/app.js) in the embedded-default simulator and turns its output back into what
// a board would send: GATT packets ("@gatt" trace lines), read values, connection changes, and trace text.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventEmitter } from "node:events";
import { bundlePath, ROOT, SIM_BINARY } from "../cli/sim-runner.ts";
import { encodeEcgResource, type EcgRecording } from "./ecg-resource.ts";
import { encodeGattScript, type ScriptEntry } from "./gatt-script.ts";
import { LineSplitter, parseTraceLine } from "../companion/trace-lines.ts";
import { encodeFrame, FRAME_ENCRYPTED, FRAME_WRITE } from "../companion/frames.ts";

export const APP_MANIFEST = join(ROOT, "modules/app/manifest.json");

/** The app's config as mcconfig would give it in the simulator: the fragment's config, its sim platform's, then overrides. */
export function appConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	const manifest = JSON.parse(readFileSync(APP_MANIFEST, "utf8"));
	return { ...manifest.config, ...(manifest.platforms?.sim?.config ?? {}), ...overrides };
}

export interface SimAppOptions {
	recording: Pick<EcgRecording, "sampleRate" | "adcGain" | "adcZero" | "adcMin" | "adcMax" | "samples">;
	/** Model blob path; undefined runs without a model resource. */
	model?: string;
	/** Apnea model blob path (the resource apnea.htpw); undefined runs without one. */
	apneaModel?: string;
	config?: Record<string, unknown>;
	script?: ScriptEntry[];
	entry?: string;
	timeoutMs?: number;
	/** Extra resources (name → path). */
	resources?: Record<string, string>;
}

export interface SimAppResult {
	status: number;
	stderr: string;
	/** The app's "@app-end" statistics, when it reached the end of the input. */
	stats: Record<string, any> | undefined;
	wallSeconds: number;
	traceLines: string[];
}

/**
 * Events: "packet" (id, bytes), "value" (id, bytes: a read value changed), "connection" (connected),
 * "encrypted" (the central's link is now encrypted), "trace" (line), "device" (name).
 */
export class SimApp extends EventEmitter {
	readonly done: Promise<SimAppResult>;
	#child: ChildProcess | undefined;

	constructor(options: SimAppOptions) {
		super();
		this.done = this.#run(options);
	}

	async #run(o: SimAppOptions): Promise<SimAppResult> {
		const dir = mkdtempSync(join(tmpdir(), "hypertiny-app-"));
		try {
			const ecg = join(dir, "ecg.bin");
			writeFileSync(ecg, encodeEcgResource(o.recording));
			const argv = ["--resource", `ecg.bin=${ecg}`];
			if (o.model) argv.push("--resource", `model.htpw=${o.model}`);
			if (o.apneaModel) argv.push("--resource", `apnea.htpw=${o.apneaModel}`);
			if (o.script) {
				const script = join(dir, "gatt-script.bin");
				writeFileSync(script, encodeGattScript(o.script));
				argv.push("--resource", `gatt-script.bin=${script}`);
			}
			for (const [name, path] of Object.entries(o.resources ?? {})) argv.push("--resource", `${name}=${path}`);
			argv.push("--config", JSON.stringify(appConfig(o.config)));
			if (o.timeoutMs) argv.push("--timeout", String(o.timeoutMs));
			argv.push(bundlePath(o.entry ?? "app"));
			return await this.#spawn(argv);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}

	/**
	 * A client's write to characteristic `id`, relayed live to the app (a frame on its stdin, read by
	 * modules/ble/trace-transport.ts between input blocks), which validates and answers it as a BLE write.
	 * False when the app is not running (any more).
	 */
	write(id: number, bytes: Uint8Array): boolean {
		const stdin = this.#child?.stdin;
		if (!stdin || stdin.destroyed || !stdin.writable) return false;
		stdin.write(encodeFrame(FRAME_WRITE, id, bytes));
		return true;
	}

	/**
	 * The central's link is now encrypted (it paired): with config.linkEncrypted false, the app sends no
	 * notification before this (modules/ble/trace-transport.ts). False when the app is not running.
	 */
	encryptLink(): boolean {
		const stdin = this.#child?.stdin;
		if (!stdin || stdin.destroyed || !stdin.writable) return false;
		stdin.write(encodeFrame(FRAME_ENCRYPTED, 0));
		return true;
	}

	#spawn(argv: string[]): Promise<SimAppResult> {
		const started = performance.now();
		const child = spawn(SIM_BINARY, argv, { stdio: ["pipe", "pipe", "pipe"] });
		this.#child = child;
		child.stdin.on("error", () => {}); // EPIPE: the app ended before a write reached it
		const lines = new LineSplitter();
		let stderr = "";
		let stats: Record<string, any> | undefined;
		const traceLines: string[] = [];
		const line = (text: string): void => {
			const parsed = parseTraceLine(text);
			switch (parsed.type) {
				case "packet":
				case "value":
					this.emit(parsed.type, parsed.id, parsed.bytes);
					break;
				case "connection":
					this.emit("connection", parsed.connected);
					break;
				case "encrypted":
					this.emit("encrypted");
					break;
				case "device":
					this.emit("device", parsed.name);
					break;
				case "end":
					stats = parsed.stats;
					break;
				case "text":
					traceLines.push(parsed.text);
					this.emit("trace", parsed.text);
			}
		};
		child.stdout.setEncoding("utf8");
		child.stdout.on("data", (chunk: string) => lines.push(chunk, line));
		child.stderr.setEncoding("utf8");
		child.stderr.on("data", (chunk: string) => (stderr += chunk));
		return new Promise((resolve, reject) => {
			child.on("error", reject);
			child.on("close", (code) => {
				child.stdin.destroy();
				lines.flush(line);
				resolve({ status: code ?? 1, stderr, stats, wallSeconds: (performance.now() - started) / 1000, traceLines });
			});
		});
	}
}
