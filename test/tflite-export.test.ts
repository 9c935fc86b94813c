// hypertiny export --tflite, checked by TensorFlow Lite Micro itself (PyPI tflite-micro, its own interpreter and
// reference kernels): version 2 models (docs/FORMAT.md §2a) exported as builtin ops give our int8 outputs on
// random and adversarial windows, bit for bit; buffers are 16-byte aligned; version 1 models and attention pooling
// are refused with one line. TFLM's Python: $HYPERTINY_TFLM_PYTHON, else results/tmp/tflm-venv (a venv with
// --system-site-packages and `pip install tflite-micro`).
import test, { type ExecutionContext } from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../host/cli/main.ts";
import { OP_ATTNPOOL, NONE16 } from "../modules/model/format.ts";
import type { Model } from "../modules/model/model.ts";
import { readModel } from "../modules/model/reader.ts";
import { randomModel, type RandomModelOptions } from "../host/pack/random-model.ts";
import { writeModel } from "../host/pack/writer.ts";
import { BUILTIN } from "../host/tflite/flatbuffer.ts";
import { ExportError, exportTflite } from "../host/tflite/export.ts";
import { checkWindows, compareWithTflm, hasTflm, TFLM_MISSING, tflmPython } from "../host/tflite/tflm.ts";
import { REPO_ROOT } from "../host/train/python.ts";
import { IN_CI } from "./toolchain.ts";
import { captureOutput } from "./capture-output.ts";

const PYTHON = tflmPython();
const RUNNER = join(REPO_ROOT, "host/tflite/run_tflm.py");
const MISSING = `no TFLM Python at ${PYTHON} (${TFLM_MISSING})`;
const TFLM = hasTflm();
const dir = mkdtempSync(join(tmpdir(), "hypertiny-tflite-"));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function tflmTest(title: string, body: (t: ExecutionContext) => void | Promise<void>): void {
	if (TFLM) test.serial(title, body);
	else if (IN_CI) test(title, (t) => t.fail(`CI=true but ${MISSING}`));
	else {
		process.stderr.write(`\nNOTICE: skipping "${title}": ${MISSING}\n`);
		test.skip(title, () => {});
	}
}

/** Version 2 random models that export (no attention pooling, RELU/none clamps, no odd max-pool pads), with generated layers. */
function exportable(count: number): { seed: number; model: Model }[] {
	const found: { seed: number; model: Model }[] = [];
	const options: RandomModelOptions[] = [{ version: 2, forceResidual: true }, { version: 2, forceResidual: true, forceStride2: true, forceAllBits: true }];
	for (let seed = 1; found.length < count && seed < 2000; seed++) {
		const model = readModel(writeModel(randomModel(seed, options[seed % 2])));
		if (!model.generator || model.ops.some((o) => o.opcode === OP_ATTNPOOL)) continue;
		try {
			exportTflite(model);
			found.push({ seed, model });
		} catch (e) {
			if (!(e instanceof ExportError)) throw e;
		}
	}
	return found;
}

tflmTest("TFLM's interpreter gives our int8 outputs on every window of exported version 2 models with generated layers", (t) => {
	const models = exportable(4);
	t.is(models.length, 4);
	const builtins = new Set<number>();
	for (const { seed, model } of models) {
		const tflite = exportTflite(model);
		const layout = JSON.parse(spawnSync(PYTHON, [RUNNER, "--layout", writeTemp(tflite)], { encoding: "utf8" }).stdout) as { buffers: [number, number][]; ops: number[]; metadata: string[] };
		t.true(layout.buffers.every(([offset, length]) => length === 0 || offset % 16 === 0), `seed ${seed}: buffers 16-byte aligned`);
		t.deepEqual(layout.metadata, ["hypertiny"]);
		layout.ops.forEach((op) => builtins.add(op));
		const result = compareWithTflm(model, checkWindows(model, 1000 + seed, 250));
		t.is(result.identical, result.windows, `seed ${seed}: identical int8 outputs on ${result.identical}/${result.windows} windows (first different: ${result.firstDifferent})`);
		t.true(model.ops.some((o) => o.genLayer !== NONE16), "a generated layer, synthesized before export");
	}
	const want = ["PAD", "CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "MEAN", "FULLY_CONNECTED"] as const;
	t.deepEqual(want.filter((name) => !builtins.has(BUILTIN[name].code)), [], "the exported models use every mapped builtin");
});

function writeTemp(bytes: Uint8Array): string {
	const path = join(dir, `t${process.hrtime.bigint()}.tflite`);
	writeFileSync(path, bytes);
	return path;
}

test.serial("export refuses a version 1 model and attention pooling with one line (exit 1)", async (t) => {
	const v1 = join(REPO_ROOT, "test/fixtures/tiny-hyper.htpw");
	const captured = await captureOutput(() => main(["export", "--tflite", v1, "-o", join(dir, "v1.tflite")]));
	t.is(captured.code, 1);
	t.regex(captured.stderr, /^hypertiny export: .*version 1 model carries no float32 scales.*\n$/);
	let seed = 1;
	while (!readModel(writeModel(randomModel(seed, { version: 2 }))).ops.some((o) => o.opcode === OP_ATTNPOOL)) seed++;
	const path = join(dir, "attn.htpw");
	writeFileSync(path, writeModel(randomModel(seed, { version: 2 })));
	const attn = await captureOutput(() => main(["export", "--tflite", path]));
	t.is(attn.code, 1);
	t.regex(attn.stderr, /ATTNPOOL.*no TFLite builtin/);
	t.is(attn.stderr.split("\n").length, 2, "one line");
	const usage = await captureOutput(() => main(["export", path]));
	t.is(usage.code, 2);
	// inspect says why a model has no .tflite (the app's own models before their retraining are version 1).
	const inspect = await captureOutput(() => main(["inspect", v1, "--json"]));
	t.is(inspect.code, 0, inspect.stderr);
	const report = JSON.parse(inspect.stdout) as { tflite_bytes: number | null; tflite_refused: string | null };
	t.is(report.tflite_bytes, null);
	t.regex(report.tflite_refused ?? "", /version 1/);
});

tflmTest("export --check runs the model in TFLM and reports identical outputs", async (t) => {
	const [{ model }] = exportable(1);
	const path = join(dir, "checked.htpw");
	writeFileSync(path, model.bytes);
	const run = await captureOutput(() => main(["export", "--tflite", path, "-o", join(dir, "checked.tflite"), "--check", "40"]));
	t.is(run.code, 0, run.stderr);
	t.regex(run.stdout, /TFLM: identical int8 outputs on 46\/46 windows\n$/);
});

test.serial("export writes the .tflite next to the model and reports both sizes", async (t) => {
	const [{ model }] = exportable(1);
	const path = join(dir, "ok.htpw");
	writeFileSync(path, model.bytes);
	const run = await captureOutput(() => main(["export", "--tflite", path]));
	t.is(run.code, 0, run.stderr);
	const tflite = readFileSync(join(dir, "ok.tflite"));
	t.is(new TextDecoder().decode(tflite.subarray(4, 8)), "TFL3");
	t.regex(run.stdout, new RegExp(`ok\\.tflite: ${tflite.length} bytes \\(.*ok\\.htpw: ${model.fileSize} bytes`));
});
