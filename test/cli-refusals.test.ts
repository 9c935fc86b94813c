// Bad input at the command line (issue 16): a model the app would refuse (META not JSON or not the app's schema, an
// arena over the device cap) and a WFDB record out of physical range each get a one-line error and a non-zero exit
// from inspect, infer and start; no JS stack reaches the user. The META rule is the app's own
// (modules/app/model-meta.ts), checked here directly too.
import test from "ava";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../host/cli/sim-runner.ts";
import { patch, recrc } from "../host/pack/corrupt.ts";
import { checkModelMeta, metaFeatureColumns } from "../modules/app/model-meta.ts";
import { BEAT_FEATURE_NAMES, featureColumns } from "../modules/ecg/beat-features.ts";
import { readModel, SEC_META, SEC_PLAN } from "../modules/model/index.ts";

const MODEL = join(ROOT, "test/fixtures/tiny-hyper.htpw");
const WINDOW = join(ROOT, "test/fixtures/window.bin");
const dir = mkdtempSync(join(tmpdir(), "hypertiny-refusals-"));
const blob = new Uint8Array(readFileSync(MODEL));
const model = readModel(blob);
const META = JSON.parse(model.metaText!);

function hypertiny(...args: string[]) {
	return spawnSync(process.execPath, [join(ROOT, "bin/hypertiny.js"), ...args], { encoding: "utf8" });
}

/** The fixture with its META text replaced in place (padded with spaces to the section's length), CRC repaired. */
function withMeta(text: string): string {
	const meta = model.sectionEntry(SEC_META)!;
	const bytes = new TextEncoder().encode(text);
	if (bytes.length > meta.length) throw new Error(`META of ${bytes.length} bytes does not fit ${meta.length}`);
	const b = blob.slice();
	b.fill(0x20, meta.offset, meta.offset + meta.length);
	b.set(bytes, meta.offset);
	const path = join(dir, `meta-${Math.random().toString(36).slice(2)}.htpw`);
	writeFileSync(path, recrc(b));
	return path;
}

const metaWith = (change: Record<string, unknown>) => withMeta(JSON.stringify({ ...META, provenance: undefined, ...change }));

const BAD_META: [string, () => string, RegExp][] = [
	["not JSON", () => withMeta('{"classes": ["rest", "V"'), /META is not a JSON object/],
	["a JSON array", () => withMeta("[1, 2]"), /META is not a JSON object/],
	["no classes", () => metaWith({ classes: undefined }), /META\.classes must list 2\.\.\d+ class names/],
	["classes not strings", () => metaWith({ classes: [0, 1] }), /META\.classes must list/],
	["more classes than outputs", () => metaWith({ classes: ["N", "S", "V"] }), /the model outputs 2 values for 3 classes/],
	["sample_rate a string", () => metaWith({ sample_rate: "360" }), /META\.sample_rate must be a whole number of Hz, got "360"/],
	["sample_rate missing", () => metaWith({ sample_rate: undefined }), /META\.sample_rate must be a whole number of Hz/],
	["an unknown feature", () => metaWith({ features: ["qrs_width_ms"] }), /input features this app does not compute: qrs_width_ms/],
	["features not a list", () => metaWith({ features: "rr_pre_ratio" }), /META\.features must list feature names/],
	["window mismatch", () => metaWith({ window: 128 }), /the model input is 256x1, not 128x1/],
	["input scale 0", () => metaWith({ input: { scale: 0, zero_point: 0 } }), /META\.input \/ META\.output quantization missing or out of range/],
	["output zero point 300", () => metaWith({ output: { scale: 1, zero_point: 300 } }), /quantization missing or out of range/],
	["no output quantization", () => metaWith({ output: undefined }), /quantization missing or out of range/],
	["decision biases on a two-class model", () => metaWith({ decision_bias: [0, 3] }), /META\.decision_bias is for multi-class models/],
	["a decision bias too large", () => metaWith({ decision_bias: [0, 300] }), /META\.decision_bias must give an integer in -255\.\.255 for each of the 2 classes/],
	["score minutes on a beat model", () => metaWith({ score_minutes: 3 }), /META\.score_minutes must be an integer in 1\.\.8, and 1 unless the model consumes an RR sequence/],
	["score minutes 0", () => metaWith({ score_minutes: 0 }), /META\.score_minutes must be an integer in 1\.\.8/],
];

function oneLineRefusal(t: import("ava").ExecutionContext, r: ReturnType<typeof hypertiny>, pattern: RegExp, what: string): void {
	t.is(r.status, 1, `${what}: exit status (stdout ${r.stdout})`);
	t.regex(r.stderr, pattern, what);
	t.is(r.stderr.trimEnd().split("\n").length, 1, `${what}: one line: ${r.stderr}`);
	t.notRegex(r.stderr, /^\s+at /m, `${what}: no stack`);
	t.is(r.stdout, "", `${what}: nothing on stdout`);
}

test("the fixture's own META passes the app's check", (t) => {
	const checked = checkModelMeta(model.meta, { inputLength: 256, inputChannels: 1, outputValues: 2 }, featureColumns);
	t.not(typeof checked, "string", String(checked));
	t.is(hypertiny("inspect", MODEL).status, 0);
});

test("inspect and infer refuse a META the app refuses, with the app's reason, one line, exit 1", (t) => {
	for (const [name, make, pattern] of BAD_META) {
		const path = make();
		oneLineRefusal(t, hypertiny("inspect", path), pattern, `inspect, ${name}`);
		if (name === "not JSON") oneLineRefusal(t, hypertiny("inspect", path, "--json"), pattern, `inspect --json, ${name}`);
		oneLineRefusal(t, hypertiny("infer", "--model", path, "--input", WINDOW, "--engine", "ref"), pattern, `infer, ${name}`);
	}
});

test("inspect and infer refuse an arena over the device cap, naming the cap", (t) => {
	const path = join(dir, "arena-2gib.htpw");
	writeFileSync(path, patch(blob, model.sectionEntry(SEC_PLAN)!.offset + 4, "u32", 2 ** 31));
	const pattern = /htpw PLAN: arena of 2147483648 bytes exceeds the 262144-byte \(256 KiB\) cap of a device/;
	oneLineRefusal(t, hypertiny("inspect", path), pattern, "inspect");
	oneLineRefusal(t, hypertiny("infer", "--model", path, "--input", WINDOW), pattern, "infer");
});

test("the app's META check: the sample rate against the input's, and the feature part on its own", (t) => {
	const shape = { inputLength: 256, inputChannels: 1, outputValues: 2 };
	t.is(checkModelMeta(META, shape, featureColumns, 250), "the model takes 360 Hz, the input gives 250 Hz");
	t.is(typeof checkModelMeta(META, shape, featureColumns, 360), "object");
	t.is(checkModelMeta(null, shape, featureColumns), "META is not a JSON object");
	t.is(metaFeatureColumns([1], featureColumns), "META.features must list feature names");
	t.deepEqual(Array.from(metaFeatureColumns([BEAT_FEATURE_NAMES[1]!, BEAT_FEATURE_NAMES[0]!], featureColumns) as Int32Array), [1, 0]);
	const all = checkModelMeta({ ...META, features: [...BEAT_FEATURE_NAMES] }, { ...shape, inputChannels: 1 + BEAT_FEATURE_NAMES.length }, featureColumns);
	t.true(typeof all === "object" && all.channels === 1 + BEAT_FEATURE_NAMES.length);
});

test("the app's META check: what a model consumes, and the beat classifier refuses a rhythm model", (t) => {
	const shape = { inputLength: 256, inputChannels: 1, outputValues: 2 };
	const rhythm = { ...META, task: "apnea", classes: ["N", "A"], sample_rate: 0.5, consumes: "rr-sequence" };
	t.is(checkModelMeta(rhythm, shape, featureColumns, undefined, "beat-window"), "the model consumes an RR sequence (a rhythm model), not beat windows (a beat model)");
	const asAny = checkModelMeta(rhythm, shape, featureColumns);
	t.true(typeof asAny === "object" && asAny.consumes === "rr-sequence", "host commands take either kind");
	const beat = checkModelMeta(META, shape, featureColumns, 360, "beat-window");
	t.true(typeof beat === "object" && beat.consumes === "beat-window", "absent means a beat window");
	t.is(checkModelMeta({ ...META, consumes: "pixels" }, shape, featureColumns), 'META.consumes must be one of beat-window, rr-sequence, got "pixels"');
	t.is(checkModelMeta(META, shape, featureColumns, 360, "rr-sequence"), "the model consumes beat windows (a beat model), not an RR sequence (a rhythm model)");
	t.is(checkModelMeta({ ...rhythm, sample_rate: 360 }, shape, featureColumns), "META.sample_rate of an RR sequence must be in (0, 1] Hz, got 360");
	t.is(checkModelMeta({ ...META, sample_rate: 0.5 }, shape, featureColumns), "META.sample_rate must be a whole number of Hz, got 0.5");
});

test("start refuses a WFDB record out of physical range or one the ECG front end cannot take, one line, exit 1", (t) => {
	const fixture = join(ROOT, "test/fixtures/wfdb");
	const header = readFileSync(join(fixture, "119.hea"), "latin1");
	const cases: [string, string, RegExp][] = [
		["fs 1e9", header.replace("119 2 360 650000", "119 2 1e9 650000"), /line 1: sampling frequency 1e9 Hz is outside \(0, 100000\] Hz/],
		["negative gain", header.replace("212 200 11 1024 825", "212 -200 11 1024 825"), /line 2: ADC gain must be positive/],
		["zero signals", "119 0 360 650000\n", /line 1: number of signals 0 is outside 1\.\.256/],
		["fs 2000", header.replace("119 2 360 650000", "119 2 2000 650000"), /record 119: the app's ECG front end cannot take its MLII signal: ecg config: sampleRate must be an integer in 100\.\.1000, got 2000/],
	];
	for (const [name, text, pattern] of cases) {
		const recordDir = join(dir, name.replace(/\W+/g, "-"));
		mkdirSync(recordDir, { recursive: true });
		copyFileSync(join(fixture, "119.dat"), join(recordDir, "119.dat"));
		copyFileSync(join(fixture, "119.atr"), join(recordDir, "119.atr"));
		writeFileSync(join(recordDir, "119.hea"), text, "latin1");
		const r = hypertiny("start", "--record", join(recordDir, "119"));
		t.is(r.status, 1, `${name}: ${r.stderr}`);
		const lines = r.stderr.trimEnd().split("\n");
		t.regex(lines.at(-1)!, pattern, name);
		t.regex(lines.at(-1)!, /^hypertiny start: /, name);
		t.notRegex(r.stderr, /^\s+at |RangeError|TypeError/m, `${name}: no stack`);
	}
});
