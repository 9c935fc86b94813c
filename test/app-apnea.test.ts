// Sleep apnea per minute in the device app (modules/app/apnea-minutes.ts), in the simulator on bundled MIT-BIH record
// 119: every minute the app sends on the apnea characteristic has the class, score and held count that the host's C
// engine gives the same minute assembled from the app's own beats (its beat packets) by modules/rhythm/apnea-input.ts,
// bit for bit; a missing apnea model, a corrupt one and a beat model in its place leave the beats untouched and say why.
import test from "ava";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as P from "../modules/ble/protocol.ts";
import { APNEA_WINDOW, apneaInput, apneaLastInstantS } from "../modules/rhythm/apnea-input.ts";
import { decisionScores } from "../host/rhythm/apnea-eval.ts";
import { quantizeInto } from "../modules/runtime/quantize.ts";
import { readModel } from "../modules/model/index.ts";
import { runWindows } from "../host/eval/engine.ts";
import { vScores } from "../host/eval/decide.ts";
import { thresholdClasses } from "../host/eval/scores.ts";
import { TRAINED_DEFAULT } from "../host/app/default-model.ts";
import { loadRecording } from "../host/app/ecg-resource.ts";
import { beatsOf, built, excerpt, runApp } from "./app-helpers.ts";

const APNEA_MODEL = fileURLToPath(new URL("../models/apnea.htpw", import.meta.url));

test.before(() => built(["app"]));

/** The host's minutes 0..count − 1 from `beats`: apnea-input.ts, the input quantizer, the C engine, `hypertiny eval`'s
 * rule on the decision score (apnea-score.ts: the mean over the model's score_minutes assessed minutes). */
function hostMinutes(beats: Int32Array, sampleRate: number, count: number) {
	const model = readModel(new Uint8Array(readFileSync(APNEA_MODEL)));
	const meta = model.meta as { input: { scale: number; zero_point: number }; t_star_score: number; score_minutes?: number };
	const inputs = new Int8Array(count * APNEA_WINDOW);
	const window = new Float32Array(APNEA_WINDOW);
	const held: number[] = [];
	for (let m = 0; m < count; m++) {
		held.push(apneaInput(beats, sampleRate, m, window));
		quantizeInto(window, meta.input, inputs.subarray(m * APNEA_WINDOW, (m + 1) * APNEA_WINDOW));
	}
	const raw = vScores(runWindows(APNEA_MODEL, model, inputs, { engine: "native", threads: 1 }));
	const scores = decisionScores(raw, new Uint8Array(count), meta.score_minutes ?? 1, (m) => held[m]! < APNEA_WINDOW);
	return { held, raw, scores, scoreMinutes: meta.score_minutes ?? 1, classes: thresholdClasses(scores, meta.t_star_score) };
}

/** Minute m's input is complete once the input passes its window's last instant (60·m + 284 s). */
function completeMinutes(samples: number, sampleRate: number): number {
	return Math.floor((samples / sampleRate - apneaLastInstantS(0)) / 60) + 1;
}

test("record 119: one apnea minute per minute of input, each equal to the host's C engine on the app's own beats", async (t) => {
	const rec = await loadRecording("119");
	const run = await runApp({ recording: rec, model: TRAINED_DEFAULT, apneaModel: APNEA_MODEL, config: { traceBeats: true } });
	t.is(run.status, 0, run.stderr);
	const minutes = run.of(P.APNEA).map(P.decodeApnea).map((a) => a.minute!);
	const expectedCount = completeMinutes(rec.samples.length, rec.sampleRate);
	t.is(expectedCount, 26, "30:05 of ECG");
	t.is(minutes.length, expectedCount);
	t.deepEqual(minutes.map((m) => m.index), [...Array(expectedCount).keys()], "minutes 0, 1, 2, ... in order, none twice");

	const beats = Int32Array.from(beatsOf(run).map((b) => b.sampleIndex));
	const { held, raw, scores, scoreMinutes, classes } = hostMinutes(beats, rec.sampleRate, expectedCount);
	t.true(scoreMinutes > 1 && scores.some((s, m) => s !== raw[m]), "the shipped model decides on a mean score, so the app's running window is what is compared");
	t.deepEqual(
		minutes.map((m) => [m.index, m.classIndex, m.score, m.held]),
		minutes.map((m) => [m.index, classes[m.index], scores[m.index], held[m.index]]),
	);
	t.true(held.slice(5).every((h) => h === 0), "after the first minutes every window is measured");
	t.true(new Set(scores).size > 10, "the scores are not constant");

	const last = P.decodeApnea(run.values.get(P.APNEA)!);
	t.deepEqual(last.minute, minutes[minutes.length - 1], "the read value is the latest minute");
	t.like(run.stats!.apnea, { model: "ready", minutes: expectedCount, apnea: classes.filter((c) => c === 1).length, notAssessed: 0, beatsDropped: 0 });
	t.true(run.traceLines.some((l) => /^hypertiny: apnea model apnea: N\/A per minute, boot, 5 kernels synthesized$/.test(l)), run.traceLines.slice(0, 5).join("\n"));
	t.true(run.traceLines.some((l) => /^apnea minute 0 (normal|apnea) score -?\d+ held \d+$/.test(l)));
});

test("a flat line of 12 minutes: minutes without a later beat assessed after the grace, those without one measured RR not assessed", async (t) => {
	const rec = await excerpt(330);
	const flat = new Int16Array(12 * 60 * rec.sampleRate).fill(rec.adcZero);
	const samples = new Int16Array(rec.samples.length + flat.length);
	samples.set(rec.samples);
	samples.set(flat, rec.samples.length);
	const run = await runApp({ recording: { ...rec, samples }, model: TRAINED_DEFAULT, apneaModel: APNEA_MODEL, config: { traceBeats: false } });
	t.is(run.status, 0, run.stderr);
	const minutes = run.of(P.APNEA).map(P.decodeApnea).map((a) => a.minute!);
	const count = completeMinutes(samples.length, rec.sampleRate);
	t.deepEqual(minutes.map((m) => m.index), [...Array(count).keys()]);
	const beats = Int32Array.from(beatsOf(run).map((b) => b.sampleIndex));
	const host = hostMinutes(beats, rec.sampleRate, count);
	const notAssessed = host.held.map((h) => h === APNEA_WINDOW);
	t.deepEqual(
		minutes.map((m) => [m.index, m.classIndex, m.score, m.held]),
		minutes.map((m) => (notAssessed[m.index] ? [m.index, P.APNEA_CLASS_NOT_ASSESSED, 0, APNEA_WINDOW] : [m.index, host.classes[m.index], host.scores[m.index], host.held[m.index]])),
	);
	t.true(notAssessed.filter(Boolean).length >= 3, `not assessed: ${minutes.filter((m) => m.classIndex === P.APNEA_CLASS_NOT_ASSESSED).map((m) => m.index)}`);
	t.true(host.held.some((h) => h > 0 && h < APNEA_WINDOW), "some windows partly held");
	t.like(run.stats!.apnea, { minutes: count, notAssessed: notAssessed.filter(Boolean).length });
});

test("apnea minutes under stream (a 7,360 B budget, its largest kernel; config apneaPolicy / apneaBudget) equal those under boot", async (t) => {
	const recording = await excerpt(480);
	const runs = await Promise.all([
		runApp({ recording, model: TRAINED_DEFAULT, apneaModel: APNEA_MODEL, config: { traceBeats: false } }),
		runApp({ recording, model: TRAINED_DEFAULT, apneaModel: APNEA_MODEL, config: { traceBeats: false, apneaPolicy: "stream", apneaBudget: 7360 } }),
	]);
	for (const run of runs) t.is(run.status, 0, run.stderr);
	const [boot, stream] = runs.map((run) => run.of(P.APNEA).map((b) => Buffer.from(b).toString("hex")));
	t.is(boot!.length, 4, "8:00 of input: minutes 0..3");
	t.deepEqual(stream, boot);
	t.true(runs[1]!.traceLines.includes("hypertiny: apnea model apnea: N/A per minute, stream, 0 kernels synthesized"), "stream synthesizes each minute's kernels when it runs");
});

async function beatRun(apneaModel: string | undefined, seconds = 90) {
	const run = await runApp({ recording: await excerpt(seconds), model: TRAINED_DEFAULT, apneaModel, config: { traceBeats: false } });
	return { run, status: P.decodeApnea(run.values.get(P.APNEA)!) };
}

test("no apnea resource: the app runs without apnea minutes and says so; beats are the same", async (t) => {
	const [without, withModel] = await Promise.all([beatRun(undefined), beatRun(APNEA_MODEL, 90)]);
	t.is(without.run.status, 0, without.run.stderr);
	t.deepEqual(without.status, { status: P.MODEL_MISSING, errorCode: 0, minute: undefined });
	t.is(without.run.of(P.APNEA).length, 0);
	t.true(without.run.traceLines.includes('hypertiny: no apnea minutes (missing: no model resource "apnea.htpw")'), without.run.traceLines.join("\n"));
	t.like(without.run.stats!.apnea, { model: "missing", minutes: 0 });
	t.is(without.run.stats!.model, "ready");
	t.deepEqual(beatsOf(without.run), beatsOf(withModel.run), "the beat classification does not depend on the apnea model");
	t.deepEqual(withModel.status, { status: P.MODEL_READY, errorCode: 0, minute: undefined }, "90 s: no minute complete yet");
});

test("a corrupt apnea model: invalid with the reader's CRC error, beats classified as before; a beat model in its place: incompatible", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-apnea-app-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const corrupt = join(dir, "corrupt.htpw");
	const blob = new Uint8Array(readFileSync(APNEA_MODEL));
	blob[blob.length - 10] ^= 0x40;
	writeFileSync(corrupt, blob);
	const [bad, beatModel, good] = await Promise.all([beatRun(corrupt), beatRun(TRAINED_DEFAULT), beatRun(undefined)]);
	t.is(bad.run.status, 0, bad.run.stderr);
	t.is(bad.status.status, P.MODEL_INVALID);
	t.is(bad.status.errorCode, 5, "CRC (docs/FORMAT.md §5)");
	t.true(bad.run.traceLines.some((l) => l.startsWith("hypertiny: no apnea minutes (invalid: ")), bad.run.traceLines.join("\n"));
	t.is(bad.run.stats!.model, "ready");
	t.deepEqual(beatsOf(bad.run), beatsOf(good.run));

	t.is(beatModel.status.status, P.MODEL_INCOMPATIBLE);
	t.true(beatModel.run.traceLines.includes("hypertiny: no apnea minutes (incompatible: the model consumes beat windows (a beat model), not an RR sequence (a rhythm model))"), beatModel.run.traceLines.join("\n"));
	t.deepEqual(beatsOf(beatModel.run), beatsOf(good.run));
});
