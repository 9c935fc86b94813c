import { createRequire } from "node:module";
// The companion: state from GATT packets, the simulator link's frames, the socket end to end against the app,
// the CLI's errors for missing optional modules, and `hypertiny start` on record 119.
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import * as P from "../modules/ble/protocol.ts";
import { FIXTURE_MODEL } from "../host/app/default-model.ts";
import { GattSocket } from "../host/app/gatt-socket.ts";
import { SimApp } from "../host/app/sim-app.ts";
import { ROOT } from "../host/cli/sim-runner.ts";
import { encodeFrame, FrameReader, FRAME_NOTIFY, FRAME_VALUE } from "../host/companion/frames.ts";
import { followSimulator } from "../host/companion/sources.ts";
import { CompanionState, type CompanionUpdate } from "../host/companion/state.ts";
import { renderPanel } from "../host/companion/view.ts";
import { built, excerpt } from "./app-helpers.ts";

test.before(() => built(["app"]));

function packet(encode: (b: Uint8Array) => number): Uint8Array {
	const b = new Uint8Array(P.MAX_PACKET);
	return b.slice(0, encode(b));
}

test("state: class names, beats with sequence gaps, counts, alerts; malformed packets counted, not thrown", (t) => {
	const s = new CompanionState();
	const updates: CompanionUpdate[] = [];
	s.onUpdate((u) => updates.push(u));
	s.packet(P.MODEL_INFO, packet((b) => P.encodeModelInfo(b, { status: 0, classCount: 2, policy: 0, alertClass: 1, blobBytes: 5556, crc: 1, window: 256, sampleRate: 360, tStar: 0.5, errorCode: 0 })));
	t.is(updates.length, 0, "model info waits for the class names");
	s.packet(P.CLASS_NAMES, packet((b) => P.encodeClassNames(b, ["rest", "V"])));
	t.is(updates.at(-1)?.type, "model");
	s.packet(P.BEAT, packet((b) => P.encodeBeat(b, 5, 1, 0.9, P.BEAT_CLASSIFIED, 3600, 300, 310, 70)));
	s.packet(P.BEAT, packet((b) => P.encodeBeat(b, 8, 0, 0.99, P.BEAT_CLASSIFIED, 4000, 300, 310, 71)));
	t.is(s.beats, 2);
	t.is(s.lostBeats, 2);
	t.is(s.recent[0].className, "V");
	t.is(s.recent[0].seconds, 10);
	t.is(s.heartRate, 71);
	s.packet(P.COUNTS, packet((b) => P.encodeCounts(b, Uint32Array.of(40, 2), 2, 0)));
	t.deepEqual(s.counts, [40, 2]);
	s.packet(P.EVENT, packet((b) => P.encodeEvent(b, P.EVENT_V_RUN_START, 3, 0, 7200)));
	t.is(s.alertLog.at(-1)?.text, "run of 3 V beats");
	s.packet(P.BEAT, new Uint8Array(3));
	s.packet(42, new Uint8Array(1));
	t.is(s.malformed, 2);
	t.is(updates.filter((u) => u.type === "malformed").length, 2);
	const panel = renderPanel(s, "test");
	t.regex(panel, /device totals: rest 40 {2}V 2/);
	t.regex(panel, /run of 3 V beats/);
});

test("frames survive any chunking of the stream", (t) => {
	const frames = [encodeFrame(FRAME_NOTIFY, 3, Uint8Array.of(1, 2, 3)), encodeFrame(FRAME_VALUE, 7, new Uint8Array(20).fill(9)), encodeFrame(FRAME_NOTIFY, 1, new Uint8Array(0))];
	const stream = Buffer.concat(frames);
	for (const size of [1, 2, 5, stream.length]) {
		const reader = new FrameReader();
		const got = [];
		for (let at = 0; at < stream.length; at += size) got.push(...reader.push(stream.subarray(at, at + size)));
		t.deepEqual(got.map((f) => [f.kind, f.id, f.bytes.length]), [[FRAME_NOTIFY, 3, 3], [FRAME_VALUE, 7, 20], [FRAME_NOTIFY, 1, 0]]);
	}
	t.throws(() => new FrameReader().push(Uint8Array.of(99, 0, 0)), { message: /unknown frame kind 99/ });
});

test("over the simulator socket the companion sees every beat the app delivered, and the app's counts", async (t) => {
	const rec = await excerpt(90);
	const socket = new GattSocket();
	const port = await socket.listen(0);
	const state = new CompanionState();
	const following = followSimulator(port, socket.token, state);
	await socket.client();
	const app = new SimApp({ recording: rec, model: FIXTURE_MODEL, config: { traceBeats: false } });
	socket.attach(app);
	const result = await app.done;
	const late = new CompanionState();
	const lateFollowing = followSimulator(port, socket.token, late);
	await new Promise((r) => setTimeout(r, 300));
	await socket.close();
	await following;
	await lateFollowing;
	t.is(result.status, 0, result.stderr);
	t.is(state.beats, result.stats?.beatsDelivered);
	t.is(state.lostBeats, 0);
	t.is(state.malformed, 0, "every packet decodes, the device info too");
	t.deepEqual(state.device, { sampleRate: rec.sampleRate, adcGain: rec.adcGain, adcZero: rec.adcZero, adcMin: rec.adcMin, adcMax: rec.adcMax });
	t.deepEqual(state.classes, ["rest", "V"]);
	t.deepEqual(Object.fromEntries(state.classes.map((c, i) => [c, state.counts[i]])), result.stats?.counts);
	t.deepEqual(late.classes, ["rest", "V"], "a companion joining late reads the model first");
	t.is(late.device?.adcGain, rec.adcGain, "and the device info");
	t.is(late.malformed, 0);
	t.is(late.summary?.samples, rec.samples.length);
});

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
	const r = spawnSync(process.execPath, [join(ROOT, "bin/hypertiny.js"), ...args], { encoding: "utf8", cwd: ROOT });
	return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function installed(module: string): boolean {
	try {
		createRequire(join(ROOT, "package.json")).resolve(module);
		return true;
	} catch {
		return false;
	}
}

test("companion --ble / --serial without their module (or with it, but no adapter or port) say what is wrong, without a stack trace", (t) => {
	// npm installs the optional modules where their native builds succeed (CI): then the error is the missing
	// adapter or port; else it is what to install.
	const cases = [
		{ args: ["companion", "--ble"], module: "@abandonware/noble", missing: /npm install @abandonware\/noble/, present: /noble is not available|no Bluetooth adapter|adapter/i },
		{ args: ["companion", "--serial", "/dev/null-port"], module: "serialport", missing: /npm install serialport/, present: /cannot open \/dev\/null-port/ },
	];
	for (const c of cases) {
		const r = cli(c.args);
		t.is(r.status, 1, c.args.join(" "));
		t.regex(r.stderr, installed(c.module) ? c.present : c.missing, r.stderr);
		t.notRegex(r.stderr, /\n\s+at /, "no stack trace");
	}
	const none = cli(["companion", "--sim", "1", "--token", "x"]);
	t.is(none.status, 1);
	t.regex(none.stderr, /no simulator on 127.0.0.1:1/);
	t.is(cli(["companion"]).status, 2);
});

test("hypertiny start --json on record 119: the summary compares the run with the annotations", async (t) => {
	const r = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
		const child = spawn(process.execPath, [join(ROOT, "bin/hypertiny.js"), "start", "--json", "--model", FIXTURE_MODEL], { cwd: ROOT });
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (c) => (stdout += c));
		child.stderr.on("data", (c) => (stderr += c));
		child.on("close", (status) => resolve({ status: status ?? 1, stdout, stderr }));
	});
	t.is(r.status, 0, r.stderr);
	const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
	const summary = lines.find((l) => l.type === "run-summary");
	t.truthy(summary, r.stdout.slice(-2000));
	t.is(summary.record, "119");
	t.is(summary.annotatedBeats, 1987);
	t.true(summary.sensitivity > 0.99 && summary.positivePredictivity > 0.99, `Se ${summary.sensitivity} PPV ${summary.positivePredictivity}`);
	t.is(summary.detectedBeats, summary.stats.beatsDelivered);
	t.deepEqual(summary.perClass.map((c: any) => [c.name, c.annotated]), [["rest", 1543], ["V", 444]]);
	t.is(summary.perClass.reduce((n: number, c: any) => n + c.device, 0), summary.detectedBeats);
	t.true(Math.abs(summary.heartRate.device - summary.heartRate.annotated) <= 2);
	t.true(summary.seconds > 1800 && summary.wallSeconds > 0);
	t.is(lines.filter((l) => l.type === "beat").length, summary.detectedBeats, "each beat went out live");
});
