import test, { type ExecutionContext } from "ava";
import { resolveConfig, type EcgConfig } from "../modules/ecg/config.ts";
import { EcgPipeline } from "../modules/ecg/pipeline.ts";
import { windowsAt } from "../modules/ecg/record.ts";
import { syntheticEcg } from "./ecg-signals.ts";

const RATE = 360;
const FROM = 30 * RATE;
const TO = 35 * RATE;

interface Run {
	positions: number[];
	windows: Int32Array[];
	events: Array<{ reason: string; sampleIndex: number }>;
	pipeline: EcgPipeline;
}

function run(samples: ArrayLike<number>, config: EcgConfig, beforePush?: (index: number, pipeline: EcgPipeline) => void): Run {
	const out: Run = { positions: [], windows: [], events: [], pipeline: undefined as unknown as EcgPipeline };
	const pipeline = new EcgPipeline(
		config,
		(b) => {
			out.positions.push(b.sampleIndex);
			out.windows.push(b.window.slice());
		},
		(e) => out.events.push({ reason: e.reason, sampleIndex: e.sampleIndex }),
	);
	out.pipeline = pipeline;
	for (let i = 0; i < samples.length; i++) {
		beforePush?.(i, pipeline);
		pipeline.push(samples[i]);
	}
	pipeline.flush();
	return out;
}

/** No delivered window touches [from, to); beats resume after the disturbance; windows equal windowsAt's. */
function checkSuppressedAndRecovered(t: ExecutionContext, result: Run, samples: Int16Array, beats: number[], config: EcgConfig, from: number, to: number, recovery = 0): void {
	const s = resolveConfig(config);
	for (const r of result.positions) {
		const first = r - s.windowPre;
		t.true(first + s.windowLength <= from || first >= to, `window of beat ${r} overlaps the disturbance ${from}..${to}`);
	}
	const tolerance = 2;
	const resumeAfter = to + recovery + s.filterDelay + s.windowPre + Math.round(0.3 * RATE);
	// Filtered samples within filterDelay of the disturbance depend on it, and the detector runs ~0.5 s behind.
	const lastBefore = from - s.windowPost - s.filterDelay - Math.round(0.5 * RATE);
	const expected = beats.filter((r) => (r >= resumeAfter || r < lastBefore) && r - s.windowPre >= s.filterDelay && r < samples.length - 2 * RATE);
	const missed = expected.filter((r) => !result.positions.some((p) => Math.abs(p - r) <= tolerance));
	t.deepEqual(missed, [], "beats not delivered before the disturbance or after recovery");
	const extra = result.positions.filter((p) => !beats.some((r) => Math.abs(p - r) <= tolerance));
	t.deepEqual(extra, [], "deliveries that are not beats");

	const reference = windowsAt(samples, result.positions, config);
	for (let k = 0; k < result.positions.length; k++) {
		t.is(reference.valid[k], 1);
		t.deepEqual(result.windows[k], reference.windows.subarray(k * s.windowLength, (k + 1) * s.windowLength), `window ${k}`);
	}
	const ok = result.events.filter((e) => e.reason === "ok");
	t.is(ok.length, 2, "ok at start and after recovery");
	t.true(ok[1].sampleIndex >= to, "recovered after the disturbance ended");
}

test("flatline: suppressed, flatline event at its start, recovery", (t) => {
	const ecg = syntheticEcg({ seconds: 70, seed: 11 });
	const samples = ecg.samples.slice();
	samples.fill(1040, FROM, TO);
	const result = run(samples, ecg.config);
	t.deepEqual(
		result.events.map((e) => e.reason),
		["ok", "flatline", "ok"],
	);
	t.true(Math.abs(result.events[1].sampleIndex - FROM) <= 0.05 * RATE, `flatline reported from ${result.events[1].sampleIndex}`);
	checkSuppressedAndRecovered(t, result, samples, ecg.beats, ecg.config, FROM, TO);
});

test("saturation: a clipped sine raises saturation (not lead-off) and suppresses windows", (t) => {
	const ecg = syntheticEcg({ seconds: 70, seed: 12 });
	const samples = ecg.samples.slice();
	for (let i = FROM; i < TO; i++) samples[i] = Math.max(0, Math.min(2047, Math.round(1024 + 1536 * Math.sin((2 * Math.PI * (i - FROM)) / RATE))));
	const result = run(samples, ecg.config);
	t.deepEqual(
		result.events.map((e) => e.reason),
		["ok", "saturation", "ok"],
	);
	t.true(result.events[1].sampleIndex <= FROM + 0.1 * RATE);
	checkSuppressedAndRecovered(t, result, samples, ecg.beats, ecg.config, FROM, TO, resolveConfig(ecg.config).saturationWindow);
});

test("lead-off: samples pinned at a rail", (t) => {
	const ecg = syntheticEcg({ seconds: 70, seed: 13 });
	const samples = ecg.samples.slice();
	samples.fill(2047, FROM, TO);
	const result = run(samples, ecg.config);
	const reasons = result.events.map((e) => e.reason);
	t.deepEqual(reasons, ["ok", "saturation", "lead-off", "ok"], "the rail reads as saturation first, then as lead-off once pinned 500 ms");
	t.is(result.events[2].sampleIndex, FROM, "lead-off dated from the first pinned sample");
	const saturationClears = resolveConfig(ecg.config).saturationWindow;
	checkSuppressedAndRecovered(t, result, samples, ecg.beats, ecg.config, FROM, TO, saturationClears);
});

test("lead-off: the front end's lead-off flag", (t) => {
	const ecg = syntheticEcg({ seconds: 70, seed: 14 });
	const result = run(ecg.samples, ecg.config, (i, pipeline) => {
		if (i === FROM) pipeline.setLeadOff(true);
		if (i === TO) pipeline.setLeadOff(false);
	});
	t.deepEqual(result.events, [
		{ reason: "ok", sampleIndex: result.events[0].sampleIndex },
		{ reason: "lead-off", sampleIndex: FROM },
		{ reason: "ok", sampleIndex: result.events[2].sampleIndex },
	]);
	checkSuppressedAndRecovered(t, result, ecg.samples, ecg.beats, ecg.config, FROM, TO);
});

test("garbage samples are rejected, counted, kept out of the filter, and their windows suppressed", (t) => {
	const ecg = syntheticEcg({ seconds: 70, seed: 15 });
	const s = resolveConfig(ecg.config);
	const beatNear = (seconds: number) => ecg.beats.reduce((a, b) => (Math.abs(b - seconds * RATE) < Math.abs(a - seconds * RATE) ? b : a));
	const garbage = new Map<number, unknown>([
		[beatNear(20), NaN],
		[beatNear(20) + 1, Infinity],
		[beatNear(20) + 2, -Infinity],
		[beatNear(30) - 100, 1.5],
		[beatNear(40), -1],
		[beatNear(40) + 50, 2048],
		[beatNear(50) + 120, 1e9],
		[beatNear(55), undefined],
		[beatNear(60) + 10, "1000"],
	]);
	const stream: unknown[] = Array.from(ecg.samples);
	const held = ecg.samples.slice();
	for (const [index, value] of garbage) {
		stream[index] = value;
		held[index] = held[index - 1];
	}
	const result = run(stream as number[], ecg.config);
	t.is(result.pipeline.rejectedSamples, garbage.size);
	const bursts = [beatNear(20), beatNear(30) - 100, beatNear(40), beatNear(50) + 120, beatNear(55), beatNear(60) + 10];
	t.deepEqual(
		result.events.filter((e) => e.reason !== "ok"),
		bursts.map((sampleIndex) => ({ reason: "garbage", sampleIndex })),
		"one garbage event per burst",
	);
	t.is(result.events.filter((e) => e.reason === "ok").length, 1, "garbage alone does not restart the detector");

	const touching = (r: number) => [...garbage.keys()].some((g) => g >= r - s.windowPre && g < r - s.windowPre + s.windowLength);
	t.false(result.positions.some(touching), "no delivered window contains a rejected sample");
	const expected = ecg.beats.filter((r) => r - s.windowPre >= s.filterDelay && r < ecg.samples.length - 2 * RATE && !touching(r));
	t.deepEqual(
		expected.filter((r) => !result.positions.some((p) => Math.abs(p - r) <= 2)),
		[],
		"every other beat delivered",
	);
	t.is(ecg.beats.filter(touching).length, 6, "the test hits beat windows");
	t.true(result.pipeline.beatsSuppressed >= ecg.beats.filter(touching).length);

	// The filter only ever saw the last valid sample in place of garbage.
	const reference = windowsAt(held, result.positions, ecg.config);
	for (let k = 0; k < result.positions.length; k++) t.deepEqual(result.windows[k], reference.windows.subarray(k * s.windowLength, (k + 1) * s.windowLength));
});
