// A model's arena and synthesized kernels are capped to what a device can hold (docs/FORMAT.md §8: 256 KiB, the
// nRF52840's whole RAM): the C validator (htrun validate) and the TypeScript reader refuse the same blobs with the
// same status, and the reader's message names the cap. At the cap exactly, both accept.
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../host/cli/sim-runner.ts";
import { patch } from "../host/pack/corrupt.ts";
import { GEN_HEADER_BYTES, GEN_RECORD_BYTES, HtError, MAX_ARENA_BYTES, MAX_KERNEL_BYTES, MLP_RECORD_BYTES, readModel, SEC_GENERATOR, SEC_PLAN } from "../modules/model/index.ts";

const MODEL = join(ROOT, "test/fixtures/tiny-hyper.htpw");
const HTRUN = join(ROOT, "native/build/htrun");
const dir = mkdtempSync(join(tmpdir(), "hypertiny-caps-"));

test.before(() => {
	const make = spawnSync("make", ["-C", join(ROOT, "native"), "htrun"], { encoding: "utf8" });
	if (make.status !== 0) throw new Error(`make htrun failed:\n${make.stdout}${make.stderr}`);
});

function tsStatus(blob: Uint8Array): { status: string; message: string } {
	try {
		readModel(blob);
		return { status: "OK", message: "" };
	} catch (error) {
		if (!(error instanceof HtError)) throw error;
		return { status: error.status, message: error.message };
	}
}

function cStatus(blob: Uint8Array, name: string): string {
	const path = join(dir, `${name}.htpw`);
	writeFileSync(path, blob);
	const r = spawnSync(HTRUN, ["validate", path], { encoding: "utf8" });
	return r.stdout.trim();
}

const blob = new Uint8Array(readFileSync(MODEL));
const model = readModel(blob);
const arenaAt = model.sectionEntry(SEC_PLAN)!.offset + 4;
const genRecord0 = model.sectionEntry(SEC_GENERATOR)!.offset + GEN_HEADER_BYTES + MLP_RECORD_BYTES * model.generator!.mlp.length;

test("the caps are 256 KiB in C and TypeScript alike", (t) => {
	t.is(MAX_ARENA_BYTES, 262144);
	t.is(MAX_KERNEL_BYTES, 262144);
	const header = readFileSync(join(ROOT, "native/include/ht.h"), "utf8");
	t.regex(header, /#define HT_MAX_ARENA_BYTES \(256u \* 1024u\)/);
	t.regex(header, /#define HT_MAX_KERNEL_BYTES \(256u \* 1024u\)/);
});

test("an arena over the cap is PLAN in both validators, and the message names the cap", (t) => {
	for (const [arena, want] of [[MAX_ARENA_BYTES, "OK"], [MAX_ARENA_BYTES + 1, "PLAN"], [2 ** 31, "PLAN"], [0xffffffff, "PLAN"]] as const) {
		const b = patch(blob, arenaAt, "u32", arena);
		const ts = tsStatus(b);
		t.is(ts.status, want, `TS, arena ${arena}`);
		t.is(cStatus(b, `arena-${arena}`), want, `C, arena ${arena}`);
		if (want !== "OK") t.regex(ts.message, /arena of \d+ bytes exceeds the 262144-byte \(256 KiB\) cap of a device/);
	}
});

test("a generated kernel over the cap is GENERATOR in both validators; just under it the next check (SHAPE) decides", (t) => {
	// kernel_bytes = align4(cout * cin) + 12 * cout: 256 x 1012 is the cap exactly
	for (const [cout, cin, want] of [[256, 1012, "SHAPE"], [256, 1013, "GENERATOR"], [512, 512, "GENERATOR"], [65535, 65535, "GENERATOR"], [4096, 1, "SHAPE"]] as const) {
		const b = patch(patch(blob, genRecord0, "u16", cout), genRecord0 + 2, "u16", cin);
		const ts = tsStatus(b);
		t.is(ts.status, want, `TS, ${cout}x${cin}`);
		t.is(cStatus(b, `kernel-${cout}x${cin}`), want, `C, ${cout}x${cin}`);
		if (want === "GENERATOR") t.regex(ts.message, /kernel takes \d+ bytes, over the 262144-byte \(256 KiB\) cap of a device/);
	}
});
