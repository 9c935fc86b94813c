// Terminal renderings of the companion state: a live panel redrawn in place (TTY), plain event lines (pipes,
// logs) or one JSON object per update (--json).
import * as P from "../../modules/ble/protocol.ts";
import { ALERT_AF, MODEL_STATUS_NAMES, POLICY_NAMES, QUALITY_NAMES } from "../../modules/ble/protocol.ts";
import type { CompanionState, CompanionUpdate } from "./state.ts";
import { APNEA_MARKS, apneaMarks, apneaMinutesBegun, apneaWords } from "./web/apnea-timeline.ts";

export function clock(seconds: number): string {
	const m = Math.floor(seconds / 60);
	const s = seconds - 60 * m;
	return `${String(m).padStart(2, "0")}:${s.toFixed(1).padStart(4, "0")}`;
}

export function modelLine(state: CompanionState): string {
	const m = state.model;
	if (!m) return "model: (not read yet)";
	if (m.status !== 0) return `model: ${MODEL_STATUS_NAMES[m.status] ?? m.status}${m.errorCode ? ` (error ${m.errorCode})` : ""}: heart rate only`;
	return `model: ${state.classes.join("/")} (${POLICY_NAMES[m.policy] ?? m.policy}, ${m.blobBytes} bytes, t* ${m.tStar})`;
}

/** The device's own totals per class (its counts characteristic, since its last reset), not what this view received. */
export function countsLine(state: CompanionState): string {
	if (!state.classes.length) return "device totals: -";
	return "device totals: " + state.classes.map((c, i) => `${c} ${state.counts[i] ?? 0}`).join("  ");
}

/**
 * AF episodes seen and the device's own AF burden, as of its last AF event (the burden travels only in those):
 * "AF: 2 episodes, burden 12.3 % (device, at 05:12.0)"; "in progress" while one lasts (by the events, or the
 * summary's AF alert bit when the onset came before this view connected).
 */
export function afLine(state: CompanionState): string {
	const n = state.afEpisodes;
	const now = state.inAf || (state.alerts & ALERT_AF) !== 0;
	const b = state.afBurden;
	const burden = b ? `, burden ${(b.permille / 10).toFixed(1)} % (device, at ${clock(state.seconds(b.sampleIndex))})` : "";
	const episodes = n === 0 && now ? "an episode in progress, begun before this view connected" : `${n} episode${n === 1 ? "" : "s"}${now ? ", in progress" : ""}`;
	return `AF: ${episodes}${burden}`;
}

/** Minutes of the apnea timeline in the live panel: the last hour. */
export const APNEA_PANEL_MINUTES = 60;

/**
 * The apnea findings and, once the model is ready, the timeline of the last APNEA_PANEL_MINUTES minutes begun, one
 * mark each: "  minutes 0-25: ····A···___  (A apnea, · normal, ? not assessed, _ not yet known)".
 */
export function apneaLines(state: CompanionState): string[] {
	const t = state.apnea;
	const words = apneaWords(P, t);
	if (t.status !== P.MODEL_READY) return [words];
	const begun = apneaMinutesBegun(t, state.summary?.samples ?? 0, state.sampleRate);
	if (begun === 0) return [words];
	const from = Math.max(0, begun - APNEA_PANEL_MINUTES);
	const m = APNEA_MARKS;
	return [words, `  minutes ${from}-${begun - 1}: ${apneaMarks(P, t, from, begun)}  (${m.apnea} apnea, ${m.normal} normal, ${m.notAssessed} not assessed, ${m.notYetKnown} not yet known)`];
}

/**
 * Lines no wider than `columns`: a longer line is wrapped at spaces (a word wider than the terminal is cut into
 * pieces), so a panel redrawn in place knows how many terminal rows it covers and leaves no copies behind.
 */
export function fitLines(lines: string[], columns: number): string[] {
	const width = Math.max(8, Math.floor(columns) - 1); // the last column left free: no terminal wraps early
	const out: string[] = [];
	for (const line of lines) {
		if (line.length <= width) {
			out.push(line);
			continue;
		}
		let rest = line;
		let indent = 0; // continuation lines start with two spaces, which are no place to break
		while (rest.length > width) {
			const at = rest.lastIndexOf(" ", width);
			const cut = at > indent ? at : width;
			out.push(rest.slice(0, cut).trimEnd());
			rest = "  " + rest.slice(cut).trimStart();
			indent = 2;
		}
		out.push(rest);
	}
	return out;
}

/** The live panel: heart rate, signal, model, counts, recent beats and alerts; `columns`: the terminal's width. */
export function renderPanel(state: CompanionState, title: string, columns = Infinity): string {
	const s = state.summary;
	const lines = [
		`${title}${state.connected ? "" : "  (client disconnected)"}`,
		`heart rate ${state.heartRate || "-"} bpm   signal ${QUALITY_NAMES[state.quality] ?? state.quality}   t ${clock(s ? s.samples / state.sampleRate : 0)}`,
		`received since connecting: ${state.beats} beats${state.lostBeats ? ` (${state.lostBeats} lost)` : ""}`,
		modelLine(state),
		countsLine(state),
		afLine(state),
		...apneaLines(state),
		"recent beats:",
		...state.recent.slice(-8).map((b) => `  ${clock(b.seconds)}  ${(b.className ?? "-").padEnd(5)} ${b.className ? `${Math.round(b.confidence * 100)}%`.padStart(4) : "    "}  ${b.heartRate || "-"} bpm${b.inVRun ? "  V RUN" : ""}`),
		"alerts:",
		...state.alertLog.slice(-5).map((a) => `  ${clock(a.seconds)}  ${a.text}`),
	];
	return (columns === Infinity ? lines : fitLines(lines, columns)).join("\n") + "\n";
}

/** One line for the updates worth a line in a log: alerts, model, control results, non-rest beats. */
export function eventLine(state: CompanionState, u: CompanionUpdate): string | undefined {
	switch (u.type) {
		case "alert":
			return `${clock(u.alert.seconds)}  ${u.alert.text}`;
		case "model":
			return modelLine(state);
		case "control":
			return `control write: ${u.result.result === 0 ? "accepted" : `refused (result ${u.result.result})`}`;
		case "connection":
			return u.connected ? "client connected" : "client disconnected";
		case "malformed":
			return `malformed packet on characteristic ${u.characteristic}: ${u.error}`;
		case "apnea": {
			const m = u.apnea.minute;
			if (!m) return apneaWords(P, state.apnea);
			return `${clock(60 * m.index)}  apnea minute ${m.index}: ${P.APNEA_CLASS_NAMES[m.classIndex]}${m.classIndex === P.APNEA_CLASS_NOT_ASSESSED ? "" : ` (score ${m.score})`}`;
		}
		case "beat":
			if (u.beat.className === undefined || u.beat.className === state.classes[0]) return undefined;
			return `${clock(u.beat.seconds)}  ${u.beat.className} ${Math.round(u.beat.confidence * 100)}%  ${u.beat.heartRate || "-"} bpm${u.beat.inVRun ? "  (run)" : ""}`;
		default:
			return undefined;
	}
}

export function jsonLine(u: CompanionUpdate): string {
	const { type, ...rest } = u as { type: string };
	return JSON.stringify({ type, ...rest });
}

/**
 * Prints updates as they come: a redrawn panel on a TTY (at most every 100 ms), event lines otherwise, JSON
 * lines with json. Returns a function that draws the final state.
 */
export function attachView(state: CompanionState, out: NodeJS.WriteStream, options: { json: boolean; title: string }): () => void {
	if (options.json) {
		state.onUpdate((u) => {
			if (u.type !== "strip") out.write(jsonLine(u) + "\n");
		});
		return () => {};
	}
	if (out.isTTY) {
		let last = 0;
		let drawnLines = 0;
		const draw = (): void => {
			const panel = renderPanel(state, options.title, out.columns || 80);
			out.write((drawnLines ? `\x1b[${drawnLines}F\x1b[J` : "") + panel);
			drawnLines = panel.split("\n").length - 1;
		};
		state.onUpdate(() => {
			const now = performance.now();
			if (now - last < 100) return;
			last = now;
			draw();
		});
		return draw;
	}
	state.onUpdate((u) => {
		const line = eventLine(state, u);
		if (line) out.write(line + "\n");
	});
	return () => out.write(renderPanel(state, options.title));
}
