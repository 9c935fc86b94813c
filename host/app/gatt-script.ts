// Scripted client actions for the simulator's BLE link (gatt-script.bin, read by modules/ble/trace-transport.ts):
// control writes of any length (malformed and oversized ones included), disconnects, reconnects and the central
// pairing (the link becoming encrypted, which matters with config.linkEncrypted false), at given sample indices.

export type ScriptEntry =
	| { at: number; write: Uint8Array | number[] }
	| { at: number; disconnect: true }
	| { at: number; connect: true }
	| { at: number; encrypt: true };

export function encodeGattScript(entries: ScriptEntry[]): Uint8Array {
	const parts: number[] = [];
	let last = 0;
	for (const e of entries) {
		if (!Number.isInteger(e.at) || e.at < 0 || e.at > 0xffffffff) throw new RangeError(`script entry at ${e.at}: not a sample index`);
		if (e.at < last) throw new RangeError("script entries must be in sample order");
		last = e.at;
		const kind = "write" in e ? 0 : "disconnect" in e ? 1 : "connect" in e ? 2 : 3;
		const bytes = "write" in e ? Array.from(e.write) : [];
		if (bytes.length > 255) throw new RangeError(`a scripted write holds at most 255 bytes, got ${bytes.length}`);
		parts.push(e.at & 0xff, (e.at >>> 8) & 0xff, (e.at >>> 16) & 0xff, (e.at >>> 24) & 0xff, kind, bytes.length, ...bytes);
	}
	return Uint8Array.from(parts);
}
