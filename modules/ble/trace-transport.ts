// The simulators' BLE link (host/sim and Moddable's mcsim): every notification and read value goes out as one
// trace line "@gatt <id> <hex>\n" that the Node side turns back into the same GATT packets for companions.
// Client writes and connection changes come from an optional script Resource ("gatt-script.bin", see
// docs/ble-protocol.md), replayed at the sample index each entry names.
import Resource from "Resource";
import type { BleTransport } from "./transport-api.ts";
import { MAX_PACKET } from "./protocol.ts";
import { gattTraceLine } from "./trace-line.ts";

const SCRIPT = "gatt-script.bin";
const SCRIPT_WRITE = 0;
const SCRIPT_DISCONNECT = 1;
const SCRIPT_CONNECT = 2;
const SCRIPT_ENTRY_HEADER = 6;

export default class TraceTransport implements BleTransport {
	connected = true;
	onControl: ((bytes: Uint8Array, length: number) => void) | undefined;
	/** Notifications dropped because no client was connected. */
	dropped = 0;
	#script: Uint8Array | undefined;
	#next = 0;

	constructor(options: { deviceName: string; traceGatt?: boolean }) {
		trace(`@gatt-device ${options.deviceName}\n`);
		if (Resource.exists(SCRIPT)) this.#script = new Uint8Array(new Resource(SCRIPT));
	}

	notify(id: number, bytes: Uint8Array, length: number): boolean {
		if (length > MAX_PACKET) throw new RangeError(`characteristic ${id}: a ${length}-byte packet exceeds ${MAX_PACKET} bytes`);
		if (!this.connected) {
			this.dropped++;
			return false;
		}
		trace(gattTraceLine(false, id, bytes, length));
		return true;
	}

	setReadValue(id: number, bytes: Uint8Array, length: number): void {
		if (length > MAX_PACKET) throw new RangeError(`characteristic ${id}: a ${length}-byte value exceeds ${MAX_PACKET} bytes`);
		trace(gattTraceLine(true, id, bytes, length));
	}

	service(sampleIndex: number): void {
		const s = this.#script;
		if (!s) return;
		while (this.#next + SCRIPT_ENTRY_HEADER <= s.length) {
			const at = this.#next;
			const due = (s[at] | (s[at + 1] << 8) | (s[at + 2] << 16) | (s[at + 3] << 24)) >>> 0;
			if (due > sampleIndex) return;
			const kind = s[at + 4];
			const length = s[at + 5];
			const end = at + SCRIPT_ENTRY_HEADER + length;
			if (end > s.length) throw new RangeError(`${SCRIPT}: the entry at byte ${at} runs past the end`);
			this.#next = end;
			if (kind === SCRIPT_DISCONNECT) this.#setConnected(false);
			else if (kind === SCRIPT_CONNECT) this.#setConnected(true);
			else if (kind === SCRIPT_WRITE) {
				if (this.connected && this.onControl) this.onControl(s.subarray(at + SCRIPT_ENTRY_HEADER, end), length);
			} else throw new RangeError(`${SCRIPT}: unknown entry kind ${kind} at byte ${at}`);
		}
	}

	#setConnected(on: boolean): void {
		if (on === this.connected) return;
		this.connected = on;
		trace(on ? "@gatt-connected\n" : "@gatt-disconnected\n");
	}
}
