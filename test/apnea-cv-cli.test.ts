// `hypertiny apnea cv` bookkeeping on a synthetic dataset and fold outputs written here (no training, no Apnea-ECG
// data): it scores a recipe's folds, records the dataset it used, and keeps the rows of recipes without trials from
// the previous apnea-cv.json only when that file was made from the same dataset. The figures are not checked, but the
// number of minutes the decision score averages is: one where the labels alternate minute by minute, more where they
// come in runs and each minute's score is noisy.
import test from "ava";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApneaRecord } from "../host/data/apnea-ecg.ts";
import type { ApneaRecipeCv } from "../host/rhythm/apnea-eval.ts";
import { readApneaDataset, writeApneaDataset } from "../host/rhythm/apnea-dataset.ts";
import { recipe } from "../host/train/recipes.ts";
import { runCli } from "./run-cli.ts";

interface ApneaCvJson { dataset: { index_sha256: string }; recipes: ApneaRecipeCv[] }

/** A learning recording of 30 minutes at 100 Hz, a beat every 0.8-1.0 s; `apnea` marks its odd minutes apnea (or,
 * with `runs`, minutes 10-19). */
function recording(name: string, set: "learning" | "test", apnea: boolean, runs = false): ApneaRecord {
	const labels = Array.from({ length: 30 }, (_, i) => (apnea && (runs ? i >= 10 && i < 20 : i % 2) ? 1 : 0));
	const beats = Array.from({ length: 33 * 66 }, (_, i) => i * 90 + (i % 3) * 5);
	return { name, set, recordingClass: set === "test" ? "A" : (name[0]!.toUpperCase() as "A"), beats: Int32Array.from(beats), labels: Uint8Array.from(labels) };
}

/** Fold checkpoints as `hypertiny sweep` writes them, reduced to what cv reads: held-out minutes and int8 outputs
 * (q_A − q_N by `score`, from the minute's dataset index and label). */
function writeFolds(sweep: string, name: string, data: string, score = (i: number, apnea: boolean) => (apnea ? 10 + (i % 7) : -10 + (i % 13))): void {
	const ds = readApneaDataset(data);
	mkdirSync(join(sweep, name), { recursive: true });
	ds.index.folds.forEach((records, f) => {
		const held = [...ds.record.subarray(0, ds.index.splits.train.count).keys()].filter((i) => records.includes(ds.record[i]!));
		const outputs = Int8Array.from(held.flatMap((i) => [0, score(i, ds.apnea[i] === 1)]));
		const predictions = { validation_index: Buffer.from(Uint32Array.from(held).buffer).toString("base64"), validation_outputs: Buffer.from(outputs.buffer).toString("base64") };
		writeFileSync(join(sweep, name, `s1-f${f + 1}.json`), JSON.stringify({ classes: ["N", "A"], provenance: { seed: 1, fold: f + 1 }, output: { scale: 0.1, zero_point: 0 }, predictions }));
	});
}

test("apnea cv: scores swept folds and records its dataset; a recipe without trials keeps its row only from the same dataset's apnea-cv.json", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-apnea-cv-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const data = join(dir, "minutes");
	const records = [..."abcdef"].map((s, i) => recording(`${i < 4 ? "a" : "c"}0${i + 1}`, "learning", i < 4)).concat([recording("x01", "test", true)]);
	writeApneaDataset(data, records, new Map(records.map((r) => [r.name, r.name])), "synthetic");
	const sweep = join(dir, "sweep");
	const out = join(dir, "out");
	writeFolds(sweep, "apnea", data);

	const first = await runCli(["apnea", "cv", "--recipe", "apnea", "--sweep", sweep, "--data", data, "--out", out]);
	t.is(first.status, 0, first.stderr);
	const scored = JSON.parse(readFileSync(join(out, "apnea-cv.json"), "utf8")) as ApneaCvJson;
	t.regex(scored.dataset.index_sha256, /^[0-9a-f]{64}$/);
	t.deepEqual(scored.recipes.map((r) => [r.recipe, r.seeds.map((s) => s.seed)]), [["apnea", [1]]]);
	t.false(readFileSync(join(out, "apnea-cv.md"), "utf8").includes("Kept from"));
	t.deepEqual(Object.keys(scored.recipes[0]!.score_minutes_accuracy!), ["1", "2", "3", "4", "5"]);
	t.is(scored.recipes[0]!.score_minutes, 1, "labels alternating minute by minute: a mean over minutes mixes the classes");
	t.is(scored.recipes[0]!.seeds[0]!.score_minutes, 1);

	// An earlier row for apnea-int8 (here apnea's, renamed) is kept, with apnea-int8's description as recipes.ts has it now.
	const int8Row = { ...scored.recipes[0]!, recipe: "apnea-int8", about: "an old description" };
	writeFileSync(join(out, "apnea-cv.json"), JSON.stringify({ ...scored, recipes: [scored.recipes[0], int8Row] }));
	const merged = await runCli(["apnea", "cv", "--recipe", "apnea,apnea-int8", "--sweep", sweep, "--data", data, "--out", out]);
	t.is(merged.status, 0, merged.stderr);
	t.regex(merged.stderr, /kept from .*apnea-cv\.json .*: apnea-int8/);
	const after = JSON.parse(readFileSync(join(out, "apnea-cv.json"), "utf8")) as ApneaCvJson;
	t.deepEqual(after.recipes.map((r) => r.recipe), ["apnea", "apnea-int8"]);
	t.deepEqual(after.recipes[1]!.seeds, int8Row.seeds);
	t.is(after.recipes[1]!.about, recipe("apnea-int8").about);
	t.deepEqual(after.recipes[0]!.seeds, scored.recipes[0]!.seeds, "apnea rescored from the same folds gives the same figures");
	t.regex(readFileSync(join(out, "apnea-cv.md"), "utf8"), /Kept from the previous apnea-cv\.json of the same dataset .*: apnea-int8\./);

	// Only kept rows: nothing is scored, so nothing is written.
	const before = readFileSync(join(out, "apnea-cv.json"), "utf8");
	const onlyKept = await runCli(["apnea", "cv", "--recipe", "apnea-int8", "--sweep", sweep, "--data", data, "--out", out]);
	t.not(onlyKept.status, 0);
	t.regex(onlyKept.stderr, /nothing to score/);
	t.is(readFileSync(join(out, "apnea-cv.json"), "utf8"), before);

	// Another dataset's apnea-cv.json keeps nothing: apnea-int8 has no trials, and says so.
	writeFileSync(join(out, "apnea-cv.json"), JSON.stringify({ ...after, dataset: { index_sha256: "0".repeat(64) } }));
	const other = await runCli(["apnea", "cv", "--recipe", "apnea,apnea-int8", "--sweep", sweep, "--data", data, "--out", out]);
	t.not(other.status, 0);
	t.regex(other.stderr, /apnea-int8: no trials in/);
});

test("apnea cv: labels in runs and a noisy score per minute: the decision score averages more than one minute, and its seeds carry it", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-apnea-cv-runs-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const data = join(dir, "minutes");
	const records = [..."abcdef"].map((s, i) => recording(`${i < 4 ? "a" : "c"}0${i + 1}`, "learning", i < 4, true)).concat([recording("x01", "test", true, true)]);
	writeApneaDataset(data, records, new Map(records.map((r) => [r.name, r.name])), "synthetic");
	const sweep = join(dir, "sweep");
	const out = join(dir, "out");
	// The class shifts the score by ±6; a noise of −20..20 that repeats every five minutes hides it in single minutes.
	writeFolds(sweep, "apnea", data, (i, apnea) => (apnea ? 6 : -6) + 10 * (((i * 3) % 5) - 2));
	const run = await runCli(["apnea", "cv", "--recipe", "apnea", "--sweep", sweep, "--data", data, "--out", out]);
	t.is(run.status, 0, run.stderr);
	const row = (JSON.parse(readFileSync(join(out, "apnea-cv.json"), "utf8")) as ApneaCvJson).recipes[0]!;
	const accuracy = row.score_minutes_accuracy!;
	t.log(`score minutes ${row.score_minutes}: ${Object.entries(accuracy).map(([m, a]) => `${m} ${a!.mean.toFixed(3)}`).join(", ")}`);
	t.true(row.score_minutes! > 1, JSON.stringify(accuracy));
	t.true(accuracy[String(row.score_minutes)]!.mean > accuracy["1"]!.mean, "the minutes kept beat one minute's score");
	t.true(row.seeds.every((s) => s.score_minutes === row.score_minutes));
	t.regex(readFileSync(join(out, "apnea-cv.md"), "utf8"), new RegExp(`Score minutes: ${row.score_minutes} \\(mean accuracy: 1 `));
});
