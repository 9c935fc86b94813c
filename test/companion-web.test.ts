// The web companion: its run record (host/companion/web/run.js: what the page keeps of a run, its caps and its
// exports) on packets made here, then the page in headless Chromium against the simulator, driven over the
// DevTools protocol: the page decodes the app's packets (the shared protocol module, served transpiled), draws the
// strip on a calibrated grid at the gain the device sends, with class markers, the heart-rate trend, the device's counts and every event, scrolls
// back through a finished run and exports it; its buttons send control writes to the running app; on MIT-BIH 201
// it shades the AF episodes the device's events mark and gives their burden; on 7 minutes of record 119 it shows the
// apnea timeline the device's apnea minutes make. The screenshots are kept as test artifacts:
// build/test-artifacts/web-companion.png (and web-companion-af.png, web-companion-apnea.png).
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "../modules/ble/protocol.ts";
import { FIXTURE_MODEL } from "../host/app/default-model.ts";
import { SimApp } from "../host/app/sim-app.ts";
import { loadRecording } from "../host/app/ecg-resource.ts";
import { WebCompanionServer } from "../host/app/web-server.ts";
import { ROOT } from "../host/cli/sim-runner.ts";
import { built, excerpt } from "./app-helpers.ts";
import { MITDB_MISSING, mitdbTest } from "./mitdb-data.ts";
import { testWithTools } from "./toolchain.ts";

const ARTIFACTS = join(ROOT, "build/test-artifacts");
const APNEA_MODEL = join(ROOT, "models/apnea.htpw");
// Plain JavaScript served to the page as is; loaded by path so the type check leaves it alone.
const RUN_JS = join(ROOT, "host/companion/web/run.js");
const { Run, StripStore, clock } = (await import(RUN_JS)) as { Run: any; StripStore: any; clock: (s: number) => string };

function packet(encode: (b: Uint8Array) => number): Uint8Array {
	const b = new Uint8Array(P.MAX_PACKET);
	return b.slice(0, encode(b));
}

test("run record: device counts and their total, beats received with class and confidence, events in words, CSV and JSON exports", (t) => {
	const run = new Run(P);
	run.packet(P.MODEL_INFO, packet((b) => P.encodeModelInfo(b, { status: P.MODEL_READY, classCount: 4, policy: 0, alertClass: 2, blobBytes: 1000, crc: 1, window: 256, sampleRate: 360, tStar: 0, errorCode: 0 })));
	run.packet(P.CLASS_NAMES, packet((b) => P.encodeClassNames(b, ["N", "S", "V", "F"])));
	run.packet(P.EVENT, packet((b) => P.encodeEvent(b, P.EVENT_MODEL, P.MODEL_READY, 0, 0)));
	run.packet(P.BEAT, packet((b) => P.encodeBeat(b, 0, 0, 0.9, P.BEAT_CLASSIFIED, 360, 300, 310, 72)));
	run.packet(P.BEAT, packet((b) => P.encodeBeat(b, 1, 2, 0.6, P.BEAT_CLASSIFIED, 700, 340, 0, 70)));
	run.packet(P.BEAT, packet((b) => P.encodeBeat(b, 4, -1, 0, 0, 1000, 300, 0, 0))); // two notifications lost, then one not classified
	run.packet(P.EVENT, packet((b) => P.encodeEvent(b, P.EVENT_AF_ONSET, 0, 125, 36000)));
	run.packet(P.EVENT, packet((b) => P.encodeEvent(b, 42, 1, 2, 36100))); // a kind from a later protocol version
	run.packet(P.SUMMARY, packet((b) => P.encodeSummary(b, { quality: 0, heartRate: 70, modelStatus: 0, alerts: 0, samples: 36500, beatsDetected: 3, beatsClassified: 2, samplesRejected: 0 })));
	const counts = Uint32Array.of(5, 1, 2, 0, 7);
	run.packet(P.COUNTS, packet((b) => P.encodeCounts(b, counts, 5, 0)));
	run.packet(P.COUNTS, packet((b) => P.encodeCounts(b, counts, 5, 4)));
	t.false(run.packet(P.BEAT, Uint8Array.of(1, 2, 3)), "a malformed packet is refused");
	t.is(run.malformed, 1);

	t.deepEqual(run.deviceCounts, [5, 1, 2, 0, 7]);
	t.is(run.deviceTotal, 15);
	t.is(run.countsAt, 36500);
	t.is(run.received, 3);
	t.is(run.beatsLost, 2);
	t.deepEqual([...run.receivedCounts.entries()], [[0, 1], [2, 1], [-1, 1]]);
	t.is(run.lastSample, 36500);
	t.deepEqual(run.events.map((e: P.EventPacket) => run.eventText(e)), ["model ready", "atrial fibrillation started (AF burden 12.5 %)", "event 42 (value 1, detail 2)"]);
	t.deepEqual(run.events.map((e: P.EventPacket) => run.routine(e)), [true, false, false]);
	t.is(clock(100.7), "01:40");
	t.is(clock(3725), "1:02:05");

	t.deepEqual(run.csv().trimEnd().split("\n"), ["sample_index,time_s,class,confidence,heart_rate_bpm,af", "360,1.000,N,0.902,72,0", "700,1.944,V,0.600,70,0", "1000,2.778,,,,0"]);
	const json = JSON.parse(run.json());
	t.is(json.beats.length, 3);
	t.deepEqual(json.counts.device, { N: 5, S: 1, V: 2, F: 0 }, "counts by the model's class names");
	t.is(json.counts.deviceTotal, 15);
	t.deepEqual(json.heartRate, [[360, 72], [700, 70]]);
	t.deepEqual(json.events.map((e: { kind: string | number }) => e.kind), ["model", "af-onset", 42]);
	t.is(json.model.policy, "boot");
	t.is(json.device, null, "no device info received");
});

test("run record: AF episodes from the device's onset and offset events, the burden over the time monitored, and both exports", (t) => {
	const run = new Run(P);
	run.packet(P.MODEL_INFO, packet((b) => P.encodeModelInfo(b, { status: P.MODEL_READY, classCount: 2, policy: 0, alertClass: 1, blobBytes: 1000, crc: 1, window: 256, sampleRate: 360, tStar: 0, errorCode: 0 })));
	run.packet(P.CLASS_NAMES, packet((b) => P.encodeClassNames(b, ["N", "V"])));
	const beat = (seq: number, at: number) => run.packet(P.BEAT, packet((b) => P.encodeBeat(b, seq, 0, 1, P.BEAT_CLASSIFIED, at, 360, 360, 60)));
	const af = (kind: number, at: number, permille: number) => t.true(run.packet(P.EVENT, packet((b) => P.encodeEvent(b, kind, 0, permille, at))));
	t.is(run.afText(), "AF: 0 episodes, burden -");
	t.is(run.deviceAfText(), "");

	beat(0, 0);
	af(P.EVENT_AF_OFFSET, 100, 0); // an offset without an onset: no episode
	t.deepEqual(run.afEpisodes, []);
	beat(1, 1000);
	af(P.EVENT_AF_ONSET, 1000, 0);
	beat(2, 2000);
	af(P.EVENT_AF_ONSET, 2000, 300); // a repeated onset (an offset lost): the episode goes on from its first onset
	t.deepEqual(run.afEpisodes, [{ onset: 1000, offset: undefined }]);
	t.is(run.afOpen, run.afEpisodes[0]);
	t.deepEqual(run.afBurden(), { afSamples: 1000, monitoredSamples: 2000, percent: 50 }, "an open episode runs to the latest sample heard of");
	t.is(run.afText(), "AF: 1 episode (one in progress), burden 50.0 % of 00:05 monitored (computed here from the episodes)");
	beat(3, 3000);
	af(P.EVENT_AF_OFFSET, 3000, 500); // closed: [1000, 3000)
	beat(4, 3600);
	af(P.EVENT_AF_ONSET, 2500, 500); // an onset inside the episode that ended: ignored
	af(P.EVENT_AF_OFFSET, 3600, 500); // none open: ignored
	t.is(run.afEventsIgnored, 4);
	beat(5, 5000);
	af(P.EVENT_AF_ONSET, 5000, 444); // open: [5000, latest)
	beat(6, 5720);
	t.deepEqual(run.afEpisodes, [{ onset: 1000, offset: 3000 }, { onset: 5000, offset: undefined }]);
	t.is(run.lastSample, 5720);
	const burden = run.afBurden();
	t.deepEqual(burden, { afSamples: 2000 + 720, monitoredSamples: 5720, percent: (100 * 2720) / 5720 });
	t.is(run.afText(), "AF: 2 episodes (one in progress), burden 47.6 % of 00:15 monitored (computed here from the episodes)");
	t.is(run.deviceAfText(), "The device's own figure: 44.4 % at 00:13, its last AF event (RR time in AF since start or Reset counts).");
	t.is(run.events.filter((e: P.EventPacket) => e.kind === P.EVENT_AF_ONSET || e.kind === P.EVENT_AF_OFFSET).length, 7, "every AF event is in the event list, ignored or not");

	// CSV: still one row per beat, af 1 inside [onset, offset), 0 outside (the offset's own beat is out).
	const csv = run.csv().trimEnd().split("\n");
	t.is(csv[0], "sample_index,time_s,class,confidence,heart_rate_bpm,af");
	t.is(csv.length, 1 + 7);
	t.deepEqual(csv.slice(1).map((r: string) => [Number(r.split(",")[0]), r.split(",")[5]]), [[0, "0"], [1000, "1"], [2000, "1"], [3000, "0"], [3600, "0"], [5000, "1"], [5720, "1"]]);

	const json = JSON.parse(run.json()).af;
	t.deepEqual(json.episodes, [
		{ onset: 1000, offset: 3000, onsetTime: 2.778, offsetTime: 8.333, seconds: 5.556, open: false },
		{ onset: 5000, offset: null, onsetTime: 13.889, offsetTime: null, seconds: 2, open: true },
	]);
	t.is(json.episodeCount, 2);
	t.is(json.eventsIgnored, 4);
	t.is(json.afSamples, 2720);
	t.is(json.monitoredFrom, 0);
	t.is(json.monitoredSamples, 5720);
	t.is(json.burdenPercent, 47.55);
	t.regex(json.burdenSource, /^computed from the episodes/);
	t.deepEqual({ ...json.device, source: undefined }, { burdenPercent: 44.4, atSample: 5000, source: undefined });

	// The cap: the oldest episodes are forgotten but their AF time still counts; beats before them have no af value.
	const capped = new Run(P, { maxEvents: 10 });
	for (let i = 0; i < 30; i++) {
		capped.packet(P.BEAT, packet((b) => P.encodeBeat(b, i, 0, 1, P.BEAT_CLASSIFIED, 1000 * i + 100, 360, 360, 60)));
		capped.packet(P.EVENT, packet((b) => P.encodeEvent(b, P.EVENT_AF_ONSET, 0, 0, 1000 * i + 100)));
		capped.packet(P.EVENT, packet((b) => P.encodeEvent(b, P.EVENT_AF_OFFSET, 0, 0, 1000 * i + 600)));
	}
	t.true(capped.afEpisodes.length <= 11);
	t.is(capped.afEpisodes.length + capped.afEpisodesForgotten, 30);
	t.is(capped.afBurden().afSamples, 30 * 500, "forgotten episodes still count");
	const rows = capped.csv().trimEnd().split("\n").slice(1);
	t.is(rows[0]!.split(",")[5], "", "a beat in a forgotten episode: af unknown");
	t.is(rows[29]!.split(",")[5], "1");
});

test("run record: the strip's gain comes from the device info, &gain=N overrides it, and 200 is assumed (and said) only when the device sent none", (t) => {
	const run = new Run(P);
	t.deepEqual(run.stripGain(0), { gain: 200, source: "assumed", text: "at 200 ADC units/mV, assumed (the device did not send its gain; &gain=N in the URL sets it)" });
	t.is(run.stripGain(NaN).source, "assumed", "a gain= that is not a number is ignored");
	t.deepEqual(run.stripGain(1000), { gain: 1000, source: "url", text: "at 1000 ADC units/mV, set by gain= in the URL" });
	const device = { sampleRate: 250, adcGain: 1241.5, adcZero: 2047, adcMin: 0, adcMax: 4095 };
	t.true(run.packet(P.DEVICE_INFO, packet((b) => P.encodeDeviceInfo(b, device))));
	t.deepEqual(run.device, device);
	t.is(run.sampleRate, 250, "the strip's time axis follows the device's rate");
	t.deepEqual(run.stripGain(0), { gain: 1241.5, source: "device", text: "at 1241.5 ADC units/mV from the device" });
	t.deepEqual(run.stripGain(200), { gain: 200, source: "url", text: "at 200 ADC units/mV, set by gain= in the URL (the device says 1241.5 ADC units/mV)" });
	t.deepEqual(JSON.parse(run.json()).device, device, "the export says which input the run came from");
	t.false(run.packet(P.DEVICE_INFO, new Uint8Array(19)), "a short device info is refused");
	t.is(run.malformed, 1);
	t.is(run.device.adcGain, 1241.5, "and the last good one kept");
});

test("run record caps: the strip forgets its oldest tenth when full, keeps sample indices increasing, and beats and events are capped too", (t) => {
	const strip = new StripStore(100);
	for (let i = 0; i < 250; i++) strip.push(2 * i, i);
	t.true(strip.length <= 100 && strip.length > 80, `${strip.length} samples kept`);
	t.is(strip.forgotten + strip.length, 250);
	t.is(strip.index[strip.length - 1], 498, "the newest sample is kept");
	t.false(strip.push(10, 0), "a sample that goes back in time is dropped");
	t.is(strip.index[strip.lowerBound(401)], 402);
	t.is(strip.lowerBound(1e9), strip.length);

	const run = new Run(P, { maxBeats: 50, maxEvents: 20 });
	for (let i = 0; i < 120; i++) {
		run.packet(P.BEAT, packet((b) => P.encodeBeat(b, i, 0, 1, P.BEAT_CLASSIFIED, 100 * i, 100, 100, 60)));
		run.packet(P.EVENT, packet((b) => P.encodeEvent(b, P.EVENT_GARBAGE, 0, i, 100 * i)));
	}
	t.is(run.received, 120, "every beat received is counted");
	t.true(run.beats.length <= 50);
	t.is(run.beats.length + run.beatsForgotten, 120);
	t.is(run.beats[run.beats.length - 1].sampleIndex, 11900);
	t.true(run.events.length <= 20);
	t.is(run.events.length + run.eventsForgotten, 120);
});

test("run record: the apnea timeline from the apnea characteristic, minutes not yet known until sent, and the JSON export", (t) => {
	const run = new Run(P);
	t.is(run.apneaText(), "apnea: -");
	const apnea = (status: number, minute: number, cls: number, score = 0, held = 0) => run.packet(P.APNEA, packet((b) => P.encodeApnea(b, status, status === P.MODEL_INVALID ? 5 : 0, minute, cls, score, held)));
	apnea(P.MODEL_READY, -1, 0);
	t.is(run.apneaText(), "apnea: model ready, the first minute comes ~4.8 min into the recording");
	run.packet(P.SUMMARY, packet((b) => P.encodeSummary(b, { quality: 0, heartRate: 70, modelStatus: 0, alerts: 0, samples: 450 * 360, beatsDetected: 0, beatsClassified: 0, samplesRejected: 0 })));
	t.is(run.apneaMinutesBegun, 8, "7:30 of input: minutes 0..7 begun");
	apnea(P.MODEL_READY, 0, P.APNEA_CLASS_NORMAL, -80, 114);
	apnea(P.MODEL_READY, 1, P.APNEA_CLASS_APNEA, 31);
	apnea(P.MODEL_READY, 1, P.APNEA_CLASS_APNEA, 31); // the read value repeats the last notification
	t.false(run.packet(P.APNEA, Uint8Array.of(0, 1, 2)), "a malformed apnea packet is refused");
	t.deepEqual(Array.from({ length: run.apneaMinutesBegun }, (_, m) => run.apneaMinute(m)), ["normal", "apnea", ...Array(6).fill("notYetKnown")]);
	t.is(run.apneaText(), "apnea: 1 of 2 minutes (50.0 %)");
	const json = JSON.parse(run.json()).apnea;
	t.like(json, { model: "ready", errorCode: 0, apnea: 1, normal: 1, notAssessed: 0, minutesForgotten: 0 });
	t.deepEqual(json.minutes, ["normal", "apnea", ...Array(6).fill("notYetKnown")]);

	const broken = new Run(P);
	broken.packet(P.APNEA, packet((b) => P.encodeApnea(b, P.MODEL_INVALID, 5, -1, 0, 0, 0)));
	t.is(broken.apneaText(), "apnea: model invalid (error 5); no minutes");
	t.like(JSON.parse(broken.json()).apnea, { model: "invalid", errorCode: 5, minutes: [] });
});

/** What the page shows after a finished run, read in one go. */
const PAGE_STATE = `(() => {
	const q = (s) => document.querySelector(s);
	return {
		calibration: q("#calibration").textContent,
		gain: q("#gain").textContent,
		rows: [...document.querySelectorAll("#counts tbody tr")].map((tr) => ({ ...tr.dataset })),
		total: q("#total").textContent,
		received: q("#received").textContent,
		events: [...document.querySelectorAll("#events li")].map((li) => ({ kind: li.dataset.kind, sample: Number(li.dataset.sample), text: li.textContent, routine: li.classList.contains("routine") })),
		trendPoints: Number(q("#trend").dataset.points),
		trendAfBands: Number(q("#trend").dataset.afBands),
		af: { ...q("#af").dataset, text: q("#af").textContent, note: q("#af-note").textContent },
		apnea: { text: q("#apnea").textContent, ...q("#apnea-timeline").dataset, titles: [...document.querySelectorAll("#apnea-timeline span")].map((c) => c.title) },
		strip: { ...q("#strip").dataset },
		window: q("#window").textContent,
		lastBeat: q("#last-beat").textContent,
		model: q("#model").textContent,
		signal: q("#signal").textContent,
		controls: ["reset-counts", "send-summary", "strip-toggle"].map((id) => document.getElementById(id).disabled),
	};
})()`;

const NEXT_FRAME = `new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))`;

testWithTools("web companion in headless Chromium: a finished run on a calibrated strip, with counts that add up, every event, the heart-rate trend, scrollback to the start and exports", ["chromium"], async (t) => {
	built(["app"]);
	const rec = await excerpt(45);
	// A flat line from 35 s to 39 s (the lead held at 0 mV): signal-quality events beside the routine ones.
	const samples = rec.samples.slice();
	samples.fill(rec.adcZero, 35 * rec.sampleRate, 39 * rec.sampleRate);
	const page = new WebCompanionServer();
	const port = await page.listen(0);
	try {
		const app = new SimApp({ recording: { ...rec, samples }, model: FIXTURE_MODEL, config: { traceBeats: false, stripDecimation: 2 } });
		const sent: P.EventPacket[] = [];
		app.on("packet", (id: number, bytes: Uint8Array) => id === P.EVENT && sent.push(P.decodeEvent(bytes)));
		page.attach(app);
		const result = await app.done;
		t.is(result.status, 0, result.stderr);
		page.end();
		const browser = await devtools(page.url(port));
		try {
			// The page replays every frame it missed, then the end of the recording.
			await until("the end of the run on the page", () => browser.evaluate(`document.body?.dataset.ended ?? ""`), (v) => v === "true");
			await browser.evaluate(NEXT_FRAME);
			const s = (await browser.evaluate(PAGE_STATE)) as any;
			t.deepEqual(s.controls, [false, false, false], "the control buttons are enabled once the simulator is connected");
			t.regex(s.model, /^rest\/V \(boot, 5556 B\)$/);
			t.is(s.signal, "ok");
			t.is(s.calibration, "25 mm/s · 10 mm/mV");
			// The simulated device sends its record's gain (MIT-BIH 119's header: 200 units/mV); the page draws at it and says so.
			t.is(rec.adcGain, 200);
			t.is(s.gain, `at ${rec.adcGain} ADC units/mV from the device`, "the strip's gain is the device's, and the page says where it came from");
			t.is(s.strip.gain, String(rec.adcGain), "the strip is drawn at that gain");
			t.regex(s.lastBeat, /^(rest|V) \d+%$/, "the last beat's class and confidence");

			// Counts: the device's totals per class add up to the total shown, and are the app's own.
			const counts = result.stats?.counts as Record<string, number>;
			t.deepEqual(s.rows.map((r: any) => [r.class, Number(r.device)]), Object.entries(counts));
			t.is(s.rows.reduce((a: number, r: any) => a + Number(r.device), 0), Number(s.total));
			t.is(Number(s.received), result.stats?.beatsDelivered, "every beat the app sent reached the page");
			t.is(s.rows.reduce((a: number, r: any) => a + Number(r.received), 0), Number(s.received), "the beats received here add up too");

			// Every event the app sent, in order, with its time and name; routine ones muted.
			t.true(sent.length >= 2, `the app sent ${sent.length} events`);
			t.deepEqual(s.events.map((e: any) => [e.kind, e.sample]), sent.map((e) => [P.EVENT_NAMES[e.kind], e.sampleIndex]));
			t.true(s.events.some((e: any) => e.kind === "model" && /^00:00model ready$/.test(e.text) && e.routine));
			t.true(s.events.some((e: any) => e.kind === "quality" && /signal ok$/.test(e.text) && e.routine));
			t.true(s.events.some((e: any) => e.kind === "quality" && /signal flatline$/.test(e.text) && !e.routine), "the flat line is in the list, not muted");

			t.true(s.trendPoints > 10, `${s.trendPoints} heart-rate values on the trend`);
			// Record 119 has no AF: no band anywhere, and the page says so.
			t.is(s.strip.afBands, "0");
			t.is(s.trendAfBands, 0);
			t.is(s.af.episodes, "0");
			t.regex(s.af.text, /^AF: 0 episodes, burden 0\.0 % of 00:4\d monitored \(computed here from the episodes\)$/);
			t.is(s.af.note, "", "the device sent no AF burden");
			t.is(s.strip.follow, "false", "an ended run is no longer followed");
			t.true(Number(s.strip.firstSample) > 0, `the page opens at the end of the run (from sample ${s.strip.firstSample})`);
			t.regex(s.window, /–00:45 of 00:45 · run ended$/);

			mkdirSync(ARTIFACTS, { recursive: true });
			const shot = join(ARTIFACTS, "web-companion.png");
			writeFileSync(shot, Buffer.from(String(await browser.screenshot()), "base64"));
			const png = readFileSync(shot);
			t.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG");
			t.true(statSync(shot).size > 10000, `screenshot of ${statSync(shot).size} bytes has the drawing`);

			// Scrollback: the start of the run, the middle by the slider, then the end again.
			await browser.evaluate(`document.getElementById("to-start").click()`);
			await browser.evaluate(NEXT_FRAME);
			const atStart = (await browser.evaluate(`({ ...document.getElementById("strip").dataset })`)) as Record<string, string>;
			t.is(atStart.firstSample, "0");
			t.true(atStart.firstDrawn !== "" && Number(atStart.firstDrawn) <= 2, `the strip's first sample (${atStart.firstDrawn}) is drawn`);
			await browser.evaluate(`(() => { const r = document.getElementById("scroll"); r.value = String(20 * 360); r.dispatchEvent(new Event("input")); })()`);
			await browser.evaluate(NEXT_FRAME);
			t.is(await browser.evaluate(`document.getElementById("strip").dataset.firstSample`), String(20 * 360));
			await browser.evaluate(`document.getElementById("follow").click()`);
			await browser.evaluate(NEXT_FRAME);
			t.is(await browser.evaluate(`document.getElementById("strip").dataset.firstSample`), s.strip.firstSample, "Live goes back to the end");

			// Exports: one CSV row per beat received plus the header; the JSON holds the same beats, counts and events.
			const csv = String(await browser.evaluate(`window.hypertiny.csv()`)).trimEnd().split("\n");
			t.is(csv[0], "sample_index,time_s,class,confidence,heart_rate_bpm,af");
			t.is(csv.length, Number(s.received) + 1);
			const json = JSON.parse(String(await browser.evaluate(`window.hypertiny.json()`)));
			t.is(json.beats.length, Number(s.received));
			t.deepEqual(json.counts.device, counts);
			t.deepEqual(json.classes, Object.keys(counts));
			t.is(json.events.length, sent.length);
			t.is(json.sampleRate, rec.sampleRate);
		} finally {
			await browser.close();
		}
	} finally {
		await page.close();
	}
});

testWithTools("web companion in headless Chromium: the apnea timeline of 7 minutes of record 119, a cell per minute as the device sent it", ["chromium"], async (t) => {
	built(["app"]);
	const rec = await excerpt(420);
	const page = new WebCompanionServer();
	const port = await page.listen(0);
	try {
		const app = new SimApp({ recording: rec, model: FIXTURE_MODEL, apneaModel: APNEA_MODEL, config: { traceBeats: false } });
		const minutes: P.ApneaMinutePacket[] = [];
		app.on("packet", (id: number, bytes: Uint8Array) => id === P.APNEA && minutes.push(P.decodeApnea(bytes).minute!));
		page.attach(app);
		const result = await app.done;
		t.is(result.status, 0, result.stderr);
		page.end();
		t.deepEqual(minutes.map((m) => m.index), [0, 1, 2], "7:00 of input: minutes 0..2 complete (each 4:44 after it begins)");
		const browser = await devtools(page.url(port));
		try {
			await until("the end of the run on the page", () => browser.evaluate(`document.body?.dataset.ended ?? ""`), (v) => v === "true");
			await browser.evaluate(NEXT_FRAME);
			const s = (await browser.evaluate(PAGE_STATE)) as any;
			const name = (c: number) => (c === P.APNEA_CLASS_APNEA ? "apnea" : c === P.APNEA_CLASS_NORMAL ? "normal" : "notAssessed");
			t.is(s.apnea.minutes, "7");
			t.deepEqual(s.apnea.marks.split(","), [...minutes.map((m) => name(m.classIndex)), "notYetKnown", "notYetKnown", "notYetKnown", "notYetKnown"]);
			const called = minutes.filter((m) => m.classIndex === P.APNEA_CLASS_APNEA).length;
			t.is(s.apnea.text, `apnea: ${called} of 3 minutes (${((100 * called) / 3).toFixed(1)} %)`);
			t.is(s.apnea.titles[0], `00:00–01:00: ${minutes[0]!.classIndex === P.APNEA_CLASS_APNEA ? "apnea" : "normal"}`);
			t.is(s.apnea.titles[6], "06:00–07:00: not yet known");
			// A minute clicked: the strip shows its start.
			await browser.evaluate(`document.querySelector('#apnea-timeline span[data-minute="2"]').click()`);
			await browser.evaluate(NEXT_FRAME);
			t.is(await browser.evaluate(`document.getElementById("strip").dataset.firstSample`), String(120 * rec.sampleRate));
			mkdirSync(ARTIFACTS, { recursive: true });
			writeFileSync(join(ARTIFACTS, "web-companion-apnea.png"), Buffer.from(String(await browser.screenshot()), "base64"));
		} finally {
			await browser.close();
		}
	} finally {
		await page.close();
	}
});

/** A test with Chromium and MIT-BIH: skipped with the notice of whichever is missing. */
function testWithChromiumAndMitdb(title: string, body: (t: ExecutionContext) => Promise<void>): void {
	if (MITDB_MISSING === undefined) testWithTools(title, ["chromium"], body);
	else mitdbTest(title, body);
}

testWithChromiumAndMitdb("web companion in headless Chromium: AF episodes of MIT-BIH 201 shaded on the strip and the trend, with their burden, as the device's events said", async (t) => {
	built(["app"]);
	// The first 7 minutes of record 201: AF from its start to 6:18, then nodal and sinus rhythm (test/app-af.test.ts).
	const full = await loadRecording("201");
	const n = 420 * full.sampleRate;
	const rec = { ...full, samples: full.samples.slice(0, n), beats: full.beats.filter((b) => b.sample < n) };
	const page = new WebCompanionServer();
	const port = await page.listen(0);
	try {
		const app = new SimApp({ recording: rec, model: FIXTURE_MODEL, config: { traceBeats: false, stripDecimation: 2 } });
		const af: P.EventPacket[] = [];
		app.on("packet", (id: number, bytes: Uint8Array) => {
			const e = id === P.EVENT ? P.decodeEvent(bytes) : undefined;
			if (e && (e.kind === P.EVENT_AF_ONSET || e.kind === P.EVENT_AF_OFFSET)) af.push(e);
		});
		page.attach(app);
		const result = await app.done;
		t.is(result.status, 0, result.stderr);
		page.end();
		const onsets = af.filter((e) => e.kind === P.EVENT_AF_ONSET);
		t.true(onsets.length >= 1, `the app sent ${onsets.length} AF onsets`);
		const browser = await devtools(page.url(port));
		try {
			await until("the end of the run on the page", () => browser.evaluate(`document.body?.dataset.ended ?? ""`), (v) => v === "true");
			// The first AF event in the list, clicked: the strip shows its onset, shaded.
			await browser.evaluate(`document.querySelector('#events li[data-kind="af-onset"]').click()`);
			await browser.evaluate(NEXT_FRAME);
			const s = (await browser.evaluate(PAGE_STATE)) as any;
			t.true(Number(s.strip.firstSample) <= onsets[0]!.sampleIndex && onsets[0]!.sampleIndex <= Number(s.strip.lastSample), "the strip shows the onset");
			t.true(Number(s.strip.afBands) >= 1, `${s.strip.afBands} AF bands on the strip`);
			t.is(s.trendAfBands, onsets.length, "every episode shaded on the heart-rate trend");
			t.is(s.af.episodes, String(onsets.length));
			t.true(Number(s.af.burden) > 50, `AF burden ${s.af.burden} % (AF to 6:18 of 7:00)`);
			t.regex(s.af.text, /^AF: \d+ episodes?, burden \d+\.\d % of 0[67]:\d\d monitored \(computed here from the episodes\)$/);
			const last = af[af.length - 1]!;
			t.is(s.af.deviceBurden, String(last.detail / 10), "the device's own figure, from its last AF event");
			t.regex(s.af.note, /^The device's own figure: \d+\.\d % at \d\d:\d\d, its last AF event/);
			mkdirSync(ARTIFACTS, { recursive: true });
			writeFileSync(join(ARTIFACTS, "web-companion-af.png"), Buffer.from(String(await browser.screenshot()), "base64"));

			// The exports: the episodes as the events made them; the CSV's af column marks the beats inside them.
			const json = JSON.parse(String(await browser.evaluate(`window.hypertiny.json()`)));
			const pairs: [number, number | null][] = [];
			for (const e of af) {
				if (e.kind === P.EVENT_AF_ONSET) pairs.push([e.sampleIndex, null]);
				else pairs[pairs.length - 1]![1] = e.sampleIndex;
			}
			t.deepEqual(json.af.episodes.map((e: any) => [e.onset, e.offset]), pairs);
			t.is(json.af.burdenPercent, Number(Number(s.af.burden).toFixed(2)));
			const csv = String(await browser.evaluate(`window.hypertiny.csv()`)).trimEnd().split("\n").slice(1).map((r) => r.split(","));
			t.is(csv.length, json.beats.length);
			const inside = (i: number) => pairs.some(([on, off]) => on <= i && (off === null || i < off));
			t.deepEqual(csv.map((r) => r[5]), csv.map((r) => (inside(Number(r[0])) ? "1" : "0")));
			t.true(csv.some((r) => r[5] === "1") && csv.some((r) => r[5] === "0"));
		} finally {
			await browser.close();
		}
	} finally {
		await page.close();
	}
});

/**
 * Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages ending in
 * NUL, commands on fd 3, answers on fd 4), so a test can wait for the page and press its buttons.
 */
async function devtools(url: string): Promise<{ evaluate(expression: string): Promise<unknown>; screenshot(): Promise<string>; close(): Promise<void> }> {
	const profile = mkdtempSync(join(tmpdir(), "hypertiny-chromium-"));
	const child = spawn("chromium", ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900", "--remote-debugging-pipe", `--user-data-dir=${profile}`, url], {
		stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"],
	});
	const toBrowser = child.stdio[3] as NodeJS.WritableStream;
	const fromBrowser = child.stdio[4] as NodeJS.ReadableStream;
	let next = 0;
	const waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
	let buffered = "";
	fromBrowser.setEncoding("utf8");
	fromBrowser.on("data", (chunk: string) => {
		buffered += chunk;
		let end;
		while ((end = buffered.indexOf("\0")) >= 0) {
			const message = JSON.parse(buffered.slice(0, end));
			buffered = buffered.slice(end + 1);
			const w = message.id !== undefined ? waiting.get(message.id) : undefined;
			if (!w) continue;
			waiting.delete(message.id);
			if (message.error) w.reject(new Error(JSON.stringify(message.error)));
			else w.resolve(message.result);
		}
	});
	const send = (method: string, params: object = {}, sessionId?: string): Promise<any> =>
		new Promise((resolve, reject) => {
			const id = ++next;
			waiting.set(id, { resolve, reject });
			toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + "\0");
		});
	let page: { targetId: string } | undefined;
	for (let i = 0; i < 100 && !page; i++) {
		page = (await send("Target.getTargets")).targetInfos.find((t: { type: string; url: string }) => t.type === "page" && t.url.startsWith(url));
		if (!page) await new Promise((r) => setTimeout(r, 100));
	}
	if (!page) throw new Error(`Chromium did not open ${url}`);
	const { sessionId } = await send("Target.attachToTarget", { targetId: page.targetId, flatten: true });
	return {
		async evaluate(expression) {
			const r = await send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true }, sessionId);
			if (r.exceptionDetails) throw new Error(`${expression}: ${JSON.stringify(r.exceptionDetails)}`);
			return r.result.value;
		},
		async screenshot() {
			return (await send("Page.captureScreenshot", { format: "png" }, sessionId)).data;
		},
		async close() {
			await send("Browser.close").catch(() => {});
			await new Promise((r) => (child.exitCode === null ? child.once("close", r) : r(undefined)));
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = await probe();
		if (ok(v)) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

testWithTools("web companion buttons: pressing Reset counts in headless Chromium sends a control write to the running app; its result shows on the page and the app's counts restart", ["chromium"], async (t) => {
	built(["app"]);
	const rec = await excerpt(30 * 60);
	const page = new WebCompanionServer();
	const port = await page.listen(0);
	// The playback pushes one block per 1 ms timer tick at the least: a 30-minute record in blocks of 0.1 s keeps
	// the app running for 18 s or more however fast the C pipeline is, while a loaded machine starts Chromium and
	// the button is pressed; the write is picked up between two blocks.
	const app = new SimApp({ recording: rec, model: FIXTURE_MODEL, config: { traceBeats: false, realtime: false, blockSamples: 36 } });
	page.attach(app);
	// With &gain=N after the token, as the printed URL takes it: the page draws at N and names the device's too.
	const browser = await devtools(`${page.url(port)}&gain=1000`);
	try {
		const counted = await until("counts on the page", () => browser.evaluate(`document.getElementById("reset-counts")?.disabled === false ? document.querySelector('#counts tr[data-class="rest"]')?.dataset.device ?? "" : ""`), (v) => Number(v) > 0);
		t.log(`before the press: rest ${counted} (device total)`);
		t.is(await browser.evaluate(`document.getElementById("gain").textContent`), `at 1000 ADC units/mV, set by gain= in the URL (the device says ${rec.adcGain} ADC units/mV)`);
		t.is(await browser.evaluate(`document.getElementById("strip").dataset.gain`), "1000");
		await browser.evaluate(`document.getElementById("reset-counts").click()`);
		const result = await until("the result of the write", () => browser.evaluate(`document.body?.dataset.lastResult ?? ""`), (v) => v !== "");
		t.is(result, `${P.OP_RESET_COUNTS}:${P.RESULT_OK}`, "the device accepted reset-counts");
		t.is(await browser.evaluate(`document.getElementById("result").textContent`), `control ${P.OP_RESET_COUNTS}: ok`);
		t.is(page.writes, 1, "one write went to the app");
		const run = await app.done;
		t.is(run.status, 0, run.stderr);
		const total = Object.values(run.stats?.counts as Record<string, number>).reduce((a, b) => a + b, 0);
		t.true(total < (run.stats?.beatsClassified as number), `the app's counts restarted (${total} of ${run.stats?.beatsClassified} classified beats)`);
	} finally {
		await browser.close();
		await page.close();
	}
});
