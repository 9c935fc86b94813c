// Serves the web companion (host/companion/web) and the simulated device's GATT frames over a WebSocket
// (/gatt, one frame of host/companion/frames.ts per binary message). The page's protocol decoders are
// modules/ble/protocol.ts itself, transpiled when served. A page that connects late first gets every frame
// so far, so it can draw what already happened. The page's control buttons send write frames (kind 7) back on
// the same WebSocket; a write to the control characteristic goes to the app live (SimApp.write), which
// validates and answers it on the result characteristic as over BLE; anything else is dropped and counted.
//
// Safe by default: it listens on 127.0.0.1 only and answers only requests whose Host is this server by a
// loopback name (localhost, 127.0.0.1, [::1], with its port; anything else is refused with 421, which defeats DNS
// rebinding), whose Origin, when there is one, is this server itself (403: another web page the user visits
// cannot script it), and, for the page and the live data, that carry the run's token (host/app/run-token.ts:
// ?token=..., in the URL printed; the page passes it on the WebSocket; 403 without it). The page's code
// (/app.js and the modules it imports, the same for every run) needs no token. The replay buffer for late
// pages keeps the last MAX_REPLAY_BYTES of frames; older ones are dropped and counted. The latest read value of
// each characteristic (model info, class names, device info: FRAME_VALUE) is kept apart from it and goes to every
// new page first, so a page that connects after the buffer overflowed still knows the classes and the gain.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { join } from "node:path";
import ts from "typescript";
import { ROOT } from "../cli/sim-runner.ts";
import { CONTROL } from "../../modules/ble/protocol.ts";
import { decodeFrame, encodeFrame, FRAME_CONNECTED, FRAME_DEVICE, FRAME_DISCONNECTED, FRAME_END, FRAME_NOTIFY, FRAME_VALUE, FRAME_WRITE } from "../companion/frames.ts";
import { newToken, tokensEqual } from "./run-token.ts";
import type { SimApp } from "./sim-app.ts";

const WEB = join(ROOT, "host/companion/web");
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

function transpiled(path: string): string {
	return ts.transpileModule(readFileSync(path, "utf8"), { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
}

/** Paths served only with the run's token: the page itself and the live data (/gatt). */
const NEEDS_TOKEN = new Set(["/", "/gatt"]);

/** What a late page can replay: about 7 hours of a 180 Hz strip with every beat. */
export const MAX_REPLAY_BYTES = 16 * 1024 * 1024;

const FILES: Record<string, { type: string; body: () => string }> = {
	"/": { type: "text/html", body: () => readFileSync(join(WEB, "index.html"), "utf8") },
	"/app.js": { type: "text/javascript", body: () => readFileSync(join(WEB, "app.js"), "utf8") },
	"/run.js": { type: "text/javascript", body: () => readFileSync(join(WEB, "run.js"), "utf8") },
	"/draw.js": { type: "text/javascript", body: () => readFileSync(join(WEB, "draw.js"), "utf8") },
	"/protocol.js": { type: "text/javascript", body: () => transpiled(join(ROOT, "modules/ble/protocol.ts")) },
	"/frames.js": { type: "text/javascript", body: () => transpiled(join(ROOT, "host/companion/frames.ts")) },
	"/event-text.js": { type: "text/javascript", body: () => transpiled(join(WEB, "event-text.ts")) },
	"/apnea-timeline.js": { type: "text/javascript", body: () => transpiled(join(WEB, "apnea-timeline.ts")) },
};

const EMPTY = Buffer.alloc(0);

/** One WebSocket binary message (server to client: no mask). */
function wsMessage(payload: Uint8Array): Buffer {
	const n = payload.length;
	const header = n < 126 ? Buffer.from([0x82, n]) : Buffer.from([0x82, 126, n >> 8, n & 0xff]);
	return Buffer.concat([header, payload]);
}

/** The largest client message accepted: one write frame (3 + 255 bytes). */
const MAX_CLIENT_MESSAGE = 258;

/**
 * Client-to-server WebSocket messages (RFC 6455: always masked) from a stream of chunks. Calls `message`
 * with each binary or text payload; returns false when the client must be dropped (a close frame, a frame
 * too long for a write, an unmasked frame).
 */
export class WsReader {
	#pending: Buffer = Buffer.alloc(0);

	push(chunk: Buffer, message: (opcode: number, payload: Buffer) => void): boolean {
		this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
		for (;;) {
			const p = this.#pending;
			if (p.length < 2) return true;
			const opcode = p[0] & 0x0f;
			if (!(p[1] & 0x80)) return false;
			let length = p[1] & 0x7f;
			let at = 2;
			if (length === 126) {
				if (p.length < 4) return true;
				length = p.readUInt16BE(2);
				at = 4;
			} else if (length === 127) return false;
			if (opcode === 8 || length > MAX_CLIENT_MESSAGE) return false;
			if (p.length < at + 4 + length) return true;
			const mask = p.subarray(at, at + 4);
			const payload = Buffer.alloc(length);
			for (let i = 0; i < length; i++) payload[i] = p[at + 4 + i] ^ mask[i & 3];
			this.#pending = p.subarray(at + 4 + length);
			message(opcode, payload);
		}
	}
}

/** Why a request is refused (status and one line), or undefined when it may go on. */
export function refusal(headers: { host?: string; origin?: string }, path: string, token: string | null, expected: string, port: number): { status: number; reason: string } | undefined {
	const names = ["localhost", "127.0.0.1", "[::1]"];
	const hosts = new Set(names.map((n) => `${n}:${port}`));
	if (port === 80) for (const n of names) hosts.add(n);
	const host = (headers.host ?? "").toLowerCase();
	if (!hosts.has(host)) return { status: 421, reason: `Host ${JSON.stringify(headers.host ?? "")} is not this server: open http://127.0.0.1:${port}/ (localhost, 127.0.0.1 or [::1] only)` };
	if (headers.origin !== undefined && headers.origin.toLowerCase() !== `http://${host}`) return { status: 403, reason: `Origin ${JSON.stringify(headers.origin)} is not this server: other web pages may not use it` };
	if (NEEDS_TOKEN.has(path) && !tokensEqual(token ?? undefined, expected)) return { status: 403, reason: `${token === null ? "missing" : "wrong"} token: open the URL hypertiny printed (http://127.0.0.1:${port}/?token=...)` };
	return undefined;
}

const STATUS_TEXT: Record<number, string> = { 403: "Forbidden", 421: "Misdirected Request" };

export class WebCompanionServer {
	readonly server: Server;
	/** The run's token: the page's URL and the WebSocket carry it. */
	readonly token: string;
	#history: Buffer[] = [];
	#historyStart = 0;
	#historyBytes = 0;
	/** The latest FRAME_VALUE message per characteristic id, in the order each was first read; never dropped. */
	#values = new Map<number, Buffer>();
	#sockets = new Set<Socket>();
	#app: SimApp | undefined;
	#port = 0;
	#maxReplay: number;
	/** Control writes relayed to the app. */
	writes = 0;
	/** Client messages dropped: not a write frame to the control characteristic, or no app running. */
	refusedWrites = 0;
	/** Requests and WebSocket upgrades refused (foreign Host or Origin, missing or wrong token). */
	refusedRequests = 0;
	/** Frames dropped from the replay buffer, oldest first, to keep it under MAX_REPLAY_BYTES. */
	replayDropped = 0;

	constructor(options: { token?: string; maxReplayBytes?: number } = {}) {
		this.token = options.token ?? newToken();
		this.#maxReplay = options.maxReplayBytes ?? MAX_REPLAY_BYTES;
		this.server = createServer((req, res) => {
			const url = new URL(req.url ?? "/", "http://localhost");
			const refused = refusal(req.headers, url.pathname, url.searchParams.get("token"), this.token, this.#port);
			if (refused) {
				this.refusedRequests++;
				res.writeHead(refused.status, { "content-type": "text/plain; charset=utf-8", connection: "close" }).end(refused.reason + "\n");
				return;
			}
			const file = FILES[url.pathname];
			if (!file) {
				res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
				return;
			}
			res.writeHead(200, {
				"content-type": file.type,
				"cache-control": "no-store",
				"referrer-policy": "no-referrer",
				"content-security-policy": "frame-ancestors 'none'",
				"x-content-type-options": "nosniff",
			}).end(file.body());
		});
		this.server.on("upgrade", (req, socket: Socket) => {
			socket.on("error", () => {});
			const url = new URL(req.url ?? "/", "http://localhost");
			const refused = refusal(req.headers, url.pathname, url.searchParams.get("token"), this.token, this.#port);
			if (refused) {
				this.refusedRequests++;
				const body = refused.reason + "\n";
				socket.end(`HTTP/1.1 ${refused.status} ${STATUS_TEXT[refused.status]}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
				return;
			}
			const key = req.headers["sec-websocket-key"];
			if (url.pathname !== "/gatt" || typeof key !== "string") {
				socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
				return;
			}
			const accept = createHash("sha1").update(key + WS_GUID).digest("base64");
			socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
			socket.on("error", () => this.#sockets.delete(socket));
			socket.on("close", () => this.#sockets.delete(socket));
			const reader = new WsReader();
			socket.on("data", (data: Buffer) => {
				const keep = reader.push(data, (opcode, payload) => {
					if (opcode !== 2) return; // text, ping, pong: nothing to do
					const frame = decodeFrame(payload);
					if (frame?.kind === FRAME_WRITE && frame.id === CONTROL && this.#app?.write(CONTROL, frame.bytes)) this.writes++;
					else this.refusedWrites++;
				});
				if (!keep) socket.end(); // a close frame, or a message that cannot be a write
			});
			// The read values first (the replay may have lost them), then the replay; a value still in the replay
			// comes again in its place, and the newest one is the last the page gets either way.
			for (const message of this.#values.values()) socket.write(message);
			for (let i = this.#historyStart; i < this.#history.length; i++) socket.write(this.#history[i]);
			this.#sockets.add(socket);
		});
	}

	listen(port: number): Promise<number> {
		return new Promise((resolve, reject) => {
			this.server.once("error", reject);
			this.server.listen(port, "127.0.0.1", () => {
				this.#port = (this.server.address() as { port: number }).port;
				resolve(this.#port);
			});
		});
	}

	/** The page's address with the run's token, as printed for the user. */
	url(port = this.#port): string {
		return `http://127.0.0.1:${port}/?token=${this.token}`;
	}

	attach(app: SimApp): void {
		this.#app = app;
		app.on("device", (name: string) => this.#send(encodeFrame(FRAME_DEVICE, 0, new TextEncoder().encode(name))));
		app.on("value", (id: number, bytes: Uint8Array) => this.#values.set(id, this.#send(encodeFrame(FRAME_VALUE, id, bytes))));
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

	#send(frame: Uint8Array): Buffer {
		const message = wsMessage(frame);
		this.#remember(message);
		for (const s of this.#sockets) s.write(message);
		return message;
	}

	#remember(message: Buffer): void {
		const history = this.#history;
		history.push(message);
		this.#historyBytes += message.length;
		while (this.#historyBytes > this.#maxReplay) {
			this.#historyBytes -= history[this.#historyStart].length;
			history[this.#historyStart++] = EMPTY;
			this.replayDropped++;
		}
		if (this.#historyStart > 4096 && this.#historyStart * 2 > history.length) {
			history.splice(0, this.#historyStart);
			this.#historyStart = 0;
		}
	}
}
