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
