// The committed releases are reproducible: `hypertiny eval --split test --release` on each shipped N/S/V/F model gives
// its row of results/mitbih/release.json (the latest release), release-beat4-wide-rbns-fifth.json (the fifth),
// release-beat4-wide-rbns.json (the fourth), release-beat4-wide.json (the third),
// release-beat4-adaptive.json (the second) or release-beat4.json (the first) exactly, and
// models/default.htpw is the default recipe's shipped model.
// Only equality is checked and nothing is printed: the figures were read once, at release.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readDataset } from "../host/data/dataset-format.ts";
import { evaluateBeatModel } from "../host/eval/evaluate-beat.ts";
import type { ReleaseRecipe } from "../host/eval/release.ts";
import { REPO_ROOT } from "../host/train/python.ts";
import { DEFAULT_RECIPE } from "../host/train/recipes.ts";
import { defaultDataset } from "./eval-dataset.ts";
import { mitdbTest as test } from "./mitdb-data.ts";

const RELEASES = ["results/mitbih/release.json", "results/mitbih/release-beat4-wide-rbns-fifth.json", "results/mitbih/release-beat4-wide-rbns.json", "results/mitbih/release-beat4-wide.json", "results/mitbih/release-beat4-adaptive.json", "results/mitbih/release-beat4.json"].map((f) => join(REPO_ROOT, f));

test(`eval on each shipped N/S/V/F model reproduces its release row, and the default is ${DEFAULT_RECIPE}'s`, async (t) => {
	t.timeout(10 * 60_000);
	for (const f of RELEASES) t.true(existsSync(f), `${f} is committed (hypertiny report --release writes it)`);
	const recipes = RELEASES.flatMap((f) => (JSON.parse(readFileSync(f, "utf8")) as { recipes: ReleaseRecipe[] }).recipes);
	t.true(recipes.some((r) => r.recipe === DEFAULT_RECIPE), `the default recipe ${DEFAULT_RECIPE} has a release`);
	const dataDir = await defaultDataset();
	const dataset = await readDataset(dataDir);
	for (const r of recipes) {
		const shipped = r.seeds.find((s) => s.seed === r.shipped_seed);
		if (!shipped) return t.fail(`${r.recipe}: no row for its shipped seed ${r.shipped_seed}`);
		const model = join(REPO_ROOT, "models", r.model);
		// a release made before the app's AF rule, or before its V part, is reproduced as it was decided
		const row = await evaluateBeatModel({ modelPath: model, split: "test", dataset, dataDir, decision: shipped.row.decision });
		const { agreement: _a, agreement_windows: _w, ...figures } = row;
		const { agreement: _ea, agreement_windows: _ew, ...expected } = shipped.row;
		t.deepEqual(figures, expected, `${r.model} reproduces its DS2 row`);
	}
	const def = readFileSync(join(REPO_ROOT, "models/default.htpw"));
	t.is(def.compare(readFileSync(join(REPO_ROOT, `models/${DEFAULT_RECIPE}.htpw`))), 0, `models/default.htpw is a copy of models/${DEFAULT_RECIPE}.htpw`);
});
