// The beat input in C (native/src/ht_input.c through native/xs/ht_xs_input.c, modules/runtime/beat-input.ts: a plan
// per gain and quantization, then each beat) equals
// the TypeScript rule (modules/runtime/quantize.ts over modules/ecg/normalize.ts) bit for bit: many values (halves
// at several scales, negatives, zero points, the clamp, extremes), random windows with and without feature
// channels, and the same refusals (non-finite values, mismatched lengths). Run in the embedded-default XS host.
import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { windowToMillivolts } from "../modules/ecg/normalize.ts";
import { quantizeInto, quantizeValue } from "../modules/runtime/quantize.ts";
import { Xorshift32 } from "../modules/runtime/xorshift32.ts";
import { bundleForXs } from "./xs-bundle.ts";

const SIM = fileURLToPath(new URL("../host/sim/out/hypertiny-sim", import.meta.url));
const HERE = dirname(fileURLToPath(import.meta.url));

const QUANTS: [scale: number, zeroPoint: number][] = [
	[0.02, 0],
	[1 / 64, 0],
	[0.0137, -7],
	[0.1, 127],
	[0.05, -128],
	[1 / 3, 3],
];

function values(): number[] {
	const rng = new Xorshift32(2026);
	const out: number[] = [0, -0, 1e-300, -1e-300, 1e300, -1e300, 0.49999999999999994, -0.49999999999999994, Number.MAX_VALUE, -Number.MIN_VALUE];
	for (const [scale] of QUANTS)
		for (let k = -140; k <= 140; k++) {
			out.push((k + 0.5) * scale, (k - 0.5) * scale, k * scale, (k + 0.5) * scale * (1 + 2 ** -52), (k + 0.5) * scale * (1 - 2 ** -52));
			out.push(Math.fround((k + 0.5) * scale));
		}
	for (let i = 0; i < 2000; i++) out.push(((rng.next() / 2 ** 32) - 0.5) * 8, Math.fround(((rng.next() / 2 ** 32) - 0.5) * 4));
	return out;
}

interface Beat {
	window: number[];
	features: number[];
	adcGain: number;
	q: [number, number];
}

function beats(): Beat[] {
	const rng = new Xorshift32(7);
	const out: Beat[] = [];
	const gains = [200, 1241, 3, 7.3];
	for (let b = 0; b < 24; b++) {
		const length = [256, 252, 1, 17][b % 4]!;
		const window = Array.from({ length }, () => (rng.next() % 6001) - 3000);
		const featureCount = [0, 3, 1, 3][(b >> 2) % 4]!;
		const features = Array.from({ length: featureCount }, () => Math.fround(((rng.next() / 2 ** 32) - 0.5) * 5));
		out.push({ window, features, adcGain: gains[b % gains.length]!, q: QUANTS[b % QUANTS.length]! });
	}
	return out;
}

/** What the TS rule makes of a beat: the window in mV (Float32Array) and each feature, quantized into [L][C]. */
function tsBeat(b: Beat): number[] {
	const mv = windowToMillivolts(Int32Array.from(b.window), b.adcGain, new Float32Array(b.window.length));
	const c = 1 + b.features.length;
	const floats = new Float32Array(b.window.length * c);
	for (let i = 0; i < b.window.length; i++) {
		floats[i * c] = mv[i]!;
		for (let f = 0; f < b.features.length; f++) floats[i * c + 1 + f] = b.features[f]!;
	}
	const out = new Int8Array(floats.length);
	quantizeInto(floats, { scale: b.q[0], zero_point: b.q[1] }, out);
	return Array.from(out);
}

async function runInXs(input: unknown): Promise<any> {
	const entry = `import { beatInputPlan, quantizeValueNative, writeBeatInput } from "../modules/runtime/beat-input.ts";
const input = JSON.parse(String.fromArrayBuffer(new Resource("input.json").slice(0)));
const refusal = (f) => { try { f(); return "no error"; } catch (e) { return String(e.message); } };
const values = input.quants.map(([s, z]) => input.values.map((x) => quantizeValueNative(x, s, z)));
const beats = input.beats.map((b) => {
	const out = new Int8Array(b.window.length * (1 + b.features.length));
	writeBeatInput(out, Int32Array.from(b.window), beatInputPlan(b.adcGain, b.q[0], b.q[1]), Float32Array.from(b.features));
	return Array.from(out);
});
const w = new Int32Array([1, 2, 3, 4]);
const out8 = new Int8Array(8).fill(0x33);
const plan = beatInputPlan(200, 0.02, 0);
const refusals = {
	nanValue: refusal(() => quantizeValueNative(NaN, 0.02, 0)),
	infValue: refusal(() => quantizeValueNative(-Infinity, 0.02, 0)),
	nanFeature: refusal(() => writeBeatInput(out8, w, plan, new Float32Array([NaN]))),
	wrongLength: refusal(() => writeBeatInput(out8, w, plan, new Float32Array(3))),
	zeroGain: refusal(() => beatInputPlan(0, 0.02, 0)),
	tinyGain: refusal(() => beatInputPlan(1e-300, 0.02, 0)),
	badZeroPoint: refusal(() => beatInputPlan(200, 0.02, 0.5)),
	notAPlan: refusal(() => writeBeatInput(out8, w, {}, new Float32Array(1))),
	notInt32: refusal(() => writeBeatInput(out8, new Uint32Array(4), plan, new Float32Array(1))),
	notFloat32: refusal(() => writeBeatInput(out8, w, plan, [0.5])),
	readOnlyOut: refusal(() => writeBeatInput(new Int8Array(new Resource("input.json"), 0, 8), w, plan, new Float32Array(1))),
	untouched: Array.from(out8),
	subarray: (() => { const big = new Int32Array([9, 9, 400, -400, 9]); const o = new Int8Array(2); writeBeatInput(o, big.subarray(2, 4), plan, new Float32Array(0)); return Array.from(o); })(),
	columnOutside: refusal(() => writeBeatInput(out8, w, plan, new Float32Array(3), new Int32Array([3]))),
	columnNegative: refusal(() => writeBeatInput(out8, w, plan, new Float32Array(3), new Int32Array([-1]))),
	columnsNotInt32: refusal(() => writeBeatInput(out8, w, plan, new Float32Array(3), [0])),
	columnsWrongCount: refusal(() => writeBeatInput(out8, w, plan, new Float32Array(3), new Int32Array([0, 1]))),
	columnsTooMany: refusal(() => writeBeatInput(new Int8Array(4 * 34), w, plan, new Float32Array(3), new Int32Array(33))),
	untouchedByColumns: Array.from(out8),
};
// The model's features picked in C (columns) equal the same features copied out first.
const all = new Float32Array([0.25, -1.5, 0.031, 2, -0.7, 0.5]);
const columns = new Int32Array([4, 0, 4, 2]);
const window = new Int32Array(16).map((_, i) => (i * 37) % 200 - 100);
const pickedPlan = beatInputPlan(200, 0.02, -3);
const picked = new Int8Array(16 * 5);
writeBeatInput(picked, window, pickedPlan, all, columns);
const copied = new Int8Array(16 * 5);
writeBeatInput(copied, window, pickedPlan, Float32Array.from(columns, (c) => all[c]));
const columnsCase = { picked: Array.from(picked), copied: Array.from(copied) };
trace(JSON.stringify({ values, beats, refusals, columnsCase }) + "\\n");
`;
	const code = await bundleForXs(entry, HERE);
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-input-"));
	writeFileSync(join(dir, "input.js"), code);
	writeFileSync(join(dir, "input.json"), JSON.stringify(input));
	const run = spawnSync(SIM, ["--resource", `input.json=${join(dir, "input.json")}`, join(dir, "input.js")], { encoding: "utf8", timeout: 120000, maxBuffer: 64 << 20 });
	if (run.status !== 0) throw new Error(`hypertiny-sim exited ${run.status}: ${run.stderr}`);
	const lines = run.stdout.trim().split("\n");
	return JSON.parse(lines[lines.length - 1]!);
}

(existsSync(SIM) ? test : test.skip)("the beat input in C equals the TypeScript rule bit for bit, and refuses what it refuses", async (t) => {
	const vs = values();
	const bs = beats();
	const got = await runInXs({ values: vs, quants: QUANTS, beats: bs });
	QUANTS.forEach(([scale, zero_point], i) => {
		const expected = vs.map((x) => quantizeValue(x, { scale, zero_point }));
		t.deepEqual(got.values[i], expected, `values at scale ${scale}, zero point ${zero_point}`);
		// The set exercises both clamps and both rounding directions at halves.
		t.true(expected.includes(127) && expected.includes(-128), `clamped both ways at scale ${scale}`);
	});
	bs.forEach((b, i) => t.deepEqual(got.beats[i], tsBeat(b), `beat ${i}: ${b.window.length} samples, ${b.features.length} features, gain ${b.adcGain}`));
	t.true(bs.some((b) => b.features.length === 3 && b.window.length === 256));
	const r = got.refusals;
	for (const k of ["nanValue", "infValue", "nanFeature", "wrongLength", "zeroGain", "tinyGain", "badZeroPoint", "notAPlan", "notInt32", "notFloat32", "readOnlyOut", "columnOutside", "columnNegative", "columnsNotInt32", "columnsWrongCount", "columnsTooMany"])
		t.regex(r[k], /^htpw ARGUMENT \(20\): /, k);
	t.deepEqual(r.untouchedByColumns, r.untouched, "a refused pick writes nothing");
	t.deepEqual(got.columnsCase.picked, got.columnsCase.copied, "features picked by columns in C equal the same features copied first");
	t.true(new Set(got.columnsCase.picked).size > 4);
	t.regex(r.notInt32, /window must be an Int32Array/);
	t.regex(r.notAPlan, /plan must be made by xs_ht_input_plan/);
	t.deepEqual(r.untouched, new Array(8).fill(0x33), "a refused beat leaves the input as it was");
	t.deepEqual(r.subarray, [quantizeValue(Math.fround(2), { scale: 0.02, zero_point: 0 }), quantizeValue(Math.fround(-2), { scale: 0.02, zero_point: 0 })].map((v) => Math.max(-128, Math.min(127, v))));
	// The TS rule refuses the same non-finite inputs.
	t.throws(() => quantizeInto([NaN], { scale: 0.02, zero_point: 0 }, new Int8Array(1)), { message: /not a finite number/ });
});
