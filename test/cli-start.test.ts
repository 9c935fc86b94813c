// `hypertiny start` says whether the run did what was asked: a record with no samples or a model the app cannot use
// ends with exit 1 and one line saying so; a good run prints the running line (beats by class, heart rate,
// alerts) and exits 0.
import test from "ava";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURE_DIR } from "./data-helpers.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const FIXTURE_MODEL = join(ROOT, "test/fixtures/tiny-hyper.htpw");

function hypertiny(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((done) => {
		const child = spawn(process.execPath, [join(ROOT, "bin/hypertiny.js"), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (d) => (stdout += d));
		child.stderr.on("data", (d) => (stderr += d));
		child.on("close", (code) => done({ code, stdout, stderr }));
	});
}

/** The first `seconds` of record 119 as its own record (no annotations), so a run takes a few seconds. */
function shortRecord(dir: string, seconds: number, name = "short"): string {
	const samples = seconds * 360;
	writeFileSync(join(dir, `${name}.hea`), `${name} 2 360 ${samples}\r\n${name}.dat 212 200 11 1024 825\r\n${name}.dat 212 200 11 1024 930\r\n`);
	writeFileSync(join(dir, `${name}.dat`), readFileSync(join(FIXTURE_DIR, "119.dat")).subarray(0, samples * 3));
	writeFileSync(join(dir, `${name}.atr`), new Uint8Array(2)); // the end-of-annotations word only
	return join(dir, name);
}

const dir = mkdtempSync(join(tmpdir(), "hypertiny-start-"));

test("a record with no samples: exit 1 and one line, before anything is built", async (t) => {
	const record = shortRecord(dir, 0, "empty");
	const run = await hypertiny(["start", "--record", record]);
	t.is(run.code, 1);
	t.is(run.stderr, "hypertiny start: record empty has no samples: nothing to play\n");
	t.is(run.stdout, "");
});

test.serial("a model the app cannot use: the run and its summary, then exit 1 naming the model's state", async (t) => {
	const model = join(dir, "truncated.htpw");
	writeFileSync(model, readFileSync(FIXTURE_MODEL).subarray(0, 300));
	const run = await hypertiny(["start", "--record", shortRecord(dir, 60), "--model", model]);
	t.is(run.code, 1, run.stderr);
	t.regex(run.stderr, new RegExp(`hypertiny start: the app could not use ${model} \\(model invalid\\): it ran without classifying beats\\n$`));
	t.regex(run.stdout, /record short/, "the summary is still printed");
	t.false(/\n\s+at /.test(run.stderr), "no stack trace");
});

test.serial("an apnea model the app cannot use, named with --apnea-model: beats classified, exit 1 naming it; the default one is there", async (t) => {
	const run = await hypertiny(["start", "--record", shortRecord(dir, 60), "--model", FIXTURE_MODEL, "--apnea-model", FIXTURE_MODEL]);
	t.is(run.code, 1, run.stderr);
	t.regex(run.stderr, new RegExp(`hypertiny start: the app could not use ${FIXTURE_MODEL} \\(apnea model incompatible\\): it ran without apnea minutes\\n$`));
	t.regex(run.stdout, /^sleep apnea: no minutes \(apnea model incompatible\)$/m);
	t.regex(run.stdout, /^model: .*tiny-hyper\.htpw \(ready\)$/m);
	const fine = await hypertiny(["start", "--record", shortRecord(dir, 60), "--model", FIXTURE_MODEL, "--json"]);
	t.is(fine.code, 0, fine.stderr);
	const summary = JSON.parse(fine.stdout.trim().split("\n").at(-1)!);
	t.is(summary.type, "run-summary");
	t.deepEqual(summary.apnea, { model: "ready", minutes: 0, apnea: 0, normal: 0, notAssessed: 0, apneaPerHour: null, labels: "none: MIT-BIH records carry no apnea labels, so the minutes are not scored" }, "a minute of ECG: none complete yet");
});

test.serial("a good run: the running line with beats by class adding up, heart rate and alerts; exit 0", async (t) => {
	const run = await hypertiny(["start", "--record", shortRecord(dir, 60), "--model", FIXTURE_MODEL]);
	t.is(run.code, 0, run.stderr);
	const lines = run.stdout.split("\n").filter((l) => /^\d\d:\d\d\.\d  .* beats/.test(l));
	t.true(lines.length >= 1, run.stdout);
	const last = /^(\d\d:\d\d\.\d)  (\d+|-) bpm  (\d+) beats(?:: (.*?))?  alerts (\d+)  signal (\S+)$/.exec(lines.at(-1)!);
	t.truthy(last, lines.at(-1));
	const total = Number(last![3]);
	t.true(total > 40, `${total} beats in a minute of record 119`);
	const byClass = [...last![4]!.matchAll(/(\S+) (\d+)/g)].reduce((s, m) => s + Number(m[2]), 0);
	t.is(byClass, total, "the classes add up to the beats");
	t.false(run.stdout.includes("\r"), "no terminal control codes in a pipe");
});

test.serial("hypertiny run with a model the app cannot use: its statistics, then exit 1", async (t) => {
	const model = join(dir, "truncated-run.htpw");
	writeFileSync(model, readFileSync(FIXTURE_MODEL).subarray(0, 300));
	const run = await hypertiny(["run", "--record", shortRecord(dir, 30, "short30"), "--model", model, "--json"]);
	t.is(run.code, 1, run.stderr);
	t.is(JSON.parse(run.stdout).model, "invalid");
	t.regex(run.stderr, /hypertiny run: the app could not use .*truncated-run\.htpw \(model invalid\)/);
});
