// The simulators' BLE link (host/sim and Moddable's mcsim): every notification and read value goes out as one
// trace line "@gatt <id> <hex>\n" that the Node side turns back into the same GATT packets for companions.
// Client writes and connection changes come from an optional script Resource ("gatt-script.bin", see
// docs/ble-protocol.md), replayed at the sample index each entry names, and, in host/sim, live from a companion:
// write frames (kind 7 of host/companion/frames.ts) that the Node side relays on the simulator's stdin, read
// between input blocks without waiting and handed to onControl exactly as a BLE write would be.
// The link's encryption is modelled as a board's: with config.linkEncrypted false a connection comes up
// unencrypted and carries no notification and no write until the central pairs (a script entry of kind 3, or a
// frame of kind 10 on the host's input: host/app/gatt-socket.ts sends it when a companion gives the run's token);
// by default (true) every connection comes up encrypted, as with a bonded central.
import Resource from "Resource";
import type { BleTransport } from "./transport-api.ts";
import { CONTROL, MAX_PACKET } from "./protocol.ts";
import { gattTraceLine } from "./trace-line.ts";

const SCRIPT = "gatt-script.bin";
const SCRIPT_WRITE = 0;
const SCRIPT_DISCONNECT = 1;
const SCRIPT_CONNECT = 2;
const SCRIPT_ENCRYPT = 3;
const SCRIPT_ENTRY_HEADER = 6;
const FRAME_WRITE = 7;
const FRAME_ENCRYPTED = 10;
const FRAME_HEADER = 3;
/**
 * host/sim's stdin reader (host/sim/src/modules/host-input.c), looked up at run time through globalThis.native
 * (xsc compiles a literal `native("...")` call into a host function the firmware would have to link; only
 * host/sim has this one).
 */
const HOST_INPUT = "xs_sim_host_input";

export default class TraceTransport implements BleTransport {
	connected = true;
	encrypted: boolean;
	onControl: ((bytes: Uint8Array, length: number) => void) | undefined;
	onEncrypted: (() => void) | undefined;
	/** Notifications dropped because no client was connected or the link was not encrypted. */
	dropped = 0;
	/** Whether a connection comes up encrypted (a bonded central) or waits for pairing. */
	#encryptOnConnect: boolean;
	#script: Uint8Array | undefined;
	#next = 0;
	#input: ((buffer: ArrayBuffer) => number) | undefined;
	#inBuffer: ArrayBuffer | undefined;
	#inBytes: Uint8Array | undefined;
	#pending: Uint8Array | undefined;
	#pendingLength = 0;

	constructor(options: { deviceName: string; traceGatt?: boolean; linkEncrypted?: boolean }) {
		trace(`@gatt-device ${options.deviceName}\n`);
		this.#encryptOnConnect = options.linkEncrypted !== false;
		this.encrypted = this.#encryptOnConnect;
		if (Resource.exists(SCRIPT)) this.#script = new Uint8Array(new Resource(SCRIPT));
		// Only host/sim defines $sim (modules/types/sim.d.ts is not part of a Moddable build: read it untyped).
		if ((globalThis as unknown as { $sim?: object }).$sim) {
			try {
				this.#input = (globalThis as unknown as { native: (name: string) => (buffer: ArrayBuffer) => number }).native(HOST_INPUT);
			} catch {
				trace(`hypertiny: this simulator has no ${HOST_INPUT} (rebuild it: node host/sim/build.mjs); live control writes are off\n`);
				return;
			}
			this.#inBuffer = new ArrayBuffer(256);
			this.#inBytes = new Uint8Array(this.#inBuffer);
			this.#pending = new Uint8Array(FRAME_HEADER + 255 + 256);
		}
	}

	notify(id: number, bytes: Uint8Array, length: number): boolean {
		if (length > MAX_PACKET) throw new RangeError(`characteristic ${id}: a ${length}-byte packet exceeds ${MAX_PACKET} bytes`);
		if (!this.connected || !this.encrypted) {
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
		if (this.#input) this.#readLive();
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
			else if (kind === SCRIPT_ENCRYPT) this.#encrypt();
			else if (kind === SCRIPT_WRITE) {
				if (this.encrypted && this.onControl) this.onControl(s.subarray(at + SCRIPT_ENTRY_HEADER, end), length);
			} else throw new RangeError(`${SCRIPT}: unknown entry kind ${kind} at byte ${at}`);
		}
	}

	/**
	 * Takes every complete write frame (and link-encrypted frame) waiting on the host's input; a frame of any
	 * other kind ends the input.
	 */
	#readLive(): void {
		const pending = this.#pending!;
		const chunk = this.#inBytes!;
		for (;;) {
			const n = this.#input!.call(undefined, this.#inBuffer!);
			if (n < 0) {
				this.#input = undefined;
				return;
			}
			if (n === 0) return;
			pending.set(chunk.subarray(0, n), this.#pendingLength);
			this.#pendingLength += n;
			let at = 0;
			while (this.#pendingLength - at >= FRAME_HEADER && this.#pendingLength - at >= FRAME_HEADER + pending[at + 2]) {
				const length = pending[at + 2];
				if (pending[at] === FRAME_ENCRYPTED) this.#encrypt();
				else if (pending[at] !== FRAME_WRITE || pending[at + 1] !== CONTROL) {
					trace(`hypertiny: host input: frame kind ${pending[at]} for characteristic ${pending[at + 1]} is not a control write; live input closed\n`);
					this.#input = undefined;
					return;
				} else if (this.encrypted && this.onControl) this.onControl(pending.subarray(at + FRAME_HEADER, at + FRAME_HEADER + length), length);
				at += FRAME_HEADER + length;
			}
			pending.copyWithin(0, at, this.#pendingLength);
			this.#pendingLength -= at;
		}
	}

	#setConnected(on: boolean): void {
		if (on === this.connected) return;
		this.connected = on;
		this.encrypted = false;
		trace(on ? "@gatt-connected\n" : "@gatt-disconnected\n");
		if (on && this.#encryptOnConnect) this.#encrypt();
	}

	/** The central paired (or re-encrypted with its bond): notifications and writes may flow. */
	#encrypt(): void {
		if (!this.connected || this.encrypted) return;
		this.encrypted = true;
		trace("@gatt-encrypted\n");
		if (this.onEncrypted) this.onEncrypted();
	}
}
