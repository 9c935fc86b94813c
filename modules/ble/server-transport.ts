// The boards' BLE link: a Moddable BLEServer deploying bleservices/*.json (the Heart Rate Service and the ECG
// service), advertising both, pairing for an encrypted link (health data), and notifying only characteristics
// whose notifications the connected client enabled, and only once the link is encrypted: the SDK lets a client
// subscribe (and, on ESP32, be notified) without pairing, so the server holds every notification until the
// SDK reports the link authenticated (docs/ble-protocol.md, "Security"; test/ble-security.test.ts reads the
// pinned SDK's rule). Pairing asks for bonding and MITM protection by passkey entry: the board shows the
// passkey on its serial log, the phone's user types it (LE Secure Connections where the SDK uses them).
import BLEServer from "bleserver";
import { IOCapability } from "sm";
import { uuid } from "btutils";
import type { Characteristic } from "gatt";
import type { BleTransport } from "./transport-api.ts";
import { copyBytes } from "./copy-bytes.ts";
import { CONTROL, MAX_PACKET, characteristicByName } from "./protocol.ts";
import { gattTraceLine } from "./trace-line.ts";

const SLOTS = 16;

export default class ServerTransport extends BLEServer implements BleTransport {
	connected = false;
	encrypted = false;
	onControl: ((bytes: Uint8Array, length: number) => void) | undefined;
	onEncrypted: (() => void) | undefined;
	dropped = 0;
	#name: string;
	/** Also print every packet on the serial log (for `hypertiny companion --serial`). */
	#traceGatt: boolean;
	/** Characteristic objects whose notifications the client enabled, by protocol id. */
	#subscribed: (Characteristic | undefined)[] = new Array(SLOTS).fill(undefined);
	/** One buffer per packet length, so a notification copies but never allocates. */
	#byLength: ArrayBuffer[] = [];
	#readValues: Uint8Array[] = [];
	#readLengths = new Uint8Array(SLOTS);

	constructor(options: { deviceName: string; traceGatt?: boolean }) {
		super();
		this.#name = options.deviceName;
		this.#traceGatt = options.traceGatt === true;
		for (let n = 0; n <= MAX_PACKET; n++) this.#byLength.push(new ArrayBuffer(n));
		for (let i = 0; i < SLOTS; i++) this.#readValues.push(new Uint8Array(MAX_PACKET));
	}

	onReady(): void {
		this.deviceName = this.#name;
		this.securityParameters = { encryption: true, bonding: true, mitm: true, ioCapability: IOCapability.DisplayOnly };
		this.#advertise();
	}

	onConnected(): void {
		this.connected = true;
		this.encrypted = false;
		this.stopAdvertising();
	}

	onDisconnected(): void {
		this.connected = false;
		this.encrypted = false;
		this.#subscribed.fill(undefined);
		this.#advertise();
	}

	onPasskeyDisplay(params: { passkey: number }): void {
		trace(`hypertiny: BLE pairing passkey ${(1000000 + params.passkey).toString().slice(1)}\n`);
	}

	/** The SDK reports the link encrypted (pairing, or a bonded central's keys): notifications may flow. */
	onAuthenticated(): void {
		if (!this.connected) return;
		this.encrypted = true;
		if (this.#traceGatt) trace("@gatt-encrypted\n");
		if (this.onEncrypted) this.onEncrypted();
	}

	onCharacteristicNotifyEnabled(characteristic: Characteristic): void {
		const info = characteristicByName(characteristic.name);
		if (info) this.#subscribed[info.id] = characteristic;
	}

	onCharacteristicNotifyDisabled(characteristic: Characteristic): void {
		const info = characteristicByName(characteristic.name);
		if (info) this.#subscribed[info.id] = undefined;
	}

	onCharacteristicWritten(characteristic: Characteristic, value: ArrayBuffer): void {
		const info = characteristicByName(characteristic.name);
		if (!info || info.id !== CONTROL || !this.onControl) return;
		const bytes = new Uint8Array(value);
		this.onControl(bytes, bytes.length);
	}

	onCharacteristicRead(characteristic: Characteristic): Uint8Array | void {
		const info = characteristicByName(characteristic.name);
		if (info) return this.#readValues[info.id].slice(0, this.#readLengths[info.id]);
	}

	notify(id: number, bytes: Uint8Array, length: number): boolean {
		if (length > MAX_PACKET) throw new RangeError(`characteristic ${id}: a ${length}-byte packet exceeds ${MAX_PACKET} bytes`);
		if (this.#traceGatt) trace(gattTraceLine(false, id, bytes, length));
		const characteristic = this.#subscribed[id];
		if (!this.connected || !this.encrypted || !characteristic) {
			this.dropped++;
			return false;
		}
		const buffer = this.#byLength[length];
		copyBytes(buffer, bytes, length);
		this.notifyValue(characteristic, buffer);
		return true;
	}

	setReadValue(id: number, bytes: Uint8Array, length: number): void {
		if (length > MAX_PACKET) throw new RangeError(`characteristic ${id}: a ${length}-byte value exceeds ${MAX_PACKET} bytes`);
		copyBytes(this.#readValues[id], bytes, length);
		this.#readLengths[id] = length;
		if (this.#traceGatt) trace(gattTraceLine(true, id, bytes, length));
	}

	service(): void {}

	#advertise(): void {
		this.startAdvertising({
			advertisingData: { flags: 6, completeName: this.#name, completeUUID16List: [uuid`180D`] },
			// ECG_SERVICE_UUID of protocol.ts (a tagged template takes no substitutions; test/ble-services checks they agree).
			scanResponseData: { completeUUID128List: [uuid`68740001-7470-4874-b9e3-8c5e2a7b0c11`] },
		});
	}
}
