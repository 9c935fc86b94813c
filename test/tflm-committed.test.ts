// TensorFlow Lite Micro against our engine on the shipped models: the default and every all-stored (separable-int8)
// model in models/, exported to .tflite. TFLM's interpreter (PyPI tflite-micro) on 1,000 DS2 windows spread over the
// split and on adversarial windows (saturated, zero, alternating extremes): every int8 output equal to our C core's.
// And every requantization multiplier and shift: what TFLM's Prepare derives from the .tflite's float32 scales
// (host/tflite/run_tflm.py --prepare, written from TFLM's C++) equal to ours, so that a multiplier nudged by one,
// which moves an output only when a value lands within ~1e-9 of a rounding boundary, fails this test too.
// Outputs only: no label is read and nothing is tuned. `npm run bench:tflm` runs all of DS2 for every model.
import test from "ava";
import { join } from "node:path";
import { readDataset } from "../host/data/dataset-format.ts";
import { EVAL_CACHE_DIR } from "../host/eval/engine.ts";
import { modelInfo } from "../host/eval/evaluate.ts";
import { ANY_TASK, checkModelWithTflm, ds2Windows, exportableModels, ourRequant, requantDifferences } from "../host/tflite/committed.ts";
import { exportTflite } from "../host/tflite/export.ts";
import { hasTflm, TFLM_MISSING, tflmPrepare, tflmPython } from "../host/tflite/tflm.ts";
import { REPO_ROOT } from "../host/train/python.ts";
import { defaultDataset } from "./eval-dataset.ts";
import { mitdbTest } from "./mitdb-data.ts";
import { IN_CI } from "./toolchain.ts";

const MODELS = join(REPO_ROOT, "models");
const TITLE = "TFLM gives our int8 outputs on 1,000 DS2 windows and the adversarial ones, for the default and the all-stored models";
const register = hasTflm() ? mitdbTest : IN_CI ? (title: string) => test(title, (t) => t.fail(`CI=true but no TFLM Python at ${tflmPython()} (${TFLM_MISSING})`)) : test.skip;

register(TITLE, async (t) => {
	t.timeout(10 * 60_000);
	const ds = await readDataset(await defaultDataset());
	const exportable = exportableModels(MODELS);
	const allStored = exportable.filter((f) => modelInfo(join(MODELS, f), ANY_TASK).family === "separable-int8");
	t.true(exportable.includes("default.htpw"), `models/default.htpw exports to .tflite (exportable: ${exportable.join(", ") || "none"})`);
	t.true(allStored.length >= 1, "an all-stored model is shipped beside the default");
	const windows = ds2Windows(ds, 1000);
	for (const file of ["default.htpw", ...allStored]) {
		const r = checkModelWithTflm(join(MODELS, file), ds, windows, { cacheDir: join(REPO_ROOT, EVAL_CACHE_DIR) });
		t.is(r.ds2_windows, 1000);
		t.true(r.adversarial_windows >= 6);
		t.is(r.identical, r.windows, `${file}: identical int8 outputs on ${r.identical} of ${r.windows} windows (first different: ${r.firstDifferent})`);
		const model = modelInfo(join(MODELS, file), ANY_TASK).model;
		const theirs = tflmPrepare(exportTflite(model));
		const ours = ourRequant(model);
		t.deepEqual(requantDifferences(theirs, ours), [], `${file}: every multiplier and shift is TFLM's`);
		t.true(ours.length >= 10, `${file}: ${ours.length} requantizing ops compared`);
		// One multiplier nudged by one is one difference, named.
		const nudged = structuredClone(ours);
		(nudged[1]!.params as number[][])[0]![0]! += 1;
		t.deepEqual(requantDifferences(theirs, nudged), [`op 1 (builtin ${ours[1]!.op}): value 0 is ${(ours[1]!.params as number[][])[0]![0]} in TFLM, ${(nudged[1]!.params as number[][])[0]![0]} ours`]);
	}
});
