// hypertiny start's running line, fed real BLE packets through the companion state: beats by class add up to the
// beats received, heart rate, alerts; redrawn in place on a terminal, once per minute of signal otherwise.
import test from "ava";
import * as P from "../modules/ble/protocol.ts";
import { CompanionState } from "../host/companion/state.ts";
import { attachRunLine } from "../host/cli/run-line.ts";

function sink(isTTY: boolean): NodeJS.WriteStream & { text: string } {
	const s = { isTTY, columns: 200, text: "", write(chunk: string) { s.text += chunk; return true; } };
	return s as unknown as NodeJS.WriteStream & { text: string };
}

function feed(state: CompanionState, id: number, encode: (out: Uint8Array) => number): void {
	const out = new Uint8Array(64);
	state.packet(id, out.subarray(0, encode(out)));
}

/** 150 beats, one every 0.8 s at 360 Hz: every fifth a V, the first ten before the model is ready (no class). */
function play(state: CompanionState): void {
	feed(state, P.CLASS_NAMES, (o) => P.encodeClassNames(o, ["rest", "V"]));
	for (let i = 0; i < 150; i++) {
		const sample = Math.round((i + 1) * 0.8 * 360);
		feed(state, P.BEAT, (o) => P.encodeBeat(o, i % 256, i < 10 ? -1 : i % 5 === 0 ? 1 : 0, 0.9, 0, sample, 288, 288, 75));
		if (i === 100) feed(state, P.EVENT, (o) => P.encodeEvent(o, P.EVENT_V_RUN_START, 3, 0, sample));
		if (i === 110) feed(state, P.EVENT, (o) => P.encodeEvent(o, P.EVENT_QUALITY, P.QUALITY_FLATLINE, 0, sample));
	}
}

test("not a terminal: a line per minute of signal and at the end; classes add up; events on their own lines", (t) => {
	const state = new CompanionState();
	const out = sink(false);
	const view = attachRunLine(state, out);
	play(state);
	view.finish();
	const lines = out.text.trimEnd().split("\n");
	t.deepEqual(lines.filter((l) => l.includes("beats:")), [
		"01:00.0  75 bpm  75 beats: rest 52 V 13 unclassified 10  alerts 0  signal learning",
		"02:00.0  75 bpm  150 beats: rest 112 V 28 unclassified 10  alerts 1  signal flatline",
	], "the final line is not repeated when the last minute's line says the same");
	t.true(lines.includes("01:20.8  run of 3 V beats"));
	t.true(lines.includes("01:28.8  signal flatline"), "signal changes are shown but not counted as alerts");
	t.false(out.text.includes("\r"), "no terminal control in a pipe");
});

test("on a terminal: one line redrawn in place, events above it, the final line kept", (t) => {
	const state = new CompanionState();
	const out = sink(true);
	const view = attachRunLine(state, out);
	play(state);
	view.above(() => out.write("device: a log line\n"));
	view.finish();
	const segments = out.text.split("\r\x1b[K");
	const ended = segments.filter((s) => s.includes("\n"));
	t.deepEqual(ended.slice(0, -1).filter((s) => s.includes("beats:")), [], "the running line is only ended (newline) at the end");
	t.deepEqual(ended.slice(0, -1), ["01:20.8  run of 3 V beats\n", "01:28.8  signal flatline\n", "device: a log line\n"]);
	t.true(out.text.endsWith("\r\x1b[K02:00.0  75 bpm  150 beats: rest 112 V 28 unclassified 10  alerts 1  signal flatline\n"));
	t.true(out.text.includes("\r\x1b[Kdevice: a log line\n\r\x1b[K"));
});
