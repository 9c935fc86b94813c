// `hypertiny report --release`: a recipe's fold-0 seeds packed with their cross-validated biases, read on DS2 once,
// mean ± sd over the seeds, and the shipped seed's model copied to models/ with its sidecar. Two tiny seeds; the
// test checks the bookkeeping (which seed ships, which biases each seed carries, that the summary is the seeds'
// mean), not the figures, and prints none.
import test from "ava";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { meanSd } from "../host/eval/cv.ts";
import { releaseFigures, type ReleaseRecipe } from "../host/eval/release.ts";
import { hasTorch, REPO_ROOT } from "../host/train/python.ts";
import { readModel } from "../modules/model/index.ts";
import { defaultDataset } from "./eval-dataset.ts";
import { mitdbTest } from "./mitdb-data.ts";
import { IN_CI } from "./toolchain.ts";
import { runCli } from "./run-cli.ts";


const TITLE = "report --release: every fold-0 seed read on DS2 with the biases CV chose, the chosen seed shipped to models/";
const register = hasTorch() ? mitdbTest : IN_CI ? (title: string) => test(title, (t) => t.fail("CI=true but python3-torch is not installed (.ci/run installs it)")) : test.skip;

register(TITLE, async (t) => {
	t.timeout(15 * 60_000);
	const data = await defaultDataset();
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-release-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const sweep = join(dir, "sweep");
	const trained = await runCli(["sweep", "--recipe", "tiny", "--seeds", "1-2", "--folds", "0", "--jobs", "2", "--data", data, "--out", sweep]);
	t.is(trained.status, 0, trained.stderr);
	const models = join(dir, "models");
	const out = join(dir, "out");
	mkdirSync(models);

	// Without a cross-validation of the recipe: plain argmax, the lowest seed ships.
	const plain = await runCli(["report", "--release", "tiny", "--sweep", sweep, "--cv", join(dir, "none.json"), "--models", models, "--out", out, "--data", data]);
	t.is(plain.status, 0, plain.stderr);
	let json = JSON.parse(readFileSync(join(out, "release.json"), "utf8")) as { recipes: ReleaseRecipe[] };
	let r = json.recipes[0]!;
	t.is(r.bias_source, "none");
	t.is(r.shipped_seed, 1);
	t.deepEqual(r.seeds.map((s) => [s.seed, s.decision_bias]), [[1, [0, 0, 0, 0]], [2, [0, 0, 0, 0]]]);
	t.is(r.seeds[0]!.row.split, "test");
	const ds2 = r.seeds[0]!.row.windows;
	t.true(ds2 > 40000, `all of DS2: ${ds2} windows`);
	const figures = r.seeds.map((s) => releaseFigures(s.row));
	t.deepEqual(r.summary["V_f1"], meanSd(figures.map((f) => f["V_f1"] ?? null)));

	// With CV's choice: seed 2 ships with its biases, and its model in models/ is the one evaluated.
	writeFileSync(join(dir, "cv.json"), JSON.stringify({ recipes: [{ recipe: "tiny", shipped_seed: 2, seeds: [{ seed: 1, biases: [0, 3, -2, 1] }, { seed: 2, biases: [0, 5, 1, -4] }] }] }));
	const chosen = await runCli(["report", "--release", "tiny", "--sweep", sweep, "--cv", join(dir, "cv.json"), "--models", models, "--out", out, "--data", data]);
	t.is(chosen.status, 0, chosen.stderr);
	json = JSON.parse(readFileSync(join(out, "release.json"), "utf8")) as { recipes: ReleaseRecipe[] };
	r = json.recipes[0]!;
	t.is(r.bias_source, "cv");
	t.is(r.shipped_seed, 2);
	const shipped = new Uint8Array(readFileSync(join(models, "tiny.htpw")));
	t.deepEqual(shipped, new Uint8Array(readFileSync(r.seeds[1]!.file)));
	t.deepEqual((readModel(shipped).meta as { decision_bias?: number[] }).decision_bias, [0, 5, 1, -4]);
	t.true(existsSync(join(models, "tiny.float.json")), "the shipped model's float sidecar");
	t.regex(readFileSync(join(out, "release.md"), "utf8"), /\| models\/tiny\.htpw \| 2 \|/);

	// A seed CV never saw is refused rather than shipped with made-up biases.
	writeFileSync(join(dir, "cv.json"), JSON.stringify({ recipes: [{ recipe: "tiny", shipped_seed: 1, seeds: [{ seed: 1, biases: [0, 0, 0, 0] }] }] }));
	const partial = await runCli(["report", "--release", "tiny", "--sweep", sweep, "--cv", join(dir, "cv.json"), "--models", models, "--out", out, "--data", data]);
	t.is(partial.status, 1);
	t.regex(partial.stderr, /seed 2 has a fold-0 model but no cross-validation/);
});
