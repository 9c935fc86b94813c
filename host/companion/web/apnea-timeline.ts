// The apnea timeline, one for both companions: the terminal's (host/companion/state.ts, view.ts) and the web page's
// (run.js, app.js, which get this module transpiled as /apnea-timeline.js). It keeps each minute the device sent on
// its apnea characteristic (docs/ble-protocol.md, 13) by minute index, and words and marks them: apnea, normal, not
// assessed (no measured RR in its window), or not yet known (begun, but the device reports a minute ~4.8 min later).
// The protocol module comes in as a parameter, so this file stays free of imports once its types are erased.
import type * as Protocol from "../../../modules/ble/protocol.ts";

/** One character per minute: apnea, normal, not assessed, not yet known. */
export const APNEA_MARKS = { apnea: "A", normal: "·", notAssessed: "?", notYetKnown: "_" } as const;

/** Minutes kept; a run longer than this (~11 days) forgets its oldest minutes' marks, not their counts. */
export const MAX_APNEA_MINUTES = 16384;

export interface ApneaTimeline {
	/** The apnea model's status (MODEL_*) and reader error code, from the latest apnea packet; undefined before one. */
	status: number | undefined;
	errorCode: number;
	/** Class byte (APNEA_CLASS_*) of minute `first + i`, or −1 while not known. */
	minutes: number[];
	/** Minute index of minutes[0] (more than 0 once the oldest were forgotten). */
	first: number;
	apnea: number;
	normal: number;
	notAssessed: number;
}

export function newApneaTimeline(): ApneaTimeline {
	return { status: undefined, errorCode: 0, minutes: [], first: 0, apnea: 0, normal: 0, notAssessed: 0 };
}

/** Takes a decoded apnea packet (notification or read value: a minute sent twice counts once). */
export function addApneaPacket(P: typeof Protocol, t: ApneaTimeline, packet: Protocol.ApneaPacket): void {
	t.status = packet.status;
	t.errorCode = packet.errorCode;
	const m = packet.minute;
	if (!m || m.index < t.first) return;
	const at = m.index - t.first;
	while (t.minutes.length <= at) t.minutes.push(-1);
	count(P, t, t.minutes[at]!, -1);
	t.minutes[at] = m.classIndex;
	count(P, t, m.classIndex, 1);
	if (t.minutes.length > MAX_APNEA_MINUTES) {
		const drop = t.minutes.length - MAX_APNEA_MINUTES;
		t.minutes.splice(0, drop);
		t.first += drop;
	}
}

function count(P: typeof Protocol, t: ApneaTimeline, classIndex: number, by: number): void {
	if (classIndex === P.APNEA_CLASS_APNEA) t.apnea += by;
	else if (classIndex === P.APNEA_CLASS_NORMAL) t.normal += by;
	else if (classIndex === P.APNEA_CLASS_NOT_ASSESSED) t.notAssessed += by;
}

/** Minute `index`'s state: "apnea", "normal", "notAssessed" or "notYetKnown". */
export function apneaMinuteState(P: typeof Protocol, t: ApneaTimeline, index: number): keyof typeof APNEA_MARKS {
	const c = index >= t.first ? (t.minutes[index - t.first] ?? -1) : -1;
	return c === P.APNEA_CLASS_APNEA ? "apnea" : c === P.APNEA_CLASS_NORMAL ? "normal" : c === P.APNEA_CLASS_NOT_ASSESSED ? "notAssessed" : "notYetKnown";
}

/** Minutes begun by sample `samples` of the input at `sampleRate` Hz, or at least every minute the device sent. */
export function apneaMinutesBegun(t: ApneaTimeline, samples: number, sampleRate: number): number {
	return Math.max(t.first + t.minutes.length, sampleRate > 0 ? Math.ceil(samples / sampleRate / 60) : 0);
}

/** The marks of minutes [from, to), one character each (APNEA_MARKS). */
export function apneaMarks(P: typeof Protocol, t: ApneaTimeline, from: number, to: number): string {
	let s = "";
	for (let m = from; m < to; m++) s += APNEA_MARKS[apneaMinuteState(P, t, m)];
	return s;
}

/**
 * The apnea findings in words: "apnea: 3 of 26 minutes (11.5 %), 1 not assessed" or why there are none
 * ("apnea: no model (missing)"; "apnea: model invalid (error 5)"; "apnea: model ready, first minute ~4.8 min in").
 */
export function apneaWords(P: typeof Protocol, t: ApneaTimeline): string {
	if (t.status === undefined) return "apnea: -";
	if (t.status !== P.MODEL_READY) return `apnea: ${t.status === P.MODEL_MISSING ? "no model" : `model ${P.MODEL_STATUS_NAMES[t.status] ?? t.status}`}${t.errorCode ? ` (error ${t.errorCode})` : ""}; no minutes`;
	const assessed = t.apnea + t.normal;
	if (assessed + t.notAssessed === 0) return "apnea: model ready, the first minute comes ~4.8 min into the recording";
	const share = assessed ? ` (${((100 * t.apnea) / assessed).toFixed(1)} %)` : "";
	return `apnea: ${t.apnea} of ${assessed} minute${assessed === 1 ? "" : "s"}${share}${t.notAssessed ? `, ${t.notAssessed} not assessed` : ""}`;
}
