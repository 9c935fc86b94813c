// The committed apnea releases are reproducible: each shipped model (models/apnea.htpw and apnea-int8.htpw of the latest
// release, apnea-1min.htpw and apnea-int8-1min.htpw of the one before, which decided each minute by its own score,
// apnea-5ep.htpw and apnea-int8-5ep.htpw of the first), evaluated by the C core on the Apnea-ECG test set with its own
// threshold and score minutes, gives its row of results/rhythm/apnea-release.json, apnea-release-1min.json or
// apnea-release-5ep.json exactly; the latest release ships the seeds cross-validation chose, and the app's apnea model
// fits the 32 kB.
import test from "ava";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { findApneaEcg } from "../host/data/apnea-ecg.ts";
import { apneaDataset, DEFAULT_APNEA_DIR } from "../host/rhythm/apnea-dataset.ts";
import { evaluateApneaModel, type ApneaRecipeCv, type ApneaRelease } from "../host/rhythm/apnea-eval.ts";
import { REPO_ROOT } from "../host/train/python.ts";
import { IN_CI } from "./toolchain.ts";

const found = findApneaEcg();
const withData = found.path ? test : IN_CI ? (title: string) => test(title, (t) => t.fail(`CI=true but ${found.missing}`)) : test.skip;

const RELEASES: [string, string[]][] = [
	["results/rhythm/apnea-release.json", ["apnea", "apnea-int8"]],
	["results/rhythm/apnea-release-1min.json", ["apnea", "apnea-int8"]],
	["results/rhythm/apnea-release-5ep.json", ["apnea-5ep", "apnea-int8-5ep"]],
];

withData("the shipped apnea models reproduce their test-set rows of apnea-release.json, apnea-release-1min.json and apnea-release-5ep.json", async (t) => {
	const releases = RELEASES.map(([f, names]) => {
		const recipes = (JSON.parse(readFileSync(join(REPO_ROOT, f), "utf8")) as { recipes: ApneaRelease[] }).recipes;
		t.deepEqual(recipes.map((r) => r.recipe), names, f);
		return recipes;
	});
	const cv = JSON.parse(readFileSync(join(REPO_ROOT, "results/rhythm/apnea-cv.json"), "utf8")) as { recipes: ApneaRecipeCv[] };
	const ds = await apneaDataset(join(REPO_ROOT, DEFAULT_APNEA_DIR));
	for (const r of releases[0]!) t.is(r.shipped_seed, cv.recipes.find((c) => c.recipe === r.recipe)!.shipped_seed, `${r.recipe}: the seed CV chose`);
	for (const r of releases.flat()) {
		const shipped = r.seeds.find((s) => s.seed === r.shipped_seed)!;
		const path = join(REPO_ROOT, "models", r.model);
		const row = evaluateApneaModel({ modelPath: path, ds, split: "test" });
		t.is(row.bytes, statSync(path).size);
		t.is(row.bytes, shipped.bytes);
		t.is(row.t_star, shipped.t_star);
		t.is(row.score_minutes, shipped.score_minutes ?? 1);
		t.deepEqual(row.figures, shipped.figures, `${r.recipe}: every figure of the shipped row`);
	}
	t.true(statSync(join(REPO_ROOT, "models/apnea.htpw")).size <= 32 * 1024, "the apnea model is at most 32 kB");
});
