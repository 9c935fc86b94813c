// The whole pipeline as a user runs it, in a few seconds of training: MIT-BIH → `hypertiny dataset` (reused when
// present) → `hypertiny train` (PyTorch + QAT, tiny) → .htpw → `hypertiny eval` by the C core. (The float sidecar
// needs float predictions of every validation and test window, too slow for this test: report-pareto.test.ts
// covers agreement from a sidecar; here the trainer's --reference windows check float vs integer.)
import test from "ava";
import { mitdbTest } from "./mitdb-data.ts";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDataset } from "../host/data/dataset-format.ts";
import { runWindows, quantizeInputs } from "../host/eval/engine.ts";
import { evaluateModel, type EvalRow } from "../host/eval/evaluate.ts";
import { argmaxClasses } from "../host/eval/scores.ts";
import { hasTorch, REPO_ROOT } from "../host/train/python.ts";
import { readModel } from "../modules/model/index.ts";
import type { QuantParams } from "../modules/runtime/quantize.ts";
import { defaultDataset } from "./eval-dataset.ts";
import { IN_CI } from "./toolchain.ts";

function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [join(REPO_ROOT, "bin/hypertiny.js"), ...args], { cwd: REPO_ROOT, env: { ...process.env, OPENBLAS_NUM_THREADS: "1" } });
		let stdout = "", stderr = "";
		child.stdout.on("data", (d) => (stdout += d));
		child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-20000)));
		child.on("error", reject);
		child.on("close", (status) => resolve({ status: status ?? 1, stdout, stderr }));
	});
}

const TITLE = "data → train (tiny, seconds) → pack → eval: a real model, evaluated by the C core, reproducibly";
const torch = hasTorch();
if (!torch && !IN_CI) process.stderr.write(`\nNOTICE: skipping "${TITLE}": /usr/bin/python3 (or $HYPERTINY_PYTHON) lacks torch/numpy (apt-get install python3-torch)\n`);
const register = torch ? mitdbTest : IN_CI ? (title: string) => test(title, (t) => t.fail("CI=true but python3-torch is not installed (.ci/run installs it)")) : test.skip;

register(TITLE, async (t) => {
	const data = await defaultDataset();
	const dir = await mkdtemp(join(tmpdir(), "hypertiny-e2e-"));
	t.teardown(() => rm(dir, { recursive: true, force: true }));
	const model = join(dir, "e2e-tiny.htpw");
	const train = await cli([
		"train", "--model", "hyper-lowrank", "--task", "v-vs-rest", "--size", "tiny", "--epochs", "1", "--qat-epochs", "0.05",
		"--epoch-size", "4000", "--data", data, "--out", model, "--checkpoint", join(dir, "ckpt.json"),
		"--", "--threads", "2", "--max-val", "3000", "--max-test", "1000", "--reference", join(dir, "ref.json"), "--reference-count", "300",
	]);
	t.is(train.status, 0, train.stderr);

	const ev = await cli(["eval", "--model", model, "--split", "test", "--data", data, "--json"]);
	t.is(ev.status, 0, ev.stderr);
	const row = JSON.parse(ev.stdout) as EvalRow;
	const ds = await readDataset(data);
	t.is(row.task, "v-vs-rest");
	t.is(row.family, "hyper-lowrank");
	t.is(row.windows, ds.index.splits.test.count);
	t.is(row.records, ds.index.splits.test.records.length);
	t.is(row.flash_bytes, (await stat(model)).size);
	t.is(row.per_class["V"].support, ds.index.splits.test.vrest["V"]);
	t.true(Number.isInteger(row.t_star));
	t.true(row.ci95 !== null && row.ci95[0] <= (row.macro_f1 as number) && (row.macro_f1 as number) <= row.ci95[1]);
	t.true((row.auc as number) > 0.75, `a trained model ranks V beats above the rest (AUC ${row.auc})`);
	t.log(`tiny model: ${row.flash_bytes} bytes, DS2 macro-F1 ${row.macro_f1} [${row.ci95}], AUC ${row.auc}`);

	// The same evaluation in-process is the same row, bit for bit (no hidden state, seeded bootstrap).
	t.deepEqual(await evaluateModel({ modelPath: model, split: "test", dataDir: data, dataset: ds, notice: () => {} }), row);

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
	const classes = argmaxClasses(native, 2);
	const agree = ref.class.filter((c, k) => c === classes[k]).length;
	t.true(agree >= 0.99 * ref.class.length, `float-vs-integer class agreement ${agree}/${ref.class.length}`);
});
