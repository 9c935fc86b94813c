// Rows kept from an earlier results file (host/eval/kept-rows.ts): a beat dataset that only appends feature columns
// keeps the earlier rows; one that changes an earlier column, a label or a fold does not.
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beatDatasetFingerprint, datasetIndexSha, earlierRows, sameInputs } from "../host/eval/kept-rows.ts";

const COUNT = 3;

/** A small beat dataset: per-window labels and, in both leads, one column per feature (column f of window i: 10i + f, or as `values` says). */
function dataset(names: string[], options: { labels?: number[]; folds?: string[][]; values?: (i: number, f: number) => number } = {}): string {
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-kept-"));
	const value = options.values ?? ((i, f) => 10 * i + f);
	const features = new Float32Array(COUNT * names.length).map((_, k) => value(Math.floor(k / names.length), k % names.length));
	writeFileSync(join(dir, "features.f32"), features);
	writeFileSync(join(dir, "features2.f32"), features.map((v) => -v));
	writeFileSync(join(dir, "aami5.u8"), new Uint8Array(options.labels ?? [0, 1, 2]));
	writeFileSync(join(dir, "index.json"), JSON.stringify({ format: "hypertiny-beat-windows", version: names.length, count: COUNT, features: names, folds: options.folds ?? [["100"], ["101"]], files: { aami5: "aami5.u8", features: "features.f32", features2: "features2.f32" } }));
	return dir;
}

test("appending features keeps the fingerprint's inputs; changing a column, a label or a fold does not", (t) => {
	const dirs: string[] = [];
	const make = (...args: Parameters<typeof dataset>) => (dirs.push(dataset(...args)), dirs[dirs.length - 1]!);
	t.teardown(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
	const before = beatDatasetFingerprint(make(["a", "b"]));
	const appended = beatDatasetFingerprint(make(["a", "b", "c"]));
	t.deepEqual(Object.keys(appended.features), ["a", "b", "c"]);
	t.true(sameInputs(before, appended), "a, b unchanged; c is new");
	t.false(sameInputs(appended, before), "rows that read c do not hold without it");
	t.false(sameInputs(before, beatDatasetFingerprint(make(["a", "b", "c"], { values: (i, f) => (f === 1 && i === 2 ? 0 : 10 * i + f) }))), "b changed");
	t.false(sameInputs(before, beatDatasetFingerprint(make(["a", "b"], { labels: [0, 1, 1] }))), "a label changed");
	t.false(sameInputs(before, beatDatasetFingerprint(make(["a", "b"], { folds: [["100", "101"]] }))), "the folds changed");
});

test("earlierRows keeps a results file's rows for the same index, or a fingerprint whose inputs the dataset keeps", (t) => {
	const old = dataset(["a", "b"]);
	const now = dataset(["a", "b", "c"]);
	const changed = dataset(["a", "b", "c"], { labels: [2, 1, 0] });
	const out = mkdtempSync(join(tmpdir(), "hypertiny-kept-out-"));
	t.teardown(() => [old, now, changed, out].forEach((d) => rmSync(d, { recursive: true, force: true })));
	const file = join(out, "cv.json");
	const rows = [{ recipe: "r1" }, { recipe: "r2" }];
	writeFileSync(file, JSON.stringify({ dataset: { index_sha256: datasetIndexSha(old) }, recipes: rows }));
	t.is(earlierRows(file, datasetIndexSha(old)).size, 2, "same index");
	t.is(earlierRows(file, [datasetIndexSha(now), datasetIndexSha(old)]).size, 2, "one of the indexes given");
	t.is(earlierRows(file, [datasetIndexSha(now), datasetIndexSha(changed)]).size, 0, "none of the indexes given");
	t.is(earlierRows(file, datasetIndexSha(now), beatDatasetFingerprint(now)).size, 0, "another index and no fingerprint recorded");
	writeFileSync(file, JSON.stringify({ dataset: { index_sha256: datasetIndexSha(old), fingerprint: beatDatasetFingerprint(old) }, recipes: rows }));
	t.deepEqual([...earlierRows(file, datasetIndexSha(now), beatDatasetFingerprint(now)).keys()], ["r1", "r2"], "features appended");
	t.is(earlierRows(file, datasetIndexSha(changed), beatDatasetFingerprint(changed)).size, 0, "labels changed");
	t.is(earlierRows(file, datasetIndexSha(now)).size, 0, "no fingerprint given");
});
