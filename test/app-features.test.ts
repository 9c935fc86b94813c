// A model that takes the beat's context features as input channels (docs/FORMAT.md §6, META.features =
// BEAT_FEATURE_NAMES: RR context and QRS template) through the device app in the simulator: every beat's logits
// equal the reference engine fed the same window and the features of the same beat sequence (one BeatContext in
// Node, reset where the signal went bad: the XS app's doubles give the same float32 features as V8's),
// and models with unknown features or a channel count that does not match are refused as incompatible.
import test from "ava";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "../modules/ble/protocol.ts";
import { windowsAt, windowToMillivolts } from "../modules/ecg/index.ts";
import { biasedClasses } from "../host/eval/decision-bias.ts";
import { BEAT_FEATURE_COUNT, BEAT_FEATURE_NAMES, BeatContext, TEMPLATE_FEATURE_OFFSET } from "../modules/ecg/beat-features.ts";
import { readModel } from "../modules/model/index.ts";
import { quantizeInto } from "../modules/runtime/quantize.ts";
import { RefEngine } from "../host/pack/ref-engine.ts";
import { built, excerpt, runApp } from "./app-helpers.ts";
import { FEATURE_MODEL_WINDOW as WINDOW, featureModel } from "./feature-model.ts";

test.before(() => built(["app-faults", "app"]));

/** Input channels of a model that takes every beat feature. */
const C = 1 + BEAT_FEATURE_COUNT;

function write(name: string, bytes: Uint8Array): string {
	const path = join(mkdtempSync(join(tmpdir(), "hypertiny-features-")), name);
	writeFileSync(path, bytes);
	return path;
}

/** The legacy five (the models of dataset v3) in another order, and the rhythm irregularity: a model takes features by name. */
const SOME_FEATURES = ["tpl_rdiff", "tpl_corr", "rr_irregularity", "rr_local_s", "rr_post_ratio", "rr_pre_ratio"];

for (const names of [[...BEAT_FEATURE_NAMES], SOME_FEATURES]) test(`beat feature channels (${names.length === BEAT_FEATURE_COUNT ? "all" : names.join(", ")}): every beat's logits equal the reference engine on the same window and beat context, across a flat line`, async (t) => {
	const rec = await excerpt(120);
	const C = 1 + names.length;
	const columns = names.map((n) => BEAT_FEATURE_NAMES.indexOf(n));
	const blob = featureModel(C, names);
	const path = write("beat-features.htpw", blob);
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
	const context = new BeatContext(rec.sampleRate, WINDOW >> 1, WINDOW);
	const features = new Float32Array(BEAT_FEATURE_COUNT);
	const mv = new Float32Array(WINDOW);
	const floats = new Float32Array(WINDOW * C);
	const input = new Int8Array(floats.length);
	const noFeatures = new Int8Array(floats.length);
	let beats = 0;
	let mismatches = 0;
	let featureSensitive = 0;
	let premature = 0;
	let unlikeTemplate = 0;
	let resets = 0;
	// The packets in the order the app sent them: a quality event that is not "ok" resets the context, as the app does.
	for (const p of run.packets) {
		if (p.id === P.EVENT) {
			const e = P.decodeEvent(p.bytes);
			if (e.kind === P.EVENT_QUALITY && e.value !== P.QUALITY_OK) {
				context.reset();
				resets++;
			}
			continue;
		}
		if (p.id !== P.BEAT) continue;
		const beat = P.decodeBeat(p.bytes);
		t.not(beat.classIndex, undefined);
		const got = logits.get(beat.sampleIndex);
		t.truthy(got, `logits of the beat at ${beat.sampleIndex}`);
		const set = windowsAt(samples, [beat.sampleIndex], config);
		context.next(set.windows, beat.rrPrevious, beat.rrNext, features, 0);
		if (features[0]! < -0.15) premature++;
		if (features[TEMPLATE_FEATURE_OFFSET]! < 0.8) unlikeTemplate++;
		windowToMillivolts(set.windows, rec.adcGain, mv);
		for (let i = 0; i < WINDOW; i++) {
			floats[i * C] = mv[i]!;
			for (let f = 0; f < names.length; f++) floats[i * C + 1 + f] = features[columns[f]!]!;
		}
		quantizeInto(floats, model.meta.input, input);
		const expected = Array.from(engine.invoke(input));
		if (expected.join() !== got!.join()) mismatches++;
		for (let i = 0; i < WINDOW; i++) noFeatures[i * C] = input[i * C]!;
		if (Array.from(engine.invoke(noFeatures)).join() !== expected.join()) featureSensitive++;
		beats++;
	}
	t.true(beats > 100, `${beats} beats`);
	t.is(mismatches, 0, "the device's logits differ from the reference engine's with the same beat features");
	t.true(resets >= 1, "the flat line sent a quality event");
	t.true(premature > 10, `record 119's premature beats show in rr_pre_ratio (${premature})`);
	t.true(unlikeTemplate > 10, `record 119's ventricular beats show in tpl_corr (${unlikeTemplate})`);
	t.true(featureSensitive > beats / 4, `the features change the logits of ${featureSensitive} of ${beats} beats`);
});

test("a model with unknown features or a channel count that does not match is refused as incompatible, heart rate goes on", async (t) => {
	const rec = await excerpt(20);
	const cases: [string, Uint8Array, RegExp][] = [
		["unknown", featureModel(C, ["rr_pre_ratio", "qrs_width_ms", "rr_local_s", "tpl_corr", "tpl_rdiff"]), /input features this app does not compute: qrs_width_ms/],
		["all features, one channel", featureModel(1, [...BEAT_FEATURE_NAMES]), new RegExp(`the model input is 256x1, not 256x${C}`)],
		["no features, all channels", featureModel(C, undefined), new RegExp(`the model input is 256x${C}, not 256x1`)],
		["a feature twice", featureModel(3, ["rr_pre_avg", "rr_pre_avg"]), /names input features more than once: rr_pre_avg/],
		["decision biases for three of four classes", featureModel(C, [...BEAT_FEATURE_NAMES], 77, ["N", "S", "V", "F"], { decision_bias: [0, 1, 2] }), /decision_bias must give an integer in -255..255 for each of the 4 classes/],
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

test("a four-class model's beats are the argmax of its int8 logits plus META.decision_bias, host/eval's rule", async (t) => {
	const rec = await excerpt(60);
	const bias = [0, -6, 3, 9];
	const path = write("four-classes.htpw", featureModel(C, [...BEAT_FEATURE_NAMES], 78, ["N", "S", "V", "F"], { decision_bias: bias }));
	const run = await runApp({ recording: rec, model: path, config: { traceBeats: false, traceLogits: true } });
	t.is(run.status, 0, run.stderr);
	t.is(P.decodeModelInfo(run.values.get(P.MODEL_INFO)!).status, P.MODEL_READY, run.traceLines.slice(0, 3).join("\n"));
	const logits = new Map(run.traceLines.filter((l) => l.startsWith("@logits ")).map((l) => l.split(" ").slice(1).map(Number)).map((l) => [l[0]!, l.slice(1)]));
	let beats = 0;
	let moved = 0;
	for (const beat of run.of(P.BEAT).map(P.decodeBeat)) {
		const q = Int8Array.from(logits.get(beat.sampleIndex)!);
		t.is(beat.classIndex, biasedClasses(q, 4, bias)[0], `beat at ${beat.sampleIndex}: logits ${Array.from(q)}`);
		if (biasedClasses(q, 4, [0, 0, 0, 0])[0] !== beat.classIndex) moved++;
		beats++;
	}
	t.true(beats > 50, `${beats} beats`);
	t.true(moved > 0, "the biases changed some beats' class (the test would not notice them ignored otherwise)");
});
