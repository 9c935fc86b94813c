// host/m4app without QEMU: the run's output parsed back into regions and packets, costs per segment and per
// beat from known counts, the board's resampling and GATT table, the power model's arithmetic.
import test from "ava";
import { CHARACTERISTICS } from "../modules/ble/protocol.ts";
import { ADC_BLOCK, segmentCost } from "../host/m4app/analyze.ts";
import { gattHeader } from "../host/m4app/build.ts";
import { CLOCK_HZ, CPI, CPU_ACTIVE_MA, powerOf, SYSTEM_ON_IDLE_MA } from "../host/m4app/power.ts";
import { resample } from "../host/m4app/recording.ts";
import { parseRun } from "../host/m4app/run.ts";
import { syntheticEcg } from "../host/m4app/synthetic.ts";

/** A run of `ticks` ticks: sample ticks cost 100 (10 native), blocks 1000 (50), a beat adds 5000 (4000). */
function fakeRun(ticks: number, beatTicks: number[]) {
	const out = ["@region boot-vm 0", "@region boot-app 0", "hypertiny: model x", "@region msg 0"];
	const counts = ["@count 7 0", "@count 900 300", "@count 50 5"];
	for (let t = 1; t <= ticks; t++) {
		out.push(`@region tick ${t}`);
		const beat = beatTicks.includes(t);
		const [i, n] = t % ADC_BLOCK ? [100, 10] : beat ? [6000, 4050] : [1000, 50];
		counts.push(`@count ${i} ${n}`);
		if (beat) out.push(`beat ${t} rest 100% hr 60`);
	}
	for (const t of beatTicks) out.push(`@ble ${t} beat 00010203`, `@ble ${t} measurement 1641`);
	out.push(`@end ms ${ticks * 4} ticks ${ticks}`);
	counts.push("@total 123456");
	return { ...parseRun(out.join("\n") + "\n", counts.join("\n") + "\n"), wallSeconds: 0 };
}

test("parseRun pairs each region with its count and keeps packets and trace apart", (t) => {
	const run = fakeRun(50, [25]);
	t.is(run.regions.length, 3 + 50);
	t.deepEqual(run.regions[1], { kind: "boot-app", tick: 0, instructions: 900, native: 300 });
	t.deepEqual(run.regions[3], { kind: "tick", tick: 1, instructions: 100, native: 10 });
	t.is(run.packets.length, 2);
	t.deepEqual(Array.from(run.packets[0]!.bytes), [0, 1, 2, 3]);
	t.deepEqual(run.trace, ["hypertiny: model x", "beat 25 rest 100% hr 60"]);
	t.is(run.ticks, 50);
	t.is(run.total, 123456);
	t.throws(() => parseRun("@region tick 1\n@region tick 2\n", "@count 1 0\n"), { message: /has no count/ });
});

test("segmentCost: per second, pipeline without beats and per beat from the block ticks' excess", (t) => {
	const run = fakeRun(500, [100, 300]); // 2 s at 250 Hz, 20 blocks, 2 with a beat
	const cost = segmentCost(run, { name: "s", start: 0, count: 500, settle: 0 }, 250);
	t.is(cost.seconds, 2);
	t.is(cost.beats, 2);
	const total = 480 * 100 + 18 * 1000 + 2 * 6000;
	t.is(cost.perSecond.instructions, total / 2);
	t.is(cost.perSecond.native, (480 * 10 + 18 * 50 + 2 * 4050) / 2);
	t.deepEqual(cost.perBeat, { instructions: 5000, native: 4000, js: 1000 });
	t.is(cost.pipelinePerSecond.instructions, (total - 2 * 5000) / 2);
	t.deepEqual(cost.sampleTick, { instructions: 100, native: 10, js: 90 });
	t.is(cost.blockTick.instructions, 1000);
	t.throws(() => segmentCost(run, { name: "late", start: 400, count: 200, settle: 0 }, 250), { message: /tick 501 was not run/ });
});

test("resample: integer linear interpolation, exact on shared instants", (t) => {
	const x = Int16Array.from({ length: 37 }, (_, i) => 10 * i);
	const y = resample(x, 360, 250);
	t.is(y.length, 26);
	t.is(y[0], 0);
	t.is(y[25], 360); // 25 / 250 s = 36 / 360 s
	t.is(y[1], 14); // 1.44 input samples: 14.4
	t.is(y[12], 173); // 17.28: 172.8 rounds up
	t.throws(() => resample(x, 360.5, 250), { message: /positive integers/ });
});

test("gattHeader lists every characteristic the app's protocol names, notify flags from the services", (t) => {
	const header = gattHeader();
	for (const c of CHARACTERISTICS) t.regex(header, new RegExp(`\\{"${c.name}", "\\w+", [01]\\}`));
	t.regex(header, /\{"beat", "ArrayBuffer", 1\}/);
	t.regex(header, /\{"location", "Uint8", 0\}/);
	t.regex(header, new RegExp(`#define M4APP_CHARACTERISTICS ${CHARACTERISTICS.length}\\b`));
});

test("powerOf: duty cycle = instructions x CPI / clock, current between idle and active", (t) => {
	const ips = CLOCK_HZ / CPI / 20; // 5 %
	const p = powerOf(ips);
	t.true(Math.abs(p.dutyCycle - 0.05) < 1e-12);
	t.true(Math.abs(p.averageMa - (0.05 * CPU_ACTIVE_MA + 0.95 * SYSTEM_ON_IDLE_MA)) < 1e-12);
	t.true(Math.abs(p.batteryHours.cr2032 - 225 / p.averageMa) < 1e-9);
	t.true(powerOf(0).averageMa === SYSTEM_ON_IDLE_MA);
});

test("syntheticEcg: beats at the set rate, deterministic, inside the ADC's range", (t) => {
	const adc = { sampleRate: 250, adcGain: 200, adcZero: 1023, adcMin: 0, adcMax: 2047 };
	const a = syntheticEcg(adc, 120, 10, 3);
	t.deepEqual(a, syntheticEcg(adc, 120, 10, 3));
	let peaks = 0;
	for (let i = 1; i < a.length - 1; i++) if (a[i]! > adc.adcZero + 150 && a[i]! >= a[i - 1]! && a[i]! > a[i + 1]!) peaks++;
	t.is(peaks, 20);
	const rest = syntheticEcg(adc, 0, 10, 3);
	t.true(rest.every((v) => Math.abs(v - adc.adcZero) < 30));
	t.true(Math.max(...rest) - Math.min(...rest) > 4, "above the flatline gate");
});
