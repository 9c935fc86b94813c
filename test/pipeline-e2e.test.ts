// The whole pipeline as a user runs it, in a few seconds of training: MIT-BIH → `hypertiny dataset` (reused when
// present) → `hypertiny train --task aami4 --fold 1` (PyTorch + QAT, tiny) → .htpw with decision biases →
// `hypertiny eval --split ds1` by the C core, float-vs-integer agreement over the held-out fold from the sidecar;
// DS2 is refused without --release.
import test from "ava";
import { mitdbTest } from "./mitdb-data.ts";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDataset } from "../host/data/dataset-format.ts";
import { runWindows, quantizeInputs } from "../host/eval/engine.ts";
import type { BeatEvalRow } from "../host/eval/evaluate-beat.ts";
import { argmaxClasses } from "../host/eval/scores.ts";
import { hasTorch, REPO_ROOT } from "../host/train/python.ts";
import { readModel } from "../modules/model/index.ts";
import type { QuantParams } from "../modules/runtime/quantize.ts";
import { defaultDataset } from "./eval-dataset.ts";
import { IN_CI } from "./toolchain.ts";
import { runCli } from "./run-cli.ts";


const TITLE = "data → train (tiny, seconds) → pack → eval: a real model, evaluated by the C core, reproducibly";
const torch = hasTorch();
if (!torch && !IN_CI) process.stderr.write(`\nNOTICE: skipping "${TITLE}": /usr/bin/python3 (or $HYPERTINY_PYTHON) lacks torch/numpy (apt-get install python3-torch)\n`);
const register = torch ? mitdbTest : IN_CI ? (title: string) => test(title, (t) => t.fail("CI=true but python3-torch is not installed (.ci/run installs it)")) : test.skip;

register(TITLE, async (t) => {
	t.timeout(10 * 60_000); // a few minutes when other test files share the two cores
	const data = await defaultDataset();
	const dir = await mkdtemp(join(tmpdir(), "hypertiny-e2e-"));
	t.teardown(() => rm(dir, { recursive: true, force: true }));
	const model = join(dir, "e2e-tiny.htpw");
	// Fold 1 of DS1's cross-validation: trained on the other folds' records, fold 1 predicted whole (the sidecar).
	const train = await runCli([
		"train", "--model", "hyper-lowrank", "--task", "aami4", "--size", "tiny", "--epochs", "1", "--qat-epochs", "0.05",
		"--epoch-size", "4000", "--fold", "1", "--decision-bias", "0,4,2,0", "--data", data, "--out", model, "--checkpoint", join(dir, "ckpt.json"),
		"--", "--threads", "2", "--reference", join(dir, "ref.json"), "--reference-count", "300",
	]);
	t.is(train.status, 0, train.stderr);
	t.regex(train.stdout, /decision: argmax of int8 logits \+ decision_bias 0 4 2 0/);

	const blind = await runCli(["eval", "--model", model, "--split", "test", "--data", data, "--json"]);
	t.is(blind.status, 1, "DS2 stays blind without --release");
	t.regex(blind.stderr, /DS2 is blind until release/);

	const ev = await runCli(["eval", "--model", model, "--split", "ds1", "--data", data, "--json"]);
	t.is(ev.status, 0, ev.stderr);
	const row = JSON.parse(ev.stdout) as BeatEvalRow;
	const ds = await readDataset(data);
	t.is(row.task, "aami4");
	t.is(row.family, "hyper-lowrank");
	t.deepEqual(row.decision_bias, [0, 4, 2, 0]);
	t.is(row.windows, ds.index.splits.train.count + ds.index.splits.validation.count);
	t.is(row.records, 22);
	t.is(row.flash_bytes, (await stat(model)).size);
	const v = row.lead1.per_class["V"]!;
	t.is(v.tp + v.fn, ds.index.splits.train.aami5["V"]! + ds.index.splits.validation.aami5["V"]!);
	const vShare = (v.tp + v.fn) / row.windows;
	t.true((v.ppv as number) > 2 * vShare, `a beat called V is V more often than chance (+P ${v.ppv}, V is ${vShare} of the beats)`);
	t.true(row.lead1.false_v_per_hour.all >= 0 && row.lead1.false_v_per_hour.af !== null, "DS1 has AF (records 201, 203)");
	t.true(row.agreement !== null && row.agreement >= 0.99, `float-vs-integer agreement ${row.agreement} over the held-out fold's ${row.agreement_windows} windows`);
	t.is(row.agreement_windows, ds.index.folds[0]!.reduce((n, r) => n + ds.index.records.find((e) => e.name === r)!.count, 0));
	t.log(`tiny model: ${row.flash_bytes} bytes, DS1 VEB Se ${v.sensitivity} +P ${v.ppv}, agreement ${row.agreement}`);

	// On real windows, the C core that eval runs matches the TypeScript reference engine exactly, and the
	// fake-quant PyTorch model's classes (the trainer's --reference windows) on at least 99% of them.
	const blob = new Uint8Array(await readFile(model));
	const m = readModel(blob);
	const ref = JSON.parse(await readFile(join(dir, "ref.json"), "utf8")) as { dataset_index: number[]; class: number[] };
	t.true(ref.dataset_index.length >= 300);
	const F = ds.index.features.length;
	t.is(m.input.channels, 1 + F, "the model takes the window and the beat-context features");
	const windows = new Float32Array(ref.dataset_index.length * 256);
	const features = new Float32Array(ref.dataset_index.length * F);
	ref.dataset_index.forEach((at, k) => {
		windows.set(ds.windows.subarray(at * 256, (at + 1) * 256), k * 256);
		features.set(ds.features.subarray(at * F, (at + 1) * F), k * F);
	});
	const inputs = quantizeInputs(windows, 256, (m.meta as { input: QuantParams }).input, features, F);
	const native = runWindows(model, m, inputs, { engine: "native" });
	t.deepEqual(native, runWindows(model, m, inputs, { engine: "ref" }));
	const classes = argmaxClasses(native, 4);
	const agree = ref.class.filter((c, k) => c === classes[k]).length;
	t.true(agree >= 0.99 * ref.class.length, `float-vs-integer class agreement ${agree}/${ref.class.length}`);
});
