// `hypertiny report` and `hypertiny eval` on a small dataset (four MIT-BIH records) with format-fixture models
// (valid packed models with random weights: the numbers are meaningless, the bookkeeping is what is tested).
import { mitdbTest as test } from "./mitdb-data.ts";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDataset } from "../host/data/dataset-build.ts";
import { readDataset, type Dataset } from "../host/data/dataset-format.ts";
import { mitdbPath } from "../host/data/mitdb-path.ts";
import { quantizeWindows, runWindows } from "../host/eval/engine.ts";
import { evaluateModel, type EvalRow } from "../host/eval/evaluate.ts";
import { writeReport, type ReportRow } from "../host/eval/report.ts";
import { marginScores, thresholdClasses } from "../host/eval/scores.ts";
import { randomModel } from "../host/pack/random-model.ts";
import { writeModel } from "../host/pack/writer.ts";
import { readModel } from "../modules/model/index.ts";
import { BEAT_FEATURE_NAMES } from "../modules/ecg/beat-features.ts";
import { quantizeValue, type QuantParams } from "../modules/runtime/quantize.ts";
import { tuneThreshold } from "../host/eval/threshold.ts";

const SPLITS = { train: ["119"], validation: ["116"], test: ["233", "200"] };
const root = mkdtempSync(join(tmpdir(), "hypertiny-report-"));
const data = join(root, "data");
const models = join(root, "models");
test.after.always(() => rmSync(root, { recursive: true, force: true }));

let ready: Promise<Dataset> | undefined;
const setup = () =>
	(ready ??= (async () => {
		await buildDataset({ mitdb: await mitdbPath(), out: data, splits: SPLITS });
		mkdirSync(models);
		copyFileSync("test/fixtures/tiny-hyper.htpw", join(models, "tiny-hyper.htpw"));
		copyFileSync("test/fixtures/tiny-hyper.htpw", join(models, "default.htpw"));
		const spec = randomModel(8, { family: "lowrank", length: 256, channels: 1, classes: 5 });
		spec.meta = { ...(spec.meta as object), name: "rand-aami5", family: "cnn-32k", task: "aami5", classes: ["N", "S", "V", "F", "Q"] };
		writeFileSync(join(models, "rand-aami5.htpw"), writeModel(spec));
		return readDataset(data);
	})());

function cli(args: string[]) {
	return spawnSync(process.execPath, ["bin/hypertiny.js", ...args], { encoding: "utf8" });
}

/** The integer classes of a v-vs-rest model on the test split, computed here from the engine and t*. */
function testClasses(ds: Dataset, modelPath: string, tStar: number): Uint8Array {
	const blob = new Uint8Array(readFileSync(modelPath));
	const model = readModel(blob);
	const { first, count } = ds.index.splits.test;
	const inputs = quantizeWindows(ds.windows.subarray(first * 256, (first + count) * 256), 256, model.meta.input);
	const v = marginScores(runWindows(modelPath, model, inputs, { engine: "native" }), 2).filter((_, i) => i % 2 === 1);
	return thresholdClasses(v, tStar);
}

function sidecar(ds: Dataset, test: Uint8Array, indexSha?: string): string {
	const sha = indexSha ?? createHash("sha256").update(readFileSync(join(data, "index.json"))).digest("hex");
	return JSON.stringify({
		name: "tiny-hyper", family: "hyper-paper", task: "v-vs-rest", train_seconds: 754, command: "./bin/hypertiny.js train --model hyper-paper ...", seed: 1,
		dataset: { count: ds.index.count, index_sha256: sha }, t_star: 0.5,
		classes: { validation: Buffer.from(new Uint8Array(ds.index.splits.validation.count)).toString("base64"), test: Buffer.from(test).toString("base64") },
	});
}

test.serial("report: one row per model (default.htpw once, flagged), JSON = README = SVG inputs, rows reproducible by eval", async (t) => {
	const ds = await setup();
	const out = join(root, "out");
	const notices: string[] = [];
	const rows = await writeReport({ modelsDir: models, dataDir: data, outDir: out, root, notice: (l) => notices.push(l) });
	t.deepEqual(rows.map((r) => [r.file, r.default, r.task, r.family]), [
		["rand-aami5.htpw", false, "aami5", "compact"],
		["tiny-hyper.htpw", true, "v-vs-rest", "hyper-paper"],
	]);
	t.deepEqual(JSON.parse(readFileSync(join(out, "pareto.json"), "utf8")), rows);
	t.is(notices.filter((n) => /no float sidecar/.test(n)).length, 2);
	const hyper = rows[1];
	t.is(hyper.flash_bytes, readFileSync("test/fixtures/tiny-hyper.htpw").length);
	t.is(hyper.windows, ds.index.splits.test.count);
	t.is(hyper.records, 2);
	t.true(Number.isInteger(hyper.t_star));
	t.is(rows[0].t_star, null);
	t.deepEqual(Object.keys(rows[0].per_class), ["N", "S", "V", "F", "Q"]);
	t.is(hyper.bootstrap.resamples, 2000);
	for (const r of rows) t.true(r.ci95 === null || (r.ci95[0] <= (r.macro_f1 as number) && (r.macro_f1 as number) <= r.ci95[1]));

	const readme = readFileSync(join(out, "README.md"), "utf8");
	t.regex(readme, /\| tiny-hyper \(default\) \| hyper-paper \| v-vs-rest \| \d+ \| \d\.\d{4} \|/);
	t.regex(readme, /\| rand-aami5 \| compact \| aami5 \|/);
	t.regex(readme, /bootstrap resamples \*\*over records\*\*/);
	const svg = readFileSync(join(out, "pareto.svg"), "utf8");
	t.regex(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
	t.is((svg.match(/<title>/g) ?? []).length, rows.filter((r) => r.macro_f1 !== null).length);

	// Rerunning eval on a model reproduces its row exactly, in-process and through the CLI.
	const { file: _file, default: _default, ...evalRow } = hyper as ReportRow;
	t.deepEqual(await evaluateModel({ modelPath: join(models, "tiny-hyper.htpw"), split: "test", dataDir: data, notice: () => {} }), evalRow as EvalRow);
	const r = cli(["eval", "--model", join(models, "tiny-hyper.htpw"), "--split", "test", "--data", data, "--json"]);
	t.is(r.status, 0, r.stderr);
	t.deepEqual(JSON.parse(r.stdout), evalRow);
	t.regex(r.stderr, /NOTICE: .*no float sidecar .*agreement is null/);
});

test.serial("agreement comes from the float sidecar, and is null with a notice when the sidecar is for another dataset", async (t) => {
	const ds = await setup();
	const path = join(models, "tiny-hyper.htpw");
	const base = await evaluateModel({ modelPath: path, split: "test", dataDir: data, notice: () => {} });
	const ours = testClasses(ds, path, base.t_star as number);
	const theirs = ours.slice();
	for (let i = 0; i < theirs.length; i += 10) theirs[i] ^= 1; // one window in ten disagrees
	const flipped = Math.ceil(theirs.length / 10);
	writeFileSync(join(models, "tiny-hyper.float.json"), sidecar(ds, theirs));
	try {
		const row = await evaluateModel({ modelPath: path, split: "test", dataDir: data, notice: () => {} });
		t.is(row.agreement_decisions, Math.round(((ours.length - flipped) / ours.length) * 1e6) / 1e6);
		// Under the float model's rule (P(V) ≥ its t* = 0.5, i.e. q_V ≥ q_rest) instead of the integer t*:
		const atHalf = testClasses(ds, path, 0);
		const same = theirs.filter((c, i) => c === atHalf[i]).length;
		t.is(row.agreement, Math.round((same / theirs.length) * 1e6) / 1e6);
		t.is(row.agreement_windows, ours.length);
		t.is(row.train_seconds, 754);
		t.is(row.float_t_star, 0.5);
		// default.htpw finds the sidecar by its META name
		t.is((await evaluateModel({ modelPath: join(models, "default.htpw"), split: "test", dataDir: data, notice: () => {} })).agreement, row.agreement);

		writeFileSync(join(models, "tiny-hyper.float.json"), sidecar(ds, theirs, "0".repeat(64)));
		const notices: string[] = [];
		const stale = await evaluateModel({ modelPath: path, split: "test", dataDir: data, notice: (l) => notices.push(l) });
		t.is(stale.agreement, null);
		t.is(stale.agreement_decisions, null);
		t.regex(notices.join("\n"), /made on another dataset/);
		writeFileSync(join(models, "tiny-hyper.float.json"), "{ not json");
		await t.throwsAsync(evaluateModel({ modelPath: path, split: "test", dataDir: data }), { message: /tiny-hyper\.float\.json: not readable JSON/ });
	} finally {
		rmSync(join(models, "tiny-hyper.float.json"), { force: true });
	}
});

test.serial("eval: t* comes from validation only; an aami5 model can be scored as V-vs-rest; bad input gives clear errors", async (t) => {
	const ds = await setup();
	const val = await evaluateModel({ modelPath: join(models, "tiny-hyper.htpw"), split: "validation", dataDir: data, notice: () => {} });
	const testRow = await evaluateModel({ modelPath: join(models, "tiny-hyper.htpw"), split: "test", dataDir: data, notice: () => {} });
	t.is(val.t_star, testRow.t_star, "the threshold does not depend on the split evaluated");
	t.is(val.macro_f1, val.validation_macro_f1);
	t.is(val.windows, ds.index.splits.validation.count);

	const asV = await evaluateModel({ modelPath: join(models, "rand-aami5.htpw"), split: "test", task: "v-vs-rest", dataDir: data, notice: () => {} });
	t.deepEqual(asV.classes, ["rest", "V"]);
	t.is(asV.per_class["V"].support, ds.index.splits.test.vrest["V"]);
	await t.throwsAsync(evaluateModel({ modelPath: join(models, "tiny-hyper.htpw"), split: "test", task: "aami5", dataDir: data }), { message: /v-vs-rest model cannot be evaluated as aami5/ });

	const wrong = randomModel(9, { family: "head", length: 256, channels: 1, classes: 2 });
	wrong.meta = { ...(wrong.meta as object), task: "v-vs-rest" }; // classes c0, c1
	writeFileSync(join(root, "wrong.htpw"), writeModel(wrong));
	await t.throwsAsync(evaluateModel({ modelPath: join(root, "wrong.htpw"), split: "test", dataDir: data }), { message: /META classes \["c0","c1"\] differ from the dataset's \["rest","V"\]/ });

	const cases: [string[], RegExp][] = [
		[["eval", "--model", join(models, "tiny-hyper.htpw")], /--model and --split are required/],
		[["eval", "--model", join(models, "tiny-hyper.htpw"), "--split", "train"], /--split must be val or test/],
		[["eval", "--model", join(models, "tiny-hyper.htpw"), "--split", "test", "--task", "v"], /--task must be one of v-vs-rest, aami5/],
		[["eval", "--model", join(root, "missing.htpw"), "--split", "test", "--data", data], /no model at .*missing\.htpw/],
		[["eval", "--model", join(models, "tiny-hyper.htpw"), "--split", "test", "--data", join(root, "nodata")], /no dataset at .*nodata: run `npx hypertiny dataset/],
		[["report", "--models", join(root, "nodata"), "--data", data], /no such file or directory: .*nodata/],
	];
	for (const [args, message] of cases) {
		const r = cli(args);
		t.is(r.status, 1, args.join(" "));
		t.regex(r.stderr, message);
	}
});

/** The [L][C] inputs of windows first..first+count, built here from FORMAT §6 element by element. */
function manualInputs(ds: Dataset, first: number, count: number, input: QuantParams, zeroFeatures = false): Int8Array {
	const F = ds.index.features.length;
	const C = 1 + F;
	const out = new Int8Array(count * 256 * C);
	for (let w = 0; w < count; w++) {
		for (let l = 0; l < 256; l++) {
			out[(w * 256 + l) * C] = quantizeValue(ds.windows[(first + w) * 256 + l]!, input);
			for (let f = 0; f < F; f++) out[(w * 256 + l) * C + 1 + f] = quantizeValue(zeroFeatures ? 0 : ds.features[(first + w) * F + f]!, input);
		}
	}
	return out;
}

test.serial("a model with META.features takes the beat context as input channels 1.. (FORMAT §6); bad feature META is refused", async (t) => {
	const ds = await setup();
	const spec = randomModel(11, { family: "lowrank", length: 256, channels: 1 + BEAT_FEATURE_NAMES.length, classes: 2 });
	const input = (spec.meta as { input: QuantParams }).input;
	spec.meta = { ...(spec.meta as object), name: "rand-rr", family: "hyper-lowrank", task: "v-vs-rest", classes: ["rest", "V"], features: [...BEAT_FEATURE_NAMES] };
	const path = join(root, "rand-rr.htpw");
	writeFileSync(path, writeModel(spec));
	const row = await evaluateModel({ modelPath: path, split: "test", dataDir: data, notice: () => {} });
	const model = readModel(new Uint8Array(readFileSync(path)));
	const { first, count } = ds.index.splits.validation;
	const v = (inputs: Int8Array) => marginScores(runWindows(path, model, inputs, { engine: "native" }), 2).filter((_, i) => i % 2 === 1);
	const tuned = tuneThreshold(v(manualInputs(ds, first, count, input)), ds.vrest.subarray(first, first + count));
	t.is(row.t_star, tuned.t_star);
	t.is(row.validation_macro_f1, Math.round(tuned.macro_f1 * 1e6) / 1e6);
	// The features reach the network: zeroing them changes the scores.
	t.notDeepEqual(v(manualInputs(ds, first, count, input, true)), v(manualInputs(ds, first, count, input)));

	spec.meta = { ...(spec.meta as object), features: ["rr_pre_ratio", "qrs_width"] };
	writeFileSync(path, writeModel(spec));
	await t.throwsAsync(evaluateModel({ modelPath: path, split: "test", dataDir: data }), { message: /META features .*qrs_width.* are not names of BEAT_FEATURE_NAMES/ });
	spec.meta = { ...(spec.meta as object), features: ["rr_pre_ratio"] };
	writeFileSync(path, writeModel(spec));
	await t.throwsAsync(evaluateModel({ modelPath: path, split: "test", dataDir: data }), { message: new RegExp(`the input has ${1 + BEAT_FEATURE_NAMES.length} channels, META names 1 features`) });
});

test.serial("a sidecar of `hypertiny train` (version 2) decides by eval's own integer rule and t*", async (t) => {
	const ds = await setup();
	const path = join(models, "tiny-hyper.htpw");
	const base = await evaluateModel({ modelPath: path, split: "test", dataDir: data, notice: () => {} });
	const ours = testClasses(ds, path, base.t_star as number);
	const sha = createHash("sha256").update(readFileSync(join(data, "index.json"))).digest("hex");
	const side = JSON.parse(sidecar(ds, ours, sha));
	writeFileSync(join(models, "tiny-hyper.float.json"), JSON.stringify({ ...side, version: 2, rule: "integer", t_star: base.t_star }));
	try {
		const row = await evaluateModel({ modelPath: path, split: "test", dataDir: data, notice: () => {} });
		t.is(row.agreement, 1);
		t.is(row.agreement_decisions, 1);
		t.is(row.float_t_star, base.t_star);
	} finally {
		rmSync(join(models, "tiny-hyper.float.json"), { force: true });
	}
});
