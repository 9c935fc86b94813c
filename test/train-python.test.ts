// The trainer's own unit tests (host/train/tests: fake-quant rounding, BN folding, generator shapes and byte
// budgets, the engine-exact requantization) run under ava so that `npm test` covers them.
import test from "ava";
import { spawnSync } from "node:child_process";
import { hasTorch, pythonPath, REPO_ROOT } from "../host/train/python.ts";
import { IN_CI } from "./toolchain.ts";

const title = "host/train unit tests (python -m unittest)";
if (hasTorch()) {
	test(title, (t) => {
		const r = spawnSync(pythonPath(), ["-m", "unittest", "discover", "-s", "host/train/tests", "-t", "."], {
			cwd: REPO_ROOT, env: { ...process.env, OPENBLAS_NUM_THREADS: "1", PYTHONPATH: REPO_ROOT }, encoding: "utf8",
		});
		t.is(r.status, 0, r.stderr.slice(-4000));
		t.regex(r.stderr, /\nOK/);
	});
} else if (IN_CI) {
	test(title, (t) => t.fail(`CI=true but ${pythonPath()} lacks torch/numpy (.ci/run installs python3-torch)`));
} else {
	process.stderr.write(`\nNOTICE: skipping "${title}": ${pythonPath()} lacks torch/numpy (apt-get install python3-torch python3-numpy)\n`);
	test.skip(title, () => {});
}
