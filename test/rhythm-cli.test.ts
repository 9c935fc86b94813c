// `hypertiny rhythm cv`: DS2 stays blind without --release; bad options are refused before any data is read.
import test from "ava";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rhythmCommand } from "../host/cli/rhythm.ts";
import { AF_DEFAULTS } from "../modules/rhythm/af-detector.ts";

test("--split test is refused without --release, and nothing is written", async (t) => {
	const out = mkdtempSync(join(tmpdir(), "hypertiny-rhythm-"));
	try {
		await t.throwsAsync(rhythmCommand(["cv", "--split", "test", "--out", out]), { message: /DS2, blind until release: add --release/ });
		t.false(existsSync(join(out, "af-ds2.json")));
		t.false(existsSync(join(out, "af-cv.json")));
	} finally {
		rmSync(out, { recursive: true, force: true });
	}
});

test("--help prints the options and says DS2 is blind", async (t) => {
	const written: string[] = [];
	const write = process.stdout.write;
	process.stdout.write = ((chunk: string) => (written.push(chunk), true)) as typeof process.stdout.write;
	try {
		t.is(await rhythmCommand(["--help"]), 0);
	} finally {
		process.stdout.write = write;
	}
	t.regex(written.join(""), /^usage: hypertiny rhythm cv/);
	t.regex(written.join(""), /--split test +DS2, blind: refused unless --release/);
});

test("unknown splits, streams and subcommands are usage errors", async (t) => {
	await t.throwsAsync(rhythmCommand(["cv", "--split", "val"]), { message: /--split must be train/ });
	await t.throwsAsync(rhythmCommand(["cv", "--streams", "device,holter"]), { message: /--streams takes some of/ });
	await t.throwsAsync(rhythmCommand(["fit"]), { message: /usage: hypertiny rhythm cv/ });
});

test("the app's AF parameters are the device stream's choice on all of DS1 in the committed results", (t) => {
	const report = JSON.parse(readFileSync(new URL("../results/rhythm/af-cv.json", import.meta.url), "utf8"));
	const device = report.streams.find((s: { stream: string }) => s.stream === "device");
	t.deepEqual(device.allRecords.parameters, { ...AF_DEFAULTS });
	t.true(report.shippedIsDeviceChoice);
	t.is(report.split, "DS1 (de Chazal 2004 training records), leave-one-record-out");
	t.is(device.folds.length, 22);
});
