import test from "ava";
import { resolveConfig, type EcgConfig } from "../modules/ecg/config.ts";
import type { BeatEvent } from "../modules/ecg/events.ts";
import { EcgPipeline } from "../modules/ecg/pipeline.ts";
import { syntheticEcg, type SyntheticOptions } from "./ecg-signals.ts";

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
