// The web companion in headless Chromium against the simulator: the page decodes the app's packets (the
// shared protocol module, served transpiled) and draws the strip with class markers. The screenshot is kept
// as a test artifact: build/test-artifacts/web-companion.png.
import { spawn } from "node:child_process";
import { mkdirSync, statSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURE_MODEL } from "../host/app/default-model.ts";
import { SimApp } from "../host/app/sim-app.ts";
import { WebCompanionServer } from "../host/app/web-server.ts";
import { ROOT } from "../host/cli/sim-runner.ts";
import { built, excerpt } from "./app-helpers.ts";
import { testWithTools } from "./toolchain.ts";

const ARTIFACTS = join(ROOT, "build/test-artifacts");

function chromium(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		const child = spawn("chromium", ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,720", "--virtual-time-budget=8000", ...args]);
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (c) => (stdout += c));
		child.stderr.on("data", (c) => (stderr += c));
		child.on("close", (status) => resolve({ status: status ?? 1, stdout, stderr }));
	});
}

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
		const url = `http://127.0.0.1:${port}/`;
		// Headless Chromium's virtual time can run out before the WebSocket opens when the machine is busy (the
		// page then still says "connecting"): load it again, a few times at most.
		let dom = await chromium(["--dump-dom", url]);
		for (let attempt = 1; attempt < 5 && dom.status === 0 && /id="status"[^>]*>connecting/.test(dom.stdout); attempt++) {
			t.log(`attempt ${attempt}: the page's WebSocket had not opened when Chromium dumped it; loading it again`);
			dom = await chromium(["--dump-dom", url]);
		}
		t.is(dom.status, 0, dom.stderr);
		t.regex(dom.stdout, /data-ended="true"/, "the page received the whole run");
		t.regex(dom.stdout, /<button id="reset-counts">Reset counts<\/button>/, "the control buttons are enabled once the simulator is connected");
		t.is(Number(text(dom.stdout, "beats")), result.stats?.beatsDelivered);
		t.regex(text(dom.stdout, "model") ?? "", /^rest\/V \(boot, 5556 B\)$/);
		const counts = result.stats?.counts as Record<string, number>;
		t.is(text(dom.stdout, "counts"), `rest ${counts.rest}  V ${counts.V}`);
		t.is(text(dom.stdout, "signal"), "ok");

		mkdirSync(ARTIFACTS, { recursive: true });
		const shot = join(ARTIFACTS, "web-companion.png");
		const s = await chromium([`--screenshot=${shot}`, url]);
		t.is(s.status, 0, s.stderr);
		const png = readFileSync(shot);
		t.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG");
		t.true(statSync(shot).size > 10000, `screenshot of ${statSync(shot).size} bytes has the drawing`);
	} finally {
		await page.close();
	}
});
