// A model that takes the beat's RR features as input channels (docs/FORMAT.md §6, META.features =
// RR_FEATURE_NAMES) through the device app in the simulator: every beat's logits equal the reference engine fed
// the same window and the RR features of the same beat sequence (one RrContext, reset where the signal went bad),
// and models with unknown features or a channel count that does not match are refused as incompatible.
import test from "ava";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "../modules/ble/protocol.ts";
import { windowsAt, windowToMillivolts } from "../modules/ecg/index.ts";
import { RR_FEATURE_COUNT, RR_FEATURE_NAMES, RrContext } from "../modules/ecg/rr-features.ts";
import { readModel } from "../modules/model/index.ts";
import { quantizeInto } from "../modules/runtime/quantize.ts";
import { RefEngine } from "../host/pack/ref-engine.ts";
import { built, excerpt, runApp } from "./app-helpers.ts";
import { FEATURE_MODEL_WINDOW as WINDOW, featureModel } from "./feature-model.ts";

test.before(() => built(["app-faults", "app"]));

function write(name: string, bytes: Uint8Array): string {
	const path = join(mkdtempSync(join(tmpdir(), "hypertiny-features-")), name);
	writeFileSync(path, bytes);
	return path;
}

test("RR feature channels: every beat's logits equal the reference engine on the same window and RR context, across a flat line", async (t) => {
	const rec = await excerpt(120);
	const blob = featureModel(1 + RR_FEATURE_COUNT, [...RR_FEATURE_NAMES]);
	const path = write("rr.htpw", blob);
	const faults = [{ from: 40 * 360, to: 44 * 360, value: rec.adcZero }];
	const run = await runApp({ recording: rec, model: path, entry: "app-faults", config: { traceBeats: false, traceLogits: true, faults } });
	t.is(run.status, 0, run.stderr);
	t.is(P.decodeModelInfo(run.values.get(P.MODEL_INFO)!).status, P.MODEL_READY, run.traceLines.slice(0, 3).join("\n"));

	const model = readModel(blob);
	const samples = rec.samples.slice();
	for (const f of faults) samples.fill(f.value, f.from, f.to); // what the app's input played
	const logits = new Map(run.traceLines.filter((l) => l.startsWith("@logits ")).map((l) => l.split(" ").slice(1).map(Number)).map((l) => [l[0]!, l.slice(1)]));
	const config = { sampleRate: rec.sampleRate, adcGain: rec.adcGain, adcZero: rec.adcZero, adcMin: rec.adcMin, adcMax: rec.adcMax, windowLength: WINDOW, windowPre: WINDOW >> 1 };
	const engine = new RefEngine(model, "boot");
	const rr = new RrContext(rec.sampleRate);
	const features = new Float32Array(RR_FEATURE_COUNT);
	const mv = new Float32Array(WINDOW);
	const floats = new Float32Array(WINDOW * (1 + RR_FEATURE_COUNT));
	const input = new Int8Array(floats.length);
	const noFeatures = new Int8Array(floats.length);
	let beats = 0;
	let mismatches = 0;
	let featureSensitive = 0;
	let premature = 0;
	let resets = 0;
	// The packets in the order the app sent them: a quality event that is not "ok" resets the context, as the app does.
	for (const p of run.packets) {
		if (p.id === P.EVENT) {
			const e = P.decodeEvent(p.bytes);
			if (e.kind === P.EVENT_QUALITY && e.value !== P.QUALITY_OK) {
				rr.reset();
				resets++;
			}
			continue;
		}
		if (p.id !== P.BEAT) continue;
		const beat = P.decodeBeat(p.bytes);
		t.not(beat.classIndex, undefined);
		const got = logits.get(beat.sampleIndex);
		t.truthy(got, `logits of the beat at ${beat.sampleIndex}`);
		rr.next(beat.rrPrevious, beat.rrNext, features, 0);
		if (features[0]! < -0.15) premature++;
		const set = windowsAt(samples, [beat.sampleIndex], config);
		windowToMillivolts(set.windows, rec.adcGain, mv);
		for (let i = 0; i < WINDOW; i++) {
			floats[i * 4] = mv[i]!;
			for (let f = 0; f < RR_FEATURE_COUNT; f++) floats[i * 4 + 1 + f] = features[f]!;
		}
		quantizeInto(floats, model.meta.input, input);
		const expected = Array.from(engine.invoke(input));
		if (expected.join() !== got!.join()) mismatches++;
		for (let i = 0; i < WINDOW; i++) noFeatures[i * 4] = input[i * 4]!;
		if (Array.from(engine.invoke(noFeatures)).join() !== expected.join()) featureSensitive++;
		beats++;
	}
	t.true(beats > 100, `${beats} beats`);
	t.is(mismatches, 0, "the device's logits differ from the reference engine's with the same RR features");
	t.true(resets >= 1, "the flat line sent a quality event");
	t.true(premature > 10, `record 119's premature beats show in rr_pre_ratio (${premature})`);
	t.true(featureSensitive > beats / 4, `the features change the logits of ${featureSensitive} of ${beats} beats`);
});

test("a model with unknown features or a channel count that does not match is refused as incompatible, heart rate goes on", async (t) => {
	const rec = await excerpt(20);
	const cases: [string, Uint8Array, RegExp][] = [
		["unknown", featureModel(1 + RR_FEATURE_COUNT, ["rr_pre_ratio", "qrs_width_ms", "rr_local_s"]), /input features this app does not compute: qrs_width_ms/],
		["three features, one channel", featureModel(1, [...RR_FEATURE_NAMES]), /the model input is 256x1, not 256x4/],
		["no features, four channels", featureModel(4, undefined), /the model input is 256x4, not 256x1/],
		["reordered", featureModel(1 + RR_FEATURE_COUNT, [...RR_FEATURE_NAMES].reverse()), /all of them in that order/],
	];
	for (const [name, blob, message] of cases) {
		const run = await runApp({ recording: rec, model: write(`${name.replace(/\W+/g, "-")}.htpw`, blob), config: { traceBeats: false } });
		t.is(run.status, 0, run.stderr);
		t.is(P.decodeModelInfo(run.values.get(P.MODEL_INFO)!).status, P.MODEL_INCOMPATIBLE, name);
		t.true(run.traceLines.some((l) => message.test(l)), `${name}: ${run.traceLines.filter((l) => l.startsWith("hypertiny:")).join(" | ")}`);
		const beats = run.of(P.BEAT).map(P.decodeBeat);
		t.true(beats.length > 10 && beats.every((b) => b.classIndex === undefined), `${name}: beats unclassified`);
	}
});
