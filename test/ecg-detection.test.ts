import test from "ava";
import { resolveConfig, type EcgConfig } from "../modules/ecg/config.ts";
import type { BeatEvent } from "../modules/ecg/events.ts";
import { EcgPipeline } from "../modules/ecg/pipeline.ts";
import { scoreDetections } from "./ecg-mitdb.ts";
import { concat, syntheticEcg, type SyntheticOptions } from "./ecg-signals.ts";
import { Xorshift32 } from "../modules/runtime/xorshift32.ts";

interface Delivered {
	sampleIndex: number;
	rrPrevious: number;
	rrNext: number;
	heartRate: number;
}

function run(samples: Int16Array, config: EcgConfig): { beats: Delivered[]; pipeline: EcgPipeline; reasons: string[] } {
	const beats: Delivered[] = [];
	const reasons: string[] = [];
	const pipeline = new EcgPipeline(
		config,
		(b: BeatEvent) => beats.push({ sampleIndex: b.sampleIndex, rrPrevious: b.rrPrevious, rrNext: b.rrNext, heartRate: b.heartRate }),
		(e) => reasons.push(e.reason),
	);
	pipeline.pushBlock(samples);
	pipeline.flush();
	return { beats, pipeline, reasons };
}

/**
 * Beats the pipeline can deliver: the window lies where the filter has seen only real samples, and the
 * detector (about 0.5 s behind the filter) has seen the beat before the record ends.
 */
function deliverable(beats: number[], length: number, config: EcgConfig): number[] {
	const s = resolveConfig(config);
	const end = length - s.filterDelay - Math.max(s.windowPost, Math.round(0.5 * s.sampleRate));
	return beats.filter((r) => r - s.windowPre >= s.filterDelay && r < end);
}

const cases: Array<[string, SyntheticOptions, Partial<EcgConfig>]> = [
	["360 Hz, 72 bpm", { sampleRate: 360, heartRate: 72, seed: 1 }, {}],
	["360 Hz, 45 bpm", { sampleRate: 360, heartRate: 45, seed: 2 }, {}],
	["360 Hz, 150 bpm", { sampleRate: 360, heartRate: 150, seed: 3 }, {}],
	["250 Hz, 60 bpm, 50 Hz mains", { sampleRate: 250, heartRate: 60, seed: 4 }, { mainsHz: 50 }],
	["500 Hz, 100 bpm, irregular", { sampleRate: 500, heartRate: 100, rrJitter: 0.15, seed: 5 }, {}],
	["360 Hz, 80 bpm, noisy with strong wander", { sampleRate: 360, heartRate: 80, noiseMv: 0.08, wanderMv: 1, seed: 6 }, {}],
];

for (const [name, options, extra] of cases) {
	test(`synthetic ECG (${name}): every beat found within ±5 ms, no extras, heart rate right`, (t) => {
		const ecg = syntheticEcg({ seconds: 90, ...options });
		const config = { ...ecg.config, ...extra };
		const { beats, reasons, pipeline } = run(ecg.samples, config);
		const rate = config.sampleRate;
		const tolerance = Math.max(1, Math.round(0.005 * rate));
		const expected = deliverable(ecg.beats, ecg.samples.length, config);

		const found = beats.map((b) => b.sampleIndex);
		const missed = expected.filter((r) => !found.some((f) => Math.abs(f - r) <= tolerance));
		const extra_ = found.filter((f) => !ecg.beats.some((r) => Math.abs(f - r) <= tolerance));
		t.deepEqual(missed, [], "missed beats");
		t.deepEqual(extra_, [], "detections that are not beats");
		t.true(found.length <= expected.length + 1, `${found.length} delivered for ${expected.length} deliverable`);
		t.deepEqual(reasons, ["ok"]);
		t.is(pipeline.rejectedSamples, 0);

		const bpm = options.heartRate!;
		const settled = beats.slice(8);
		for (const b of settled) {
			const allowed = options.rrJitter ? bpm * (options.rrJitter + 0.03) : 1;
			t.true(Math.abs(b.heartRate - bpm) <= allowed, `heart rate ${b.heartRate} for ${bpm} bpm at ${b.sampleIndex}`);
		}
		for (let i = 1; i < beats.length; i++) {
			t.is(beats[i].rrPrevious, beats[i].sampleIndex - beats[i - 1].sampleIndex);
			t.is(beats[i - 1].rrNext, beats[i].sampleIndex - beats[i - 1].sampleIndex);
		}
		t.is(beats[0].rrPrevious, found[0] - Math.max(...ecg.beats.filter((r) => r < found[0] - tolerance)), "first delivered beat knows its predecessor");
	});
}

test("pipeline rejects a configuration it cannot run", (t) => {
	const base = { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 };
	t.throws(() => new EcgPipeline({ ...base, sampleRate: 360.5 }), { instanceOf: RangeError });
	t.throws(() => new EcgPipeline({ ...base, adcMin: -40000, adcZero: 0, adcMax: 40000 }), { instanceOf: RangeError });
	t.throws(() => new EcgPipeline({ ...base, windowPre: 256 }), { instanceOf: RangeError });
	t.notThrows(() => new EcgPipeline({ ...base, adcMin: -32768, adcZero: 0, adcMax: 32767, adcGain: 1000 }));
});

test("ventricular flutter (a 4.5 Hz sine, no QRS) is not taken for beats; the beats after it are found again", (t) => {
	const rate = 360;
	const ecg = syntheticEcg({ seconds: 80, heartRate: 75, seed: 41 });
	const from = 30 * rate;
	const to = 50 * rate;
	const flutter = new Int16Array(to - from);
	for (let i = 0; i < flutter.length; i++)
		flutter[i] = Math.round(ecg.config.adcZero + ecg.config.adcGain * (0.8 * Math.sin((2 * Math.PI * 4.5 * i) / rate) + 0.1 * Math.sin((2 * Math.PI * 0.3 * i) / rate)));
	const samples = concat(ecg.samples.subarray(0, from), flutter, ecg.samples.subarray(from));
	const { beats } = run(samples, ecg.config);
	const found = beats.map((b) => b.sampleIndex);

	const inFlutter = found.filter((f) => f >= from && f < to);
	t.log(`${inFlutter.length} beats delivered during ${(flutter.length / rate) * 4.5} flutter waves`);
	t.true(inFlutter.length <= 2, `beats at ${inFlutter.join(", ")}`);

	const tolerance = Math.round(0.005 * rate);
	const before = ecg.beats.filter((r) => r - 128 >= 312 && r < from - rate);
	const after = ecg.beats.filter((r) => r < from).map((r) => r + flutter.length).concat(ecg.beats.filter((r) => r >= from).map((r) => r + flutter.length));
	const expectedAfter = after.filter((r) => r >= to + rate && r < samples.length - 2 * rate);
	for (const r of [...before, ...expectedAfter]) t.true(found.some((f) => Math.abs(f - r) <= tolerance), `beat at ${r} missed`);
});

test("asystole with the electrodes on (wander and noise, no QRS) gives no beats; the beats after it are found again", (t) => {
	const rate = 360;
	const ecg = syntheticEcg({ seconds: 80, heartRate: 75, seed: 43 });
	const from = 30 * rate;
	const rng = new Xorshift32(5);
	// 60 s: 0.1 mV of 0.3 Hz wander and ±0.01 mV of noise, as bench:m4app's beat-free segment; the detector learns
	// again every 8 s and must not take the noise peaks (0.01-0.025 mV band-passed) for beats.
	const asystole = new Int16Array(60 * rate);
	for (let i = 0; i < asystole.length; i++)
		asystole[i] = Math.round(ecg.config.adcZero + ecg.config.adcGain * (0.1 * Math.sin((2 * Math.PI * 0.3 * i) / rate) + 0.02 * (rng.next() / 0x100000000 - 0.5)));
	const to = from + asystole.length;
	const samples = concat(ecg.samples.subarray(0, from), asystole, ecg.samples.subarray(from));
	const { beats } = run(samples, ecg.config);
	const found = beats.map((b) => b.sampleIndex);
	const inAsystole = found.filter((f) => f >= from + rate && f < to);
	t.deepEqual(inAsystole, [], "no beat delivered during the asystole");

	const tolerance = Math.round(0.005 * rate);
	const after = ecg.beats.filter((r) => r >= from).map((r) => r + asystole.length).filter((r) => r >= to + 3 * rate && r < samples.length - 2 * rate);
	t.true(after.length > 40);
	for (const r of after) t.true(found.some((f) => Math.abs(f - r) <= tolerance), `beat at ${r} missed`);
});

test("scoring matches each reference beat to at most one detection, the nearest, within the tolerance", (t) => {
	const score = scoreDetections([100, 200, 300, 400], [95, 190, 205, 330, 355, 401, 600], 20);
	t.deepEqual(score.offsets, [-5, 5, 1]);
	t.deepEqual(score.missed, [300]);
	t.deepEqual(score.extra, [190, 330, 355, 600]);
	t.is(score.truePositives, 3);
	t.is(score.falseNegatives, 1);
	t.is(score.falsePositives, 4);
	t.is(score.sensitivity, 3 / 4);
	t.is(score.positivePredictivity, 3 / 7);
	const none = scoreDetections([10, 20], [], 5);
	t.is(none.falseNegatives, 2);
	t.is(none.positivePredictivity, 0);
});
