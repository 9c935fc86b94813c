// Fault injection, each handled as docs/ble-protocol.md says: bad input segments (flat line, rail, clipping,
// NaN / infinities) suppress classification and are reported; malformed and oversized control writes are
// refused with a result code; notifications with the client gone are dropped and counted, the app runs on.
import test from "ava";
import * as P from "../modules/ble/protocol.ts";
import { FIXTURE_MODEL } from "../host/app/default-model.ts";
import { beatsOf, built, eventsOf, excerpt, runApp, type AppRun } from "./app-helpers.ts";

const HALF_WINDOW = 128;

test.before(() => built(["app-faults", "app"]));

function beatsTouching(run: AppRun, from: number, to: number): number[] {
	return beatsOf(run)
		.map((b) => b.sampleIndex)
		.filter((i) => i + HALF_WINDOW > from && i - HALF_WINDOW < to);
}

function qualityEvents(run: AppRun): { state: string; at: number }[] {
	return eventsOf(run)
		.filter((e) => e.kind === P.EVENT_QUALITY)
		.map((e) => ({ state: P.QUALITY_NAMES[e.value], at: e.sampleIndex }));
}

test("flat line, lead at a rail and clipping: reported when they start, no beat classified across them, recovery", async (t) => {
	const rec = await excerpt(150);
	const clip: { from: number; to: number; value: number }[] = [];
	for (let s = 0; s < 10; s++) clip.push({ from: 40000 + 360 * s, to: 40000 + 360 * s + 72, value: rec.adcMax }); // 20 % of each second
	const faults = [{ from: 10000, to: 14000, value: rec.adcZero }, { from: 25000, to: 25540, value: rec.adcMin }, ...clip];
	const run = await runApp({ recording: rec, model: FIXTURE_MODEL, entry: "app-faults", config: { traceBeats: false, faults } });
	t.is(run.status, 0, run.stderr);
	const q = qualityEvents(run);
	const flat = q.find((e) => e.state === "flatline");
	const leadOff = q.find((e) => e.state === "lead-off");
	const saturation = q.find((e) => e.state === "saturation" && e.at > 30000);
	t.truthy(flat, JSON.stringify(q));
	t.truthy(leadOff, JSON.stringify(q));
	t.truthy(saturation, JSON.stringify(q));
	t.true(Math.abs(flat!.at - 10000) < 360, `flat line dated ${flat!.at}`);
	t.true(Math.abs(leadOff!.at - 25000) < 360, `lead-off dated ${leadOff!.at}`);
	t.true(saturation!.at >= 40000 - 360 && saturation!.at < 40000 + 3600, `saturation dated ${saturation!.at}`);
	t.deepEqual(beatsTouching(run, 10000, 14000), []);
	t.deepEqual(beatsTouching(run, 25000, 25540), []);
	t.deepEqual(beatsTouching(run, 40000, 40000 + 3600), []);
	t.true(q.filter((e) => e.state === "ok").length >= 4, "the signal is good again after each fault");
	const beats = beatsOf(run);
	t.true(beats.some((b) => b.sampleIndex > 14000 && b.sampleIndex < 25000), "beats resume after the flat line");
	t.true(beats.some((b) => b.sampleIndex > 44000), "beats resume after the clipping");
	const summaries = run.of(P.SUMMARY).map(P.decodeSummary);
	t.true(summaries.some((s) => s.alerts & P.ALERT_SIGNAL && s.quality === P.QUALITY_FLATLINE));
	t.is(summaries.at(-1)!.samples, rec.samples.length, "every sample reached the pipeline");
});

test("NaN and infinite samples are rejected and counted; no window containing one is classified", async (t) => {
	const rec = await excerpt(60);
	const faults = [{ from: 5000, to: 5100, value: "nan" }, { from: 9000, to: 9001, value: "inf" }, { from: 12000, to: 12003, value: "-inf" }, { from: 15000, to: 15002, value: 1e9 }];
	const run = await runApp({ recording: rec, model: FIXTURE_MODEL, entry: "app-faults", config: { traceBeats: false, faults } });
	t.is(run.status, 0, run.stderr);
	t.is(run.stats?.samplesRejected, 106);
	const garbage = eventsOf(run).filter((e) => e.kind === P.EVENT_GARBAGE);
	t.deepEqual(garbage.map((e) => e.sampleIndex), [5000, 9000, 12000, 15000]);
	t.deepEqual(garbage.map((e) => e.detail), [1, 101, 102, 105], "each event counts the samples rejected so far (as the first of its burst arrives)");
	for (const [from, to] of [[5000, 5100], [9000, 9001], [12000, 12003], [15000, 15002]]) t.deepEqual(beatsTouching(run, from, to), [], `${from}..${to}`);
	t.true(beatsOf(run).length > 50);
	t.is(P.decodeSummary(run.of(P.SUMMARY).at(-1)!).samplesRejected, 106);
});

test("control writes: malformed and oversized ones refused with their code, valid ones applied", async (t) => {
	const rec = await excerpt(60);
	const script = [
		{ at: 1000, write: [] },
		{ at: 1000, write: new Array(21).fill(P.OP_STRIP) },
		{ at: 1000, write: new Array(200).fill(7) },
		{ at: 1000, write: [0x7f] },
		{ at: 1000, write: [P.OP_RESET_COUNTS, 1] },
		{ at: 1000, write: [P.OP_STRIP, 200] },
		{ at: 2000, write: [P.OP_STRIP, 8] },
		{ at: 4000, write: [P.OP_STRIP, 0] },
		{ at: 5000, write: [P.OP_V_RUN_LENGTH, 2] },
		{ at: 9000, write: [P.OP_RESET_COUNTS] },
	];
	const run = await runApp({ recording: rec, model: FIXTURE_MODEL, script, config: { traceBeats: false, blockSamples: 500 } });
	t.is(run.status, 0, run.stderr);
	const results = run.of(P.CONTROL_RESULT).map(P.decodeControlResult);
	t.deepEqual(
		results.map((r) => [r.op, r.result, r.length, r.rejected]),
		[
			[0, P.RESULT_EMPTY, 0, 1],
			[P.OP_STRIP, P.RESULT_TOO_LONG, 21, 2],
			[7, P.RESULT_TOO_LONG, 200, 3],
			[0x7f, P.RESULT_UNKNOWN_OPCODE, 1, 4],
			[P.OP_RESET_COUNTS, P.RESULT_BAD_LENGTH, 2, 5],
			[P.OP_STRIP, P.RESULT_OUT_OF_RANGE, 2, 6],
			[P.OP_STRIP, P.RESULT_OK, 2, 6],
			[P.OP_STRIP, P.RESULT_OK, 2, 6],
			[P.OP_V_RUN_LENGTH, P.RESULT_OK, 2, 6],
			[P.OP_RESET_COUNTS, P.RESULT_OK, 1, 6],
		],
	);
	const strips = run.of(P.STRIP).map(P.decodeStrip);
	t.true(strips.length > 10, "strip notifications while decimation 8 was on");
	t.true(strips.every((s) => s.decimation === 8 && s.sampleIndex >= 2000 && s.sampleIndex < 4000));
	const first = strips[0];
	t.is(first.samples[0], rec.samples[first.sampleIndex] - rec.adcZero, "strip samples are raw ADC minus zero");
	t.is(first.samples[1], rec.samples[first.sampleIndex + 8] - rec.adcZero);
	t.is(run.stats?.controlRejected, 6);
	const resetAt = run.packets.findIndex((p) => p.id === P.CONTROL_RESULT && p.bytes[0] === P.OP_RESET_COUNTS && p.bytes[1] === P.RESULT_OK);
	const afterReset = run.packets.slice(resetAt).filter((p) => p.id === P.BEAT).length;
	const counts = P.decodeCounts(run.values.get(P.COUNTS)!);
	t.is(counts.counts.reduce((a, b) => a + b, 0), afterReset, "counts restart at the reset");
	t.true(afterReset < beatsOf(run).length);
});

test("notifications with the client gone are dropped and counted; the app keeps running and resumes on reconnect", async (t) => {
	const rec = await excerpt(90);
	const script = [{ at: 8000, disconnect: true as const }, { at: 20000, write: [P.OP_SEND_SUMMARY] }, { at: 22000, connect: true as const }];
	const run = await runApp({ recording: rec, model: FIXTURE_MODEL, script, config: { traceBeats: false } });
	t.is(run.status, 0, run.stderr);
	t.deepEqual(run.connections, [false, true]);
	t.true((run.stats?.packetsDropped as number) > 20, `dropped ${run.stats?.packetsDropped}`);
	const beats = beatsOf(run).map((b) => b.sampleIndex);
	t.true(beats.some((i) => i < 7000) && beats.some((i) => i > 24000));
	t.is(run.of(P.CONTROL_RESULT).length, 0, "a write while disconnected cannot arrive");
	t.deepEqual(beats.filter((i) => i > 8000 && i < 21000), [], "nothing arrives while the client is gone");
	t.true((run.stats?.beatsDelivered as number) - beats.length > 10, "beats were delivered (and dropped) meanwhile");
	t.is(run.stats?.samples, rec.samples.length);
});
