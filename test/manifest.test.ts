// The app's manifest.json, read as mcconfig reads it for each board: every include, module, preload name, data
// and BLE service file it names exists, and every module our TypeScript imports at run time is in it. No SDK
// needed (the real mcconfig builds are test/firmware.test.ts and test/moddable-*.test.ts).
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { APP_MANIFEST, BOARDS } from "../host/moddable/boards.ts";
import { missingImports, regExpUses, resolveManifest } from "../host/moddable/manifest-check.ts";
import { ROOT } from "../host/moddable/toolchain.ts";

const NAMESPACES = ["model/", "runtime/", "ecg/", "rhythm/", "app/", "ble/"];
const OWN = ROOT + "/";
/** A playback recording for the simulator build, as `hypertiny build lin` provides it. */
const SIM_DATA = mkdtempSync(join(tmpdir(), "hypertiny-manifest-"));
writeFileSync(join(SIM_DATA, "ecg.bin"), new Uint8Array(32));
test.after.always(() => rmSync(SIM_DATA, { recursive: true, force: true }));

for (const b of Object.values(BOARDS)) {
	test(`manifest.json for ${b.platform}: every file and module it names exists, and our imports are all in it`, (t) => {
		const m = resolveManifest(APP_MANIFEST, { platform: b.platform, env: { HT_SIM_DATA: SIM_DATA } });
		t.deepEqual(m.problems, []);
		t.deepEqual(missingImports(m, OWN, NAMESPACES), []);
		t.true(m.manifests.some((f) => f.endsWith(`boards/${b.name}/manifest.json`)), "the board's manifest is included");
		t.true(m.modules.has("main"), "main");
		t.deepEqual(regExpUses(m, OWN), [], "no regular expression: it would keep XS's RegExp engine (~30 kB of flash)");
		for (const name of ["ecg/record", "ecg/normalize", "runtime/xorshift32"]) t.false(m.modules.has(name), `${name} is left out ("~": host-only)`);
		t.deepEqual([...m.modules.keys()].filter((k) => k.startsWith("model/")).sort(), ["model/meta-json", "model/utf8"], "the device reads models through the C core, not modules/model");
		for (const name of ["runtime/native-model", "runtime/interpreter", "ecg/pipeline", "rhythm/af-detector", "app/start", "ble/transport", "app/input"]) t.true(m.modules.has(name), name);
		t.true([...m.modules.values()].flat().some((f) => f.endsWith("native/xs/ht_xs.c")), "the xsmc binding is compiled in");
		t.true(m.data.some((f) => f.endsWith("test/fixtures/tiny-hyper.htpw") || f.endsWith("models/default.htpw")), "a model blob is placed as data");
		t.is(m.config.model, "model.htpw");
		if (b.name === "lin") {
			t.deepEqual(m.modules.get("ble/transport")?.map((f) => f.slice(OWN.length)), ["modules/ble/trace-transport.ts"]);
			t.deepEqual(m.modules.get("app/input")?.map((f) => f.slice(OWN.length)), ["modules/app/playback-input.ts"]);
		} else {
			t.deepEqual(m.modules.get("ble/transport")?.map((f) => f.slice(OWN.length)), ["modules/ble/server-transport.ts"]);
			t.deepEqual(m.modules.get("app/input")?.map((f) => f.slice(OWN.length)), ["modules/app/adc-input.ts"]);
			t.true(m.ble.length >= 2, "the GATT services go to bles2gatt");
			for (const key of ["adcPin", "sampleRate", "adcBits", "adcGain", "leadOffPlusPin", "leadOffMinusPin"]) t.is(typeof m.config[key], "number", key);
			t.is(m.config.sampleRate, 360, "the boards sample at MIT-BIH's rate, the models' (hardware-timed blocks, boards/adc-block)");
			t.deepEqual(m.modules.get("app/adc-block")?.map((f) => f.slice(OWN.length)), ["modules/app/adc-block.ts"]);
		}
	});
}

test("manifest.json: an unknown platform is refused with the manifest's own error", (t) => {
	const m = resolveManifest(APP_MANIFEST, { platform: "pico" });
	t.true(m.problems.some((p) => /unsupported platform/.test(p)), m.problems.join("\n"));
});

test("the golden app's manifest names only what exists", (t) => {
	const m = resolveManifest(join(ROOT, "host/moddable/apps/golden/manifest.json"), { platform: "lin", env: { HT_GOLDEN_DATA: SIM_DATA } });
	t.deepEqual(m.problems, []);
	t.deepEqual(missingImports(m, OWN, NAMESPACES), []);
});

test("the check finds a missing module, a bad preload, a missing data file, an unlisted or left-out import and a regular expression", (t) => {
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-manifest-bad-"));
	try {
		mkdirSync(join(dir, "lib"));
		writeFileSync(join(dir, "lib/a.ts"), 'import { b } from "./b.ts";\nimport type { C } from "./c.ts";\nexport const a = b;\n');
		writeFileSync(join(dir, "lib/b.ts"), "export const b = 1;\n");
		writeFileSync(join(dir, "lib/c.ts"), "export interface C { x: number }\n");
		writeFileSync(join(dir, "lib/d.ts"), 'export const d = /x+/.test("xx") || new RegExp("y").test("y");\n');
		writeFileSync(
			join(dir, "manifest.json"),
			JSON.stringify({
				include: ["./missing.json"],
				modules: { "lib/a": "./lib/a", "lib/gone": "./lib/gone", "lib/b": "./lib/b", "lib/d": "./lib/d", "~": ["./lib/b"] },
				preload: ["lib/a", "lib/nothing"],
				data: { model: "./nowhere/model" },
			}),
		);
		const m = resolveManifest(join(dir, "manifest.json"), { platform: "lin" });
		t.is(m.problems.length, 4, m.problems.join("\n"));
		t.true(m.problems.some((p) => /missing\.json, which does not exist/.test(p)));
		t.true(m.problems.some((p) => /"lib\/gone": \.\/lib\/gone matches no file/.test(p)));
		t.true(m.problems.some((p) => /preload "lib\/nothing"/.test(p)));
		t.true(m.problems.some((p) => /\.\/nowhere\/model matches no file/.test(p)));
		const imports = missingImports(m, dir + "/", ["lib/"]);
		t.is(imports.length, 1, imports.join("\n"));
		t.regex(imports[0], /imports \.\/b\.ts, which no module of the manifest provides/, "lib/b is left out by \"~\"");
		t.false(m.modules.has("lib/b"));
		t.deepEqual(regExpUses(m, dir + "/"), ["lib/d.ts:1", "lib/d.ts:1"], "a literal and RegExp");
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test("npm run typecheck (modules/tsconfig.json) covers every TypeScript module the manifest compiles, against @moddable/typings", (t) => {
	const r = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "modules/tsconfig.json"), "--listFilesOnly"], { encoding: "utf8" });
	t.is(r.status, 0, r.stdout + r.stderr);
	const checked = new Set(r.stdout.trim().split("\n").map((f) => resolve(f.trim())));
	for (const b of Object.values(BOARDS)) {
		const m = resolveManifest(APP_MANIFEST, { platform: b.platform, env: { HT_SIM_DATA: SIM_DATA } });
		for (const [specifier, files] of m.modules) {
			for (const f of files) if (f.endsWith(".ts") && f.startsWith(OWN)) t.true(checked.has(f), `${b.platform} ${specifier}: ${f} is type-checked`);
		}
	}
	for (const typing of ["xs.d.ts", "Resource.d.ts", "timer.d.ts", "mc/config.d.ts", "pins/digital.d.ts", "ble/bleserver.d.ts"]) {
		t.true(checked.has(join(ROOT, "node_modules/@moddable/typings", typing)), `@moddable/typings/${typing}`);
	}
});
