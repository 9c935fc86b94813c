// The terminal companion's live panel (host/companion/view.ts) on narrow terminals: redrawn in place on a small
// terminal emulator, it leaves exactly one copy of itself at any width; labels tell device totals from what the
// view received since connecting; the AF line counts episodes and gives the device's burden; the apnea lines word the
// apnea model's status and mark each minute (apnea, normal, not assessed, not yet known).
import test from "ava";
import * as P from "../modules/ble/protocol.ts";
import { CompanionState } from "../host/companion/state.ts";
import { afLine, apneaLines, attachView, eventLine, fitLines, renderPanel } from "../host/companion/view.ts";

function packet(encode: (b: Uint8Array) => number): Uint8Array {
	const b = new Uint8Array(P.MAX_PACKET);
	return b.slice(0, encode(b));
}

/** Just enough of a terminal: printable characters wrap at `columns`, "\n", ESC[nF (up n rows, column 0), ESC[J. */
class Terminal {
	rows: string[] = [""];
	row = 0;
	col = 0;
	constructor(readonly columns: number) {}
	write(text: string): void {
		for (let i = 0; i < text.length; i++) {
			const c = text[i]!;
			if (c === "\x1b") {
				const m = /^\x1b\[(\d*)([FJ])/.exec(text.slice(i))!;
				if (m[2] === "F") {
					this.row = Math.max(0, this.row - Number(m[1] || 1));
					this.col = 0;
				} else {
					this.rows.length = this.row + 1;
					this.rows[this.row] = this.rows[this.row]!.slice(0, this.col);
				}
				i += m[0].length - 1;
			} else if (c === "\n") {
				this.row++;
				this.col = 0;
				this.rows[this.row] ??= "";
			} else {
				if (this.col === this.columns) {
					this.row++;
					this.col = 0;
				}
				const line = (this.rows[this.row] ??= "").padEnd(this.col);
				this.rows[this.row] = line.slice(0, this.col) + c + line.slice(this.col + 1);
				this.col++;
			}
		}
	}
}

function feed(s: CompanionState, beat: number): void {
	s.packet(P.BEAT, packet((b) => P.encodeBeat(b, beat & 255, beat % 3 === 0 ? 1 : 0, 0.97, P.BEAT_CLASSIFIED, 360 * (beat + 1), 300, 310, 70 + (beat % 5))));
	s.packet(P.COUNTS, packet((b) => P.encodeCounts(b, Uint32Array.of(1000 + beat, 500 + beat), 2, 0)));
}

for (const columns of [24, 40, 55, 120]) {
	test(`a panel redrawn in place on a ${columns}-column terminal leaves one copy of itself`, async (t) => {
		const terminal = new Terminal(columns);
		const out = { isTTY: true, columns, write: (text: string) => (terminal.write(text), true) } as unknown as NodeJS.WriteStream;
		const s = new CompanionState();
		const draw = attachView(s, out, { json: false, title: "hypertiny companion: simulator on 127.0.0.1:40000" });
		s.packet(P.MODEL_INFO, packet((b) => P.encodeModelInfo(b, { status: 0, classCount: 2, policy: 0, alertClass: 1, blobBytes: 20680, crc: 1, window: 256, sampleRate: 360, tStar: 0.5, errorCode: 0 })));
		s.packet(P.CLASS_NAMES, packet((b) => P.encodeClassNames(b, ["rest", "V"])));
		for (let beat = 0; beat < 30; beat++) {
			feed(s, beat);
			draw(); // the redraw a throttled update would make
		}
		const screen = terminal.rows.join("\n");
		t.is(screen.split("hypertiny companion:").length - 1, 1, screen);
		t.is(screen.split("heart rate").length - 1, 1, screen);
		t.true(terminal.rows.every((r) => r.length <= columns));
		t.regex(screen.replace(/\n\s*/g, " "), /device totals: rest 1029 +V 529/);
		t.regex(screen.replace(/\n\s*/g, " "), /received since connecting: 30 beats/);
	});
}

test("fitLines wraps at spaces, cuts words wider than the terminal, and keeps short lines", (t) => {
	t.deepEqual(fitLines(["short", "heart rate 70 bpm   signal ok"], 16), ["short", "heart rate 70", "  bpm   signal", "  ok"]);
	t.deepEqual(fitLines(["abcdefghijklmnopqrst"], 10), ["abcdefghi", "  jklmnop", "  qrst"]);
	for (const line of fitLines(["x ".repeat(100)], 20)) t.true(line.length <= 19);
});

test("the panel's AF line: episodes from the onset events (a repeated onset is no new episode), and the device's burden from its last AF event", (t) => {
	const s = new CompanionState();
	const af = (kind: number, at: number, permille: number) => s.packet(P.EVENT, packet((b) => P.encodeEvent(b, kind, 0, permille, at)));
	t.is(afLine(s), "AF: 0 episodes");
	t.regex(renderPanel(s, "test"), /\nAF: 0 episodes\n/);
	af(P.EVENT_AF_ONSET, 3600, 0);
	t.is(afLine(s), "AF: 1 episode, in progress, burden 0.0 % (device, at 00:10.0)");
	af(P.EVENT_AF_ONSET, 7200, 400); // an offset lost: still the one episode
	af(P.EVENT_AF_OFFSET, 36000, 810);
	af(P.EVENT_AF_OFFSET, 40000, 790); // no episode open: nothing changes but the burden
	af(P.EVENT_AF_ONSET, 43200, 700);
	af(P.EVENT_AF_OFFSET, 54000, 123);
	t.is(afLine(s), "AF: 2 episodes, burden 12.3 % (device, at 02:30.0)");
	t.regex(renderPanel(s, "test"), /\nAF: 2 episodes, burden 12\.3 % \(device, at 02:30\.0\)\n/);
	// A view that connected during an episode: the summary's AF bit says it is in progress.
	const late = new CompanionState();
	late.packet(P.SUMMARY, packet((b) => P.encodeSummary(b, { quality: 0, heartRate: 90, modelStatus: 0, alerts: P.ALERT_AF, samples: 7200, beatsDetected: 10, beatsClassified: 10, samplesRejected: 0 })));
	t.is(afLine(late), "AF: an episode in progress, begun before this view connected");
});

test("the panel's apnea lines: the model's status, then a mark per minute begun, not yet known until the device sends it", (t) => {
	const s = new CompanionState();
	t.deepEqual(apneaLines(s), ["apnea: -"], "a device before protocol version 4 sends no apnea packet");
	const apnea = (status: number, code: number, minute: number, cls: number, score: number, held = 0) => s.packet(P.APNEA, packet((b) => P.encodeApnea(b, status, code, minute, cls, score, held)));
	const summary = (seconds: number) => s.packet(P.SUMMARY, packet((b) => P.encodeSummary(b, { quality: 0, heartRate: 60, modelStatus: 0, alerts: 0, samples: seconds * 360, beatsDetected: 0, beatsClassified: 0, samplesRejected: 0 })));

	const missing = new CompanionState();
	missing.packet(P.APNEA, packet((b) => P.encodeApnea(b, P.MODEL_MISSING, 0, -1, 0, 0, 0)));
	t.deepEqual(apneaLines(missing), ["apnea: no model; no minutes"]);
	const invalid = new CompanionState();
	invalid.packet(P.APNEA, packet((b) => P.encodeApnea(b, P.MODEL_INVALID, 5, -1, 0, 0, 0)));
	t.deepEqual(apneaLines(invalid), ["apnea: model invalid (error 5); no minutes"]);
	t.regex(renderPanel(invalid, "test"), /\napnea: model invalid \(error 5\); no minutes\n/);

	apnea(P.MODEL_READY, 0, -1, 0, 0);
	t.deepEqual(apneaLines(s), ["apnea: model ready, the first minute comes ~4.8 min into the recording"]);
	summary(200);
	t.deepEqual(apneaLines(s), ["apnea: model ready, the first minute comes ~4.8 min into the recording", "  minutes 0-3: ____  (A apnea, · normal, ? not assessed, _ not yet known)"]);
	summary(480);
	apnea(P.MODEL_READY, 0, 0, P.APNEA_CLASS_NORMAL, -80, 114);
	apnea(P.MODEL_READY, 0, 1, P.APNEA_CLASS_APNEA, 40);
	apnea(P.MODEL_READY, 0, 1, P.APNEA_CLASS_APNEA, 40); // the read value after the notification: the same minute, counted once
	apnea(P.MODEL_READY, 0, 2, P.APNEA_CLASS_NOT_ASSESSED, 0, 256);
	t.deepEqual(apneaLines(s), ["apnea: 1 of 2 minutes (50.0 %), 1 not assessed", "  minutes 0-7: ·A?_____  (A apnea, · normal, ? not assessed, _ not yet known)"]);
	t.regex(renderPanel(s, "test"), /\napnea: 1 of 2 minutes \(50\.0 %\), 1 not assessed\n  minutes 0-7: ·A\?_____ /);
	// A long night: the panel shows the last hour.
	for (let m = 3; m < 100; m++) apnea(P.MODEL_READY, 0, m, m % 10 === 0 ? P.APNEA_CLASS_APNEA : P.APNEA_CLASS_NORMAL, 0);
	summary(100 * 60);
	const [words, row] = apneaLines(s);
	t.is(words, "apnea: 10 of 99 minutes (10.1 %), 1 not assessed");
	t.true(row!.startsWith("  minutes 40-99: A·········A"), row);
	t.is(row!.split(": ")[1]!.split("  ")[0]!.length, 60);
});

test("apnea log lines: one per minute with its class and score, and the status in words", (t) => {
	const s = new CompanionState();
	const lines: string[] = [];
	s.onUpdate((u) => {
		const line = eventLine(s, u);
		if (line) lines.push(line);
	});
	const b = new Uint8Array(P.MAX_PACKET);
	s.packet(P.APNEA, b.slice(0, P.encodeApnea(b, P.MODEL_READY, 0, -1, 0, 0, 0)));
	s.packet(P.APNEA, b.slice(0, P.encodeApnea(b, P.MODEL_READY, 0, 12, P.APNEA_CLASS_APNEA, 31, 0)));
	s.packet(P.APNEA, b.slice(0, P.encodeApnea(b, P.MODEL_READY, 0, 13, P.APNEA_CLASS_NOT_ASSESSED, 0, 256)));
	s.packet(P.APNEA, Uint8Array.of(0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
	t.deepEqual(lines, [
		"apnea: model ready, the first minute comes ~4.8 min into the recording",
		"12:00.0  apnea minute 12: apnea (score 31)",
		"13:00.0  apnea minute 13: not assessed",
		"malformed packet on characteristic 13: apnea packet with class 7",
	]);
	t.is(s.malformed, 1);
});
