// host/m4app without QEMU: the run's output parsed back into regions and packets, costs per segment and per
// beat from known counts, the board's resampling and GATT table, the power model's arithmetic.
import test from "ava";
import { CHARACTERISTICS } from "../modules/ble/protocol.ts";
import { bootCost, segmentBlocks, segmentCost } from "../host/m4app/analyze.ts";
import { gattHeader } from "../host/m4app/build.ts";
import { CLOCK_HZ, CPI, CPU_ACTIVE_MA, powerOf, SYSTEM_ON_IDLE_MA } from "../host/m4app/power.ts";
import { resample } from "../host/m4app/recording.ts";
import { parseRun } from "../host/m4app/run.ts";
import { syntheticEcg } from "../host/m4app/synthetic.ts";

const BLOCK = 36;

/** A run of `blocks` ADC blocks of 36 samples: a block costs 1000 (50 native), a beat adds 5000 (4000); a BLE
 * message after block 3 costs 70 (5). */
function fakeRun(blocks: number, beatBlocks: number[]) {
	const out = ["@region boot-vm 0", "@region boot-app 0", "hypertiny: model x", "@region msg 0"];
	const counts = ["@count 7 0", "@count 900 300", "@count 50 5"];
	for (let b = 1; b <= blocks; b++) {
		out.push(`@region block ${b}`);
		const beat = beatBlocks.includes(b);
		const [i, n] = beat ? [6000, 4050] : [1000, 50];
		counts.push(`@count ${i} ${n}`);
		if (beat) out.push(`beat ${b} rest 100% hr 60`);
		if (b === 3) {
			out.push("@region msg 3");
			counts.push("@count 70 5");
		}
	}
	for (const b of beatBlocks) out.push(`@ble ${b} beat 00010203`, `@ble ${b} measurement 1641`);
	out.push(`@end ms ${blocks * 100} ticks ${blocks}`);
	counts.push("@total 123456");
	return { ...parseRun(out.join("\n") + "\n", counts.join("\n") + "\n"), wallSeconds: 0 };
}

test("parseRun pairs each region with its count and keeps packets and trace apart", (t) => {
	const run = fakeRun(50, [25]);
	t.is(run.regions.length, 3 + 50 + 1);
	t.deepEqual(run.regions[1], { kind: "boot-app", tick: 0, instructions: 900, native: 300 });
	t.deepEqual(run.regions[3], { kind: "block", tick: 1, instructions: 1000, native: 50 });
	t.deepEqual(run.regions[6], { kind: "msg", tick: 3, instructions: 70, native: 5 });
	t.is(run.packets.length, 2);
	t.deepEqual(Array.from(run.packets[0]!.bytes), [0, 1, 2, 3]);
	t.deepEqual(run.trace, ["hypertiny: model x", "beat 25 rest 100% hr 60"]);
	t.is(run.ticks, 50);
	t.is(run.total, 123456);
	t.deepEqual(bootCost(run).total, { instructions: 957, native: 305, js: 652 });
	t.throws(() => parseRun("@region block 1\n@region block 2\n", "@count 1 0\n"), { message: /has no count/ });
});

test("segmentCost: per second, pipeline without beats and per beat from the blocks' excess", (t) => {
	const run = fakeRun(50, [10, 30]); // 50 blocks of 36 samples at 360 Hz: 5 s
	const cost = segmentCost(run, { name: "s", start: 0, count: 50 * BLOCK, settle: 0 }, 360, BLOCK);
	t.is(cost.seconds, 5);
	t.is(cost.beats, 2);
	const total = 48 * 1000 + 2 * 6000 + 70;
	t.is(cost.perSecond.instructions, total / 5);
	t.is(cost.perSecond.native, (48 * 50 + 2 * 4050 + 5) / 5);
	t.deepEqual(cost.perBeat, { instructions: 5000, native: 4000, js: 1000 });
	t.is(cost.pipelinePerSecond.instructions, (total - 2 * 5000) / 5);
	t.deepEqual(cost.block, { instructions: 1000, native: 50, js: 950 });
	t.deepEqual(cost.measuredPerSecond, cost.perSecond);
	// A synthetic segment at 30 bpm: the pipeline plus half a beat per second, whatever number of beats it caught.
	const atRate = segmentCost(run, { name: "s", start: 0, count: 50 * BLOCK, settle: 0, bpm: 30 }, 360, BLOCK);
	t.is(atRate.perSecond.instructions, (total - 2 * 5000) / 5 + 5000 / 2);
	t.is(atRate.perSecond.native, cost.pipelinePerSecond.native + 4000 / 2);
	t.deepEqual(atRate.measuredPerSecond, cost.perSecond);
	// A segment counts the blocks wholly inside it after its settling time.
	t.deepEqual(segmentBlocks({ name: "x", start: 100, count: 400, settle: 20 }, BLOCK), { first: 5, last: 13 });
	const late = segmentCost(run, { name: "late", start: 36 * 20, count: 36 * 20, settle: 36 * 5 }, 360, BLOCK);
	t.is(late.seconds, 1.5);
	t.is(late.beats, 1);
	t.throws(() => segmentCost(run, { name: "late", start: 40 * BLOCK, count: 20 * BLOCK, settle: 0 }, 360, BLOCK), { message: /block 51 was not run/ });
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
