// `hypertiny sweep` (host/cli/sweep.ts): trial planning, and a two-trial sweep on a local Ray instance
// (host/train/ray_sweep.py) that resumes without retraining. The Ray python is a venv made with
// --system-site-packages beside Debian's python3-torch (.ci/run makes results/tmp/ray-venv).
import test from "ava";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseRange, plan, trialPath } from "../host/cli/sweep.ts";
import { REPO_ROOT } from "../host/train/python.ts";
import { RECIPES } from "../host/train/recipes.ts";
import { defaultDataset } from "./eval-dataset.ts";
import { mitdbTest } from "./mitdb-data.ts";
import { IN_CI } from "./toolchain.ts";
import { runCli } from "./run-cli.ts";

test("parseRange reads seeds and folds as ranges and lists, and refuses the rest", (t) => {
	t.deepEqual(parseRange("1-5", "seeds"), [1, 2, 3, 4, 5]);
	t.deepEqual(parseRange("0,2-3,2", "folds"), [0, 2, 3]);
	t.throws(() => parseRange("3-1", "seeds"), { message: /runs backwards/ });
	t.throws(() => parseRange("one", "seeds"), { message: /--seeds one: give numbers/ });
});

test("plan: one trial per recipe, seed and fold, each writing its own checkpoint through a temporary name", (t) => {
	const trials = plan(["beat4", "tiny"], [1, 2], [0, 3], "/data", "/out");
	t.is(trials.length, 8);
	const one = trials.find((x) => x.recipe === "beat4" && x.seed === 2 && x.fold === 3)!;
	t.is(one.checkpoint, trialPath("/out", "beat4", 2, 3));
	const arg = (name: string) => one.args[one.args.indexOf(name) + 1];
	t.is(arg("--checkpoint"), `${one.checkpoint}.tmp`);
	t.is(arg("--fold"), "3");
	t.is(arg("--seed"), "2");
	t.is(arg("--task"), RECIPES["beat4"]!.task);
	t.true(one.args.includes("--second-lead"));
	t.throws(() => plan(["nope"], [1], [1], "/d", "/o"), { message: /no recipe "nope"/ });
});

function rayPython(): string | undefined {
	const candidates = [process.env["HYPERTINY_RAY_PYTHON"], join(REPO_ROOT, "results/tmp/ray-venv/bin/python")];
	return candidates.find((p) => p && existsSync(p));
}


const RAY_TITLE = "a two-trial sweep on a local Ray instance writes both fold checkpoints, and a second run resumes with nothing to do";
const python = rayPython();
if (!python && !IN_CI) process.stderr.write(`\nNOTICE: skipping "${RAY_TITLE}": no python with ray (/usr/bin/python3 -m venv --system-site-packages results/tmp/ray-venv && results/tmp/ray-venv/bin/pip install ray, or set HYPERTINY_RAY_PYTHON)\n`);
const register = python ? mitdbTest : IN_CI ? (title: string) => test(title, (t) => t.fail("CI=true but no python with ray (.ci/run makes results/tmp/ray-venv)")) : test.skip;

register(RAY_TITLE, async (t) => {
	t.timeout(15 * 60_000);
	const data = await defaultDataset();
	const out = mkdtempSync(join(tmpdir(), "hypertiny-sweep-"));
	t.teardown(() => rmSync(out, { recursive: true, force: true }));
	const env = { HYPERTINY_RAY_PYTHON: python!, RAY_AUTH_MODE: "disabled" };
	const args = ["sweep", "--recipe", "tiny", "--seeds", "1-2", "--folds", "1", "--ray", "local", "--data", data, "--out", out];
	const first = await runCli(args, env);
	t.is(first.status, 0, first.stderr);
	t.regex(first.stderr, /2 trials, 0 done already, 2 to run on Ray at local/);
	for (const seed of [1, 2]) {
		const c = JSON.parse(readFileSync(trialPath(out, "tiny", seed, 1), "utf8")) as { provenance: { seed: number; fold: number }; predictions: Record<string, string> };
		t.is(c.provenance.seed, seed);
		t.is(c.provenance.fold, 1);
		t.truthy(c.predictions["validation_outputs"] && c.predictions["validation_index"] && c.predictions["validation2_outputs"], "the held-out fold's outputs, from both leads");
		t.false(existsSync(trialPath(out, "tiny", seed, 1) + ".tmp"));
	}
	const again = await runCli(args, env);
	t.is(again.status, 0, again.stderr);
	t.regex(again.stderr, /2 trials, 2 done already, 0 to run/);
});
