// Float-vs-integer agreement: tiny models of each family are trained for a few dozen steps on a few MIT-BIH
// records (host/train, with QAT), exported (host/pack/export-model.ts) and run by the integer reference engine;
// its classes must match the PyTorch fake-quant model's on at least 99% of held-out windows, and its int8 outputs
// must equal those of the trainer's float64 evaluation (which rounds like the engine) on every window.
import test from "ava";
import { mitdbTest } from "./mitdb-data.ts";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDataset } from "../host/data/dataset-build.ts";
import { readDataset, type Dataset } from "../host/data/dataset-format.ts";
import { mitdbPath } from "../host/data/mitdb-path.ts";
import { readCheckpoint } from "../host/pack/checkpoint.ts";
import { exportCheckpoint } from "../host/pack/export-model.ts";
import { inspectBlob } from "../host/pack/inspect.ts";
import { RefEngine } from "../host/pack/ref-engine.ts";
import { hasTorch, runTrainer } from "../host/train/python.ts";
import { IN_CI } from "./toolchain.ts";
import { readModel } from "../modules/model/index.ts";
import type { QuantParams } from "../modules/runtime/quantize.ts";
import { BEAT_FEATURE_NAMES } from "../modules/ecg/beat-features.ts";
import { quantizeInputs } from "../host/eval/engine.ts";
import { compareWithTflm, hasTflm, TFLM_MISSING } from "../host/tflite/tflm.ts";

const SPLITS = { train: ["119", "208"], validation: ["116"], test: ["233"] };
const FAMILIES = ["hyper-lowrank", "hyper-paper", "separable-int8", "cnn-32k"];
const QUICK = ["--size", "tiny", "--epochs", "0.5", "--qat-epochs", "0.5", "--epoch-size", "3200", "--max-val", "800", "--reference-count", "300"];

interface Reference {
	dataset_index: number[];
	output_q: number[][];
	class: number[];
}

let work: Promise<{ dir: string; ds: Dataset }> | undefined;
const setup = () =>
	(work ??= (async () => {
		const dir = await mkdtemp(join(tmpdir(), "hypertiny-train-"));
		await buildDataset({ mitdb: await mitdbPath(), out: join(dir, "data"), splits: SPLITS });
		return { dir, ds: await readDataset(join(dir, "data")) };
	})());

test.after.always(async () => {
	if (work) await rm((await work).dir, { recursive: true, force: true });
});

const align4 = (n: number) => Math.ceil(n / 4) * 4;

function argmax(v: ArrayLike<number>): number {
	let best = 0;
	for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
	return best;
}

const torch = hasTorch();
const NO_TORCH = "/usr/bin/python3 (or $HYPERTINY_PYTHON) lacks torch/numpy (apt-get install python3-torch python3-numpy)";
if (!torch && !IN_CI) process.stderr.write(`\nNOTICE: skipping the training tests: ${NO_TORCH}\n`);

for (const family of FAMILIES) {
	const title = `${family}: the integer engine and the fake-quant model agree on the class of ≥ 99% of windows`;
	if (!torch) {
		if (IN_CI) test(title, (t) => t.fail(`CI=true but ${NO_TORCH} (.ci/run installs it)`));
		else test.skip(title, () => {});
		continue;
	}
	mitdbTest.serial(title, async (t) => {
		const { dir, ds } = await setup();
		const checkpoint = join(dir, `${family}.json`);
		const reference = join(dir, `${family}.ref.json`);
		const status = await runTrainer(["--data", join(dir, "data"), "--model", family, "--checkpoint", checkpoint, "--reference", reference, ...QUICK], true);
		t.is(status, 0, "trainer exit status");

		const blob = exportCheckpoint(checkpoint, join(dir, `${family}.htpw`));
		const model = readModel(blob);
		const meta = model.meta as { classes: string[]; sample_rate: number; window: number; input: QuantParams; t_star: number; provenance: { command: string[] } };
		t.deepEqual(meta.classes, ["rest", "V"]);
		t.is(meta.sample_rate, 360);
		t.is(meta.window, 256);
		t.is(meta.input.zero_point, 0);
		t.true(meta.t_star > 0 && meta.t_star < 1);
		t.true(meta.provenance.command.includes(family));

		// The trainer sizes models to a flash budget with host/train/budget.py: exact but for META's JSON text.
		const estimate = readCheckpoint(checkpoint).metrics["bytes_estimate"] as { file: number; meta: number };
		const metaBytes = inspectBlob(blob).roles.metadata;
		t.is(estimate.file - align4(estimate.meta), blob.length - align4(metaBytes), "packed bytes other than META: budget.py estimate vs the file");
		if (family.startsWith("hyper")) t.truthy(inspectBlob(blob).generator, "generated layers in the blob");

		const ref = JSON.parse(await readFile(reference, "utf8")) as Reference;
		// The model takes the window and the dataset's beat-context features as channels (docs/FORMAT.md §6).
		const F = ds.index.features.length;
		t.deepEqual((model.meta as { features?: string[] }).features, [...BEAT_FEATURE_NAMES]);
		t.deepEqual(ds.index.features, [...BEAT_FEATURE_NAMES]);
		t.is(model.input.channels, 1 + F);
		const engine = new RefEngine(model, "boot");
		const inputs: Int8Array[] = [];
		let agree = 0;
		let exact = 0;
		let featureMatters = 0;
		ref.dataset_index.forEach((at, k) => {
			const input = quantizeInputs(ds.windows.subarray(at * 256, (at + 1) * 256), 256, meta.input, ds.features.subarray(at * F, (at + 1) * F), F);
			inputs.push(input.slice());
			const out = engine.invoke(input);
			// Feature channels are wired in: the same window with every feature 0 gives other outputs somewhere.
			if (k < 50) {
				const flat = quantizeInputs(ds.windows.subarray(at * 256, (at + 1) * 256), 256, meta.input, new Float32Array(F), F);
				if (engine.invoke(flat).some((v, i) => v !== out[i])) featureMatters++;
			}
			if (argmax(out) === ref.class[k]) agree++;
			if (out.every((v, i) => v === ref.output_q[k][i])) exact++;
		});
		const n = ref.class.length;
		t.true(n >= 300);
		t.log(`${family}: ${blob.length} bytes; class agreement ${agree}/${n}, identical int8 outputs ${exact}/${n}`);
		t.true(agree >= 0.99 * n, `class agreement ${agree}/${n}`);
		// The trainer evaluates the quantized net with the engine's rounding (host/train/exact.py): bit for bit.
		t.is(exact, n, `identical int8 outputs ${exact}/${n}`);
		t.true(featureMatters > 0, "the RR features change the outputs of some windows");
		// TFLM's own interpreter runs the exported .tflite on the same real windows with our int8 outputs (FORMAT §2a).
		if (hasTflm()) {
			const tflm = compareWithTflm(model, inputs);
			t.log(`${family}: TFLM identical int8 outputs ${tflm.identical}/${tflm.windows}`);
			t.is(tflm.identical, n, `TFLM: identical int8 outputs ${tflm.identical}/${n} (first different: ${tflm.firstDifferent})`);
		} else if (IN_CI) {
			t.fail(`CI=true but no TFLM Python (${TFLM_MISSING})`);
		} else {
			t.log(`TFLM comparison skipped: ${TFLM_MISSING}`);
		}
	});
}
