// The CLI guides: every subcommand answers --help and -h with its usage (exit 0), the top-level usage is complete,
// a missing prerequisite is named with the command that makes it, and exit codes tell usage errors (2) from
// failures (1).
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { datasetCommand, requireDataset } from "../host/cli/prerequisites.ts";
import { COMMAND_NAMES, main } from "../host/cli/main.ts";
import { DEFAULT_DATASET_DIR } from "../host/data/dataset-build.ts";
import { REPO_ROOT } from "../host/train/python.ts";
import { captureOutput } from "./capture-output.ts";

/** main() in this process with stdout and stderr captured (serial tests only). */
const hypertiny = (...argv: string[]) => captureOutput(() => main(argv));

const scratch = mkdtempSync(join(tmpdir(), "hypertiny-cli-"));

test.serial("every subcommand prints its usage for --help and -h and exits 0", async (t) => {
	t.true(COMMAND_NAMES.length >= 16);
	const wrong: string[] = [];
	for (const name of COMMAND_NAMES) {
		const long = await hypertiny(name, "--help");
		const short = await hypertiny(name, "-h");
		if (long.code !== 0) wrong.push(`${name} --help: exit ${long.code} ${long.stderr.trim()}`);
		else if (!new RegExp(`^(usage: )?hypertiny ${name}\\b`).test(long.stdout)) wrong.push(`${name} --help: no usage line`);
		else if (long.stderr !== "") wrong.push(`${name} --help: writes to stderr`);
		else if (short.code !== 0 || short.stdout !== long.stdout) wrong.push(`${name} -h: not the same as --help`);
	}
	t.deepEqual(wrong, []);
});

test.serial("the top-level usage names every command and start's options; no command is a usage error", async (t) => {
	const help = await hypertiny("--help");
	t.is(help.code, 0);
	for (const name of COMMAND_NAMES) t.true(help.stdout.includes(`\n  ${name} `) || help.stdout.includes(`\n  ${name}\n`), name);
	for (const option of ["--web PORT", "--port N", "--strip N", "--realtime", "--policy", "--record"]) t.true(help.stdout.includes(option), option);
	t.regex(help.stdout, /hypertiny data fetch mitdb/);
	const none = await hypertiny();
	t.is(none.code, 2);
	const unknown = await hypertiny("evaluate");
	t.is(unknown.code, 2);
	t.regex(unknown.stderr, /unknown command "evaluate"/);
});

test.serial("eval and report without a dataset name the command that makes it (exit 1)", async (t) => {
	const empty = join(scratch, "no-dataset");
	mkdirSync(empty);
	const ev = await hypertiny("eval", "--model", "test/fixtures/tiny-hyper.htpw", "--split", "val", "--data", empty);
	t.is(ev.code, 1);
	t.is(ev.stderr, `hypertiny eval: no dataset at ${empty}: run \`npx hypertiny dataset --out ${empty}\` (it needs MIT-BIH: \`npx hypertiny data fetch mitdb\`)\n`);
	const report = await hypertiny("report", "--data", empty, "--out", join(scratch, "report"));
	t.is(report.code, 1);
	t.regex(report.stderr, /^hypertiny report: no dataset at .*: run `npx hypertiny dataset --out /);

	const stale = join(scratch, "stale");
	mkdirSync(stale);
	writeFileSync(join(stale, "index.json"), JSON.stringify({ version: 1 }));
	const old = await hypertiny("eval", "--model", "test/fixtures/tiny-hyper.htpw", "--split", "val", "--data", stale);
	t.is(old.code, 1);
	t.regex(old.stderr, /the dataset at .* is version 1, this code reads version \d+: rebuild it with `npx hypertiny dataset --out /);

	t.is(datasetCommand(resolve(REPO_ROOT, DEFAULT_DATASET_DIR)), "npx hypertiny dataset", "the default place gets the plain command");
	t.throws(() => requireDataset(join(scratch, "elsewhere")), { message: /^no dataset at .*elsewhere: run `npx hypertiny dataset --out / });
});

test.serial("a missing model or file is named as such; a bad option is a usage error (exit 2) pointing at --help", async (t) => {
	const model = await hypertiny("eval", "--model", join(scratch, "none.htpw"), "--split", "val");
	t.is(model.code, 1);
	t.regex(model.stderr, /^hypertiny eval: no model at .*none\.htpw \(models\/ holds the trained ones/);
	const file = await hypertiny("inspect", join(scratch, "none.htpw"));
	t.is(file.code, 1);
	t.is(file.stderr, `hypertiny inspect: no such file or directory: ${join(scratch, "none.htpw")}\n`);
	const option = await hypertiny("eval", "--modle", "x");
	t.is(option.code, 2);
	t.regex(option.stderr, /^hypertiny eval: Unknown option '--modle'.*\(see hypertiny eval --help\)\n$/s);
	const split = await hypertiny("eval", "--model", "test/fixtures/tiny-hyper.htpw", "--split", "train");
	t.is(split.code, 1);
	t.regex(split.stderr, /--split must be val or test/);
});

test("the installed command: bin/hypertiny.js passes main's exit code to the shell", (t) => {
	const help = spawnSync(process.execPath, ["bin/hypertiny.js", "dataset", "-h"], { encoding: "utf8" });
	t.is(help.status, 0);
	t.regex(help.stdout, /^usage: hypertiny dataset/);
	const bad = spawnSync(process.execPath, ["bin/hypertiny.js", "data", "fetch", "physiobank"], { encoding: "utf8" });
	t.is(bad.status, 2);
	t.regex(bad.stderr, /name one dataset: mitdb or apnea-ecg/);
});
