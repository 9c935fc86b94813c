// TensorFlow Lite Micro's own interpreter (PyPI tflite-micro) against our C core on the shipped models: the
// default and every all-stored (separable-int8) model in models/, exported to .tflite, on 1,000 DS2 windows spread
// over the split and on adversarial windows (saturated, zero, alternating extremes). Every int8 output must be equal.
// Outputs only: no label is read and nothing is tuned. `npm run bench:tflm` runs all of DS2 for every model.
import test from "ava";
import { join } from "node:path";
import { readDataset } from "../host/data/dataset-format.ts";
import { EVAL_CACHE_DIR } from "../host/eval/engine.ts";
import { modelInfo } from "../host/eval/evaluate.ts";
import { checkModelWithTflm, ds2Windows, exportableModels } from "../host/tflite/committed.ts";
import { hasTflm, TFLM_MISSING, tflmPython } from "../host/tflite/tflm.ts";
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
	const allStored = exportable.filter((f) => modelInfo(join(MODELS, f), ["aami4", "v-vs-rest", "aami5"]).family === "separable-int8");
	t.true(exportable.includes("default.htpw"), `models/default.htpw exports to .tflite (exportable: ${exportable.join(", ") || "none"})`);
	t.true(allStored.length >= 1, "an all-stored model is shipped beside the default");
	const windows = ds2Windows(ds, 1000);
	for (const file of ["default.htpw", ...allStored]) {
		const r = checkModelWithTflm(join(MODELS, file), ds, windows, { cacheDir: join(REPO_ROOT, EVAL_CACHE_DIR) });
		t.is(r.ds2_windows, 1000);
		t.true(r.adversarial_windows >= 6);
		t.is(r.identical, r.windows, `${file}: identical int8 outputs on ${r.identical} of ${r.windows} windows (first different: ${r.firstDifferent})`);
	}
});
