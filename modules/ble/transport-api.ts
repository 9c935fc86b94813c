// What the app needs from a BLE link, whatever carries it: a board's BLEServer, the simulator's trace frames.

export interface BleTransport {
	/** A client is connected (notifications may still be disabled). */
	readonly connected: boolean;
	/** The connection is encrypted (the client paired); until then nothing is notified. */
	readonly encrypted: boolean;
	/**
	 * Sends bytes[0..length) as a notification of characteristic `id` (modules/ble/protocol.ts). Returns false,
	 * without throwing, when no client is there, the link is not encrypted yet, or the client did not enable
	 * notifications: the packet is dropped.
	 */
	notify(id: number, bytes: Uint8Array, length: number): boolean;
	/** The value a client reading characteristic `id` gets (copied; kept until the next call). */
	setReadValue(id: number, bytes: Uint8Array, length: number): void;
	/** Called with each write to the control characteristic, unvalidated, as received. */
	onControl: ((bytes: Uint8Array, length: number) => void) | undefined;
	/** Called each time a connection becomes encrypted, so the app can bring the client up to date. */
	onEncrypted: (() => void) | undefined;
	/** Lets a transport do work between input blocks (the simulator link replays scripted writes). */
	service(sampleIndex: number): void;
}
