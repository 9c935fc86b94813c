// The detection report `npm run bench` prints: per-record rows that add up to the overall row, in the table too.
import { mitdbTest as test } from "./mitdb-data.ts";
import { detectionReport, detectionTable } from "../host/bench/ecg-detection.ts";

test("detection report: per-record TP/FN/FP, overall sums, tolerance and scoring stated, table and JSON agree", async (t) => {
	const { report, scores } = await detectionReport(["100", "119"]);
	t.deepEqual(report.records.map((r) => r.record), ["100", "119"]);
	t.is(report.tolerance_ms, 150);
	t.regex(report.scored, /whole record/);
	for (const r of report.records) {
		t.is(r.tp + r.fn, r.beats);
		t.is(r.tp + r.fp, r.detected);
		t.is(scores.get(r.record)!.missed.length, r.fn);
	}
	const o = report.overall;
	t.is(o.beats, report.records[0].beats + report.records[1].beats);
	t.is(o.fp, report.records[0].fp + report.records[1].fp);
	t.is(o.se, o.tp / o.beats);
	t.is(report.acceptance.met, o.se >= 0.995 && o.ppv >= 0.995);

	const table = detectionTable(report);
	const overallLine = table.split("\n").find((l) => l.startsWith("overall"))!;
	t.deepEqual(overallLine.split(/\s+/).slice(1, 5).map(Number), [o.beats, o.tp, o.fn, o.fp]);
	t.true(table.includes("±150 ms"));
	t.deepEqual(JSON.parse(JSON.stringify(report)), report);
});
