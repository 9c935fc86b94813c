// The apnea task end to end in seconds, on synthetic recordings (no Apnea-ECG data needed): minutes whose heart rate
// swings with a 60 s period are apnea, steady ones normal → `hypertiny train --task apnea --fold 0` (PyTorch + QAT,
// tiny) → a .htpw that says it consumes an RR sequence → `hypertiny eval --split learning` by the C core, whose
// int8 outputs equal the trainer's engine-exact ones; the test set is refused without --release.
import test from "ava";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import type { ApneaRecord } from "../host/data/apnea-ecg.ts";
import type { ApneaEvalRow } from "../host/rhythm/apnea-eval.ts";
import { apneaOutputs } from "../host/rhythm/apnea-eval.ts";
import { readApneaDataset, writeApneaDataset } from "../host/rhythm/apnea-dataset.ts";
import { hasTorch } from "../host/train/python.ts";
import { readModel } from "../modules/model/index.ts";
import { APNEA_STEP_S } from "../modules/rhythm/apnea-input.ts";
import { IN_CI } from "./toolchain.ts";
import { runCli } from "./run-cli.ts";

const TITLE = "apnea: synthetic minutes → train (tiny) → pack → eval by the C core, outputs equal the trainer's";
const torch = hasTorch();
if (!torch && !IN_CI) process.stderr.write(`\nNOTICE: skipping "${TITLE}": /usr/bin/python3 (or $HYPERTINY_PYTHON) lacks torch/numpy (apt-get install python3-torch)\n`);
const register = torch ? test : IN_CI ? (title: string) => test(title, (t) => t.fail("CI=true but python3-torch is not installed (.ci/run installs it)")) : test.skip;

/** A recording of `minutes` minutes at 100 Hz: apnea minutes (label 1) swing ±150 ms with a 60 s period. */
function recording(name: string, set: "learning" | "test", labels: number[], seed: number): ApneaRecord {
	const beats: number[] = [];
	let t = 0;
	let x = seed;
	while (t < (labels.length + 3) * 6000) {
		beats.push(Math.round(t));
		x = (x * 1103515245 + 12345) % 2147483648;
		const minute = Math.min(labels.length - 1, Math.floor(t / 6000));
		const swing = labels[minute] ? 0.15 * Math.sin((2 * Math.PI * t) / 6000) : 0;
		t += 100 * (0.85 + 0.1 * (seed % 3) + swing + 0.03 * (x / 2147483648 - 0.5));
	}
	return { name, set, recordingClass: set === "test" ? "A" : (name[0]!.toUpperCase() as "A"), beats: Int32Array.from(beats), labels: Uint8Array.from(labels) };
}

register(TITLE, async (t) => {
	t.timeout(10 * 60_000);
	const dir = await mkdtemp(join(tmpdir(), "hypertiny-apnea-e2e-"));
	t.teardown(() => rm(dir, { recursive: true, force: true }));
	const pattern = (n: number, k: number) => Array.from({ length: n }, (_, i) => (Math.floor(i / k) % 2 ? 1 : 0));
	const records = [
		recording("a01", "learning", pattern(120, 10), 1), recording("a02", "learning", pattern(120, 15), 2),
		recording("c01", "learning", pattern(90, 1000), 3), recording("x01", "test", pattern(60, 12), 4),
	];
	const data = join(dir, "minutes");
	writeApneaDataset(data, records, new Map(records.map((r) => [r.name, r.name])), "synthetic");
	const model = join(dir, "apnea-tiny.htpw");
	const checkpoint = join(dir, "ckpt.json");
	const train = await runCli([
		"train", "--model", "hyper-lowrank", "--task", "apnea", "--size", "tiny", "--epochs", "12", "--qat-epochs", "1",
		"--epoch-size", "2000", "--fold", "0", "--t-star", "2", "--data", data, "--out", model, "--checkpoint", checkpoint, "--", "--threads", "2",
	]);
	t.is(train.status, 0, train.stderr);
	t.regex(train.stdout, /decision: apnea iff q_A - q_N >= 2/);
	const meta = readModel(new Uint8Array(readFileSync(model))).meta as Record<string, unknown>;
	t.is(meta["consumes"], "rr-sequence");
	t.is(meta["sample_rate"], 1 / APNEA_STEP_S);
	t.deepEqual(meta["classes"], ["N", "A"]);
	t.is(meta["t_star_score"], 2);

	const blind = await runCli(["eval", "--model", model, "--split", "test", "--data", data, "--json"]);
	t.is(blind.status, 1);
	t.regex(blind.stderr, /read once per released model/);

	const ev = await runCli(["eval", "--model", model, "--split", "learning", "--data", data, "--json"]);
	t.is(ev.status, 0, ev.stderr);
	const row = JSON.parse(ev.stdout) as ApneaEvalRow;
	t.is(row.figures.minutes, 330);
	t.is(row.bytes, (await stat(model)).size);
	t.is(row.t_star, 2);
	t.true(row.figures.accuracy > 0.8, `a swinging heart rate is learnt as apnea (accuracy ${row.figures.accuracy})`);
	t.deepEqual(row.figures.recordings.rows.map((r) => r.name), ["a01", "a02", "c01"]);

	// Fold 0 predicts its own training minutes with the trainer's engine-exact arithmetic: the C core must agree exactly.
	const ds = readApneaDataset(data);
	const c = apneaOutputs(model, new Uint8Array(readFileSync(model)), ds, 0, ds.index.splits.train.count);
	const trainer = new Int8Array(Buffer.from((JSON.parse(readFileSync(checkpoint, "utf8")) as { predictions: Record<string, string> }).predictions["validation_outputs"]!, "base64"));
	t.deepEqual(Array.from(c), Array.from(trainer));
});
