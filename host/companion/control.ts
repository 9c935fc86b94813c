// Control writes a companion sends (docs/ble-protocol.md, "8. control"): parsed from the command line
// (`--control reset-counts`, `strip=4`, `v-run-length=5`, `send-summary`, or raw bytes `hex:0302`), and the
// keys of the live terminal view. The bytes are sent as they are: the device validates every write and answers
// on the result characteristic, so raw bytes may be malformed on purpose.
import { encodeControl, type ControlCommand } from "../../modules/ble/protocol.ts";

/** Where a companion's control writes go: the simulator socket, or the board's control characteristic. */
export type SendControl = (bytes: Uint8Array) => Promise<void>;

export const CONTROL_HELP = "reset-counts | send-summary | strip=N (0..32, 0 off) | v-run-length=N (2..32) | hex:BYTES";

export function parseControl(text: string): Uint8Array {
	if (text.startsWith("hex:")) {
		const hex = text.slice(4);
		if (hex.length % 2 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError(`--control ${text}: hex: takes an even number of hex digits`);
		if (hex.length / 2 > 255) throw new RangeError(`--control ${text}: at most 255 bytes`);
		return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
	}
	const [name, value, extra] = text.split("=");
	const number = (): number => {
		if (value === undefined || extra !== undefined || !/^\d+$/.test(value)) throw new RangeError(`--control ${text}: ${name} takes =N`);
		return Number(value);
	};
	let command: ControlCommand;
	if (name === "reset-counts" && value === undefined) command = { op: "reset-counts" };
	else if (name === "send-summary" && value === undefined) command = { op: "send-summary" };
	else if (name === "strip") command = { op: "strip", decimation: number() };
	else if (name === "v-run-length") command = { op: "v-run-length", beats: number() };
	else throw new RangeError(`--control ${text}: not a control write (${CONTROL_HELP})`);
	try {
		return encodeControl(command);
	} catch (error) {
		throw new RangeError(`--control ${text}: ${(error as Error).message}`);
	}
}

/** The live view's keys: r reset counts, s send summary, 0..9 strip decimation (0 off). */
export function controlForKey(key: string): Uint8Array | undefined {
	if (key === "r") return encodeControl({ op: "reset-counts" });
	if (key === "s") return encodeControl({ op: "send-summary" });
	if (/^[0-9]$/.test(key)) return encodeControl({ op: "strip", decimation: Number(key) });
	return undefined;
}
