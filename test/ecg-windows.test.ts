import test from "ava";
import { PerformanceObserver } from "node:perf_hooks";
import { resolveConfig, type EcgConfig } from "../modules/ecg/config.ts";
import type { BeatEvent } from "../modules/ecg/events.ts";
import { windowToMillivolts } from "../modules/ecg/normalize.ts";
import { EcgPipeline } from "../modules/ecg/pipeline.ts";
import { filterRecord, windowsAt } from "../modules/ecg/record.ts";
import { quantizeInto } from "../modules/runtime/quantize.ts";
import { syntheticEcg } from "./ecg-signals.ts";

function stream(samples: Int16Array, config: EcgConfig): { positions: number[]; windows: Int32Array[] } {
	const positions: number[] = [];
	const windows: Int32Array[] = [];
	const pipeline = new EcgPipeline(config, (b) => {
		positions.push(b.sampleIndex);
		windows.push(b.window.slice());
	});
	pipeline.pushBlock(samples);
	pipeline.flush();
	return { positions, windows };
}

for (const [name, rate, extra] of [
	["360 Hz, centred 256", 360, {}],
	["250 Hz, 50 Hz mains, 200 samples with R at 80", 250, { mainsHz: 50, windowLength: 200, windowPre: 80 }],
	["500 Hz, 320 samples", 500, { windowLength: 320 }],
] as const) {
	test(`streamed windows are bit-identical to windowsAt() at the same positions (${name})`, (t) => {
		const ecg = syntheticEcg({ sampleRate: rate, seconds: 60, heartRate: 75, seed: 21 });
		const config = { ...ecg.config, ...extra };
		const s = resolveConfig(config);
		const { positions, windows } = stream(ecg.samples, config);
		t.true(positions.length > 60);
		const reference = windowsAt(ecg.samples, positions, config);
		for (let k = 0; k < positions.length; k++) {
			t.is(reference.valid[k], 1);
			t.deepEqual(windows[k], reference.windows.subarray(k * s.windowLength, (k + 1) * s.windowLength));
			const w = windows[k];
			let peak = 0;
			for (let i = 1; i < w.length; i++) if (Math.abs(w[i]) > Math.abs(w[peak])) peak = i;
			t.is(peak, s.windowPre, "R peak sits at windowPre");
		}
	});
}

test("windowsAt marks windows that do not fit in the filtered record", (t) => {
	const ecg = syntheticEcg({ seconds: 20, seed: 22 });
	const s = resolveConfig(ecg.config);
	const n = ecg.samples.length;
	const last = n - s.filterDelay - s.windowPost;
	const result = windowsAt(ecg.samples, [s.windowPre - 1, s.windowPre, last, last + 1, 1000.5], ecg.config);
	t.deepEqual(Array.from(result.valid), [0, 1, 1, 0, 0]);
	t.true(result.windows.subarray(3 * s.windowLength).every((v) => v === 0));
});

test("filter: zero at DC and mains, passes the QRS band, linear phase with the documented delay", (t) => {
	const config = { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 };
	const s = resolveConfig(config);
	t.is(s.filterDelay, 312);
	const n = 20 * 360;
	const gainAt = (hz: number) => {
		const x = new Int16Array(n).map((_, i) => Math.round(1024 + 500 * Math.sin((2 * Math.PI * hz * i) / 360)));
		const y = filterRecord(x, config);
		let peak = 0;
		for (let i = 10 * 360; i < n - 2 * 360; i++) peak = Math.max(peak, Math.abs(y[i]));
		return peak / 500;
	};
	t.true(filterRecord(new Int16Array(n).fill(1500), config).every((v) => v === 0), "DC removed");
	t.true(gainAt(0.1) < 0.05, "baseline wander");
	t.true(gainAt(0.67) > 0.68 && gainAt(0.67) < 0.75, "-3 dB near 0.67 Hz");
	t.true(gainAt(5) > 0.9 && gainAt(10) > 0.85, "QRS band");
	t.true(gainAt(26) > 0.68 && gainAt(26) < 0.75, "-3 dB near 26 Hz");
	t.true(gainAt(60) < 0.01, "mains");

	const bump = new Int16Array(n).fill(1024);
	for (let i = 0; i < n; i++) bump[i] += Math.round(300 * Math.exp(-0.5 * ((i - 3000) / 5) ** 2));
	const y = filterRecord(bump, config);
	let at = 0;
	for (let i = 0; i < n; i++) if (y[i] > y[at]) at = i;
	t.is(at, 3000, "a symmetric bump keeps its position (delay compensated)");
});

test("windowToMillivolts gives quantizeInto the model's input in mV", (t) => {
	const window = Int32Array.from([0, 200, -100, 5, 1000, -1000]);
	const mv = windowToMillivolts(window, 200, new Float32Array(window.length));
	t.deepEqual(Array.from(mv), [0, 1, -0.5, Math.fround(0.025), 5, -5]);
	const q = new Int8Array(window.length);
	quantizeInto(mv, { scale: 0.02, zero_point: 0 }, q);
	t.deepEqual(Array.from(q), [0, 50, -25, 1, 127, -128]);
	t.throws(() => windowToMillivolts(window, 200, new Float32Array(3)), { instanceOf: RangeError });
});

test("beat events reuse one object and one window buffer", (t) => {
	const ecg = syntheticEcg({ seconds: 30, seed: 23 });
	const seen = new Set<BeatEvent>();
	const buffers = new Set<Int32Array>();
	const pipeline = new EcgPipeline(ecg.config, (b) => {
		seen.add(b);
		buffers.add(b.window);
	});
	pipeline.pushBlock(ecg.samples);
	t.true(pipeline.beatsDelivered > 20);
	t.is(seen.size, 1);
	t.is(buffers.size, 1);
});

test("the per-sample path does not allocate: no garbage collection over an hour of samples", async (t) => {
	const ecg = syntheticEcg({ seconds: 120, seed: 24, noiseMv: 0.05 });
	const pipeline = new EcgPipeline(
		ecg.config,
		() => {},
		() => {},
	);
	// Warm up (lets the JIT settle), then count collections while streaming 30 records' worth.
	for (let i = 0; i < 3; i++) pipeline.pushBlock(ecg.samples);
	let collections = 0;
	const observer = new PerformanceObserver((list) => {
		collections += list.getEntries().length;
	});
	observer.observe({ entryTypes: ["gc"] });
	const before = pipeline.beatsDelivered;
	for (let i = 0; i < 30; i++) {
		pipeline.pushBlock(ecg.samples);
		pipeline.push(Number.NaN);
	}
	await new Promise((resolve) => setTimeout(resolve, 50));
	observer.disconnect();
	t.true(pipeline.beatsDelivered - before > 30 * 100);
	t.true(collections <= 1, `${collections} garbage collections while streaming ${30 * ecg.samples.length} samples`);
});
