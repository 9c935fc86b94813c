// Proof that the C pipeline (through modules/ecg) equals the TypeScript one it replaced, bit for bit:
//   node --import tsx host/ecg-wasm/compare-old.ts [COMMIT] [RECORD...]
// extracts modules/ecg as of COMMIT (default fdfa41a, the last TypeScript pipeline) into a temporary folder and
// runs both over every MIT-BIH record (both channels; pushBlock whole, and in odd-sized blocks with NaN, out-of-range and
// fractional samples, lead-off toggles), over the fault signals of test/ecg-signals.ts, comparing every delivered
// beat (sampleIndex, rrPrevious, rrNext, heartRate, window), every quality event, the counters and filterRecord.
import "./register.ts";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { listRecords, loadRecord } from "../data/records.ts";
import { mitdbPath } from "../data/mitdb-path.ts";
import * as current from "../../modules/ecg/index.ts";
import type { EcgConfig } from "../../modules/ecg/config.ts";
import { concat, syntheticEcg } from "../../test/ecg-signals.ts";

type Pipeline = {
	new (config: EcgConfig, onBeat?: (b: any) => void, onQuality?: (e: any) => void): {
		push(sample: number): void;
		pushBlock(data: Int16Array | Int32Array, offset?: number, count?: number): void;
		setLeadOff(on: boolean): void;
		flush(): void;
		samples: number;
		rejectedSamples: number;
		beatsDetected: number;
		beatsDelivered: number;
		beatsSuppressed: number;
	};
};

interface Trace {
	log: number[];
	counters: number[];
}

/** Everything a pipeline delivers, as one number list (beats: 1, fields, window; quality: 2, reason, index, rejected). */
function run(Impl: Pipeline, samples: Int16Array, config: EcgConfig, feed: "block" | "mixed"): Trace {
	const log: number[] = [];
	const reasons = ["ok", "lead-off", "flatline", "saturation", "garbage"];
	const p = new Impl(
		config,
		(b) => {
			log.push(1, b.sampleIndex, b.rrPrevious, b.rrNext, b.heartRate, ...b.window);
		},
		(e) => {
			log.push(2, reasons.indexOf(e.reason), e.sampleIndex, e.rejectedSamples);
		},
	);
	if (feed === "block") p.pushBlock(samples);
	else {
		// odd blocks, garbage of every kind, lead-off toggles
		const sizes = [1, 7, 333, 4096, 2, 9999];
		let i = 0;
		let k = 0;
		let leadOff = false;
		while (i < samples.length) {
			const n = Math.min(sizes[k++ % sizes.length], samples.length - i);
			p.pushBlock(samples, i, n);
			i += n;
			if (k % 11 === 0) p.push(NaN);
			if (k % 13 === 0) p.push(0.5);
			if (k % 17 === 0) p.push(99999);
			if (k % 19 === 0) p.push(-1);
			if (k % 23 === 0) p.push(Infinity);
			if (k % 29 === 0) p.setLeadOff((leadOff = !leadOff));
		}
	}
	p.flush();
	return { log, counters: [p.samples, p.rejectedSamples, p.beatsDetected, p.beatsDelivered, p.beatsSuppressed] };
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return i;
	return a.length === b.length ? -1 : n;
}

function extractOld(commit: string): string {
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-ecg-old-"));
	const files = execFileSync("git", ["ls-tree", "--name-only", commit, "modules/ecg/"], { encoding: "utf8" }).trim().split("\n");
	for (const file of files) {
		if (!file.endsWith(".ts")) continue;
		const target = join(dir, file);
		mkdirSync(dirname(target), { recursive: true });
		writeFileSync(target, execFileSync("git", ["show", `${commit}:${file}`]));
	}
	return dir;
}

async function main(): Promise<number> {
	const [commit = "fdfa41a", ...only] = process.argv.slice(2);
	const dir = extractOld(commit);
	let failures = 0;
	let beats = 0;
	let events = 0;
	let compared = 0;
	try {
		const old = await import(pathToFileURL(join(dir, "modules/ecg/index.ts")).href);
		const check = (what: string, samples: Int16Array, config: EcgConfig) => {
			for (const feed of ["block", "mixed"] as const) {
				const a = run(old.EcgPipeline, samples, config, feed);
				const b = run(current.EcgPipeline as unknown as Pipeline, samples, config, feed);
				const at = firstDifference(a.log, b.log);
				const counters = firstDifference(a.counters, b.counters);
				compared++;
				if (at >= 0 || counters >= 0) {
					failures++;
					console.log(`DIFFERENT ${what} (${feed}): log at ${at} (${a.log.slice(at, at + 6)} vs ${b.log.slice(at, at + 6)}), counters ${a.counters} vs ${b.counters}`);
				}
				if (feed === "block") {
					for (let i = 0; i < a.log.length; ) {
						if (a.log[i] === 1) {
							beats++;
							i += 5 + samples.length * 0 + (config.windowLength ?? 256);
						} else {
							events++;
							i += 4;
						}
					}
				}
			}
			const fa = old.filterRecord(samples, config);
			const fb = current.filterRecord(samples, config);
			const at = firstDifference(fa, fb);
			if (at >= 0) {
				failures++;
				console.log(`DIFFERENT ${what} filterRecord at ${at}: ${fa[at]} vs ${fb[at]}`);
			}
		};

		const mitdb = await mitdbPath();
		const records = only.length ? only : await listRecords(mitdb);
		for (const name of records) {
			const { signals } = await loadRecord(mitdb, name);
			for (let c = 0; c < signals.length; c++) check(`record ${name} channel ${c}`, signals[c] as Int16Array, { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 });
			process.stdout.write(`${name} `);
		}
		console.log();

		// The fault signals of test/ecg-signals.ts: flatline, saturation, rails (lead-off), NaN and lead-off toggles in "mixed".
		const ecg = syntheticEcg({ seconds: 150, seed: 31, noiseMv: 0.04 });
		const flat = new Int16Array(3 * 360).fill(1100);
		const rail = new Int16Array(2 * 360).fill(2047);
		const low = new Int16Array(360).fill(0);
		const s = ecg.samples;
		check("synthetic faults", concat(s.subarray(0, 40 * 360), flat, s.subarray(43 * 360, 80 * 360), rail, s.subarray(82 * 360, 120 * 360), low, s.subarray(121 * 360)), ecg.config);
		for (const [rate, mains] of [[250, 50], [500, 60], [1000, 50]]) {
			const other = syntheticEcg({ sampleRate: rate, seconds: 60, seed: rate, rrJitter: 0.2, noiseMv: 0.08 });
			check(`synthetic ${rate} Hz`, other.samples, { ...other.config, mainsHz: mains });
		}
		const wide = syntheticEcg({ seconds: 60, seed: 5, adcGain: 2000, adcZero: 16384, adcMax: 32767 });
		check("synthetic 15-bit ADC", wide.samples, { ...wide.config, windowLength: 192, windowPre: 64, railMargin: 3 });
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	console.log(`${compared} runs compared (${beats} beats, ${events} quality events in the whole-block runs): ${failures ? `${failures} DIFFERENT` : "all identical"}`);
	return failures ? 1 : 0;
}

process.exitCode = await main();
