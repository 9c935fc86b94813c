// `hypertiny start`: the device app in the simulator on a bundled MIT-BIH record, with the companion attached
// through the simulator's GATT socket, then the run compared with the record's annotations.
import { parseArgs } from "node:util";
import { ensureBuilt } from "../app/build.ts";
import { apneaModelOption, modelOption } from "../app/default-model.ts";
import type { ApneaMinutePacket } from "../../modules/ble/protocol.ts";
import { loadRecording } from "../app/ecg-resource.ts";
import { GattSocket } from "../app/gatt-socket.ts";
import { removeTokenFile, writeTokenFile } from "../app/run-token.ts";
import { WebCompanionServer } from "../app/web-server.ts";
import { SimApp } from "../app/sim-app.ts";
import { formatSummary, summarize, type DeviceBeat } from "../app/summary.ts";
import { followSimulator } from "../companion/sources.ts";
import { CompanionState } from "../companion/state.ts";
import { attachView } from "../companion/view.ts";
import { apneaModelNotUsed, modelNotUsed, requireSamples } from "./prerequisites.ts";
import { attachRunLine, type RunLineView } from "./run-line.ts";

const USAGE = `usage: hypertiny start [--record N|path] [--model m.htpw|none] [--apnea-model m.htpw|none]
                       [--policy boot|lazy|stream --budget N] [--realtime] [--strip N] [--port N] [--web PORT] [--json]

Runs the device app in the simulator on an ECG record (default: bundled MIT-BIH 119) with a beat model (default
models/default.htpw) and the apnea model (default models/apnea.htpw: sleep apnea per minute), streams its BLE packets
to the companion over a local socket (--port, default any free port), prints live classifications, then the
run against the record's annotations. --web PORT also serves the web companion (a live ECG strip) on
http://127.0.0.1:PORT/?token=... (the URL printed, with this run's token) and keeps it up after the run until
interrupted; it turns the strip on (--strip 2). Both servers take only this run's token: hypertiny companion
--sim PORT reads it from a file only you can read, which it names.
`;

export async function startCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			record: { type: "string", default: "119" },
			model: { type: "string" },
			"apnea-model": { type: "string" },
			policy: { type: "string", default: "boot" },
			budget: { type: "string" },
			realtime: { type: "boolean", default: false },
			strip: { type: "string", default: "0" },
			port: { type: "string", default: "0" },
			web: { type: "string" },
			json: { type: "boolean", default: false },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	const json = values.json;
	let running: RunLineView | undefined;
	const log = (line: string): void => {
		if (json) process.stdout.write(JSON.stringify({ type: "log", text: line }) + "\n");
		else if (running) running.above(() => process.stderr.write(line + "\n"));
		else process.stderr.write(line + "\n");
	};
	const budget = values.budget === undefined ? undefined : Number(values.budget);
	if (values.policy === "stream" && (budget === undefined || !Number.isInteger(budget) || budget <= 0))
		throw new Error("--policy stream needs --budget N (bytes of kernel memory, a positive integer)");
	const web = values.web === undefined ? undefined : Number(values.web);
	if (web !== undefined && (!Number.isInteger(web) || web < 0 || web > 65535)) throw new Error(`--web ${values.web}: not a port number`);
	const strip = web !== undefined && values.strip === "0" ? 2 : Number(values.strip);
	const port = Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: not a port number`);

	const model = modelOption(values.model, log);
	const apneaModel = apneaModelOption(values["apnea-model"], log);

	const recording = await loadRecording(values.record);
	requireSamples(recording);
	ensureBuilt(["app"], log);
	const socket = new GattSocket();
	const listening = await socket.listen(port);
	const tokenPath = writeTokenFile(listening, socket.token);
	process.once("exit", () => removeTokenFile(listening));
	log(`record ${recording.name} (${recording.lead}, ${(recording.samples.length / recording.sampleRate / 60).toFixed(1)} min); simulator GATT socket on 127.0.0.1:${listening} (token in ${tokenPath})`);

	const state = new CompanionState();
	// A running line (beats by class, heart rate, alerts) rather than the companion's panel; --json: its JSON lines.
	running = json ? undefined : attachRunLine(state, process.stdout);
	const draw = running ? running.finish : attachView(state, process.stdout, { json, title: `hypertiny companion (simulator, record ${recording.name})` });
	const beats: DeviceBeat[] = [];
	const afEvents: { onset: boolean; sampleIndex: number }[] = [];
	const apneaMinutes: ApneaMinutePacket[] = [];
	state.onUpdate((u) => {
		if (u.type === "apnea" && u.apnea.minute) apneaMinutes.push(u.apnea.minute);
		if (u.type === "beat") beats.push({ sampleIndex: u.beat.sampleIndex, className: u.beat.className });
		else if (u.type === "alert" && (u.alert.kind === "af-onset" || u.alert.kind === "af-offset")) afEvents.push({ onset: u.alert.kind === "af-onset", sampleIndex: u.alert.sampleIndex });
	});
	const companion = followSimulator(listening, socket.token, state);
	await socket.client();

	const app = new SimApp({
		recording,
		model,
		apneaModel,
		// The link comes up unencrypted; the companion's token counts as its pairing (GattSocket encrypts it).
		config: { policy: values.policy, budget, realtime: values.realtime, traceBeats: false, stripDecimation: strip, linkEncrypted: false },
	});
	socket.attach(app);
	let page: WebCompanionServer | undefined;
	if (web !== undefined) {
		page = new WebCompanionServer({ token: socket.token });
		page.attach(app);
		log(`web companion: ${page.url(await page.listen(web))}`);
	}
	app.on("trace", (line: string) => log(`device: ${line}`));
	const result = await app.done;
	await socket.close();
	removeTokenFile(listening);
	await companion;
	draw();
	if (result.status !== 0 || !result.stats) {
		process.stderr.write(result.stderr);
		throw new Error(`the app stopped before the end of the record (simulator exit ${result.status})`);
	}
	const summary = summarize({
		record: recording.name,
		sampleRate: recording.sampleRate,
		samples: recording.samples.length,
		wallSeconds: result.wallSeconds,
		reference: recording.beats,
		beats,
		classes: state.classes,
		model: model ? `${model} (${result.stats.model})` : "none",
		stats: result.stats,
		afEvents,
		rhythm: recording.rhythm,
		apnea: { status: state.apnea.status, minutes: apneaMinutes },
	});
	if (json) process.stdout.write(JSON.stringify({ type: "run-summary", ...summary }) + "\n");
	else process.stdout.write("\n" + formatSummary(summary));
	// Asked to classify with a model the app could not use: the run is not what was asked for.
	const failed = modelNotUsed(model, result.stats.model) ?? apneaModelNotUsed(values["apnea-model"], apneaModel, result.stats.apnea?.model);
	if (failed) process.stderr.write(`hypertiny start: ${failed}\n`);
	if (page) {
		page.end();
		log("the web companion stays up until you press Ctrl-C");
		await new Promise(() => {});
	}
	return failed ? 1 : 0;
}
