import test from "ava";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { inspectCommand } from "../host/cli/inspect.ts";
import { formatInspect, inspectBlob, ROLES } from "../host/pack/inspect.ts";
import { randomModelBlob } from "../host/pack/random-model.ts";

const FIXTURE = fileURLToPath(new URL("fixtures/tiny-hyper.htpw", import.meta.url));

function capture(fn: () => number): { code: number; out: string; err: string } {
	const out: string[] = [];
	const err: string[] = [];
	const write = process.stdout.write;
	const writeErr = process.stderr.write;
	process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write;
	process.stderr.write = ((s: string) => err.push(s) > 0) as typeof process.stderr.write;
	try {
		return { code: fn(), out: out.join(""), err: err.join("") };
	} finally {
		process.stdout.write = write;
		process.stderr.write = writeErr;
	}
}

test("roles sum to the file size and all_pw_int8_bytes follows §1", (t) => {
	for (let seed = 1; seed <= 20; seed++) {
		const blob = randomModelBlob(seed, seed % 2 ? { forceAllBits: true } : {});
		const r = inspectBlob(blob);
		t.is(ROLES.reduce((s, role) => s + r.roles[role], 0), blob.length);
		t.is(r.file_size, blob.length);
		t.true(r.roles.padding >= 0);
		const sections = r.sections.reduce((s, x) => s + x.length, 0);
		t.is(r.roles.header + sections + r.roles.padding, blob.length);
		if (r.generator) {
			const gen = r.roles.generator + r.roles.heads + r.roles.codes;
			t.true(r.generator_total_bytes > gen);
			t.is(r.all_pw_int8_bytes, blob.length - r.generator_total_bytes + r.generated_pw_int8_bytes);
			t.is(r.generated_pw_int8_bytes, r.generator.layers.reduce((s, l) => s + l.cout * l.cin + 12 * l.cout, 0));
		} else {
			t.is(r.all_pw_int8_bytes, blob.length);
		}
		t.is(r.compression_ratio, r.all_pw_int8_bytes / blob.length);
		t.regex(formatInspect(r), /all_pw_int8_bytes: \d+/);
	}
});

test("hypertiny inspect prints a table, or JSON with --json", (t) => {
	const table = capture(() => inspectCommand([FIXTURE]));
	t.is(table.code, 0);
	t.regex(table.out, /^tiny-hyper|tiny-hyper/m);
	t.regex(table.out, /kept_pw/);
	t.regex(table.out, /compression ratio/);
	const json = capture(() => inspectCommand([FIXTURE, "--json"]));
	t.is(json.code, 0);
	const report = JSON.parse(json.out);
	const size = readFileSync(FIXTURE).length;
	t.is(report.file_size, size);
	t.is(Object.values(report.roles as Record<string, number>).reduce((a, b) => a + b, 0), size);
	t.true(report.roles.kept_pw > 0 && report.roles.heads > 0 && report.roles.codes > 0);
	t.is(report.generator.family, "HEAD");
	t.deepEqual(report.generator.layers.map((l: { head_bits: number }) => l.head_bits), [4, 6]);
	t.is(report.name, "tiny-hyper");
});

test("hypertiny inspect usage errors exit 2", (t) => {
	t.is(capture(() => inspectCommand([])).code, 2);
	t.is(capture(() => inspectCommand(["a", "b"])).code, 2);
});
