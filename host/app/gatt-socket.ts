// Serves the simulated device's GATT traffic on a local TCP socket (frames of host/companion/frames.ts). A
// companion that connects late first gets the current read values, as a BLE central reads them on connect.
import { createServer, type Server, type Socket } from "node:net";
import { encodeFrame, FRAME_CONNECTED, FRAME_DEVICE, FRAME_DISCONNECTED, FRAME_END, FRAME_NOTIFY, FRAME_VALUE } from "../companion/frames.ts";
import type { SimApp } from "./sim-app.ts";

export class GattSocket {
	readonly server: Server;
	#clients = new Set<Socket>();
	#values = new Map<number, Uint8Array>();
	#device = "";
	#connected = true;
	#waiting: (() => void)[] = [];

	constructor() {
		this.server = createServer((socket) => {
			socket.setNoDelay(true);
			socket.on("error", () => this.#clients.delete(socket));
			socket.on("close", () => this.#clients.delete(socket));
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
