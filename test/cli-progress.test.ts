// The progress line of long commands: drawn in place on a terminal with counts and an ETA, silent otherwise.
import test from "ava";
import { formatDuration, Progress, progressLine } from "../host/cli/progress.ts";

function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
	const s = { isTTY, columns: 200, text: "", write(chunk: string) { s.text += chunk; return true; } };
	return s as unknown as NodeJS.WriteStream & { text: string };
}

test("durations and the line: count, percent, detail, elapsed, ETA from the average so far", (t) => {
	t.is(formatDuration(0), "0:00");
	t.is(formatDuration(83.4), "1:23");
	t.is(formatDuration(3 * 3600 + 5), "3:00:05");
	t.is(progressLine("dataset: records", 12, 48, 30, "train 119"), "dataset: records 12/48 (25%), train 119, 0:30 elapsed, ETA 1:30");
	t.is(progressLine("eval", 0, undefined, 61), "eval, 1:01 elapsed", "no count: no ETA");
	t.is(progressLine("x", 48, 48, 30), "x 48/48 (100%), 0:30 elapsed", "done: no ETA");
	t.is(progressLine("eval: m.htpw on test", 0, undefined, undefined), "eval: m.htpw on test ...", "blocking work: no clock that would freeze");
});

test("on a terminal the line is redrawn in place, log lines go above it, end() clears it", (t) => {
	let now = 0;
	const out = stream(true);
	const p = new Progress("report: models", 4, { stream: out, now: () => now });
	t.true(p.active);
	now = 10_000;
	p.update(1, "a.htpw");
	t.true(out.text.endsWith("\r\x1b[Kreport: models 1/4 (25%), a.htpw, 0:10 elapsed, ETA 0:30"));
	p.log("a.htpw: done");
	t.true(out.text.includes("\r\x1b[Ka.htpw: done\n\r\x1b[Kreport: models 1/4"));
	p.end();
	t.true(out.text.endsWith("\r\x1b[K"));
});

test("not a terminal, or --json: nothing but the log lines", (t) => {
	for (const [isTTY, enabled] of [[false, true], [true, false]] as const) {
		const out = stream(isTTY);
		const p = new Progress("bench", 2, { stream: out, enabled });
		t.false(p.active);
		p.update(1, "x");
		p.log("a line");
		p.end();
		t.is(out.text, "a line\n");
	}
});
