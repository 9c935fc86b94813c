// Atrial fibrillation in the device app (modules/app/monitor.ts + modules/rhythm/af-detector.ts), in the simulator
// on the first 8 minutes of MIT-BIH record 201 (AF to 6:18, then nodal and sinus rhythm): AF onset and offset go
// out as EVENT packets, bit-identical to the host's detector fed the same beats, and the companion prints them.
// Then the app's class rule in AF against its own beats and traced tpl_corr, on 201 and on 203 (AF with multiform V).
import type { ExecutionContext } from "ava";
import * as P from "../modules/ble/protocol.ts";
import { AfDetector, AF_NONE, AF_ONSET, ectopicForAf } from "../modules/rhythm/af-detector.ts";
import { classDuringAf } from "../modules/rhythm/beat-in-af.ts";
import { loadRecording } from "../host/app/ecg-resource.ts";
import { TRAINED_DEFAULT } from "../host/app/default-model.ts";
import { CompanionState } from "../host/companion/state.ts";
import { built, eventsOf, runApp } from "./app-helpers.ts";
import { mitdbTest } from "./mitdb-data.ts";

mitdbTest.before(() => built(["app"]));

mitdbTest("record 201: AF onset and offset events, as the host's detector computes them from the app's own beats", async (t) => {
	const full = await loadRecording("201");
	const n = 480 * full.sampleRate;
	const run = await runApp({ recording: { ...full, samples: full.samples.slice(0, n) }, model: TRAINED_DEFAULT, config: { traceBeats: false } });
	t.is(run.status, 0, run.stderr);
	const classes = P.decodeClassNames(run.values.get(P.CLASS_NAMES)!);
	const af = eventsOf(run).filter((e) => e.kind === P.EVENT_AF_ONSET || e.kind === P.EVENT_AF_OFFSET);

	// The host's replay: the same beats and bad-signal events in the order the app sent them.
	const host = new AfDetector(full.sampleRate);
	const expected: P.EventPacket[] = [];
	for (const p of run.packets) {
		let change = AF_NONE;
		let at = 0;
		if (p.id === P.BEAT) {
			const b = P.decodeBeat(p.bytes);
			const name = b.classIndex === undefined ? undefined : classes[b.classIndex];
			change = host.beat(b.rrPrevious, b.rrNext, ectopicForAf(name, b.confidence), (at = b.sampleIndex));
		} else if (p.id === P.EVENT) {
			const e = P.decodeEvent(p.bytes);
			if (e.kind === P.EVENT_QUALITY && e.value >= P.QUALITY_LEAD_OFF) change = host.interrupt((at = e.sampleIndex));
		}
		// an onset is dated where the episode began, before the beat that confirmed it
		if (change === AF_ONSET) t.true(host.onsetSample <= at - 30 * full.sampleRate, `onset ${host.onsetSample} confirmed at ${at}`);
		if (change !== AF_NONE) expected.push({ kind: change === AF_ONSET ? P.EVENT_AF_ONSET : P.EVENT_AF_OFFSET, value: 0, detail: host.burdenPermille(), sampleIndex: change === AF_ONSET ? host.onsetSample : at });
	}
	t.deepEqual(af, expected);

	t.is(af[0]?.kind, P.EVENT_AF_ONSET);
	t.true(af[0]!.sampleIndex < 60 * full.sampleRate, `first onset at ${af[0]!.sampleIndex / full.sampleRate} s`);
	t.true(af.some((e) => e.kind === P.EVENT_AF_OFFSET), "the AF that ends at 6:18 is over by 8:00");
	t.true(run.stats!.afEpisodes >= 1);
	t.true(run.stats!.afBurdenPermille > 400, `burden ${run.stats!.afBurdenPermille} ‰ over 8 minutes, 6:18 of them AF`);

	const summaries = run.of(P.SUMMARY).map(P.decodeSummary);
	t.true(summaries.some((s) => (s.alerts & P.ALERT_AF) !== 0), "summary alert bit 4 while in AF");
	const companion = new CompanionState();
	const lines: string[] = [];
	companion.onUpdate((u) => u.type === "alert" && lines.push(u.alert.text));
	for (const p of run.packets) companion.packet(p.id, p.bytes);
	t.true(lines.some((l) => /^atrial fibrillation started \(AF burden \d+\.\d %\)$/.test(l)), lines.join("\n"));
	t.true(lines.some((l) => l.startsWith("atrial fibrillation ended")));
});

/**
 * The app with and without its AF detector over the first two minutes of a record: the same beats, and classes that
 * differ only where the detector reported AF, only as modules/rhythm/beat-in-af.ts says (a beat the model called S
 * is reported N, and one called V whose QRS matches the dominant beat, by the tpl_corr the app traced). Counts what moved.
 */
async function afRuleOnAndOff(t: ExecutionContext, name: string): Promise<{ S: number; V: number; keptV: number }> {
	const full = await loadRecording(name);
	const recording = { ...full, samples: full.samples.slice(0, 120 * full.sampleRate) };
	const on = await runApp({ recording, model: TRAINED_DEFAULT, config: { traceBeats: false, traceLogits: true } });
	const off = await runApp({ recording, model: TRAINED_DEFAULT, config: { traceBeats: false, afDetector: false } });
	t.is(on.status, 0, on.stderr);
	t.is(off.status, 0, off.stderr);
	const templateMatch = new Map(on.traceLines.filter((l) => l.startsWith("@template ")).map((l) => l.split(" ").slice(1).map(Number) as [number, number]));
	const isAf = (e: P.EventPacket) => e.kind === P.EVENT_AF_ONSET || e.kind === P.EVENT_AF_OFFSET;
	t.true(eventsOf(on).some(isAf), `record ${name} starts in AF`);
	t.false(eventsOf(off).some(isAf));
	const classes = P.decodeClassNames(on.values.get(P.CLASS_NAMES)!);
	const beatsOn = on.of(P.BEAT).map(P.decodeBeat);
	const beatsOff = off.of(P.BEAT).map(P.decodeBeat);
	t.deepEqual(beatsOn.map((b) => [b.sampleIndex, b.rrPrevious, b.rrNext]), beatsOff.map((b) => [b.sampleIndex, b.rrPrevious, b.rrNext]));
	const host = new AfDetector(full.sampleRate);
	const moved = { S: 0, V: 0, keptV: 0 };
	const nameOf = (x: P.BeatPacket) => (x.classIndex === undefined ? "-" : classes[x.classIndex]);
	beatsOn.forEach((b, i) => {
		const before = beatsOff[i]!;
		if (host.inAf && before.classIndex !== undefined) {
			const match = templateMatch.get(b.sampleIndex);
			t.true(Number.isFinite(match), `beat at ${b.sampleIndex}: its tpl_corr traced`);
			const expected = classDuringAf(classes, before.classIndex, match!);
			t.is(b.classIndex, expected, `beat at ${b.sampleIndex}: ${nameOf(before)} during AF, tpl_corr ${match}`);
			if (nameOf(before) === "S") moved.S++;
			else if (nameOf(before) === "V") expected === before.classIndex ? moved.keptV++ : moved.V++;
		} else t.is(nameOf(b), nameOf(before), `beat at ${b.sampleIndex} outside AF`);
		host.beat(b.rrPrevious, b.rrNext, ectopicForAf(nameOf(b), b.confidence), b.sampleIndex);
	});
	t.log(`record ${name}: ${JSON.stringify(moved)}`);
	return moved;
}

mitdbTest("config afDetector false: the same beats, no AF event and no AF rule (what bench:m4app subtracts to cost the rhythm layer); record 201's S calls in AF are reported N", async (t) => {
	const moved = await afRuleOnAndOff(t, "201");
	t.true(moved.S > 0, `the model calls some beats of 201's AF S, and the app reports them N: ${JSON.stringify(moved)}`);
});

mitdbTest("record 203 (AF with multiform V): V calls in AF whose QRS matches the dominant beat are reported N, the others stay V", async (t) => {
	const moved = await afRuleOnAndOff(t, "203");
	t.true(moved.V > 0 && moved.keptV > 0, JSON.stringify(moved));
});
