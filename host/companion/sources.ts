// Where a companion's packets come from: the simulator's socket, a board over BLE (noble), or a board's serial
// log (serialport). noble and serialport are optional dependencies: when they are missing, the error says
// what to install.
import { connect } from "node:net";
import * as P from "../../modules/ble/protocol.ts";
import type { SendControl } from "./control.ts";
import { encodeFrame, FrameReader, FRAME_CONNECTED, FRAME_DEVICE, FRAME_DISCONNECTED, FRAME_END, FRAME_HELLO, FRAME_NOTIFY, FRAME_REFUSED, FRAME_VALUE, FRAME_WRITE } from "./frames.ts";
import type { CompanionState } from "./state.ts";
import { LineSplitter, parseTraceLine } from "./trace-lines.ts";

export class CompanionError extends Error {}

/**
 * Reads the simulator link until the recording ends or the socket closes; resolves to the device name.
 * `token` is the run's (host/app/run-token.ts), sent first; a refusal rejects with the simulator's reason.
 * `onControl` gets, once connected, the function that sends control writes to the app over the same socket.
 */
export function followSimulator(port: number, token: string, state: CompanionState, host = "127.0.0.1", onControl?: (send: SendControl) => void): Promise<string> {
	return new Promise((resolve, reject) => {
		const hello = new TextEncoder().encode(token);
		if (hello.length > 255) return reject(new CompanionError(`a token has at most 255 bytes, got ${hello.length}`));
		const socket = connect({ port, host });
		socket.once("connect", () => socket.write(encodeFrame(FRAME_HELLO, 0, hello)));
		if (onControl)
			socket.once("connect", () =>
				onControl(
					(bytes) =>
						new Promise<void>((done, fail) => {
							if (bytes.length > 255) return fail(new CompanionError(`a control write holds at most 255 bytes here, got ${bytes.length}`));
							if (socket.destroyed || !socket.writable) return fail(new CompanionError("the simulator link is closed"));
							socket.write(encodeFrame(FRAME_WRITE, P.CONTROL, bytes), (error) => (error ? fail(error) : done()));
						}),
				),
			);
		const reader = new FrameReader();
		let device = "";
		// As a central does: read values when connecting, then follow notifications (summary and counts are both).
		const notified = new Set<number>();
		socket.on("error", (error: NodeJS.ErrnoException) =>
			reject(new CompanionError(error.code === "ECONNREFUSED" ? `no simulator on ${host}:${port} (start one with: hypertiny start --port ${port})` : error.message)),
		);
		socket.on("data", (chunk: Buffer) => {
			let frames;
			try {
				frames = reader.push(chunk);
			} catch (error) {
				socket.destroy();
				return reject(new CompanionError((error as Error).message));
			}
			for (const f of frames) {
				if (f.kind === FRAME_NOTIFY) {
					notified.add(f.id);
					state.packet(f.id, f.bytes);
				} else if (f.kind === FRAME_VALUE && !notified.has(f.id)) state.packet(f.id, f.bytes);
				else if (f.kind === FRAME_CONNECTED || f.kind === FRAME_DISCONNECTED) state.connection(f.kind === FRAME_CONNECTED);
				else if (f.kind === FRAME_DEVICE) device = new TextDecoder().decode(f.bytes);
				else if (f.kind === FRAME_END) socket.end();
				else if (f.kind === FRAME_REFUSED) {
					socket.destroy();
					return reject(new CompanionError(`the simulator on ${host}:${port} refused this companion: ${new TextDecoder().decode(f.bytes)}`));
				}
			}
		});
		socket.on("close", () => resolve(device));
	});
}

async function optional(name: string, install: string): Promise<any> {
	try {
		const module = await import(name);
		return module.default ?? module;
	} catch (error) {
		throw new CompanionError(`${name} is not available (${(error as Error).message.split("\n")[0]}).\n${install}`);
	}
}

const NOBLE_HELP =
	"Install it with: npm install @abandonware/noble\n" +
	"It builds a native addon: on Debian/Ubuntu first run: sudo apt-get install build-essential libbluetooth-dev libudev-dev\n" +
	"and let node use the adapter: sudo setcap cap_net_raw+eip $(eval readlink -f $(which node))";

function shortUuid(uuid: string): string {
	return uuid.replace(/-/g, "").toLowerCase();
}

/**
 * Connects to a board advertising the Heart Rate Service (and, optionally, named `name`), subscribes, follows until
 * it disconnects. `onControl` gets the function that writes the control characteristic (with response).
 */
export async function followBle(name: string | undefined, state: CompanionState, log: (line: string) => void, onControl?: (send: SendControl) => void): Promise<string> {
	const noble = await optional("@abandonware/noble", NOBLE_HELP);
	if (noble.state !== "poweredOn") {
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new CompanionError(`the Bluetooth adapter is ${noble.state} (is one present and powered on?)`)), 10000);
			noble.on("stateChange", (s: string) => {
				if (s === "poweredOn") {
					clearTimeout(timer);
					resolve();
				}
			});
		});
	}
	log(`scanning for ${name ? `"${name}"` : "a heart-rate monitor"}...`);
	const peripheral: any = await new Promise((resolve) => {
		noble.on("discover", (p: any) => {
			const local = p.advertisement?.localName;
			if (name ? local === name : (p.advertisement?.serviceUuids ?? []).includes(P.HEART_RATE_SERVICE_UUID.toLowerCase())) {
				noble.stopScanning();
				resolve(p);
			}
		});
		noble.startScanning([], false);
	});
	await peripheral.connectAsync();
	const { characteristics } = await peripheral.discoverAllServicesAndCharacteristicsAsync();
	const byUuid = new Map<string, any>(characteristics.map((c: any) => [shortUuid(c.uuid), c]));
	const find = (id: number): any => {
		const info = P.characteristicById(id)!;
		return byUuid.get(shortUuid(info.uuid));
	};
	for (const id of [P.MODEL_INFO, P.CLASS_NAMES, P.DEVICE_INFO, P.APNEA, P.SUMMARY, P.COUNTS]) {
		const c = find(id);
		if (c) state.packet(id, new Uint8Array(await c.readAsync()));
	}
	for (const info of P.CHARACTERISTICS) {
		const c = find(info.id);
		if (!c || !c.properties.includes("notify")) continue;
		c.on("data", (data: Buffer) => state.packet(info.id, new Uint8Array(data)));
		await c.subscribeAsync();
	}
	const device = peripheral.advertisement?.localName ?? peripheral.address;
	if (onControl) {
		const control = find(P.CONTROL);
		if (!control) log("this device has no control characteristic: control writes are off");
		else onControl(async (bytes) => void (await control.writeAsync(Buffer.from(bytes), false)));
	}
	await new Promise<void>((resolve) => peripheral.once("disconnect", () => resolve()));
	state.connection(false);
	return device;
}

const SERIALPORT_HELP = "Install it with: npm install serialport\n(on Linux, add yourself to the dialout group to open /dev/ttyACM* and /dev/ttyUSB*)";

/** Reads a board's serial log (the app with config.traceGatt) and follows its "@gatt" lines until the port closes. */
export async function followSerial(path: string, baudRate: number, state: CompanionState, onText: (line: string) => void): Promise<string> {
	const module = await optional("serialport", SERIALPORT_HELP);
	const SerialPort = module.SerialPort ?? module;
	const lines = new LineSplitter();
	let device = path;
	const onLine = (text: string): void => {
		const parsed = parseTraceLine(text);
		if (parsed.type === "packet" || parsed.type === "value") state.packet(parsed.id, parsed.bytes);
		else if (parsed.type === "connection") state.connection(parsed.connected);
		else if (parsed.type === "device") device = parsed.name;
		else if (parsed.type === "text" && parsed.text) onText(parsed.text);
	};
	await new Promise<void>((resolve, reject) => {
		const port = new SerialPort({ path, baudRate }, (error: Error | null) => error && reject(new CompanionError(`cannot open ${path}: ${error.message}`)));
		port.setEncoding("utf8");
		port.on("data", (chunk: string) => lines.push(chunk, onLine));
		port.on("close", () => resolve());
		port.on("error", (error: Error) => reject(new CompanionError(`${path}: ${error.message}`)));
	});
	lines.flush(onLine);
	return device;
}
