// The apnea task's data: the minute input (modules/rhythm/apnea-input.ts) on hand-made beat trains, the Challenge
// answer parsers, the subject folds, a dataset written from synthetic recordings and read back, and (when the
// Apnea-ECG annotations are here) the real dataset's counts against the database's published ones.
import test from "ava";
import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APNEA_STEP_S, APNEA_WINDOW, APNEA_WINDOW_OFFSET_S, apneaInput } from "../modules/rhythm/apnea-input.ts";
import { apneaEcgPath, findApneaEcg, LEARNING_RECORDS, parseMinuteAnswers, parseRecordingClasses, readApneaRecords, subjectsOf, TEST_RECORDS, type ApneaRecord } from "../host/data/apnea-ecg.ts";
import { apneaIndexShaBeforeSpread, readApneaDataset, subjectFolds, writeApneaDataset } from "../host/rhythm/apnea-dataset.ts";
import { ApneaNight } from "../modules/rhythm/apnea-spread.ts";
import { IN_CI } from "./toolchain.ts";

const FS = 100;

/** Beats at the given RR intervals (ms), from time 0, as samples at 100 Hz. */
function beatsOf(rrMs: number[]): number[] {
	const out = [0];
	for (const rr of rrMs) out.push(out[out.length - 1]! + rr / 10);
	return out;
}

test("a steady rhythm gives a flat zero window with nothing held", (t) => {
	const out = new Float32Array(APNEA_WINDOW);
	const held = apneaInput(beatsOf(Array(2000).fill(800)), FS, 5, out);
	t.is(held, 0);
	t.true(out.every((v) => v === 0));
});

test("each sample takes the interval in force, minus the window mean, in seconds", (t) => {
	// 1000 ms beats, then from 400 s on 500 ms beats: the window of minute 6 (start 360 + offset) straddles the change.
	const beats = [...beatsOf(Array(400).fill(1000)), ...beatsOf(Array(1000).fill(500)).slice(1).map((b) => b + 40000)];
	const out = new Float32Array(APNEA_WINDOW);
	apneaInput(beats, FS, 6, out);
	const start = 360 + APNEA_WINDOW_OFFSET_S;
	t.true(start < 400 && start + APNEA_STEP_S * APNEA_WINDOW > 400);
	const rr = Array.from({ length: APNEA_WINDOW }, (_, k) => (start + APNEA_STEP_S * k < 400 ? 1000 : 500));
	const mean = Math.floor(rr.reduce((a, b) => a + b, 0) / APNEA_WINDOW);
	t.deepEqual(Array.from(out), rr.map((v) => Math.fround((v - mean) / 1000)));
	t.true(out[0]! > 0 && out[APNEA_WINDOW - 1]! < 0);
});

test("intervals outside 300-2000 ms are held at the last usable value and counted", (t) => {
	// A 3 s gap (a missed stretch) at 200 s among 1 s beats; and an extra beat making a 100 ms interval at 252 s.
	const rr = Array(600).fill(1000);
	rr[200] = 3000;
	rr[250] = 100;
	rr[251] = 900;
	const out = new Float32Array(APNEA_WINDOW);
	const held = apneaInput(beatsOf(rr), FS, 5, out); // samples at 74, 76, … s
	// The gap [200, 203) s holds the samples at 200 and 202 s; beats at 252 and 252.1 s, the one at 252 s.
	t.is(held, 2 + 1, "the 3 s gap's two samples and the 100 ms interval's one");
	t.true(out.every((v) => Math.abs(v) < 0.01), "held values equal the 1000 ms around them");
});

test("no beats at all: a window of held fallback values, all zero after the mean", (t) => {
	const out = new Float32Array(APNEA_WINDOW);
	t.is(apneaInput([], FS, 0, out), APNEA_WINDOW);
	t.true(out.every((v) => v === 0));
});

test("bad arguments are refused with the reason", (t) => {
	const out = new Float32Array(APNEA_WINDOW);
	t.throws(() => apneaInput([0, 100], 0, 0, out), { message: /sample rate/ });
	t.throws(() => apneaInput([0, 100], FS, -1, out), { message: /minute/ });
	t.throws(() => apneaInput([0, 100], FS, 0, new Float32Array(10)), { message: /holds 10/ });
	t.throws(() => apneaInput([0, 100], FS, 0, out, 3), { message: /3 beats of 2/ });
	t.throws(() => apneaInput([0, 100], FS, 0, out, -1), { message: /-1 beats of 2/ });
});

test("the first `count` beats of a longer buffer (the device's ring) give the window those beats alone give", (t) => {
	const beats: number[] = [];
	for (let s = 0; s < 600 * FS; s += Math.round(FS * (0.8 + 0.1 * Math.sin(s / (40 * FS))))) beats.push(s);
	const ring = new Uint32Array(beats.length + 50).fill(0xffffffff); // stale slots past the count are never read
	ring.set(beats);
	const a = new Float32Array(APNEA_WINDOW), b = new Float32Array(APNEA_WINDOW);
	for (const [minute, count] of [[2, beats.length], [4, 300], [5, beats.length - 7]] as const) {
		const held = apneaInput(beats.slice(0, count), FS, minute, a);
		t.is(apneaInput(ring, FS, minute, b, count), held, `minute ${minute}, ${count} beats`);
		t.deepEqual(Array.from(b), Array.from(a));
	}
});

test("the Challenge answers parse, and a malformed line is named", (t) => {
	const minutes = parseMinuteAnswers("x01\n 0 NNAA\n 1 AN\nx02\n 0 N\n");
	t.deepEqual(Array.from(minutes.get("x01")!), [0, 0, 1, 1, 1, 0]);
	t.deepEqual(Array.from(minutes.get("x02")!), [0]);
	t.throws(() => parseMinuteAnswers("x01\n 0 NNXA\n"), { message: /line 2/ });
	t.throws(() => parseMinuteAnswers(" 0 NN\n"), { message: /line 1/ });
	t.deepEqual([...parseRecordingClasses("x01 A\nx03 B\n")], [["x01", "A"], ["x03", "B"]]);
	t.throws(() => parseRecordingClasses("x01 D\n"), { message: /line 1/ });
});

test("subject folds keep each subject whole and spread apnea minutes", (t) => {
	const records = [
		{ name: "a01", subject: "a01", apnea: 400, minutes: 480 }, { name: "a02", subject: "a01", apnea: 300, minutes: 480 },
		{ name: "a03", subject: "a03", apnea: 500, minutes: 480 }, { name: "c01", subject: "c01", apnea: 0, minutes: 480 },
		{ name: "c02", subject: "c02", apnea: 0, minutes: 470 }, { name: "b01", subject: "b01", apnea: 50, minutes: 480 },
	];
	const folds = subjectFolds(records, 3);
	t.deepEqual(folds.flat().sort(), records.map((r) => r.name).sort());
	t.true(folds.some((f) => f.includes("a01") && f.includes("a02")), "a01 and a02 are one subject");
	t.deepEqual(folds.find((f) => f.includes("a01")), ["a01", "a02"]);
	t.true(folds.find((f) => f.includes("a03"))!.every((n) => !n.startsWith("a0") || n === "a03"));
});

test("a dataset written from recordings reads back with its inputs, labels, splits and folds", async (t) => {
	const rec = (name: string, set: "learning" | "test", labels: number[]): ApneaRecord => ({
		name, set, recordingClass: set === "test" ? "C" : (name[0]!.toUpperCase() as "A"), beats: Int32Array.from(beatsOf(Array(700).fill(900))), labels: Uint8Array.from(labels),
	});
	const records = [rec("a01", "learning", [1, 1, 0]), rec("c01", "learning", [0, 0]), rec("x01", "test", [0, 1, 0, 0])];
	const dir = await mkdtemp(join(tmpdir(), "hypertiny-apnea-"));
	t.teardown(() => rm(dir, { recursive: true, force: true }));
	const out = join(dir, "ds");
	writeApneaDataset(out, records, new Map([["a01", "a01"], ["c01", "c01"], ["x01", "a01"]]), "synthetic");
	const ds = readApneaDataset(out);
	t.is(ds.index.count, 9);
	t.deepEqual(Array.from(ds.apnea), [1, 1, 0, 0, 0, 0, 1, 0, 0]);
	t.deepEqual(Array.from(ds.split), [0, 0, 0, 0, 0, 2, 2, 2, 2]);
	t.deepEqual(Array.from(ds.minute), [0, 1, 2, 0, 1, 0, 1, 2, 3]);
	t.deepEqual(ds.index.splits.test, { records: ["x01"], first: 5, count: 4 });
	t.deepEqual(ds.index.folds.flat().sort(), [0, 1], "folds hold the learning records only, by index");
	const expected = new Float32Array(APNEA_WINDOW);
	apneaInput(records[2]!.beats, FS, 3, expected);
	t.deepEqual(Array.from(ds.windows.subarray(8 * APNEA_WINDOW, 9 * APNEA_WINDOW)), Array.from(expected));
	// The spread column: each recording's minutes in order through one night, as the device would.
	const night = new ApneaNight();
	const beats = Uint32Array.from(records[2]!.beats);
	t.deepEqual(Array.from(ds.spread!.subarray(5, 9)), [0, 1, 2, 3].map((m) => night.term(beats, beats.length, FS, m)));
	t.is(ds.index.files.spread, "spread.i16");
	// A dataset from before the column (no files.spread) still reads, without it; its index sha is the one
	// apneaIndexShaBeforeSpread derives from the new index (apnea cv keeps rows scored on it).
	const index = JSON.parse(await readFile(join(out, "index.json"), "utf8"));
	const { spread: _spread, ...files } = index.files;
	const old = join(dir, "old");
	await cp(out, old, { recursive: true });
	await writeFile(join(old, "index.json"), JSON.stringify({ ...index, files }, null, "\t") + "\n");
	t.is(readApneaDataset(old).spread, undefined);
	t.is(createHash("sha256").update(await readFile(join(old, "index.json"))).digest("hex"), apneaIndexShaBeforeSpread(out));
	t.throws(() => readApneaDataset(dir), { message: /apnea dataset/ });
});

const found = findApneaEcg();
const withData = found.path ? test : IN_CI ? (title: string) => test(title, (t) => t.fail(`CI=true but ${found.missing}`)) : test.skip;

withData("the real Apnea-ECG annotations give the database's minute, apnea and beat counts", async (t) => {
	const dir = await apneaEcgPath();
	const learning = readApneaRecords(dir, LEARNING_RECORDS);
	const tests = readApneaRecords(dir, TEST_RECORDS);
	const sum = (rs: ApneaRecord[], f: (r: ApneaRecord) => number) => rs.reduce((a, r) => a + f(r), 0);
	// The counts of the data's README (decoded from the files): minutes, apnea minutes, .qrs N beats.
	t.is(sum(learning, (r) => r.labels.length), 17045);
	t.is(sum(learning, (r) => r.labels.reduce((a, b) => a + b, 0)), 6514);
	t.is(sum(tests, (r) => r.labels.length), 17268);
	t.is(sum(tests, (r) => r.labels.reduce((a, b) => a + b, 0)), 6550);
	t.is(sum([...learning, ...tests], (r) => r.beats.length), 2270442);
	t.deepEqual(["A", "B", "C"].map((c) => tests.filter((r) => r.recordingClass === c).length), [20, 5, 10]);
	const subjects = subjectsOf(dir, [...LEARNING_RECORDS, ...TEST_RECORDS]);
	t.is(subjects.get("a10"), "a05");
	t.is(subjects.get("a20"), "a05");
	t.is(subjects.get("x01"), "a07");
});
