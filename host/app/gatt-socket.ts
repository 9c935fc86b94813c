// Serves the simulated device's GATT traffic on a local TCP socket (frames of host/companion/frames.ts). A
// companion that connects late first gets the current read values, as a BLE central reads them on connect.
// Companions write back on the same socket: a write frame (kind 7) to the control characteristic goes to the
// app live (SimApp.write), which validates it and answers on the result characteristic as over BLE, whatever
// its bytes (empty, oversized, unknown opcode). A write to another characteristic (none is writable) is
// dropped and counted; a client that sends anything else than write frames is disconnected. Neither reaches
// the app.
import { createServer, type Server, type Socket } from "node:net";
import { CONTROL } from "../../modules/ble/protocol.ts";
import { encodeFrame, FrameReader, FRAME_CONNECTED, FRAME_DEVICE, FRAME_DISCONNECTED, FRAME_END, FRAME_NOTIFY, FRAME_VALUE, FRAME_WRITE } from "../companion/frames.ts";
import type { SimApp } from "./sim-app.ts";

export class GattSocket {
	readonly server: Server;
	#clients = new Set<Socket>();
	#values = new Map<number, Uint8Array>();
	#device = "";
	#connected = true;
	#waiting: (() => void)[] = [];
	#app: SimApp | undefined;
	#early: Uint8Array[] = [];
	/** Writes relayed to the app. */
	writes = 0;
	/** Writes dropped here: to a characteristic that is not the control one, or after the app ended. */
	refusedWrites = 0;
	/** Clients disconnected for sending something other than write frames. */
	badClients = 0;

	constructor() {
		this.server = createServer((socket) => {
			socket.setNoDelay(true);
			socket.on("error", () => this.#clients.delete(socket));
			socket.on("close", () => this.#clients.delete(socket));
			const reader = new FrameReader();
			socket.on("data", (chunk: Buffer) => {
				let frames;
				try {
					frames = reader.push(chunk);
				} catch {
					frames = undefined;
				}
				if (!frames || frames.some((f) => f.kind !== FRAME_WRITE)) {
					this.badClients++;
					this.#clients.delete(socket);
					socket.destroy();
					return;
				}
				for (const f of frames) {
					if (f.id !== CONTROL) this.refusedWrites++;
					else if (!this.#app && this.#early.length < 64) this.#early.push(f.bytes); // the app is not started yet
					else if (this.#app?.write(CONTROL, f.bytes)) this.writes++;
					else this.refusedWrites++;
				}
			});
			this.#clients.add(socket);
			if (this.#device) socket.write(encodeFrame(FRAME_DEVICE, 0, new TextEncoder().encode(this.#device)));
			for (const [id, bytes] of this.#values) socket.write(encodeFrame(FRAME_VALUE, id, bytes));
			if (!this.#connected) socket.write(encodeFrame(FRAME_DISCONNECTED, 0));
			for (const resolve of this.#waiting.splice(0)) resolve();
		});
	}

	/** Listens on 127.0.0.1 (port 0: any free port); resolves to the port. */
	listen(port: number): Promise<number> {
		return new Promise((resolve, reject) => {
			this.server.once("error", reject);
			this.server.listen(port, "127.0.0.1", () => resolve((this.server.address() as { port: number }).port));
		});
	}

	/** Resolves once a companion is connected. */
	client(): Promise<void> {
		return this.#clients.size ? Promise.resolve() : new Promise((resolve) => this.#waiting.push(resolve));
	}

	attach(app: SimApp): void {
		this.#app = app;
		for (const bytes of this.#early.splice(0)) {
			if (app.write(CONTROL, bytes)) this.writes++;
			else this.refusedWrites++;
		}
		app.on("device", (name: string) => {
			this.#device = name;
			this.#send(encodeFrame(FRAME_DEVICE, 0, new TextEncoder().encode(name)));
		});
		app.on("value", (id: number, bytes: Uint8Array) => {
			this.#values.set(id, bytes);
			this.#send(encodeFrame(FRAME_VALUE, id, bytes));
		});
		app.on("packet", (id: number, bytes: Uint8Array) => this.#send(encodeFrame(FRAME_NOTIFY, id, bytes)));
		app.on("connection", (connected: boolean) => {
			this.#connected = connected;
			this.#send(encodeFrame(connected ? FRAME_CONNECTED : FRAME_DISCONNECTED, 0));
		});
	}

	/** Tells companions the recording ended, then closes. */
	async close(): Promise<void> {
		this.#send(encodeFrame(FRAME_END, 0));
		await Promise.all([...this.#clients].map((s) => new Promise<void>((resolve) => s.end(resolve))));
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	#send(frame: Uint8Array): void {
		for (const socket of this.#clients) socket.write(frame);
	}
}
