// The evaluation engine (native/tools/htbatch.c over the C core) against the TypeScript reference engine,
// window by window and bit for bit, and its errors on bad input.
import test from "ava";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { buildHtbatch, quantizeWindows, runWindows } from "../host/eval/engine.ts";
import { randomModel } from "../host/pack/random-model.ts";
import { writeModel } from "../host/pack/writer.ts";
import { readModel } from "../modules/model/index.ts";
import { quantizeValue } from "../modules/runtime/quantize.ts";
import { testWithTools } from "./toolchain.ts";

const dir = mkdtempSync(join(tmpdir(), "hypertiny-eval-engine-"));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** The golden-test input stream of docs/FORMAT.md §7 (xorshift32, low byte of each state). */
function xorshiftWindows(seed: number, bytes: number): Int8Array {
	const out = new Int8Array(bytes);
	let x = seed >>> 0;
	for (let i = 0; i < bytes; i++) {
		x ^= x << 13; x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5; x >>>= 0;
		out[i] = x & 0xff;
	}
	return out;
}

const MODELS: [string, () => Uint8Array][] = [
	["the tiny-hyper fixture (HEAD generator, residual, attention pooling)", () => new Uint8Array(readFileSync("test/fixtures/tiny-hyper.htpw"))],
	...[1, 2, 3].map((seed): [string, () => Uint8Array] => [`random LOWRANK model ${seed}`, () => writeModel(randomModel(seed, { family: "lowrank", length: 256, channels: 1, classes: 2, forceStride2: true, forceResidual: true }))]),
	...[4, 5].map((seed): [string, () => Uint8Array] => [`random HEAD model ${seed}, five classes`, () => writeModel(randomModel(seed, { family: "head", length: 256, channels: 1, classes: 5, forceAllBits: true }))]),
	["random all-stored INT8 model", () => writeModel(randomModel(6, { generated: false, length: 256, channels: 1, classes: 2 }))],
];

for (const [title, make] of MODELS) {
	testWithTools(`htbatch is bit-identical to the reference engine on 300 windows: ${title}`, ["make", "gcc"], (t) => {
		const blob = make();
		const path = join(dir, `${title.replace(/\W+/g, "-")}.htpw`);
		writeFileSync(path, blob);
		const model = readModel(blob);
		const inputs = xorshiftWindows(0x5eed + blob.length, 300 * model.input.length * model.input.channels);
		const native = runWindows(path, model, inputs, { engine: "native", threads: 2 });
		const reference = runWindows(path, model, inputs, { engine: "ref" });
		t.is(native.length, 300 * model.output.length * model.output.channels);
		t.deepEqual(native, reference);
		t.deepEqual(runWindows(path, model, inputs, { engine: "native", threads: 7 }), native, "the thread count does not change the outputs");
		t.true(new Set(native).size > 1, "outputs vary across windows");
	});
}

test("windows are quantized with the device's rule (modules/runtime/quantize.ts)", (t) => {
	const input = { scale: 0.25, zero_point: 3 };
	const windows = Float32Array.from([0.125, -0.125, 0.375, 40, -40, 1, 0, 0.1]);
	const q = quantizeWindows(windows, 4, input);
	t.deepEqual(Array.from(q), Array.from(windows, (x) => quantizeValue(x, input)));
	t.deepEqual(Array.from(q), [4, 2, 5, 127, -128, 7, 3, 3]);
	t.throws(() => quantizeWindows(windows, 3, input), { message: /not whole windows/ });
	t.throws(() => quantizeWindows(Float32Array.from([NaN, 0]), 2, input), { message: /not a finite number/ });
});

testWithTools("htbatch rejects a corrupt model, ragged input and bad arguments with clear errors", ["make", "gcc"], (t) => {
	const tool = buildHtbatch();
	const blob = new Uint8Array(readFileSync("test/fixtures/tiny-hyper.htpw"));
	const bad = blob.slice();
	bad[bad.length - 1] ^= 0x40;
	const badPath = join(dir, "bad.htpw"), goodPath = join(dir, "good.htpw"), inPath = join(dir, "in.i8"), outPath = join(dir, "out.i8");
	writeFileSync(badPath, bad);
	writeFileSync(goodPath, blob);
	writeFileSync(inPath, new Uint8Array(256 * 3 + 5));
	const run = (args: string[]) => spawnSync(tool, args, { encoding: "utf8" });
	const crc = run([badPath, inPath, outPath, "2"]);
	t.is(crc.status, 5);
	t.regex(crc.stderr, /invalid model .*bad\.htpw: CRC \(5\)/);
	const ragged = run([goodPath, inPath, outPath, "2"]);
	t.not(ragged.status, 0);
	t.regex(ragged.stderr, /773 bytes, not a whole number of 256-byte windows/);
	t.regex(run([goodPath, inPath, outPath, "0"]).stderr, /usage: htbatch/);
	t.regex(run([goodPath, join(dir, "missing.i8"), outPath, "1"]).stderr, /cannot read the inputs/);
	const model = readModel(blob);
	t.throws(() => runWindows(goodPath, model, new Int8Array(300), { engine: "native" }), { message: /not whole windows of 256/ });
});

testWithTools("the output cache is keyed by engine, model and inputs, and returns the engine's bytes", ["make", "gcc"], (t) => {
	const path = join(dir, "cache-model.htpw");
	writeFileSync(path, readFileSync("test/fixtures/tiny-hyper.htpw"));
	const model = readModel(new Uint8Array(readFileSync(path)));
	const cacheDir = join(dir, "cache");
	const a = xorshiftWindows(11, 50 * 256), b = xorshiftWindows(12, 50 * 256);
	const first = runWindows(path, model, a, { engine: "native", cacheDir });
	t.is(readdirSync(cacheDir).length, 1);
	t.deepEqual(runWindows(path, model, a, { engine: "native", cacheDir }), first);
	t.is(readdirSync(cacheDir).length, 1, "a rerun hits the cache");
	t.deepEqual(runWindows(path, model, b, { engine: "native", cacheDir }), runWindows(path, model, b, { engine: "ref" }));
	t.is(readdirSync(cacheDir).length, 2, "other inputs, another entry");
	const other = join(dir, "cache-model-2.htpw");
	writeFileSync(other, writeModel(randomModel(21, { length: 256, channels: 1, classes: 2 })));
	runWindows(other, readModel(new Uint8Array(readFileSync(other))), a, { engine: "native", cacheDir });
	t.is(readdirSync(cacheDir).length, 3, "another model, another entry");
});
