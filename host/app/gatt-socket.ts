// Serves the simulated device's GATT traffic on a local TCP socket (frames of host/companion/frames.ts). A
// client's first frame must be a hello (kind 8) holding the run's token (host/app/run-token.ts); until then
// nothing flows, and a client whose first frame is anything else, whose token is wrong, or that says nothing
// for HELLO_TIMEOUT_MS gets a refusal frame (kind 9, the reason) and is disconnected. A companion that joins
// late first gets the current read values, as a BLE central reads them on connect. The first companion with
// the token counts as the central pairing: the simulated app's link becomes encrypted (SimApp.encryptLink),
// which is when the app starts sending health notifications.
// Companions write back on the same socket: a write frame (kind 7) to the control characteristic goes to the
// app live (SimApp.write), which validates it and answers on the result characteristic as over BLE, whatever
// its bytes (empty, oversized, unknown opcode). A write to another characteristic (none is writable) is
// dropped and counted; a client that sends anything else than write frames is disconnected. Neither reaches
// the app.
import { createServer, type Server, type Socket } from "node:net";
import { CONTROL } from "../../modules/ble/protocol.ts";
import { encodeFrame, FrameReader, type Frame, FRAME_CONNECTED, FRAME_DEVICE, FRAME_DISCONNECTED, FRAME_END, FRAME_HELLO, FRAME_NOTIFY, FRAME_REFUSED, FRAME_VALUE, FRAME_WRITE } from "../companion/frames.ts";
import { newToken, tokensEqual } from "./run-token.ts";
import type { SimApp } from "./sim-app.ts";

/** How long a client may take to send its hello. */
export const HELLO_TIMEOUT_MS = 10_000;

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
	/** Clients refused for a missing or wrong token. */
	refusedClients = 0;
	/** The run's token: a client's hello must hold it. */
	readonly token: string;

	constructor(options: { token?: string; helloTimeoutMs?: number } = {}) {
		this.token = options.token ?? newToken();
		const helloTimeout = options.helloTimeoutMs ?? HELLO_TIMEOUT_MS;
		this.server = createServer((socket) => {
			socket.setNoDelay(true);
			socket.on("error", () => this.#clients.delete(socket));
			socket.on("close", () => this.#clients.delete(socket));
			const reader = new FrameReader();
			let greeted = false;
			let refused = false;
			const refuse = (reason: string): void => {
				refused = true;
				this.refusedClients++;
				socket.end(encodeFrame(FRAME_REFUSED, 0, new TextEncoder().encode(reason)));
				setTimeout(() => socket.destroy(), 1000).unref(); // time for the reason to arrive before the socket goes
			};
			const timer = setTimeout(() => refuse(`no hello with the run's token within ${helloTimeout / 1000} s`), helloTimeout);
			socket.on("close", () => clearTimeout(timer));
			socket.on("data", (chunk: Buffer) => {
				if (refused || socket.destroyed) return;
				let frames: Frame[] | undefined;
				try {
					frames = reader.push(chunk);
				} catch {
					frames = undefined;
				}
				if (!greeted) {
					if (frames?.length === 0) return; // the hello is not complete yet
					clearTimeout(timer);
					const hello = frames?.shift();
					if (hello?.kind !== FRAME_HELLO) return refuse("the first frame must be a hello with the run's token");
					if (!tokensEqual(Buffer.from(hello.bytes).toString("latin1"), this.token)) return refuse("wrong token (hypertiny companion --sim PORT reads it from the file hypertiny start names)");
					greeted = true;
					this.#welcome(socket);
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
		});
	}

	/** A client that gave the token: it gets the current values, then everything; the app's link is encrypted. */
	#welcome(socket: Socket): void {
		this.#clients.add(socket);
		if (this.#device) socket.write(encodeFrame(FRAME_DEVICE, 0, new TextEncoder().encode(this.#device)));
		for (const [id, bytes] of this.#values) socket.write(encodeFrame(FRAME_VALUE, id, bytes));
		if (!this.#connected) socket.write(encodeFrame(FRAME_DISCONNECTED, 0));
		this.#app?.encryptLink();
		for (const resolve of this.#waiting.splice(0)) resolve();
	}

	/** Listens on 127.0.0.1 (port 0: any free port); resolves to the port. */
	listen(port: number): Promise<number> {
		return new Promise((resolve, reject) => {
			this.server.once("error", reject);
			this.server.listen(port, "127.0.0.1", () => resolve((this.server.address() as { port: number }).port));
		});
	}

	/** Resolves once a companion with the token is connected. */
	client(): Promise<void> {
		return this.#clients.size ? Promise.resolve() : new Promise((resolve) => this.#waiting.push(resolve));
	}

	attach(app: SimApp): void {
		this.#app = app;
		if (this.#clients.size) app.encryptLink();
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
