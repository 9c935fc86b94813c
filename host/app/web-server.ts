// Serves the web companion (host/companion/web) and the simulated device's GATT frames over a WebSocket
// (/gatt, one frame of host/companion/frames.ts per binary message). The page's protocol decoders are
// modules/ble/protocol.ts itself, transpiled when served. A page that connects late first gets every frame
// so far, so it can draw what already happened.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { join } from "node:path";
import ts from "typescript";
import { ROOT } from "../cli/sim-runner.ts";
import { encodeFrame, FRAME_CONNECTED, FRAME_DEVICE, FRAME_DISCONNECTED, FRAME_END, FRAME_NOTIFY, FRAME_VALUE } from "../companion/frames.ts";
import type { SimApp } from "./sim-app.ts";

const WEB = join(ROOT, "host/companion/web");
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

function transpiled(path: string): string {
	return ts.transpileModule(readFileSync(path, "utf8"), { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
}

const FILES: Record<string, { type: string; body: () => string }> = {
	"/": { type: "text/html", body: () => readFileSync(join(WEB, "index.html"), "utf8") },
	"/app.js": { type: "text/javascript", body: () => readFileSync(join(WEB, "app.js"), "utf8") },
	"/protocol.js": { type: "text/javascript", body: () => transpiled(join(ROOT, "modules/ble/protocol.ts")) },
	"/frames.js": { type: "text/javascript", body: () => transpiled(join(ROOT, "host/companion/frames.ts")) },
};

/** One WebSocket binary message (server to client: no mask). */
function wsMessage(payload: Uint8Array): Buffer {
	const n = payload.length;
	const header = n < 126 ? Buffer.from([0x82, n]) : Buffer.from([0x82, 126, n >> 8, n & 0xff]);
	return Buffer.concat([header, payload]);
}

export class WebCompanionServer {
	readonly server: Server;
	#history: Buffer[] = [];
	#sockets = new Set<Socket>();

	constructor() {
		this.server = createServer((req, res) => {
			const file = FILES[(req.url ?? "/").split("?")[0]];
			if (!file) {
				res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
				return;
			}
			res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(file.body());
		});
		this.server.on("upgrade", (req, socket: Socket) => {
			const key = req.headers["sec-websocket-key"];
			if (req.url !== "/gatt" || typeof key !== "string") {
				socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
				return;
			}
			const accept = createHash("sha1").update(key + WS_GUID).digest("base64");
			socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
			socket.on("error", () => this.#sockets.delete(socket));
			socket.on("close", () => this.#sockets.delete(socket));
			socket.on("data", (data: Buffer) => {
				if ((data[0] & 0x0f) === 8) socket.end(); // close frame
			});
			for (const m of this.#history) socket.write(m);
			this.#sockets.add(socket);
		});
	}

	listen(port: number): Promise<number> {
		return new Promise((resolve, reject) => {
			this.server.once("error", reject);
			this.server.listen(port, "127.0.0.1", () => resolve((this.server.address() as { port: number }).port));
		});
	}

	attach(app: SimApp): void {
		app.on("device", (name: string) => this.#send(encodeFrame(FRAME_DEVICE, 0, new TextEncoder().encode(name))));
		app.on("value", (id: number, bytes: Uint8Array) => this.#send(encodeFrame(FRAME_VALUE, id, bytes)));
		app.on("packet", (id: number, bytes: Uint8Array) => this.#send(encodeFrame(FRAME_NOTIFY, id, bytes)));
		app.on("connection", (c: boolean) => this.#send(encodeFrame(c ? FRAME_CONNECTED : FRAME_DISCONNECTED, 0)));
	}

	end(): void {
		this.#send(encodeFrame(FRAME_END, 0));
	}

	async close(): Promise<void> {
		for (const s of this.#sockets) s.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	#send(frame: Uint8Array): void {
		const message = wsMessage(frame);
		this.#history.push(message);
		for (const s of this.#sockets) s.write(message);
	}
}
