// The committed Pareto table is reproducible: `hypertiny eval` on the committed default model (or, before there is
// one, the smallest) gives its row of
// results/mitbih/pareto.json exactly (the dataset is rebuilt from MIT-BIH when missing).
import { mitdbTest as test } from "./mitdb-data.ts";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateModel } from "../host/eval/evaluate.ts";
import type { ReportRow } from "../host/eval/report.ts";
import { REPO_ROOT } from "../host/train/python.ts";
import { defaultDataset } from "./eval-dataset.ts";

const PARETO = join(REPO_ROOT, "results/mitbih/pareto.json");

test("rerunning eval on the committed default model (else the smallest) reproduces its pareto.json row exactly", async (t) => {
	t.true(existsSync(PARETO), "results/mitbih/pareto.json is committed (hypertiny report writes it)");
	const rows = JSON.parse(readFileSync(PARETO, "utf8")) as ReportRow[];
	const row = rows.find((r) => r.default) ?? [...rows].sort((a, b) => a.flash_bytes - b.flash_bytes)[0];
	if (!row) return t.fail("pareto.json has no rows");
	const model = join(REPO_ROOT, "models", row.file);
	if (row.default) t.is(readFileSync(join(REPO_ROOT, "models/default.htpw")).compare(readFileSync(model)), 0, "models/default.htpw is a copy of the default row's file");
	const { file: _file, default: _default, ...expected } = row;
	const notices: string[] = [];
	const actual = await evaluateModel({ modelPath: model, split: row.split, task: row.task, dataDir: await defaultDataset(), notice: (l) => notices.push(l) });
	t.deepEqual(actual, expected, notices.join("\n"));
});
