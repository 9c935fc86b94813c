// The apnea model's input on the device: the C (native/src/ht_ecg_apnea.c) through the xsmc binding in the XS host,
// both as the app calls it (one call assembling and quantizing a minute from its ring) and through apneaInput, gives
// the same int8 bytes as the TypeScript reference it replaced (test/apnea-input-reference.ts, quantized as
// modules/runtime/quantize.ts does) and as Node (the dataset builder's path) on a beat train with missed and extra beats,
// and the shipped models/apnea.htpw run by the device runtime in the simulator gives the same int8 logits as the
// C core that `hypertiny apnea release` and `hypertiny eval` use.
import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { APNEA_WINDOW, apneaInput } from "../modules/rhythm/apnea-input.ts";
import { quantizeInto } from "../modules/runtime/quantize.ts";
import { apneaInputReference } from "./apnea-input-reference.ts";
import { readModel } from "../modules/model/index.ts";
import { runWindows } from "../host/eval/engine.ts";
import { infer } from "../host/cli/infer.ts";
import { bundleForXs } from "./xs-bundle.ts";

const SIM = fileURLToPath(new URL("../host/sim/out/hypertiny-sim", import.meta.url));
const MODEL = fileURLToPath(new URL("../models/apnea.htpw", import.meta.url));
const MINUTES = 12;

/** Beats at 100 Hz with a 50 s heart-rate swing, one 4 s dropout (missed beats) and two extra beats. */
function beatTrain(): Int32Array {
	const beats: number[] = [];
	for (let t = 0; t < (MINUTES + 4) * 6000;) {
		beats.push(Math.round(t));
		t += 100 * (0.9 + 0.12 * Math.sin((2 * Math.PI * t) / 5000));
	}
	const out = beats.filter((b) => b < 30000 || b > 30400);
	out.push(45012, 61001);
	return Int32Array.from(out.sort((a, b) => a - b));
}

function nodeInputs(beats: Int32Array, input: { scale: number; zero_point: number }, assemble = apneaInput): Int8Array {
	const out = new Int8Array(MINUTES * APNEA_WINDOW);
	const window = new Float32Array(APNEA_WINDOW);
	for (let m = 0; m < MINUTES; m++) {
		assemble(beats, 100, m, window);
		quantizeInto(window, input, out.subarray(m * APNEA_WINDOW, (m + 1) * APNEA_WINDOW));
	}
	return out;
}

(existsSync(SIM) ? test : test.skip)("the device's apnea input and logits equal the host's, bit for bit", async (t) => {
	const blob = new Uint8Array(readFileSync(MODEL));
	const model = readModel(blob);
	const input = (model.meta as { input: { scale: number; zero_point: number } }).input;
	const beats = beatTrain();
	const expected = nodeInputs(beats, input, apneaInputReference);
	t.deepEqual(Array.from(nodeInputs(beats, input)), Array.from(expected), "Node's apneaInput (the C as WebAssembly) gives the reference's bytes");

	const entry = `import { APNEA_WINDOW, apneaInput } from "../modules/rhythm/apnea-input.ts";
import { apneaMinuteNative } from "../modules/ecg/native.ts";
import { quantizeInto } from "../modules/runtime/quantize.ts";
const beats = new Int32Array(new Resource("beats.bin").slice(0));
const ring = new Uint32Array(beats.length + 9);
ring.set(beats);
const out = new Int8Array(${MINUTES} * APNEA_WINDOW);
const device = new Int8Array(${MINUTES} * APNEA_WINDOW);
const window = new Float32Array(APNEA_WINDOW);
const q = ${JSON.stringify(input)};
for (let m = 0; m < ${MINUTES}; m++) {
	apneaInput(beats, 100, m, window);
	quantizeInto(window, q, out.subarray(m * APNEA_WINDOW, (m + 1) * APNEA_WINDOW));
	apneaMinuteNative(ring.buffer, 0, beats.length, 100, m, window.buffer, 0, device.buffer, m * APNEA_WINDOW, q.scale, q.zero_point);
}
trace(JSON.stringify(Array.from(device)) + "\\n");
trace(JSON.stringify(Array.from(out)) + "\\n");
`;
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-apnea-xs-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	writeFileSync(join(dir, "apnea.js"), await bundleForXs(entry, fileURLToPath(new URL(".", import.meta.url))));
	writeFileSync(join(dir, "beats.bin"), new Uint8Array(beats.buffer));
	const run = spawnSync(SIM, ["--resource", `beats.bin=${join(dir, "beats.bin")}`, join(dir, "apnea.js")], { encoding: "utf8", timeout: 120000 });
	t.is(run.status, 0, run.stderr);
	const lines = run.stdout.trim().split("\n");
	const fromXs = Int8Array.from(JSON.parse(lines[lines.length - 1]!) as number[]);
	t.deepEqual(Array.from(fromXs), Array.from(expected), "XS assembles and quantizes every minute as Node does");
	const fromDevice = Int8Array.from(JSON.parse(lines[lines.length - 2]!) as number[]);
	t.deepEqual(Array.from(fromDevice), Array.from(expected), "the app's one call per minute in XS gives the same bytes");
	t.true(new Set(expected).size > 20, "the windows are not flat");

	const c = runWindows(MODEL, model, expected, { engine: "native" });
	for (const m of [0, 5, MINUTES - 1]) {
		const path = join(dir, `minute${m}.bin`);
		writeFileSync(path, expected.subarray(m * APNEA_WINDOW, (m + 1) * APNEA_WINDOW));
		const device = infer(MODEL, path, "sim", "boot");
		t.deepEqual(device.output_q, Array.from(c.subarray(2 * m, 2 * m + 2)), `minute ${m}: the simulator's device runtime and the C core`);
	}
});
