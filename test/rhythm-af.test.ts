// The streaming AF detector (modules/rhythm/af-detector.ts): synthetic rhythms, determinism, no allocation per
// beat, and MIT-BIH records 201 and 203 through the device's own ECG pipeline.
import test from "ava";
import { PerformanceObserver } from "node:perf_hooks";
import { AF_DEFAULTS, AF_NONE, AF_OFFSET, AF_ONSET, AfDetector, type AfParameters } from "../modules/rhythm/af-detector.ts";
import { Xorshift32 } from "../modules/runtime/xorshift32.ts";
import { mitdbPath } from "../host/data/mitdb-path.ts";
import { recordStreams } from "../host/rhythm/af-streams.ts";
import { referenceEpisodes, scoreStream } from "../host/rhythm/af-score.ts";
import { mitdbTest } from "./mitdb-data.ts";

const RATE = 360;

/** A beat train: RR intervals in samples and which beats are ectopic (classified V). */
interface Train {
	rr: number[];
	ectopic: boolean[];
}

function uniform(rng: Xorshift32, low: number, high: number): number {
	return low + (rng.next() % (high - low + 1));
}

function regular(beats: number, seed: number, meanS = 0.8): Train {
	const rng = new Xorshift32(seed);
	const mean = Math.round(meanS * RATE);
	const rr = Array.from({ length: beats }, () => uniform(rng, mean - 6, mean + 6)); // ±17 ms
	return { rr, ectopic: rr.map(() => false) };
}

/** Irregularly irregular: every RR drawn from 0.35..1.1 s. */
function afLike(beats: number, seed: number): Train {
	const rng = new Xorshift32(seed);
	const rr = Array.from({ length: beats }, () => uniform(rng, Math.round(0.35 * RATE), Math.round(1.1 * RATE)));
	return { rr, ectopic: rr.map(() => false) };
}

/** Every other beat premature (55 % of the sinus RR), followed by a compensatory pause; `classified`: marked ectopic. */
function bigeminy(beats: number, seed: number, classified: boolean): Train {
	const base = regular(beats, seed);
	const rr = base.rr.map((r, i) => (i % 2 === 0 ? Math.round(r * 0.55) : Math.round(r * 1.45)));
	return { rr, ectopic: rr.map((_, i) => classified && i % 2 === 0) };
}

/** Sinus rhythm with an isolated premature beat every fourth to sixth beat. */
function frequentEctopy(beats: number, seed: number, classified: boolean): Train {
	const rng = new Xorshift32(seed ^ 0x5a5a);
	const base = regular(beats, seed);
	const ectopic = base.ectopic.slice();
	let next = 4;
	for (let i = 0; i + 1 < beats; i++) {
		if (i !== next) continue;
		base.rr[i] = Math.round(base.rr[i]! * 0.6);
		base.rr[i + 1] = Math.round(base.rr[i + 1]! * 1.4);
		ectopic[i] = classified;
		next = i + uniform(rng, 4, 6);
	}
	return { rr: base.rr, ectopic };
}

function concat(...trains: Train[]): Train {
	return { rr: trains.flatMap((t) => t.rr), ectopic: trains.flatMap((t) => t.ectopic) };
}

interface Run {
	/** Onsets at the sample where the episode began (onsetSample), offsets at the beat that ended it. */
	events: [string, number][];
	/** The beat samples at which each onset was reported. */
	reportedAt: number[];
	/** Beats inside reported episodes, as host/rhythm/af-score.ts counts them. */
	afBeats: number;
	detector: AfDetector;
	/** Whether each beat lies inside a reported episode. */
	states: boolean[];
}

function run(train: Train, parameters: AfParameters = AF_DEFAULTS): Run {
	const d = new AfDetector(RATE, parameters);
	const events: [string, number][] = [];
	const reportedAt: number[] = [];
	const samples: number[] = [];
	let sample = 0;
	for (let i = 0; i < train.rr.length; i++) {
		sample += train.rr[i]!;
		samples.push(sample);
		const change = d.beat(train.rr[i]!, train.rr[i + 1] ?? 0, train.ectopic[i]!, sample);
		if (change === AF_ONSET) reportedAt.push(sample);
		if (change !== AF_NONE) events.push([change === AF_ONSET ? "onset" : "offset", change === AF_ONSET ? d.onsetSample : sample]);
	}
	const states = samples.map((x) => {
		let inside = false;
		for (let e = 0; e < events.length; e++) {
			if (events[e]![0] !== "onset") continue;
			const end = events[e + 1]?.[1] ?? Infinity;
			if (events[e]![1] <= x && x < end) inside = true;
		}
		return inside;
	});
	return { events, reportedAt, afBeats: states.filter(Boolean).length, detector: d, states };
}

test("regular sinus rhythm is never AF", (t) => {
	for (const seed of [1, 2, 3]) {
		for (const meanS of [0.45, 0.8, 1.3]) {
			const r = run(regular(2000, seed, meanS));
			t.deepEqual(r.events, [], `seed ${seed}, RR ${meanS} s`);
			t.is(r.detector.burdenPermille(), 0);
		}
	}
});

test("irregularly irregular RR is AF, dated from the change, reported once it has lasted minEpisodeS, ended after the return to sinus rhythm", (t) => {
	const train = concat(regular(300, 4), afLike(600, 5), regular(300, 6));
	const r = run(train);
	t.is(r.events.length, 2, JSON.stringify(r.events));
	const [[kind1, onset], [kind2, offset]] = r.events as [[string, number], [string, number]];
	const sampleAt = (beat: number) => train.rr.slice(0, beat + 1).reduce((a, b) => a + b, 0);
	t.is(kind1, "onset");
	t.is(kind2, "offset");
	t.true(onset > sampleAt(300) && onset < sampleAt(300 + 40), `onset at beat ${r.states.indexOf(true)}`);
	t.is(AF_DEFAULTS.minEpisodeS, 30);
	t.true(r.reportedAt[0]! - onset >= 30 * RATE && r.reportedAt[0]! - onset < 40 * RATE, `reported ${(r.reportedAt[0]! - onset) / RATE} s after its onset`);
	t.true(offset > sampleAt(900) && offset < sampleAt(900 + 40), `offset at beat ${r.states.lastIndexOf(true) + 1}`);
	t.true(r.afBeats > 560 && r.afBeats < 640, `${r.afBeats} beats in AF of 600`);
	// burden: the AF stretch is about 0.725 s × 600 of the record's 0.8 s × 600 + 0.725 s × 600
	const permille = r.detector.burdenPermille();
	t.true(permille > 400 && permille < 520, `burden ${permille} ‰`);
	t.is(r.detector.episodes, 1);
});

test("an irregular stretch shorter than minEpisodeS is not reported; with minEpisodeS 0 it is, at once", (t) => {
	const short = concat(regular(100, 30), afLike(30, 31), regular(200, 32)); // about 22 s of AF-like RR
	t.deepEqual(run(short).events, []);
	const r = run(short, { ...AF_DEFAULTS, minEpisodeS: 0 });
	t.deepEqual(r.events.map((e) => e[0]), ["onset", "offset"]);
	t.true(r.reportedAt[0]! - r.events[0]![1] < 10 * RATE, "reported within a few beats of where it began");
	t.is(r.detector.burdenPermille() > 0, true);
	t.is(run(short).detector.burdenPermille(), 0, "an unreported stretch adds no burden");
});

test("bigeminy is not AF, whether or not the classifier marks the premature beats", (t) => {
	for (const classified of [true, false]) {
		const r = run(concat(regular(100, 7), bigeminy(1000, 8, classified), regular(100, 9)));
		t.deepEqual(r.events, [], `classified ${classified}`);
	}
});

test("frequent isolated ectopy is not AF, whether or not the classifier marks the ectopic beats", (t) => {
	for (const classified of [true, false]) {
		for (const seed of [10, 11, 12]) {
			const r = run(frequentEctopy(2000, seed, classified));
			t.deepEqual(r.events, [], `classified ${classified}, seed ${seed}`);
		}
	}
});

test("a stretch without normal intervals (a ventricular run) ends an episode; so does a gap in the signal", (t) => {
	const vRun: Train = { rr: Array(20).fill(150), ectopic: Array(20).fill(true) };
	const r = run(concat(regular(50, 13), afLike(200, 14), vRun, regular(200, 15)));
	t.deepEqual(r.events.map((e) => e[0]), ["onset", "offset"]);
	const d = new AfDetector(RATE);
	const train = afLike(200, 16);
	let sample = 0;
	for (let i = 0; i < train.rr.length; i++) d.beat(train.rr[i]!, train.rr[i + 1]!, false, (sample += train.rr[i]!));
	t.true(d.inAf);
	t.is(d.interrupt(sample + 100), AF_OFFSET);
	t.false(d.inAf);
	t.is(d.offsetSample, sample + 100);
	t.is(d.interrupt(sample + 200), AF_NONE, "no second offset");
});

test("the same beats give the same events, state and burden, bit for bit", (t) => {
	const train = concat(regular(100, 17), afLike(300, 18), frequentEctopy(300, 19, false), afLike(200, 20), bigeminy(200, 21, true));
	const a = run(train);
	const b = run(train);
	t.deepEqual(a.events, b.events);
	t.deepEqual(a.states, b.states);
	t.is(a.detector.smoothed, b.detector.smoothed);
	t.is(a.detector.afSamples, b.detector.afSamples);
	t.true(a.events.length >= 2);
});

test("parameters are checked", (t) => {
	t.throws(() => new AfDetector(RATE, { ...AF_DEFAULTS, offset: AF_DEFAULTS.onset + 1 }), { instanceOf: RangeError, message: /offset/ });
	t.throws(() => new AfDetector(RATE, { ...AF_DEFAULTS, smoothing: 1.5 }), { instanceOf: RangeError, message: /smoothing/ });
	t.throws(() => new AfDetector(RATE, { ...AF_DEFAULTS, onset: 0 }), { instanceOf: RangeError, message: /onset/ });
	t.throws(() => new AfDetector(RATE, { ...AF_DEFAULTS, minEpisodeS: -1 }), { instanceOf: RangeError, message: /minEpisodeS/ });
});

test("the per-beat step does not allocate: no garbage collection over a million beats", async (t) => {
	const train = concat(afLike(5000, 22), regular(5000, 23), frequentEctopy(5000, 24, true));
	const rr = Int32Array.from(train.rr);
	const ectopic = Uint8Array.from(train.ectopic, (e) => (e ? 1 : 0));
	const d = new AfDetector(RATE);
	const pass = () => {
		let sample = 0;
		let changes = 0;
		for (let i = 0; i < rr.length - 1; i++) changes += d.beat(rr[i], rr[i + 1], ectopic[i] === 1, (sample += rr[i]));
		return changes;
	};
	for (let i = 0; i < 5; i++) pass(); // let the JIT settle
	let collections = 0;
	const observer = new PerformanceObserver((list) => {
		collections += list.getEntries().length;
	});
	observer.observe({ entryTypes: ["gc"] });
	let changes = 0;
	for (let i = 0; i < 70; i++) changes += pass();
	await new Promise((resolve) => setTimeout(resolve, 50));
	observer.disconnect();
	t.true(changes > 70, `${changes} onsets and offsets`);
	t.true(collections <= 1, `${collections} garbage collections over ${70 * rr.length} beats`);
});

// Records 201 and 203 (DS1) through the device's ECG pipeline, with the shipped parameters: AF is called within a
// minute of every annotated AF onset (of an episode of at least a minute) and holds for most of the episode; it ends
// within two minutes of every annotated AF end that is followed by at least a minute of another rhythm (not flutter).
for (const record of ["201", "203"]) {
	mitdbTest(`MIT-BIH ${record}: AF onsets and offsets near the annotations`, async (t) => {
		const s = (await recordStreams(await mitdbPath(), record)).device;
		const result = scoreStream(s, AF_DEFAULTS);
		const covered = (from: number, to: number) => result.detected.filter((d) => d.start < to && from < d.end).reduce((n, d) => n + Math.min(to, d.end) - Math.max(from, d.start), 0);
		const episodes = referenceEpisodes(s, 30 * RATE).filter((e) => e.end - e.start >= 60 * RATE);
		t.true(episodes.length >= 1);
		for (const e of episodes) {
			t.true(covered(e.start, e.start + 60 * RATE) > 0, `no AF within a minute of the onset at ${e.start / RATE} s`);
			t.true(covered(e.start, e.end) > 0.8 * (e.end - e.start), `AF ${e.start / RATE}-${e.end / RATE} s mostly missed`);
		}
		let ends = 0;
		for (const e of episodes) {
			const next = s.segments.find((g) => g.start >= e.end && (g.rhythm === "AFIB" || g.rhythm === "AFL"));
			if ((next?.start ?? s.length) - e.end < 60 * RATE) continue;
			ends++;
			t.true(covered(e.end, e.end + 120 * RATE) < 120 * RATE, `AF still called two minutes after the end at ${e.end / RATE} s`);
		}
		if (record === "201") t.true(ends >= 1, "201: the end of its first episode is checked");
		const b = result.beats;
		t.true(b.tp / (b.tp + b.fn) > 0.9, JSON.stringify(b));
	});
}
