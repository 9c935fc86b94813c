// The simulator link's byte stream (docs/ble-protocol.md, "Simulator link"): each GATT packet in a 3-byte
// frame header, so a companion reads the simulator exactly as it reads a board. Kinds 1-6 go from the device to
// companions; kind 7 (a client's write to a characteristic) goes the other way, on the same socket, and on to
// the simulated app on its stdin. A client's first frame is a hello (kind 8) holding the run's token; a client
// without the right one gets a refusal (kind 9, the reason) and is disconnected. Kind 10 tells the simulated
// app, on its stdin, that its central's link is now encrypted (docs/ble-protocol.md, "Security").

export const FRAME_NOTIFY = 1;
export const FRAME_VALUE = 2;
export const FRAME_CONNECTED = 3;
export const FRAME_DISCONNECTED = 4;
export const FRAME_DEVICE = 5;
export const FRAME_END = 6;
export const FRAME_WRITE = 7;
export const FRAME_HELLO = 8;
export const FRAME_REFUSED = 9;
export const FRAME_ENCRYPTED = 10;
const FRAME_LAST = FRAME_ENCRYPTED;

export const DEFAULT_PORT = 8723;

export interface Frame {
	kind: number;
	id: number;
	bytes: Uint8Array;
}

export function encodeFrame(kind: number, id: number, bytes: Uint8Array = new Uint8Array(0)): Uint8Array {
	if (bytes.length > 255) throw new RangeError(`a frame carries at most 255 bytes, got ${bytes.length}`);
	const out = new Uint8Array(3 + bytes.length);
	out[0] = kind;
	out[1] = id;
	out[2] = bytes.length;
	out.set(bytes, 3);
	return out;
}

/** A message that is exactly one frame of a known kind (a WebSocket message), else undefined. */
export function decodeFrame(message: Uint8Array): Frame | undefined {
	if (message.length < 3 || message.length !== 3 + message[2] || message[0] < FRAME_NOTIFY || message[0] > FRAME_LAST) return undefined;
	return { kind: message[0], id: message[1], bytes: message.slice(3) };
}

/** Reassembles frames from stream chunks of any size. */
export class FrameReader {
	#pending = new Uint8Array(0);

	push(chunk: Uint8Array): Frame[] {
		const data = new Uint8Array(this.#pending.length + chunk.length);
		data.set(this.#pending);
		data.set(chunk, this.#pending.length);
		const frames: Frame[] = [];
		let at = 0;
		while (at + 3 <= data.length && at + 3 + data[at + 2] <= data.length) {
			const length = data[at + 2];
			if (data[at] < FRAME_NOTIFY || data[at] > FRAME_LAST) throw new RangeError(`simulator link: unknown frame kind ${data[at]}`);
			frames.push({ kind: data[at], id: data[at + 1], bytes: data.slice(at + 3, at + 3 + length) });
			at += 3 + length;
		}
		this.#pending = data.slice(at);
		return frames;
	}
}
