// `hypertiny cv` from a real sweep (the tiny recipe, one seed, DS1's five folds): out-of-fold figures into cv.json
// and cv.md, and rows of recipes without trials kept from the previous cv.json of the same dataset only. The test
// checks bookkeeping, not figures (a seconds-long recipe has none worth printing), and reads no DS2 window.
import test from "ava";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CV_AF_RULE, CV_AF_RULE_S_ONLY, type RecipeCv } from "../host/cli/cv.ts";
import { hasTorch } from "../host/train/python.ts";
import { recipe } from "../host/train/recipes.ts";
import { defaultDataset } from "./eval-dataset.ts";
import { mitdbTest } from "./mitdb-data.ts";
import { IN_CI } from "./toolchain.ts";
import { runCli } from "./run-cli.ts";

const TITLE = "cv: out-of-fold figures of a swept recipe; a recipe without trials keeps its row only from the same dataset's cv.json";
const register = hasTorch() ? mitdbTest : IN_CI ? (title: string) => test(title, (t) => t.fail("CI=true but python3-torch is not installed (.ci/run installs it)")) : test.skip;

interface CvJson { dataset: { index_sha256: string; fingerprint: { base: string } }; recipes: RecipeCv[] }

register(TITLE, async (t) => {
	t.timeout(15 * 60_000);
	const data = await defaultDataset();
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-cv-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const sweep = join(dir, "sweep");
	const out = join(dir, "out");
	const trained = await runCli(["sweep", "--recipe", "tiny", "--seeds", "1", "--folds", "1-5", "--jobs", "2", "--data", data, "--out", sweep]);
	t.is(trained.status, 0, trained.stderr);

	const first = await runCli(["cv", "--recipe", "tiny", "--sweep", sweep, "--data", data, "--out", out]);
	t.is(first.status, 0, first.stderr);
	const scored = JSON.parse(readFileSync(join(out, "cv.json"), "utf8")) as CvJson;
	t.deepEqual(scored.recipes.map((r) => [r.recipe, r.seeds.map((s) => s.seed), r.shipped_seed]), [["tiny", [1], 1]]);
	const vf1 = scored.recipes[0]!.summary["V_f1"]!.mean;
	t.true(vf1 >= 0 && vf1 <= 1, `VEB F1 ${vf1}`);
	t.false(readFileSync(join(out, "cv.md"), "utf8").includes("Rows kept"));

	t.is(scored.recipes[0]!.af_rule, CV_AF_RULE);
	t.false(readFileSync(join(out, "cv.md"), "utf8").includes("†"));

	// An earlier row for beat4 (here tiny's, renamed) is kept, with beat4's description as recipes.ts has it now; made
	// before cv.json recorded the AF rule, it is marked as scored under the earlier one (S only).
	const { af_rule: _rule, ...beforeRule } = scored.recipes[0]!;
	const beat4Row = { ...beforeRule, recipe: "beat4", about: "an old description" };
	writeFileSync(join(out, "cv.json"), JSON.stringify({ ...scored, recipes: [scored.recipes[0], beat4Row] }));
	const merged = await runCli(["cv", "--recipe", "beat4,tiny", "--sweep", sweep, "--data", data, "--out", out]);
	t.is(merged.status, 0, merged.stderr);
	t.regex(merged.stderr, /kept from .*cv\.json .*: beat4/);
	const after = JSON.parse(readFileSync(join(out, "cv.json"), "utf8")) as CvJson;
	t.deepEqual(after.recipes.map((r) => r.recipe), ["beat4", "tiny"]);
	t.deepEqual(after.recipes[0]!.seeds, beat4Row.seeds);
	t.is(after.recipes[0]!.about, recipe("beat4").about);
	t.deepEqual(after.recipes[1]!.seeds, scored.recipes[0]!.seeds, "tiny rescored from the same trials gives the same figures");
	const md = readFileSync(join(out, "cv.md"), "utf8");
	t.regex(md, /Rows kept from the previous cv\.json of the same dataset, or of one this dataset only appends features to .*: beat4\./);
	t.regex(md, /Rows marked † were scored under the app's earlier AF rule, which reported only S calls N .*: beat4\./);
	t.regex(md, /^\| beat4 † \| 1 \|/m);
	t.regex(md, /^\| tiny \| 1 \|/m);
	t.deepEqual(after.recipes.map((r) => r.af_rule), [CV_AF_RULE_S_ONLY, CV_AF_RULE]);

	// Only carried rows: nothing is scored, so nothing is written.
	const before = readFileSync(join(out, "cv.json"), "utf8");
	const onlyKept = await runCli(["cv", "--recipe", "beat4", "--sweep", sweep, "--data", data, "--out", out]);
	t.is(onlyKept.status, 1);
	t.regex(onlyKept.stderr, /nothing is written/);
	t.is(readFileSync(join(out, "cv.json"), "utf8"), before);

	// Another dataset's cv.json keeps nothing: beat4 has no trials, and says so. (Its fingerprint says another label
	// file; test/kept-rows covers a dataset that only appends features.)
	const fingerprint = after.dataset.fingerprint;
	t.regex(fingerprint.base, /^[0-9a-f]{64}$/, "cv.json records its dataset's fingerprint");
	writeFileSync(join(out, "cv.json"), JSON.stringify({ ...after, dataset: { ...after.dataset, index_sha256: "0".repeat(64), fingerprint: { ...fingerprint, base: "0".repeat(64) } } }));
	const otherData = await runCli(["cv", "--recipe", "beat4,tiny", "--sweep", sweep, "--data", data, "--out", out]);
	t.is(otherData.status, 1);
	t.regex(otherData.stderr, /beat4: no trials in /);
	t.deepEqual((JSON.parse(readFileSync(join(out, "cv.json"), "utf8")) as CvJson).recipes.map((r) => r.recipe), ["tiny"]);
});
