// The "@gatt" trace lines the simulators' BLE link prints (modules/ble/trace-transport.ts) and a board prints on
// its serial log when config.traceGatt is set, parsed back into packets.

export type TraceLine =
	| { type: "packet"; id: number; bytes: Uint8Array }
	| { type: "value"; id: number; bytes: Uint8Array }
	| { type: "connection"; connected: boolean }
	| { type: "encrypted" }
	| { type: "device"; name: string }
	| { type: "end"; stats: Record<string, any> }
	| { type: "text"; text: string };

export function parseTraceLine(text: string): TraceLine {
	const line = text.replace(/\r$/, "");
	const packet = /^@gatt(-value)? (\d+) ((?:[0-9a-f]{2})*)$/.exec(line);
	if (packet) return { type: packet[1] ? "value" : "packet", id: Number(packet[2]), bytes: Uint8Array.from(Buffer.from(packet[3], "hex")) };
	if (line === "@gatt-connected" || line === "@gatt-disconnected") return { type: "connection", connected: line === "@gatt-connected" };
	if (line === "@gatt-encrypted") return { type: "encrypted" };
	if (line.startsWith("@gatt-device ")) return { type: "device", name: line.slice(13) };
	if (line.startsWith("@app-end ")) {
		try {
			return { type: "end", stats: JSON.parse(line.slice(9)) };
		} catch {}
	}
	return { type: "text", text: line };
}

/** Splits a byte/char stream into lines. */
export class LineSplitter {
	#pending = "";

	push(chunk: string, onLine: (line: string) => void): void {
		this.#pending += chunk;
		let nl: number;
		while ((nl = this.#pending.indexOf("\n")) >= 0) {
			onLine(this.#pending.slice(0, nl));
			this.#pending = this.#pending.slice(nl + 1);
		}
	}

	flush(onLine: (line: string) => void): void {
		if (this.#pending) onLine(this.#pending);
		this.#pending = "";
	}
}
