// modules/ecg is device code: bundle it (with test/ecg-digest.ts) for the embedded-default XS host and check
// that XS delivers exactly what Node does, bit for bit, on a record exercising every path.
import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { digestRun } from "./ecg-digest.ts";
import { concat, syntheticEcg } from "./ecg-signals.ts";
import { bundleForXs } from "./xs-bundle.ts";

const SIM = fileURLToPath(new URL("../host/sim/out/hypertiny-sim", import.meta.url));
const DIGEST = fileURLToPath(new URL("./ecg-digest.ts", import.meta.url));

function recordWithDisturbances(): Int16Array {
	const ecg = syntheticEcg({ seconds: 150, seed: 31, noiseMv: 0.04 }).samples;
	const flat = new Int16Array(3 * 360).fill(1100);
	const rail = new Int16Array(2 * 360).fill(2047);
	return concat(ecg.subarray(0, 40 * 360), flat, ecg.subarray(43 * 360, 80 * 360), rail, ecg.subarray(82 * 360));
}

const CONFIG = { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 };
const NAN_BEFORE = [5000, 5001, 20000];
const LEAD_OFF_TOGGLES = [100 * 360, 104 * 360];

(existsSync(SIM) ? test : test.skip)("XS runs the pipeline bit-identically to Node", async (t) => {
	const samples = recordWithDisturbances();
	const expected = digestRun(samples, CONFIG, NAN_BEFORE, LEAD_OFF_TOGGLES);
	t.true(expected.beats > 120);
	t.deepEqual(
		expected.events.map((e) => e.split("@")[0]),
		["ok", "garbage", "flatline", "ok", "garbage", "saturation", "lead-off", "ok", "lead-off", "ok"],
	);

	const entry = `import { digestRun } from "./ecg-digest.ts";
const samples = new Int16Array(new Resource("record.bin").slice(0));
trace(JSON.stringify(digestRun(samples, ${JSON.stringify(CONFIG)}, ${JSON.stringify(NAN_BEFORE)}, ${JSON.stringify(LEAD_OFF_TOGGLES)})) + "\\n");
`;
	const code = await bundleForXs(entry, dirname(DIGEST));
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-ecg-xs-"));
	writeFileSync(join(dir, "ecg.js"), code);
	writeFileSync(join(dir, "record.bin"), new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));

	const run = spawnSync(SIM, ["--resource", `record.bin=${join(dir, "record.bin")}`, join(dir, "ecg.js")], { encoding: "utf8", timeout: 120000 });
	t.is(run.status, 0, run.stderr);
	const lines = run.stdout.trim().split("\n");
	t.deepEqual(JSON.parse(lines[lines.length - 1]), expected);
	t.true(readFileSync(join(dir, "ecg.js"), "utf8").includes("class EcgPipeline"));
});
