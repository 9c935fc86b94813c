// `hypertiny start`'s running line: record time, heart rate, beats by class (adding up to the beats received),
// alerts and signal quality. On a terminal one line redrawn in place; otherwise the line once per minute of
// signal. Alerts and other events get lines of their own above it.
import { APNEA_CLASS_NORMAL, QUALITY_NAMES } from "../../modules/ble/protocol.ts";
import type { CompanionState } from "../companion/state.ts";
import { clock, eventLine } from "../companion/view.ts";

const UNCLASSIFIED = "unclassified";
/** Events that are alerts about the heart (the others, such as signal quality, are only shown as lines). */
const ALERT_KINDS = new Set(["v-run-start", "tachycardia", "bradycardia"]);

/** Beats received by class name (the model's, or "unclassified" while there is none), and alerts received. */
export class RunTally {
	readonly counts = new Map<string, number>();
	beats = 0;
	alerts = 0;
	seconds = 0;

	add(className: string | undefined, seconds: number): void {
		const name = className ?? UNCLASSIFIED;
		this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
		this.beats++;
		this.seconds = Math.max(this.seconds, seconds);
	}
}

export function runLine(state: CompanionState, tally: RunTally): string {
	const seconds = Math.max(tally.seconds, state.summary ? state.summary.samples / state.sampleRate : 0);
	const names = [...state.classes.filter((c) => tally.counts.has(c)), ...[...tally.counts.keys()].filter((c) => !state.classes.includes(c))];
	const byClass = names.map((c) => `${c} ${tally.counts.get(c)}`).join(" ");
	const quality = QUALITY_NAMES[state.quality] ?? String(state.quality);
	return `${clock(seconds)}  ${state.heartRate || "-"} bpm  ${tally.beats} beats${byClass ? `: ${byClass}` : ""}  alerts ${tally.alerts}  signal ${quality}`;
}

export interface RunLineView {
	/** Runs `write` (which prints whole lines elsewhere on the terminal) with the running line out of its way. */
	above(write: () => void): void;
	/** The final line, left on screen. */
	finish(): void;
}

export function attachRunLine(state: CompanionState, out: NodeJS.WriteStream, options: { everySeconds?: number } = {}): RunLineView {
	const tally = new RunTally();
	const tty = out.isTTY === true;
	const every = options.everySeconds ?? 60;
	let lastDraw = 0;
	let drawn = false;
	let nextPrint = every;
	let printed = "";
	const draw = (): void => {
		lastDraw = performance.now();
		const line = runLine(state, tally);
		const width = out.columns || 200;
		out.write(`\r\x1b[K${line.length >= width ? line.slice(0, width - 1) : line}`);
		drawn = true;
	};
	const above = (write: () => void): void => {
		if (tty && drawn) out.write("\r\x1b[K");
		write();
		if (tty && drawn) draw();
	};
	state.onUpdate((u) => {
		if (u.type === "beat") tally.add(u.beat.className, u.beat.seconds);
		if (u.type === "alert" && ALERT_KINDS.has(u.alert.kind)) tally.alerts++;
		// Apnea minutes: a line for those called apnea or not assessed; the normal ones are in the summary at the end.
		const quiet = u.type === "beat" || u.type === "strip" || u.type === "summary" || (u.type === "apnea" && u.apnea.minute?.classIndex === APNEA_CLASS_NORMAL);
		const event = quiet ? undefined : eventLine(state, u);
		if (event) above(() => out.write(event + "\n"));
		if (tty) {
			if (performance.now() - lastDraw >= 100) draw();
		} else if (tally.seconds >= nextPrint) {
			nextPrint = (Math.floor(tally.seconds / every) + 1) * every;
			printed = runLine(state, tally);
			out.write(printed + "\n");
		}
	});
	return {
		above,
		finish: () => {
			if (tty) {
				draw();
				out.write("\n");
			} else if (runLine(state, tally) !== printed) {
				out.write(runLine(state, tally) + "\n");
			}
		},
	};
}
