// The device app in the simulator on MIT-BIH record 119: its per-beat outputs equal the reference integer
// engine on the same windows; a missing or corrupt model leaves heart rate running; every packet fits 20 bytes.
import test from "ava";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "../modules/ble/protocol.ts";
import { windowsAt, windowToMillivolts } from "../modules/ecg/index.ts";
import { readModel } from "../modules/model/index.ts";
import { HT_E_CRC } from "../modules/model/format.ts";
import { quantizeInto } from "../modules/runtime/quantize.ts";
import { RefEngine } from "../host/pack/ref-engine.ts";
import { FIXTURE_MODEL } from "../host/app/default-model.ts";
import { SimApp } from "../host/app/sim-app.ts";
import { beatsOf, built, eventsOf, excerpt, runApp } from "./app-helpers.ts";

test.before(() => built(["app"]));

for (const policy of ["boot", "stream"] as const) {
	test(`per-beat logits equal the reference engine on the same windows (record 119, 10 min, ${policy})`, async (t) => {
		const rec = await excerpt(600);
		const model = readModel(readFileSync(FIXTURE_MODEL));
		const budget = policy === "stream" ? model.maxKernelBytes : undefined;
		const run = await runApp({ recording: rec, model: FIXTURE_MODEL, config: { traceBeats: false, traceLogits: true, policy, budget } });
		t.is(run.status, 0, run.stderr);
		const logits = run.traceLines.filter((l) => l.startsWith("@logits ")).map((l) => l.split(" ").slice(1).map(Number));
		const beats = beatsOf(run);
		t.true(logits.length > 600, `${logits.length} classified beats`);
		t.deepEqual(logits.map((l) => l[0]), beats.map((b) => b.sampleIndex), "one logits line per beat packet");

		const window = model.input.length;
		const config = { sampleRate: rec.sampleRate, adcGain: rec.adcGain, adcZero: rec.adcZero, adcMin: rec.adcMin, adcMax: rec.adcMax, windowLength: window, windowPre: window >> 1 };
		const set = windowsAt(rec.samples, logits.map((l) => l[0]), config);
		const engine = new RefEngine(model, policy, budget);
		const floats = new Float32Array(window);
		const input = new Int8Array(window);
		let mismatches = 0;
		logits.forEach((l, k) => {
			t.is(set.valid[k], 1);
			windowToMillivolts(set.windows.subarray(k * window, (k + 1) * window), rec.adcGain, floats);
			quantizeInto(floats, model.meta.input, input);
			const expected = Array.from(engine.invoke(input));
			if (expected.join() !== l.slice(1).join()) mismatches++;
		});
		t.is(mismatches, 0, "the device's logits differ from the reference engine's");
		for (const p of run.packets) t.true(p.bytes.length <= P.MAX_PACKET);
		t.true(beats.every((b) => b.classIndex !== undefined && b.flags & P.BEAT_CLASSIFIED));
	});
}

test("missing model: status 'missing' over BLE and trace, beats and heart rate keep coming", async (t) => {
	const rec = await excerpt(120);
	const run = await runApp({ recording: rec, model: undefined, config: { traceBeats: false } });
	t.is(run.status, 0, run.stderr);
	const info = P.decodeModelInfo(run.values.get(P.MODEL_INFO)!);
	t.is(info.status, P.MODEL_MISSING);
	t.deepEqual(P.decodeDeviceInfo(run.values.get(P.DEVICE_INFO)!), { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 }, "the device info is readable without a model: record 119's ADC");
	t.true(run.traceLines.some((l) => /no classification \(missing/.test(l)));
	t.true(eventsOf(run).some((e) => e.kind === P.EVENT_MODEL && e.value === P.MODEL_MISSING));
	const beats = beatsOf(run);
	t.true(beats.length > 100);
	t.true(beats.every((b) => b.classIndex === undefined));
	const hr = run.of(P.HEART_RATE_MEASUREMENT).map(P.decodeHeartRate);
	t.true(hr.length > 100);
	const median = hr.map((h) => h.bpm).sort((a, b) => a - b)[hr.length >> 1];
	t.true(median > 50 && median < 90, `median heart rate ${median}`);
	t.is(run.stats?.model, "missing");
});

test("the device info read value is the input's description, set once at start: a non-integer gain to 0.001, zero and rails", async (t) => {
	const rec = await excerpt(5);
	const app = new SimApp({ recording: { ...rec, adcGain: 1241.5, adcZero: 1000, adcMin: -48, adcMax: 2047 }, model: FIXTURE_MODEL, config: { traceBeats: false } });
	const values: Uint8Array[] = [];
	let notified = 0;
	app.on("value", (id: number, bytes: Uint8Array) => id === P.DEVICE_INFO && values.push(bytes));
	app.on("packet", (id: number) => id === P.DEVICE_INFO && notified++);
	const run = await app.done;
	t.is(run.status, 0, run.stderr);
	t.is(values.length, 1, "published once");
	t.deepEqual(P.decodeDeviceInfo(values[0]), { sampleRate: rec.sampleRate, adcGain: 1241.5, adcZero: 1000, adcMin: -48, adcMax: 2047 });
	t.is(notified, 0, "a read value, never notified");
});

test("corrupted model blob: rejected with the reader's CRC code, the app keeps running heart rate only", async (t) => {
	const rec = await excerpt(60);
	const blob = readFileSync(FIXTURE_MODEL);
	blob[blob.length - 100] ^= 0x40;
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-test-"));
	const bad = join(dir, "bad.htpw");
	writeFileSync(bad, blob);
	const run = await runApp({ recording: rec, model: bad, config: { traceBeats: false } });
	t.is(run.status, 0, run.stderr);
	const info = P.decodeModelInfo(run.values.get(P.MODEL_INFO)!);
	t.is(info.status, P.MODEL_INVALID);
	t.is(info.errorCode, HT_E_CRC);
	t.true(run.traceLines.some((l) => /no classification \(invalid: htpw CRC/.test(l)), run.traceLines.join("\n"));
	t.true(beatsOf(run).length > 40);
	t.true(run.of(P.HEART_RATE_MEASUREMENT).length > 40);
	t.is(run.stats?.beatsClassified, 0);
});

test("a truncated blob and an unknown policy are reported the same way, never thrown", async (t) => {
	const rec = await excerpt(20);
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-test-"));
	const cut = join(dir, "cut.htpw");
	writeFileSync(cut, readFileSync(FIXTURE_MODEL).subarray(0, 20));
	const a = await runApp({ recording: rec, model: cut, config: { traceBeats: false } });
	t.is(a.status, 0, a.stderr);
	t.is(P.decodeModelInfo(a.values.get(P.MODEL_INFO)!).status, P.MODEL_INVALID);
	const b = await runApp({ recording: rec, model: FIXTURE_MODEL, config: { traceBeats: false, policy: "eager" } });
	t.is(b.status, 0, b.stderr);
	t.true(b.traceLines.some((l) => /unknown synthesis policy "eager"/.test(l)));
});
