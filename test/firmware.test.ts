// Real board builds of the app's manifest.json with the pinned Moddable SDK: the nRF52840 DK firmware carries the
// default model's bytes in flash, its GATT tables come from every bleservices/*.json through Moddable's bles2gatt,
// a malformed service file fails the build; ESP32 resolves its manifest (firmware needs ESP-IDF).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { buildBoard } from "../host/cli/build.ts";
import { APP_MANIFEST, BOARDS, defaultModel } from "../host/moddable/boards.ts";
import { splitImage } from "../host/moddable/firmware.ts";
import { decodeIntelHex, findAll, mcconfig, parseMemoryUsage, tail } from "../host/moddable/moddable.ts";
import { ROOT } from "../host/moddable/toolchain.ts";
import { testWithModdable } from "./toolchain.ts";

const OUT = join(ROOT, "build/moddable/test-nrf52");

/** The bytes bles2gatt writes for a UUID: 16-bit as 0xABCD, 128-bit as 16 bytes little-endian. */
function uuidInC(uuid: string): string {
	const hex = uuid.replace(/-/g, "").toLowerCase();
	if (hex.length === 4) return `0x${hex.toUpperCase()}`;
	const bytes = hex.match(/../g)!.reverse();
	return `{ ${bytes.map((b) => `0x${b}`).join(", ")} }`;
}

function serviceUuids(): { file: string; uuids: string[] }[] {
	const dir = join(ROOT, "bleservices");
	return readdirSync(dir)
		.filter((f) => f.endsWith(".json"))
		.map((f) => {
			const service = JSON.parse(readFileSync(join(dir, f), "utf8")).service;
			return { file: f, uuids: [service.uuid, ...Object.values<{ uuid: string }>(service.characteristics).map((c) => c.uuid)] };
		});
}

testWithModdable("nRF52840 DK firmware (mcconfig -m -p nrf52/dk -t build) holds the default model in flash and every bleservices/*.json as GATT tables", ["nrf52"], async (t, tool) => {
	t.timeout(25 * 60_000);
	const model = defaultModel();
	t.log(`model ${model}${model.includes("fixtures") ? " (models/default.htpw is not there yet)" : ""}`);
	const result = await buildBoard(tool, BOARDS.nrf52, { debug: false, model, outDir: OUT });
	t.is(result.status, 0, `${result.command}\n${tail(result.output)}`);
	t.truthy(result.binDir, "xs_nrf52.hex was built");
	t.log(`built in ${result.seconds.toFixed(0)} s: ${result.command}`);
	const hexText = readFileSync(join(result.binDir!, "xs_nrf52.hex"), "utf8");
	t.true(existsSync(join(result.binDir!, "xs_nrf52.uf2")), "the UF2 image for the bootloader's USB drive");

	const blob = readFileSync(model);
	const image = decodeIntelHex(hexText);
	const at = findAll(image.bytes, blob);
	t.is(at.length, 1, "the model's bytes are in the image exactly once");
	const address = image.base + at[0];
	t.is(address % 4, 0, "the blob is 4-byte aligned in flash (kernels read it in place)");
	t.true(address >= 0x27000 && address + blob.length <= 0x27000 + 0xc8000, `in the app's flash region (0x${address.toString(16)})`);

	const split = splitImage(readFileSync(join(result.binDir!, "xs_lib.map"), "utf8"), hexText, blob);
	t.deepEqual(split.model, { address, bytes: blob.length }, "the linker map places one resource of exactly the blob's size there");

	const memory = parseMemoryUsage(result.output);
	t.truthy(memory, "the build printed its memory summary");
	t.true(memory!.flash <= 1 << 20, `flash ${memory!.flash}`);
	t.true(memory!.ram + memory!.heap <= 256 << 10, `RAM ${memory!.ram} + heap ${memory!.heap}`);
	// Sized from the measured high-water marks (boards/nrf52/manifest.json, test/firmware-ram.test.ts): 20 % stays free.
	t.true(memory!.ram + memory!.heap <= 0.8 * (256 << 10), `RAM ${memory!.ram} + heap ${memory!.heap} leaves less than 20 % of 256 KiB free`);
	t.log(`flash ${memory!.flash} B, RAM ${memory!.ram} B + heap ${memory!.heap} B`);

	const gatt = readFileSync(join(result.tmpDir!, "mc.bleservices.c"), "utf8");
	const services = serviceUuids();
	t.true(services.length >= 2);
	t.is(Number(/#define service_count (\d+)/.exec(gatt)?.[1]), services.length, "one GATT service per bleservices/*.json");
	for (const { file, uuids } of services) for (const uuid of uuids) t.true(gatt.includes(uuidInC(uuid)), `${file}: ${uuid} is in bles2gatt's tables`);
});

testWithModdable("a malformed bleservices JSON fails the nRF52 build at bles2gatt", ["nrf52"], async (t, tool) => {
	t.timeout(25 * 60_000);
	const dir = mkdtempSync(join(ROOT, "build/moddable/test-broken-service-"));
	try {
		const good = JSON.parse(readFileSync(join(ROOT, "bleservices/ecg.json"), "utf8"));
		const first = Object.keys(good.service.characteristics)[0];
		good.service.characteristics[first].properties = "notify,teleport";
		mkdirSync(join(dir, "bleservices"));
		writeFileSync(join(dir, "bleservices/broken.json"), JSON.stringify(good, null, "\t"));
		writeFileSync(join(dir, "manifest.json"), JSON.stringify({ include: [APP_MANIFEST], ble: { "*": ["./bleservices/*"] } }, null, "\t"));
		const result = await mcconfig(tool, { manifest: join(dir, "manifest.json"), platform: "nrf52/dk", outDir: OUT, env: { HT_MODEL: defaultModel().replace(/\.htpw$/, "") }, timeoutMs: 20 * 60_000 });
		t.not(result.status, 0, "the build fails");
		t.regex(result.output, /bles2gatt/);
		t.regex(result.output, /unknown property/, tail(result.output));
		t.false(existsSync(join(OUT, "bin/nrf52/dk/release", dir.split("/").pop()!, "xs_nrf52.hex")), "no firmware came out");
	} finally {
		rmSync(dir, { recursive: true, force: true });
		// Its build folders too: the board test takes the first makefile under OUT/tmp as the build's (mcconfig's tmpDir).
		const name = dir.split("/").pop()!;
		for (const sub of ["tmp", "bin"]) rmSync(join(OUT, sub, "nrf52/dk/release", name), { recursive: true, force: true });
	}
});

testWithModdable("ESP32: mcconfig -p esp32 resolves the manifest with the board's partitions and ADC config (firmware needs ESP-IDF)", ["esp32"], async (t, tool) => {
	const out = mkdtempSync(join(tmpdir(), "hypertiny-esp32-"));
	try {
		const result = await mcconfig(tool, { manifest: APP_MANIFEST, platform: "esp32", outDir: out, make: false, env: { HT_MODEL: defaultModel().replace(/\.htpw$/, "") } });
		t.is(result.status, 0, tail(result.output));
		t.truthy(result.tmpDir, "the makefile was written");
		const flat = JSON.parse(readFileSync(join(result.tmpDir!, "manifest_flat.json"), "utf8"));
		t.truthy(flat.modules, "manifest_flat.json");
		const partitions = readFileSync(join(result.tmpDir!, "xsProj-esp32/partitions.csv"), "utf8");
		t.regex(partitions, /^factory,\s*app,\s*factory,\s*0x10000,\s*0x3F0000/m, "boards/esp32/partitions.csv");
		const config = readFileSync(join(result.tmpDir!, "mc.config.js"), "utf8");
		t.regex(config, /"adcPin": 36/);
		t.regex(config, /"model": "model.htpw"/);
	} finally {
		rmSync(out, { recursive: true, force: true });
	}
});

function hypertiny(args: string[], env: Record<string, string | undefined>): { status: number | null; stdout: string; stderr: string } {
	const merged: Record<string, string> = {};
	for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
	const r = spawnSync(process.execPath, [join(ROOT, "bin/hypertiny.js"), ...args], { cwd: ROOT, encoding: "utf8", env: merged, timeout: 120_000 });
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("hypertiny build names what is missing and how to install it, never a stack trace", (t) => {
	const empty = mkdtempSync(join(tmpdir(), "hypertiny-nosdk-"));
	try {
		const noSdk = hypertiny(["build", "nrf52"], { MODDABLE: empty });
		t.is(noSdk.status, 1);
		t.regex(noSdk.stderr, /not a Moddable SDK folder/);
		t.regex(noSdk.stderr, /xs-dev/);
		t.notRegex(noSdk.stderr + noSdk.stdout, /^\s+at /m);

		const badModel = hypertiny(["build", "nrf52", "--model", join(empty, "none.htpw")], {});
		t.is(badModel.status, 1);
		t.regex(badModel.stderr, /--model .*none\.htpw: no such file/);
		t.notRegex(badModel.stderr, /^\s+at /m);

		const badBoard = hypertiny(["build", "esp8266"], {});
		t.is(badBoard.status, 1);
		t.regex(badBoard.stderr, /unknown board "esp8266" \(nrf52, esp32, lin\)/);
	} finally {
		rmSync(empty, { recursive: true, force: true });
	}
});

testWithModdable("hypertiny build nrf52 without the nRF5 SDK says so (NRF_SDK_DIR, xs-dev setup --device nrf52)", ["esp32"], async (t, tool) => {
	const r = hypertiny(["build", "nrf52"], { ...tool.env, NRF_SDK_DIR: join(tmpdir(), "no-nrf5-sdk-here") });
	t.is(r.status, 1);
	t.regex(r.stderr, /the nRF5 SDK: NRF_SDK_DIR=.*no-nrf5-sdk-here has no components\//);
	t.regex(r.stderr, /xs-dev setup --device nrf52/);
	t.notRegex(r.stderr, /^\s+at /m);
});

testWithModdable("hypertiny build esp32 without ESP-IDF stops after the manifest step and says so", ["esp32"], async (t, tool) => {
	t.timeout(5 * 60_000);
	const out = mkdtempSync(join(tmpdir(), "hypertiny-esp32-cli-"));
	try {
		const r = hypertiny(["build", "esp32", "--out", out], { ...tool.env, IDF_PATH: undefined });
		t.is(r.status, 1, r.stdout + r.stderr);
		t.regex(r.stderr, /stopped after the manifest step/);
		t.regex(r.stderr, /ESP32 firmware was NOT built/);
		t.regex(r.stderr, /IDF_PATH is not set; xs-dev setup --device esp32/);
		t.regex(r.stdout, /mcconfig -p esp32 -t build/, "the manifest step ran (no -m)");
	} finally {
		rmSync(out, { recursive: true, force: true });
	}
});
