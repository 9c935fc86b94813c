// An event in words, one wording for both companions: the terminal's (host/companion/state.ts) and the web page's
// (run.js, which gets this module transpiled as /event-text.js). The protocol module comes in as a parameter, so
// that the page needs nothing but /protocol.js and this file stays free of imports once its types are erased.
import type * as Protocol from "../../../modules/ble/protocol.ts";

/** The words for a known event kind; undefined for a kind without its own wording (each companion says so its way). */
export function eventWords(P: typeof Protocol, e: Protocol.EventPacket): string | undefined {
	switch (e.kind) {
		case P.EVENT_QUALITY:
			return `signal ${P.QUALITY_NAMES[e.value] ?? e.value}`;
		case P.EVENT_V_RUN_START:
			return `run of ${e.value} V beats`;
		case P.EVENT_V_RUN_END:
			return `V run ended after ${e.value} beats`;
		case P.EVENT_TACHYCARDIA:
			return `tachycardia, ${e.value} bpm`;
		case P.EVENT_BRADYCARDIA:
			return `bradycardia, ${e.value} bpm`;
		case P.EVENT_RATE_NORMAL:
			return `heart rate back to normal, ${e.value} bpm`;
		case P.EVENT_MODEL:
			return `model ${P.MODEL_STATUS_NAMES[e.value] ?? e.value}${e.detail ? ` (error ${e.detail})` : ""}`;
		case P.EVENT_GARBAGE:
			return `invalid samples rejected (${e.detail} so far)`;
		case P.EVENT_AF_ONSET:
			return `atrial fibrillation started (AF burden ${(e.detail / 10).toFixed(1)} %)`;
		case P.EVENT_AF_OFFSET:
			return `atrial fibrillation ended (AF burden ${(e.detail / 10).toFixed(1)} %)`;
		default:
			return undefined;
	}
}
