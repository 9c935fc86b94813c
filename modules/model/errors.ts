import { statusName } from "./format.ts";

/** A packed-model failure carrying the status code shared with C (docs/FORMAT.md §5). */
export class HtError extends Error {
	readonly code: number;
	/** The status name, e.g. "CRC" or "SHAPE". */
	readonly status: string;

	constructor(code: number, detail: string) {
		const status = statusName(code);
		super(`htpw ${status}: ${detail}`);
		this.name = "HtError";
		this.code = code;
		this.status = status;
	}
}

export function fail(code: number, detail: string): never {
	throw new HtError(code, detail);
}

/**
 * The status code in a message of the C reader, "htpw <STATUS> (<code>): ..." (its first "(digits)"), else -1.
 * Spelled out rather than a regular expression: one RegExp anywhere in the app keeps XS's whole RegExp engine in
 * the firmware (~30 kB of flash; test/device-modules.test.ts).
 */
export function statusCode(text: string): number {
	for (let open = text.indexOf("("); open >= 0; open = text.indexOf("(", open + 1)) {
		let end = open + 1;
		while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
		if (end > open + 1 && text.charCodeAt(end) === 41) return Number(text.slice(open + 1, end));
	}
	return -1;
}
