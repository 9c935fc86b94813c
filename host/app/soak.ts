// `npm run bench:soak`: all 48 MIT-BIH records through the app in one simulator process (host/sim/entries/
// app-soak.ts): no crash, every sample accounted for, the XS heap after each record (flat after warm-up?).
// Prints a table and writes the figures as JSON (results/soak.json, or --out).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { bundlePath, ROOT, SIM_BINARY } from "../cli/sim-runner.ts";
import { mitdbPath } from "../data/mitdb-path.ts";
import { ensureBuilt } from "./build.ts";
import { defaultModel } from "./default-model.ts";
import { encodeEcgResource, loadRecording } from "./ecg-resource.ts";
import { appConfig } from "./sim-app.ts";
import { readdirSync } from "node:fs";

export const WARM_UP_RECORDS = 2;

interface RecordRow {
	record: string;
	samples: number;
	samplesIn: number;
	samplesExpected: number;
	beats: number;
	ms: number;
	heapChunks: number;
	heapSlots: number;
}

export async function soak(options: { records?: string[]; model?: string }): Promise<Record<string, unknown>> {
	ensureBuilt(["app-soak"], (line) => process.stderr.write(line + "\n"));
	const dir = await mitdbPath();
	const names = options.records ?? readdirSync(dir).filter((f) => f.endsWith(".hea")).map((f) => f.slice(0, -4)).sort();
	const work = mkdtempSync(join(tmpdir(), "hypertiny-soak-"));
	try {
		const argv: string[] = [];
		let totalSamples = 0;
		for (const name of names) {
			const rec = await loadRecording(join(dir, name));
			const path = join(work, `${name}.bin`);
			writeFileSync(path, encodeEcgResource(rec));
			totalSamples += rec.samples.length;
			argv.push("--resource", `${name}.bin=${path}`);
		}
		const model = options.model ?? defaultModel().path;
		argv.push("--resource", `model.htpw=${model}`);
		argv.push("--config", JSON.stringify(appConfig({ records: names })), bundlePath("app-soak"));
		const started = performance.now();
		const rows: RecordRow[] = [];
		let done: any;
		let stderr = "";
		const status: number = await new Promise((resolveExit, reject) => {
			const child = spawn(SIM_BINARY, argv, { stdio: ["ignore", "pipe", "pipe"] });
			let pending = "";
			child.stdout.setEncoding("utf8");
			child.stdout.on("data", (chunk: string) => {
				pending += chunk;
				let nl: number;
				while ((nl = pending.indexOf("\n")) >= 0) {
					const line = pending.slice(0, nl);
					pending = pending.slice(nl + 1);
					if (!line.startsWith("{")) continue;
					const o = JSON.parse(line);
					if (o.done) done = o;
					else {
						rows.push(o);
						process.stderr.write(`soak: record ${o.record} ${o.beats} beats, heap ${o.heapChunks + o.heapSlots} bytes\n`);
					}
				}
			});
			child.stderr.setEncoding("utf8");
			child.stderr.on("data", (c: string) => (stderr += c));
			child.on("error", reject);
			child.on("close", (code) => resolveExit(code ?? 1));
		});
		const wallSeconds = (performance.now() - started) / 1000;
		const heap = rows.map((r) => r.heapChunks + r.heapSlots);
		const steady = heap.slice(WARM_UP_RECORDS);
		const dropped = rows.reduce((n, r) => n + (r.samplesIn === r.samplesExpected ? 0 : 1), 0);
		return {
			records: names.length,
			completed: rows.length,
			exitStatus: status,
			crashed: status !== 0 || !done,
			stderr: stderr.trim() || undefined,
			samples: totalSamples,
			samplesIn: done?.stats?.samples ?? rows.at(-1)?.samplesIn,
			recordsWithDroppedSamples: dropped,
			beatsDelivered: done?.stats?.beatsDelivered,
			beatsClassified: done?.stats?.beatsClassified,
			packets: done?.packets,
			packetBytes: done?.packetBytes,
			hours: totalSamples / 360 / 3600,
			wallSeconds,
			heapAfterWarmUp: { records: steady.length, min: Math.min(...steady), max: Math.max(...steady), first: steady[0], last: steady.at(-1), growth: (steady.at(-1) ?? 0) - (steady[0] ?? 0) },
			peakHeap: done ? done.peakChunks + done.peakSlots : undefined,
			model,
			perRecord: rows,
		};
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

function table(r: any): string {
	const h = r.heapAfterWarmUp;
	return [
		`soak: ${r.completed}/${r.records} records, ${r.hours.toFixed(1)} h of ECG (${r.samples} samples) in one simulator process, ${r.wallSeconds.toFixed(0)} s wall`,
		"",
		"figure                          value",
		`crashed                         ${r.crashed ? "yes" : "no"} (exit ${r.exitStatus})`,
		`samples in / samples played     ${r.samplesIn} / ${r.samples}`,
		`records with dropped samples    ${r.recordsWithDroppedSamples}`,
		`beats delivered / classified    ${r.beatsDelivered} / ${r.beatsClassified}`,
		`BLE packets (bytes)             ${r.packets} (${r.packetBytes})`,
		`XS heap after warm-up, bytes    min ${h.min}  max ${h.max}  first ${h.first}  last ${h.last}  growth ${h.growth} (after record ${WARM_UP_RECORDS}, over ${h.records} records)`,
		`XS heap peak, bytes             ${r.peakHeap}`,
	].join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(ROOT, "host/app/soak.ts")) {
	const { values } = parseArgs({ options: { out: { type: "string", default: join(ROOT, "results/soak.json") }, records: { type: "string" }, model: { type: "string" }, json: { type: "boolean", default: false } } });
	const result: any = await soak({ records: values.records?.split(","), model: values.model });
	mkdirSync(dirname(values.out), { recursive: true });
	writeFileSync(values.out, JSON.stringify(result, null, 2) + "\n");
	if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
	else process.stdout.write(table(result) + `\n\nfigures: ${values.out}\n`);
	process.exitCode = result.crashed || result.recordsWithDroppedSamples ? 1 : 0;
}
