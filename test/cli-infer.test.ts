// `hypertiny infer` as a user runs it: the simulator and the reference agree on the fixture under both
// policies; float windows are quantized with META's input params; bad input gives a clear error, not a trace.
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../host/cli/sim-runner.ts";
import { readModel } from "../modules/model/index.ts";
import { recrc } from "../host/pack/corrupt.ts";

const MODEL = join(ROOT, "test/fixtures/tiny-hyper.htpw");
const WINDOW = join(ROOT, "test/fixtures/window.bin");
const dir = mkdtempSync(join(tmpdir(), "hypertiny-cli-"));

function hypertiny(...args: string[]) {
	return spawnSync(process.execPath, [join(ROOT, "bin/hypertiny.js"), ...args], { encoding: "utf8" });
}

function inferJson(...args: string[]) {
	const r = hypertiny("infer", "--model", MODEL, "--json", ...args);
	if (r.status !== 0) throw new Error(r.stderr);
	return JSON.parse(r.stdout);
}

test("sim and ref engines give the same output under boot, lazy and stream", (t) => {
	const ref = inferJson("--input", WINDOW, "--engine", "ref");
	t.is(ref.output_q.length, 2);
	t.is(ref.class_name, ["rest", "V"][ref.class]);
	t.is(ref.probabilities.length, 2);
	t.true(Math.abs(ref.probabilities[0] + ref.probabilities[1] - 1) < 1e-9);
	for (const policy of ["boot", "lazy", "stream"]) {
		const budget = policy === "stream" ? ["--budget", String(readModel(new Uint8Array(readFileSync(MODEL))).maxKernelBytes)] : [];
		const sim = inferJson("--input", WINDOW, "--engine", "sim", "--policy", policy, ...budget);
		t.deepEqual(sim.output_q, ref.output_q, policy);
		t.is(sim.class, ref.class);
	}
});

test("a JSON window of floats is quantized with the model's input params", (t) => {
	const model = readModel(new Uint8Array(readFileSync(MODEL)));
	const { scale, zero_point } = model.meta.input;
	const raw = new Int8Array(readFileSync(WINDOW));
	const floats = Array.from(raw, (q) => (q - zero_point) * scale);
	const path = join(dir, "window.json");
	writeFileSync(path, JSON.stringify(floats));
	t.deepEqual(inferJson("--input", path, "--engine", "sim").output_q, inferJson("--input", WINDOW, "--engine", "sim").output_q);
});

test("bad inputs fail with a clear message and exit 1", (t) => {
	const short = join(dir, "short.bin");
	writeFileSync(short, new Uint8Array(10));
	let r = hypertiny("infer", "--model", MODEL, "--input", short);
	t.is(r.status, 1);
	t.regex(r.stderr, /has 10 bytes; the model's input is 256 int8 values/);

	const corrupt = join(dir, "corrupt.htpw");
	const blob = readFileSync(MODEL);
	blob[blob.length - 3] ^= 1;
	writeFileSync(corrupt, blob);
	r = hypertiny("infer", "--model", corrupt, "--input", WINDOW);
	t.is(r.status, 1);
	t.regex(r.stderr, /htpw CRC/);

	const nan = join(dir, "nan.json");
	writeFileSync(nan, JSON.stringify([...Array(255).fill(0), "x"]));
	r = hypertiny("infer", "--model", MODEL, "--input", nan);
	t.is(r.status, 1);
	t.regex(r.stderr, /not a finite number/);

	r = hypertiny("infer", "--model", MODEL, "--input", WINDOW, "--policy", "eager");
	t.is(r.status, 1);
	t.regex(r.stderr, /--policy must be boot, lazy or stream/);
	t.notRegex(r.stderr, /    at /, "no stack trace");
});

test("the simulator rejects a corrupted blob with the C validator's status", (t) => {
	// Past the TS reader (CRC repaired), the device runtime's own C validation must still refuse it.
	const blob = new Uint8Array(readFileSync(MODEL));
	const path = join(dir, "unknown-op.htpw");
	const model = readModel(blob);
	const plan = model.sectionEntry(2)!;
	const firstOp = plan.offset + 16 + 12 * model.tensorCount;
	blob[firstOp] = 99;
	writeFileSync(path, recrc(blob));
	const r = spawnSync(join(ROOT, "host/sim/out/hypertiny-sim"), ["--resource", `model.htpw=${path}`, "--resource", `input.bin=${WINDOW}`, join(ROOT, "dist/sim/infer.js")], { encoding: "utf8" });
	t.is(r.status, 1);
	t.regex(r.stderr + r.stdout, /htpw OPCODE \(12\)/);
});
