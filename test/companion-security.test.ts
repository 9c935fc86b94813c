// Safe by default (issue 16): the web companion answers only its own loopback Host names, same-origin pages and
// the run's token, over HTTP and the WebSocket, and keeps a bounded replay buffer (read values kept apart from it,
// so a late page still gets them); the simulator's GATT socket lets no frame flow before a hello with the token;
// `hypertiny companion --sim` finds the token in the private file the run wrote. Every server here listens on
// 127.0.0.1.
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "../modules/ble/protocol.ts";
import { GattSocket } from "../host/app/gatt-socket.ts";
import { newToken, readTokenFile, tokenDir, tokenFile, tokensEqual, writeTokenFile } from "../host/app/run-token.ts";
import type { SimApp } from "../host/app/sim-app.ts";
import { WebCompanionServer } from "../host/app/web-server.ts";
import { ROOT } from "../host/cli/sim-runner.ts";
import { encodeFrame, FrameReader, FRAME_DEVICE, FRAME_HELLO, FRAME_NOTIFY, FRAME_REFUSED, FRAME_VALUE, FRAME_WRITE, type Frame } from "../host/companion/frames.ts";
import { followSimulator } from "../host/companion/sources.ts";
import { CompanionState } from "../host/companion/state.ts";

// Token files of this test file's runs go to a folder of its own (ava runs each test file in its own process).
const RUNTIME = mkdtempSync(join(tmpdir(), "hypertiny-runtime-"));
process.env.XDG_RUNTIME_DIR = RUNTIME;
test.after.always(() => rmSync(RUNTIME, { recursive: true, force: true }));

/** An app stand-in that only emits what the servers relay (the servers are under test, not the app). */
function fakeApp(): SimApp & EventEmitter {
	const app = new EventEmitter() as SimApp & EventEmitter;
	(app as any).write = () => true;
	(app as any).encryptLink = () => true;
	return app;
}

function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = request({ host: "127.0.0.1", port, path, headers, method: "GET" }, (res) => {
			let body = "";
			res.setEncoding("utf8");
			res.on("data", (c) => (body += c));
			res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
		});
		req.on("error", reject);
		req.end();
	});
}

/** A WebSocket upgrade by hand; resolves to the status line and the socket (left open on 101). */
async function upgrade(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; text: string; socket: Socket }> {
	const socket = connect({ port, host: "127.0.0.1" });
	await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
	const lines = Object.entries({ Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Key": "aHlwZXJ0aW55LXRlc3Qtaw==", "Sec-WebSocket-Version": "13", ...headers }).map(([k, v]) => `${k}: ${v}\r\n`);
	let text = "";
	const answered = new Promise<void>((resolve) => {
		socket.on("data", (d: Buffer) => {
			text += d.toString("latin1");
			if (text.includes("\r\n\r\n")) resolve();
		});
		socket.on("close", () => resolve());
	});
	socket.write(`GET ${path} HTTP/1.1\r\n${lines.join("")}\r\n`);
	await answered;
	return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), text, socket };
}

test("web companion over HTTP: a foreign Host (DNS rebinding) gets 421, a foreign Origin and a missing or wrong token 403, each with a one-line reason; the printed URL works", async (t) => {
	const page = new WebCompanionServer();
	const port = await page.listen(0);
	try {
		const here = `127.0.0.1:${port}`;
		const url = new URL(page.url());
		t.is(url.host, here);
		t.is(url.searchParams.get("token"), page.token);
		t.true(page.token.length >= 43, "32 random bytes");

		const rebound = await get(port, `/?token=${page.token}`, { host: `rebind.evil.example:${port}` });
		t.is(rebound.status, 421);
		t.regex(rebound.body, /^Host "rebind\.evil\.example:\d+" is not this server: open http:\/\/127\.0\.0\.1:\d+\/ \(localhost, 127\.0\.0\.1 or \[::1\] only\)\n$/);
		t.is((await get(port, `/?token=${page.token}`, { host: "127.0.0.1:1" })).status, 421, "another port is another server");
		t.is((await get(port, "/app.js", { host: "evil.example" })).status, 421, "the page's code too");

		const foreign = await get(port, `/?token=${page.token}`, { host: here, origin: "http://evil.example" });
		t.is(foreign.status, 403);
		t.is(foreign.body, `Origin "http://evil.example" is not this server: other web pages may not use it\n`);
		t.is((await get(port, "/app.js", { host: here, origin: `http://localhost:${port}` })).status, 403, "a same-port but other-name origin is another origin");

		const missing = await get(port, "/", { host: here });
		t.is(missing.status, 403);
		t.is(missing.body.split("\n").length, 2, "one line");
		t.regex(missing.body, /^missing token: open the URL hypertiny printed/);
		t.regex((await get(port, `/?token=${page.token.slice(1)}x`, { host: here })).body, /^wrong token/);
		t.is((await get(port, "/?token=", { host: here })).status, 403);

		for (const host of [here, `localhost:${port}`, `[::1]:${port}`]) {
			const ok = await get(port, `/?token=${page.token}`, { host, origin: `http://${host}` });
			t.is(ok.status, 200, host);
			t.regex(ok.body, /<script type="module"/);
		}
		t.is((await get(port, "/app.js", { host: here })).status, 200, "the page's code needs no token");
		t.is(page.refusedRequests, 8);
	} finally {
		await page.close();
	}
});

test("web companion WebSocket: foreign Origin, foreign Host, missing and wrong tokens are refused before the upgrade; the page's own origin with the token gets the frames", async (t) => {
	const page = new WebCompanionServer();
	const port = await page.listen(0);
	const app = fakeApp();
	page.attach(app);
	app.emit("packet", P.SUMMARY, new Uint8Array(20).fill(7));
	const here = `127.0.0.1:${port}`;
	const refusedWith = async (path: string, headers: Record<string, string>, status: number, reason: RegExp) => {
		const r = await upgrade(port, path, headers);
		t.is(r.status, status, r.text);
		t.regex(r.text.split("\r\n\r\n")[1], reason);
		t.false(r.text.includes("Sec-WebSocket-Accept"));
		r.socket.destroy();
	};
	try {
		await refusedWith(`/gatt?token=${page.token}`, { Host: here, Origin: "http://evil.example" }, 403, /^Origin "http:\/\/evil\.example" is not this server/);
		await refusedWith(`/gatt?token=${page.token}`, { Host: "rebind.evil.example", Origin: "http://rebind.evil.example" }, 421, /^Host "rebind\.evil\.example" is not this server/);
		await refusedWith("/gatt", { Host: here, Origin: `http://${here}` }, 403, /^missing token/);
		await refusedWith(`/gatt?token=${newToken()}`, { Host: here, Origin: `http://${here}` }, 403, /^wrong token/);
		t.is(page.refusedRequests, 4);

		const ok = await upgrade(port, `/gatt?token=${page.token}`, { Host: here, Origin: `http://${here}` });
		t.is(ok.status, 101);
		const frame = await new Promise<Buffer>((resolve) => {
			const rest = Buffer.from(ok.text.split("\r\n\r\n")[1] ?? "", "latin1");
			if (rest.length >= 25) resolve(rest);
			else ok.socket.once("data", (d: Buffer) => resolve(Buffer.concat([rest, d])));
		});
		t.deepEqual([...frame.subarray(0, 5)], [0x82, 23, FRAME_NOTIFY, P.SUMMARY, 20], "the replayed summary, one frame per binary message");
		ok.socket.destroy();
	} finally {
		await page.close();
	}
});

test("the web companion's replay buffer keeps the newest frames up to its cap; older ones are dropped and counted", async (t) => {
	const message = 2 + 3 + 20; // WebSocket header, frame header, a 20-byte summary
	const page = new WebCompanionServer({ maxReplayBytes: 10 * message });
	const port = await page.listen(0);
	const app = fakeApp();
	page.attach(app);
	for (let i = 0; i < 10_000; i++) app.emit("packet", P.SUMMARY, new Uint8Array(20).fill(i & 0xff));
	t.is(page.replayDropped, 10_000 - 10);
	const here = `127.0.0.1:${port}`;
	const ws = await upgrade(port, `/gatt?token=${page.token}`, { Host: here });
	t.is(ws.status, 101);
	let bytes = Buffer.from(ws.text.split("\r\n\r\n")[1] ?? "", "latin1");
	const deadline = Date.now() + 5000;
	while (bytes.length < 10 * message && Date.now() < deadline) bytes = Buffer.concat([bytes, await new Promise<Buffer>((r) => ws.socket.once("data", r))]);
	await new Promise((r) => setTimeout(r, 100));
	t.is(bytes.length, 10 * message, "exactly the last ten frames");
	const firsts = Array.from({ length: 10 }, (_, i) => bytes[i * message + 5]);
	t.deepEqual(firsts, Array.from({ length: 10 }, (_, i) => (9990 + i) & 0xff), "the newest, in order");
	ws.socket.destroy();
	await page.close();
});

test("the web companion keeps the latest read value of each characteristic apart from its replay buffer and sends those first to a late page", async (t) => {
	const message = 2 + 3 + 20;
	const page = new WebCompanionServer({ maxReplayBytes: 10 * message });
	const port = await page.listen(0);
	const app = fakeApp();
	page.attach(app);
	const device = new Uint8Array(20).fill(1);
	app.emit("value", P.MODEL_INFO, new Uint8Array(20).fill(0xa0));
	app.emit("value", P.CLASS_NAMES, new TextEncoder().encode("N,S,V"));
	app.emit("value", P.DEVICE_INFO, device);
	app.emit("value", P.MODEL_INFO, new Uint8Array(20).fill(0xa1)); // the model read again: the newer value wins
	for (let i = 0; i < 1000; i++) app.emit("packet", P.SUMMARY, new Uint8Array(20).fill(i & 0xff));
	t.true(page.replayDropped > 4, "every read value fell out of the replay buffer");
	const ws = await upgrade(port, `/gatt?token=${page.token}`, { Host: `127.0.0.1:${port}` });
	t.is(ws.status, 101);
	const valueBytes = (2 + 3 + 20) + (2 + 3 + 5) + (2 + 3 + 20);
	const want = valueBytes + 10 * message;
	let bytes = Buffer.from(ws.text.split("\r\n\r\n")[1] ?? "", "latin1");
	const deadline = Date.now() + 5000;
	while (bytes.length < want && Date.now() < deadline) bytes = Buffer.concat([bytes, await new Promise<Buffer>((r) => ws.socket.once("data", r))]);
	await new Promise((r) => setTimeout(r, 100));
	t.is(bytes.length, want, "the three values, then the last ten frames");
	// One WebSocket message per frame: [0x82, length, kind, id, n, ...bytes].
	const frames: { kind: number; id: number; bytes: number[] }[] = [];
	for (let at = 0; at < bytes.length; at += 2 + bytes[at + 1]!) frames.push({ kind: bytes[at + 2]!, id: bytes[at + 3]!, bytes: [...bytes.subarray(at + 5, at + 2 + bytes[at + 1]!)] });
	t.deepEqual(frames.slice(0, 3), [
		{ kind: FRAME_VALUE, id: P.MODEL_INFO, bytes: new Array(20).fill(0xa1) },
		{ kind: FRAME_VALUE, id: P.CLASS_NAMES, bytes: [..."N,S,V"].map((c) => c.charCodeAt(0)) },
		{ kind: FRAME_VALUE, id: P.DEVICE_INFO, bytes: [...device] },
	], "the latest values first, in the order they were first read");
	t.deepEqual(frames.slice(3).map((f) => [f.kind, f.id, f.bytes[0]]), Array.from({ length: 10 }, (_, i) => [FRAME_NOTIFY, P.SUMMARY, (990 + i) & 0xff]), "then the replay");
	ws.socket.destroy();
	await page.close();
});

/** A raw simulator-link client: its frames, and a promise for the end of the connection. */
function rawClient(port: number, first?: Uint8Array): { socket: Socket; frames: Frame[]; closed: Promise<void> } {
	const socket = connect({ port, host: "127.0.0.1" });
	if (first) socket.write(first);
	const reader = new FrameReader();
	const frames: Frame[] = [];
	socket.on("data", (chunk: Buffer) => frames.push(...reader.push(chunk)));
	socket.on("error", () => {});
	return { socket, frames, closed: new Promise((resolve) => socket.on("close", () => resolve())) };
}

const hello = (token: string) => encodeFrame(FRAME_HELLO, 0, new TextEncoder().encode(token));
const reason = (frames: Frame[]) => frames.filter((f) => f.kind === FRAME_REFUSED).map((f) => new TextDecoder().decode(f.bytes));

test("the simulator's GATT socket: no frame flows before a hello with the run's token; a missing or wrong token closes the link with a reason; the right one gets the values", async (t) => {
	const gatt = new GattSocket({ helloTimeoutMs: 300 });
	const port = await gatt.listen(0);
	const app = fakeApp();
	gatt.attach(app);
	app.emit("device", "hypertiny ECG");
	app.emit("value", P.MODEL_INFO, new Uint8Array(20).fill(1));
	try {
		const silent = rawClient(port);
		await silent.closed;
		t.deepEqual(reason(silent.frames), ["no hello with the run's token within 0.3 s"]);
		t.is(silent.frames.length, 1, "nothing else reached it");

		const writer = rawClient(port, encodeFrame(FRAME_WRITE, P.CONTROL, Uint8Array.of(P.OP_RESET_COUNTS)));
		await writer.closed;
		t.deepEqual(reason(writer.frames), ["the first frame must be a hello with the run's token"]);

		const garbage = rawClient(port, Uint8Array.of(99, 0, 0));
		await garbage.closed;
		t.deepEqual(reason(garbage.frames), ["the first frame must be a hello with the run's token"]);

		const wrong = rawClient(port, hello(newToken()));
		await wrong.closed;
		t.is(wrong.frames.length, 1);
		t.regex(reason(wrong.frames)[0], /^wrong token/);
		t.is(gatt.refusedClients, 4);
		t.is(gatt.writes, 0, "no write of a refused client reached the app");

		const good = rawClient(port, hello(gatt.token));
		await gatt.client();
		await new Promise((r) => setTimeout(r, 100));
		t.deepEqual(good.frames.map((f) => f.kind), [FRAME_DEVICE, FRAME_VALUE], "the device name and the read value");
		good.socket.destroy();

		await t.throwsAsync(followSimulator(port, "not-the-token", new CompanionState()), { message: /^the simulator on 127\.0\.0\.1:\d+ refused this companion: wrong token/ });
	} finally {
		await gatt.close();
	}
});

test("tokens: 32 random bytes each run, compared whole; the token file is private (0600 in a 0700 folder) and named by port", (t) => {
	const a = newToken();
	t.regex(a, /^[A-Za-z0-9_-]{43}$/);
	t.not(a, newToken());
	t.true(tokensEqual(a, a));
	t.false(tokensEqual(a.slice(0, -1), a));
	t.false(tokensEqual(a + "x", a));
	t.false(tokensEqual(undefined, a));
	t.false(tokensEqual("", a));

	const path = writeTokenFile(40001, a);
	t.is(path, tokenFile(40001));
	t.is(statSync(path).mode & 0o777, 0o600);
	t.is(statSync(tokenDir()).mode & 0o777, 0o700);
	t.is(readTokenFile(40001), a);
	t.is(readTokenFile(40002), undefined);
});

test("hypertiny companion --sim PORT reads the run's token from its file; without one it names the file and exits 1; a wrong --token is refused with the simulator's reason", async (t) => {
	const gatt = new GattSocket();
	const port = await gatt.listen(0);
	const env = { ...process.env, XDG_RUNTIME_DIR: RUNTIME };
	const bin = join(ROOT, "bin/hypertiny.js");
	try {
		const none = spawnSync(process.execPath, [bin, "companion", "--sim", String(port), "--json"], { cwd: ROOT, env, encoding: "utf8" });
		t.is(none.status, 1);
		t.is(none.stderr, `hypertiny companion: no simulator token for port ${port} (${tokenFile(port)}): is hypertiny start running with --port ${port}? Else pass --token\n`);

		// Not spawnSync: the socket answering it runs in this process.
		const wrong = await new Promise<{ status: number; stderr: string }>((resolve) => {
			const child = spawn(process.execPath, [bin, "companion", "--sim", String(port), "--json", "--token", "nope"], { cwd: ROOT, env });
			let stderr = "";
			child.stderr.on("data", (c) => (stderr += c));
			child.on("close", (code) => resolve({ status: code ?? 1, stderr }));
		});
		t.is(wrong.status, 1);
		t.regex(wrong.stderr, /^hypertiny companion: the simulator on 127\.0\.0\.1:\d+ refused this companion: wrong token/);
		t.false(wrong.stderr.includes("    at "), "no stack");

		writeTokenFile(port, gatt.token);
		const cli = spawn(process.execPath, [bin, "companion", "--sim", String(port), "--json"], { cwd: ROOT, env });
		let stderr = "";
		cli.stderr.on("data", (c) => (stderr += c));
		const exited = new Promise<number>((resolve) => cli.on("close", (code) => resolve(code ?? 1)));
		const first = await Promise.race([gatt.client().then(() => "connected"), exited.then((code) => `exited ${code}: ${stderr}`)]);
		t.is(first, "connected");
		await gatt.close();
		t.is(await exited, 0, stderr);
	} finally {
		await gatt.close().catch(() => {});
	}
});
