// The committed release is reproducible: `hypertiny eval --split test --release` on each shipped N/S/V/F model gives
// its row of results/mitbih/release.json exactly, and models/default.htpw is the default recipe's shipped model.
// Only equality is checked and nothing is printed: the figures were read once, at release.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readDataset } from "../host/data/dataset-format.ts";
import { evaluateBeatModel } from "../host/eval/evaluate-beat.ts";
import type { ReleaseRecipe } from "../host/eval/release.ts";
import { REPO_ROOT } from "../host/train/python.ts";
import { defaultDataset } from "./eval-dataset.ts";
import { mitdbTest as test } from "./mitdb-data.ts";

const RELEASE = join(REPO_ROOT, "results/mitbih/release.json");

test("eval on each shipped N/S/V/F model reproduces its release.json row, and the default is beat4's", async (t) => {
	t.timeout(10 * 60_000);
	t.true(existsSync(RELEASE), "results/mitbih/release.json is committed (hypertiny report --release writes it)");
	const release = JSON.parse(readFileSync(RELEASE, "utf8")) as { recipes: ReleaseRecipe[] };
	const dataDir = await defaultDataset();
	const dataset = await readDataset(dataDir);
	for (const r of release.recipes) {
		const shipped = r.seeds.find((s) => s.seed === r.shipped_seed);
		if (!shipped) return t.fail(`${r.recipe}: no row for its shipped seed ${r.shipped_seed}`);
		const model = join(REPO_ROOT, "models", r.model);
		const row = await evaluateBeatModel({ modelPath: model, split: "test", dataset, dataDir });
		const { agreement: _a, agreement_windows: _w, ...figures } = row;
		const { agreement: _ea, agreement_windows: _ew, ...expected } = shipped.row;
		t.deepEqual(figures, expected, `${r.model} reproduces its DS2 row`);
	}
	const def = readFileSync(join(REPO_ROOT, "models/default.htpw"));
	t.is(def.compare(readFileSync(join(REPO_ROOT, "models/beat4.htpw"))), 0, "models/default.htpw is a copy of models/beat4.htpw");
});
