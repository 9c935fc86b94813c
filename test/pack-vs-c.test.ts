// The TypeScript reader and reference engine against the C core's htrun (native/build/htrun, `make -C native
// htrun`, built here): the same status for every corrupted blob, the same golden checksums.
import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readModel } from "../modules/model/reader.ts";
import { HtError } from "../modules/model/errors.ts";
import { runChecksum } from "../host/pack/checksum.ts";
import { corruptions, flipBit, truncate } from "../host/pack/corrupt.ts";
import { randomModelBlob } from "../host/pack/random-model.ts";
import { Rng } from "../host/pack/rng.ts";

const HTRUN = fileURLToPath(new URL("../native/build/htrun", import.meta.url));
test.before(() => {
	const make = spawnSync("make", ["-C", fileURLToPath(new URL("../native", import.meta.url)), "htrun"], { encoding: "utf8" });
	if (make.status !== 0 || !existsSync(HTRUN)) throw new Error(`make htrun failed:\n${make.stdout}${make.stderr}`);
});
const dir = mkdtempSync(join(tmpdir(), "ht-vs-c-"));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function tsStatus(blob: Uint8Array): string {
	try {
		readModel(blob.slice());
		return "OK";
	} catch (error) {
		if (error instanceof HtError) return error.status;
		throw error;
	}
}

function htrun(args: string[]): string {
	const r = spawnSync(HTRUN, args, { encoding: "utf8" });
	return `${r.stdout}${r.stderr}`.trim();
}

function cStatus(blob: Uint8Array, name: string): string {
	const file = join(dir, `${name}.htpw`);
	writeFileSync(file, blob);
	return htrun(["validate", file]).split(/\s+/)[0];
}

// Version 1 (stored multipliers, integer synthesis) and version 2 (float32 scales, TFLM's rule; docs/FORMAT.md §2a).
const VERSIONS = [1, 2] as const;

test("C and TypeScript validators agree on corruptions, bit flips and truncations", (t) => {
	for (let seed = 1; seed <= 6; seed++) {
		const version = VERSIONS[Math.floor((seed - 1) / 2) % 2];
		const blob = randomModelBlob(seed, seed % 2 ? { forceAllBits: true, forceResidual: true, forceStride2: true, version } : { family: "lowrank", version });
		const cases: [string, Uint8Array][] = [["valid", blob], ...corruptions(blob).map((c): [string, Uint8Array] => [c.name, c.blob])];
		const rng = new Rng(seed);
		for (let i = 0; i < 60; i++) cases.push([`flip ${i}`, flipBit(blob, rng.int(0, blob.length * 8 - 1), true)]);
		for (let i = 0; i < 10; i++) cases.push([`truncation ${i}`, truncate(blob, rng.int(0, blob.length - 1))]);
		for (const [name, b] of cases) t.is(cStatus(b, `s${seed}`), tsStatus(b), `seed ${seed} version ${version}: ${name}`);
	}
});

test("C and TypeScript engines give the same golden checksums and synthesis counts under boot, lazy and stream", (t) => {
	for (let i = 0; i < 12; i++) {
		const seed = (i % 6) + 1;
		const version = VERSIONS[i < 6 ? 0 : 1];
		const blob = randomModelBlob(seed, seed % 2 ? { forceAllBits: true, forceResidual: true, forceStride2: true, version } : { version });
		t.is(readModel(blob).versionMajor, version);
		const file = join(dir, `golden${seed}-v${version}.htpw`);
		writeFileSync(file, blob);
		const m = readModel(blob);
		const roomy = Math.max(m.maxKernelBytes, m.kernelBytes.reduce((a, b) => a + b, 0) - 4); // all but 4 bytes
		const runs = [
			{ policy: "boot", arg: "boot" },
			{ policy: "lazy", arg: "lazy" },
			{ policy: "stream", arg: `stream:${m.maxKernelBytes}`, budget: m.maxKernelBytes },
			{ policy: "stream", arg: `stream:${roomy}`, budget: roomy },
		] as const;
		for (const run of runs) {
			if (run.policy === "stream" && m.kernelBytes.length === 0) continue;
			const ts = runChecksum(m, { seed: 1000 + seed, windows: 4, policy: run.policy, budget: "budget" in run ? run.budget : undefined });
			const want = `checksum ${ts.crc.toString(16).padStart(8, "0")}\nsynthesized ${ts.synthesized}`;
			t.is(htrun(["checksum", file, "4", String(1000 + seed), run.arg]), want, `seed ${seed} version ${version} ${run.arg}`);
		}
	}
});
