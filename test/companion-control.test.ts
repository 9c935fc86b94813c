// Live control writes from a companion to the simulated device: over the simulator socket (the terminal
// companion's path) and the web companion's WebSocket, each write reaches the app's validated control handler
// as a BLE write would, the result comes back on the result characteristic, and its effect shows (counts reset).
// Malformed and oversized writes are refused with the protocol's result codes; a client that sends garbage is
// dropped; the app never crashes.
import { spawn, spawnSync } from "node:child_process";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { createHash } from "node:crypto";
import test from "ava";
import * as P from "../modules/ble/protocol.ts";
import { FIXTURE_MODEL } from "../host/app/default-model.ts";
import { GattSocket } from "../host/app/gatt-socket.ts";
import { SimApp } from "../host/app/sim-app.ts";
import { ROOT } from "../host/cli/sim-runner.ts";
import { WebCompanionServer, WsReader } from "../host/app/web-server.ts";
import { controlForKey, parseControl } from "../host/companion/control.ts";
import { encodeFrame, FrameReader, FRAME_HELLO, FRAME_NOTIFY, FRAME_VALUE, FRAME_WRITE, type Frame } from "../host/companion/frames.ts";
import { followSimulator } from "../host/companion/sources.ts";
import { CompanionState, type CompanionUpdate } from "../host/companion/state.ts";
import { built, excerpt } from "./app-helpers.ts";

test.before(() => built(["app"]));

/** A raw simulator-link client that says hello with `token`: every frame it receives, and a way to wait for one. */
function client(port: number, token: string): { socket: Socket; frames: Frame[]; until(test: (f: Frame) => boolean, what: string): Promise<Frame>; closed: Promise<void> } {
	const socket = connect({ port, host: "127.0.0.1" });
	socket.write(encodeFrame(FRAME_HELLO, 0, new TextEncoder().encode(token)));
	const reader = new FrameReader();
	const frames: Frame[] = [];
	const waiters: { test: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
	socket.on("data", (chunk: Buffer) => {
		for (const f of reader.push(chunk)) {
			frames.push(f);
			for (const w of waiters.splice(0)) (w.test(f) ? w.resolve(f) : waiters.push(w));
		}
	});
	const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
	return {
		socket,
		frames,
		closed,
		until: (test, what) =>
			new Promise((resolve, reject) => {
				const found = frames.find(test);
				if (found) return resolve(found);
				waiters.push({ test, resolve });
				closed.then(() => reject(new Error(`the link closed before ${what}`)));
			}),
	};
}

// One block per 1 ms timer tick at the least: blocks of 0.2 s keep a 20-minute excerpt running for 6 s or more,
// however fast the pipeline is, so the writes sent while it runs reach it on a loaded machine too.
const PACED = { traceBeats: false, blockSamples: 72 };
const notified = (id: number) => (f: Frame) => f.kind === FRAME_NOTIFY && f.id === id;
const results = (frames: Frame[]) => frames.filter(notified(P.CONTROL_RESULT)).map((f) => P.decodeControlResult(f.bytes));

test("a control write over the simulator socket reaches the app's validated handler: result notified, counts reset; malformed and oversized writes refused with the protocol's codes", async (t) => {
	const rec = await excerpt(20 * 60);
	const gatt = new GattSocket();
	const port = await gatt.listen(0);
	const c = client(port, gatt.token);
	await gatt.client();
	const app = new SimApp({ recording: rec, model: FIXTURE_MODEL, config: PACED });
	gatt.attach(app);
	try {
		// Wait until the app has counted beats, then reset them.
		await c.until((f) => notified(P.COUNTS)(f) && P.decodeCounts(f.bytes).counts.some((n) => n > 0), "counts above zero");
		c.socket.write(encodeFrame(FRAME_WRITE, P.CONTROL, parseControl("reset-counts")));
		const ok = await c.until(notified(P.CONTROL_RESULT), "the result of reset-counts");
		t.deepEqual(P.decodeControlResult(ok.bytes), { op: P.OP_RESET_COUNTS, result: P.RESULT_OK, length: 1, rejected: 0 });
		const counts = await c.until((f) => c.frames.indexOf(f) > c.frames.indexOf(ok) && notified(P.COUNTS)(f), "the counts after the reset");
		t.deepEqual(P.decodeCounts(counts.bytes).counts, [0, 0], "the reset's own summary reports zero counts");

		// Malformed writes, all answered, none applied; a write to a characteristic that is not writable never reaches the app.
		const bad = [new Uint8Array(0), new Uint8Array(21).fill(P.OP_RESET_COUNTS), Uint8Array.of(9), Uint8Array.of(P.OP_STRIP), Uint8Array.of(P.OP_V_RUN_LENGTH, 99)];
		c.socket.write(encodeFrame(FRAME_WRITE, P.SUMMARY, Uint8Array.of(1)));
		for (const bytes of bad) c.socket.write(encodeFrame(FRAME_WRITE, P.CONTROL, bytes));
		c.socket.write(encodeFrame(FRAME_WRITE, P.CONTROL, parseControl("v-run-length=4")));
		await c.until(() => results(c.frames).length >= 1 + bad.length + 1, "every result");
		t.deepEqual(
			results(c.frames).slice(1).map((r) => [r.op, r.result, r.length, r.rejected]),
			[
				[0, P.RESULT_EMPTY, 0, 1],
				[P.OP_RESET_COUNTS, P.RESULT_TOO_LONG, 21, 2],
				[9, P.RESULT_UNKNOWN_OPCODE, 1, 3],
				[P.OP_STRIP, P.RESULT_BAD_LENGTH, 1, 4],
				[P.OP_V_RUN_LENGTH, P.RESULT_OUT_OF_RANGE, 2, 5],
				[P.OP_V_RUN_LENGTH, P.RESULT_OK, 2, 5],
			],
		);
		t.is(gatt.refusedWrites, 1, "the write to summary was dropped at the socket");

		// A client that sends garbage after its hello is dropped; the app and the other client carry on.
		const rogue = client(port, gatt.token);
		await rogue.until((f) => f.kind === FRAME_VALUE, "the rogue's welcome");
		rogue.socket.write(Uint8Array.of(99, 0, 0));
		await rogue.closed;
		t.is(gatt.badClients, 1);
		const result = await app.done;
		t.is(result.status, 0, result.stderr);
		t.is(result.stats?.controlRejected, 5);
		const total = Object.values(result.stats?.counts as Record<string, number>).reduce((a, b) => a + b, 0);
		t.true(total < (result.stats?.beatsClassified as number), `counts restarted at the reset (${total} counted of ${result.stats?.beatsClassified} classified)`);
	} finally {
		await gatt.close();
		await c.closed;
	}
});

test("hypertiny companion's control path: --control writes and keys go to the app and the result shows in the companion's state", async (t) => {
	const rec = await excerpt(20 * 60);
	const gatt = new GattSocket();
	const port = await gatt.listen(0);
	const state = new CompanionState();
	const updates: CompanionUpdate[] = [];
	state.onUpdate((u) => updates.push(u));
	const sent: Promise<void>[] = [];
	const following = followSimulator(port, gatt.token, state, undefined, (send) => {
		// As `--control send-summary --control hex:0300` and the key "s" would.
		sent.push(send(parseControl("send-summary")), send(parseControl("hex:0300")), send(controlForKey("s")!));
	});
	await gatt.client();
	const app = new SimApp({ recording: rec, model: FIXTURE_MODEL, config: PACED });
	gatt.attach(app);
	await Promise.all(sent);
	const result = await app.done;
	await gatt.close();
	await following;
	t.is(result.status, 0, result.stderr);
	const control = updates.filter((u): u is Extract<CompanionUpdate, { type: "control" }> => u.type === "control").map((u) => [u.result.op, u.result.result]);
	t.deepEqual(control, [
		[P.OP_SEND_SUMMARY, P.RESULT_OK],
		[P.OP_V_RUN_LENGTH, P.RESULT_OUT_OF_RANGE],
		[P.OP_SEND_SUMMARY, P.RESULT_OK],
	]);
	t.is(gatt.writes, 3);
	t.throws(() => parseControl("strip=33"), { message: /strip=33: strip decimation must be an integer in 0\.\.32/ });
	t.throws(() => parseControl("reboot"), { message: /not a control write/ });
	t.throws(() => parseControl("hex:abc"), { message: /even number/ });
});

test("the web companion's WebSocket carries the page's control writes to the app and refuses other messages", async (t) => {
	const rec = await excerpt(20 * 60);
	const page = new WebCompanionServer();
	const port = await page.listen(0);
	const app = new SimApp({ recording: rec, model: FIXTURE_MODEL, config: PACED });
	page.attach(app);
	const got: P.ControlResultPacket[] = [];
	app.on("packet", (id: number, bytes: Uint8Array) => id === P.CONTROL_RESULT && got.push(P.decodeControlResult(bytes)));
	// A minimal WebSocket client: the upgrade, then masked binary messages as a browser sends them.
	const socket = connect({ port, host: "127.0.0.1" });
	const key = Buffer.from("hypertiny-test-k").toString("base64");
	await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
	const upgraded = new Promise<string>((resolve) => socket.once("data", (d: Buffer) => resolve(d.toString("latin1"))));
	socket.write(`GET /gatt?token=${page.token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
	const reply = await upgraded;
	t.regex(reply, /101 Switching Protocols/);
	t.true(reply.includes(createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64")));
	const masked = (payload: Uint8Array): Buffer => {
		const mask = Buffer.from([1, 2, 3, 4]);
		return Buffer.concat([Buffer.from([0x82, 0x80 | payload.length]), mask, Buffer.from(payload.map((b, i) => b ^ mask[i & 3]))]);
	};
	socket.write(masked(encodeFrame(FRAME_WRITE, P.CONTROL, parseControl("strip=4"))));
	socket.write(masked(encodeFrame(FRAME_WRITE, P.CONTROL, Uint8Array.of(P.OP_STRIP, 200))));
	socket.write(masked(encodeFrame(FRAME_WRITE, P.MODEL_INFO, Uint8Array.of(1))));
	socket.write(masked(Uint8Array.of(FRAME_WRITE, P.CONTROL, 5, 1))); // says 5 bytes, holds 1
	const result = await app.done;
	socket.destroy();
	await page.close();
	t.is(result.status, 0, result.stderr);
	t.deepEqual(got.map((r) => [r.op, r.result]), [
		[P.OP_STRIP, P.RESULT_OK],
		[P.OP_STRIP, P.RESULT_OUT_OF_RANGE],
	]);
	t.is(page.writes, 2);
	t.is(page.refusedWrites, 2);
});

test("WsReader: masked messages in any chunking; close frames and oversized messages end the client", (t) => {
	const mask = [9, 8, 7, 6];
	const frame = (opcode: number, payload: number[]) => Buffer.from([0x80 | opcode, 0x80 | payload.length, ...mask, ...payload.map((b, i) => b ^ mask[i & 3])]);
	const stream = Buffer.concat([frame(2, [7, 8, 1, 4]), frame(1, [65]), frame(2, [])]);
	for (const size of [1, 3, stream.length]) {
		const reader = new WsReader();
		const got: [number, number[]][] = [];
		for (let at = 0; at < stream.length; at += size) t.true(reader.push(stream.subarray(at, at + size), (op, p) => got.push([op, [...p]])));
		t.deepEqual(got, [[2, [7, 8, 1, 4]], [1, [65]], [2, []]]);
	}
	t.false(new WsReader().push(frame(8, []), () => {}), "close");
	t.false(new WsReader().push(Buffer.from([0x82, 0x80 | 126, 0x01, 0x03, ...mask]), () => {}), "259 bytes: longer than any write frame");
	t.false(new WsReader().push(Buffer.from([0x82, 0x01, 0x07]), () => {}), "unmasked");
});

test("hypertiny companion --sim PORT --control ... --json: the CLI sends the writes and prints the device's answers; bad --control is refused before connecting", async (t) => {
	const rec = await excerpt(20 * 60);
	const gatt = new GattSocket();
	const port = await gatt.listen(0);
	// strip=99 would be refused before sending (encodeControl); raw bytes reach the device, which refuses them.
	const cli = spawn(process.execPath, [join(ROOT, "bin/hypertiny.js"), "companion", "--sim", String(port), "--token", gatt.token, "--json", "--control", "send-summary", "--control", "hex:0263"], { cwd: ROOT });
	let stdout = "";
	let stderr = "";
	cli.stdout.on("data", (c) => (stdout += c));
	cli.stderr.on("data", (c) => (stderr += c));
	t.teardown(() => cli.kill());
	const exited = new Promise<number>((resolve) => cli.on("close", (code) => resolve(code ?? 1)));
	const first = await Promise.race([gatt.client().then(() => "connected"), exited.then((code) => `the CLI exited (${code}) before connecting: ${stderr}`)]);
	if (first !== "connected") {
		await gatt.close();
		return t.fail(first);
	}
	const app = new SimApp({ recording: rec, model: FIXTURE_MODEL, config: PACED });
	gatt.attach(app);
	const result = await app.done;
	await gatt.close();
	t.is(await exited, 0, stderr);
	t.is(result.status, 0, result.stderr);
	const control = stdout
		.split("\n")
		.filter((l) => l.startsWith("{"))
		.map((l) => JSON.parse(l))
		.filter((u) => u.type === "control")
		.map((u) => [u.result.op, u.result.result]);
	t.deepEqual(control, [
		[P.OP_SEND_SUMMARY, P.RESULT_OK],
		[P.OP_STRIP, P.RESULT_OUT_OF_RANGE],
	]);

	const bad = spawnSync(process.execPath, [join(ROOT, "bin/hypertiny.js"), "companion", "--sim", "1", "--control", "reboot"], { cwd: ROOT, encoding: "utf8" });
	t.is(bad.status, 2);
	t.regex(bad.stderr, /--control reboot: not a control write/);
	const serial = spawnSync(process.execPath, [join(ROOT, "bin/hypertiny.js"), "companion", "--serial", "/dev/null", "--control", "reset-counts"], { cwd: ROOT, encoding: "utf8" });
	t.is(serial.status, 2);
	t.regex(serial.stderr, /--control needs --sim or --ble/);
});
