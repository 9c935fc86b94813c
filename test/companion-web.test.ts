// The web companion in headless Chromium against the simulator, driven over the DevTools protocol: the page
// decodes the app's packets (the shared protocol module, served transpiled) and draws the strip with class
// markers, and its buttons send control writes to the running app. The screenshot is kept as a test artifact:
// build/test-artifacts/web-companion.png.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "../modules/ble/protocol.ts";
import { FIXTURE_MODEL } from "../host/app/default-model.ts";
import { SimApp } from "../host/app/sim-app.ts";
import { WebCompanionServer } from "../host/app/web-server.ts";
import { ROOT } from "../host/cli/sim-runner.ts";
import { built, excerpt } from "./app-helpers.ts";
import { testWithTools } from "./toolchain.ts";

const ARTIFACTS = join(ROOT, "build/test-artifacts");

function text(dom: string, id: string): string | undefined {
	return new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(dom)?.[1];
}

testWithTools("web companion in headless Chromium shows the simulator's beats, classes and strip", ["chromium"], async (t) => {
	built(["app"]);
	const rec = await excerpt(45);
	const page = new WebCompanionServer();
	const port = await page.listen(0);
	try {
		const app = new SimApp({ recording: rec, model: FIXTURE_MODEL, config: { traceBeats: false, stripDecimation: 2 } });
		page.attach(app);
		const result = await app.done;
		t.is(result.status, 0, result.stderr);
		page.end();
		const url = page.url(port);
		const browser = await devtools(url);
		try {
			// The page replays every frame it missed, then the end of the recording.
			await until("the end of the run on the page", () => browser.evaluate(`document.body?.dataset.ended ?? ""`), (v) => v === "true");
			await browser.evaluate(`new Promise((resolve) => requestAnimationFrame(() => resolve(true)))`);
			const dom = String(await browser.evaluate(`document.documentElement.outerHTML`));
			t.regex(dom, /<button id="reset-counts">Reset counts<\/button>/, "the control buttons are enabled once the simulator is connected");
			t.is(Number(text(dom, "beats")), result.stats?.beatsDelivered);
			t.regex(text(dom, "model") ?? "", /^rest\/V \(boot, 5556 B\)$/);
			const counts = result.stats?.counts as Record<string, number>;
			t.is(text(dom, "counts"), `rest ${counts.rest}  V ${counts.V}`);
			t.is(text(dom, "signal"), "ok");

			mkdirSync(ARTIFACTS, { recursive: true });
			const shot = join(ARTIFACTS, "web-companion.png");
			writeFileSync(shot, Buffer.from(String(await browser.screenshot()), "base64"));
			const png = readFileSync(shot);
			t.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG");
			t.true(statSync(shot).size > 10000, `screenshot of ${statSync(shot).size} bytes has the drawing`);
		} finally {
			await browser.close();
		}
	} finally {
		await page.close();
	}
});

/**
 * Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages ending in
 * NUL, commands on fd 3, answers on fd 4), so a test can wait for the page and press its buttons.
 */
async function devtools(url: string): Promise<{ evaluate(expression: string): Promise<unknown>; screenshot(): Promise<string>; close(): Promise<void> }> {
	const profile = mkdtempSync(join(tmpdir(), "hypertiny-chromium-"));
	const child = spawn("chromium", ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,720", "--remote-debugging-pipe", `--user-data-dir=${profile}`, url], {
		stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"],
	});
	const toBrowser = child.stdio[3] as NodeJS.WritableStream;
	const fromBrowser = child.stdio[4] as NodeJS.ReadableStream;
	let next = 0;
	const waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
	let buffered = "";
	fromBrowser.setEncoding("utf8");
	fromBrowser.on("data", (chunk: string) => {
		buffered += chunk;
		let end;
		while ((end = buffered.indexOf("\0")) >= 0) {
			const message = JSON.parse(buffered.slice(0, end));
			buffered = buffered.slice(end + 1);
			const w = message.id !== undefined ? waiting.get(message.id) : undefined;
			if (!w) continue;
			waiting.delete(message.id);
			if (message.error) w.reject(new Error(JSON.stringify(message.error)));
			else w.resolve(message.result);
		}
	});
	const send = (method: string, params: object = {}, sessionId?: string): Promise<any> =>
		new Promise((resolve, reject) => {
			const id = ++next;
			waiting.set(id, { resolve, reject });
			toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + "\0");
		});
	let page: { targetId: string } | undefined;
	for (let i = 0; i < 100 && !page; i++) {
		page = (await send("Target.getTargets")).targetInfos.find((t: { type: string; url: string }) => t.type === "page" && t.url.startsWith(url));
		if (!page) await new Promise((r) => setTimeout(r, 100));
	}
	if (!page) throw new Error(`Chromium did not open ${url}`);
	const { sessionId } = await send("Target.attachToTarget", { targetId: page.targetId, flatten: true });
	return {
		async evaluate(expression) {
			const r = await send("Runtime.evaluate", { expression, returnByValue: true }, sessionId);
			if (r.exceptionDetails) throw new Error(`${expression}: ${JSON.stringify(r.exceptionDetails)}`);
			return r.result.value;
		},
		async screenshot() {
			return (await send("Page.captureScreenshot", { format: "png" }, sessionId)).data;
		},
		async close() {
			await send("Browser.close").catch(() => {});
			await new Promise((r) => (child.exitCode === null ? child.once("close", r) : r(undefined)));
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = await probe();
		if (ok(v)) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

testWithTools("web companion buttons: pressing Reset counts in headless Chromium sends a control write to the running app; its result shows on the page and the app's counts restart", ["chromium"], async (t) => {
	built(["app"]);
	const rec = await excerpt(30 * 60);
	const page = new WebCompanionServer();
	const port = await page.listen(0);
	// The playback pushes one block per 1 ms timer tick at the least: a 30-minute record in blocks of 0.1 s keeps
	// the app running for 18 s or more however fast the C pipeline is, while a loaded machine starts Chromium and
	// the button is pressed; the write is picked up between two blocks.
	const app = new SimApp({ recording: rec, model: FIXTURE_MODEL, config: { traceBeats: false, realtime: false, blockSamples: 36 } });
	page.attach(app);
	const browser = await devtools(page.url(port));
	try {
		const counted = await until("counts on the page", () => browser.evaluate(`document.getElementById("reset-counts")?.disabled === false ? document.getElementById("counts").textContent : ""`), (v) => /rest [1-9]/.test(String(v)));
		t.log(`before the press: ${counted}`);
		await browser.evaluate(`document.getElementById("reset-counts").click()`);
		const result = await until("the result of the write", () => browser.evaluate(`document.body?.dataset.lastResult ?? ""`), (v) => v !== "");
		t.is(result, `${P.OP_RESET_COUNTS}:${P.RESULT_OK}`, "the device accepted reset-counts");
		t.is(await browser.evaluate(`document.getElementById("result").textContent`), `control ${P.OP_RESET_COUNTS}: ok`);
		t.is(page.writes, 1, "one write went to the app");
		const run = await app.done;
		t.is(run.status, 0, run.stderr);
		const total = Object.values(run.stats?.counts as Record<string, number>).reduce((a, b) => a + b, 0);
		t.true(total < (run.stats?.beatsClassified as number), `the app's counts restarted (${total} of ${run.stats?.beatsClassified} classified beats)`);
	} finally {
		await browser.close();
		await page.close();
	}
});
