// The ECG core in Node is WebAssembly built from native/src/ht_ecg*.c (host/ecg-wasm): the committed .wasm must be
// what the sources build to, the settings order must be the header's, and the Node functions must check their
// arguments and answer exactly as the xsmc binding does in XS (native/xs/ht_xs_ecg.c).
import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ECG_SETTING_NAMES, resolveConfig, settingsArray } from "../modules/ecg/config.ts";
// @ts-expect-error plain JavaScript build script, no declarations
import { buildWasm } from "../host/ecg-wasm/build.mjs";
import { testWithTools } from "./toolchain.ts";

const WASM = fileURLToPath(new URL("../host/ecg-wasm/ht_ecg.wasm", import.meta.url));
const HEADER = fileURLToPath(new URL("../native/include/ht_ecg.h", import.meta.url));
const SIM = fileURLToPath(new URL("../host/sim/out/hypertiny-sim", import.meta.url));

testWithTools("the committed ht_ecg.wasm is what native/src/ht_ecg*.c build to (clang --target=wasm32)", ["clang", "wasm-ld"], (t) => {
	const out = join(mkdtempSync(join(tmpdir(), "hypertiny-ecg-wasm-")), "ht_ecg.wasm");
	buildWasm(out);
	const built = readFileSync(out);
	const committed = readFileSync(WASM);
	t.true(built.equals(committed), `rebuilt ${built.length} bytes differ from the committed ${committed.length}: run node host/ecg-wasm/build.mjs and commit the .wasm`);
});

test("ECG_SETTING_NAMES follow the HT_ECG_S_* order of ht_ecg.h", (t) => {
	const header = readFileSync(HEADER, "utf8");
	const block = header.slice(header.indexOf("HT_ECG_S_SAMPLE_RATE"), header.indexOf("HT_ECG_S_COUNT"));
	const names = [...block.matchAll(/HT_ECG_S_(\w+),/g)].map((m) => m[1]);
	const upper = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
	t.deepEqual(names, ECG_SETTING_NAMES.map(upper));
	const settings = settingsArray(resolveConfig({ sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 }));
	t.is(settings.length, names.length);
	t.is(settings[ECG_SETTING_NAMES.indexOf("historyLength")], 2048);
});

// Calls with wrong arguments and a few right ones; run as plain script in Node and in XS, results compared (the
// RR context's features by their bits: XS and V8 may print the same number with different last digits).
const PROBE = `
const attempt = (f) => { try { return String(f()); } catch (e) { return "throws " + e.message; } };
const settings = new Int32Array(${JSON.stringify(Array.from(settingsArray(resolveConfig({ sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 }))))});
const bad = settings.slice(); bad[9] = 5;
const h = native("xs_ecg_open")(settings.buffer);
const fields = new Float64Array(5), window = new Int32Array(256), counters = new Float64Array(5);
const block = new Int16Array(4000);
for (let i = 0; i < block.length; i++) block[i] = 1024 + ((i * 37) % 11) + (i % 300 < 6 ? 300 : 0);
block[7] = 3000;
const out = {
	openNumber: attempt(() => native("xs_ecg_open")(7)),
	openShort: attempt(() => native("xs_ecg_open")(new Int32Array(3).buffer)),
	openOdd: attempt(() => native("xs_ecg_open")(new ArrayBuffer(6))),
	openBad: attempt(() => native("xs_ecg_open")(bad.buffer)),
	openNone: attempt(() => native("xs_ecg_open")()),
	pushHandle: attempt(() => native("xs_ecg_push")({}, 1)),
	pushFraction: attempt(() => native("xs_ecg_push")(h, 1.5)),
	pushString: attempt(() => native("xs_ecg_push")(h, "1")),
	pushArgs: attempt(() => native("xs_ecg_push")(h)),
	pushOk: attempt(() => native("xs_ecg_push")(h, 1024)),
	pushInvalid: attempt(() => native("xs_ecg_push")(h, -2147483648)),
	blockBytes: attempt(() => native("xs_ecg_push_block")(h, block.buffer, 3, 0, 1)),
	blockView: attempt(() => native("xs_ecg_push_block")(h, block, 2, 0, 1)),
	blockBytes8: attempt(() => native("xs_ecg_push_block")(h, new Uint8Array(block.buffer, 2, 40), 2, 0, 20)),
	blockBytesOdd: attempt(() => native("xs_ecg_push_block")(h, new Uint8Array(block.buffer, 1, 40), 2, 0, 1)),
	blockOffset: attempt(() => native("xs_ecg_push_block")(h, block.buffer, 2, 8001, 0)),
	blockAlign: attempt(() => native("xs_ecg_push_block")(h, block.buffer, 4, 2, 1)),
	blockCount: attempt(() => native("xs_ecg_push_block")(h, block.buffer, 2, 8, 3997)),
	eventWindow: attempt(() => native("xs_ecg_event")(h, fields.buffer, new Int32Array(255).buffer)),
	eventFields: attempt(() => native("xs_ecg_event")(h, new Float64Array(4).buffer, window.buffer)),
	eventNotBuffer: attempt(() => native("xs_ecg_event")(h, fields, window.buffer)),
	countersSmall: attempt(() => native("xs_ecg_counters")(h, new ArrayBuffer(32))),
	filterOut: attempt(() => native("xs_ecg_filter")(native("xs_ecg_open")(settings.buffer), block.buffer, 2, 0, 10, new ArrayBuffer(36), 0)),
	filterOutAlign: attempt(() => native("xs_ecg_filter")(native("xs_ecg_open")(settings.buffer), block.buffer, 2, 0, 1, new ArrayBuffer(36), 2)),
};
// a run: events in order with their fields, then the counters
const log = [];
for (let i = 0; i < block.length; ) {
	const n = native("xs_ecg_push_block")(h, block.buffer, 2, 2 * i, block.length - i);
	log.push("+" + n);
	i += n;
	for (let k; (k = native("xs_ecg_event")(h, fields.buffer, window.buffer)) !== 0; ) log.push(k + ":" + Array.from(fields).join(","));
}
native("xs_ecg_set_lead_off")(h, true);
for (let i = 0; i < 3; i++) log.push("p" + native("xs_ecg_push")(h, 1024));
for (let k; (k = native("xs_ecg_event")(h, fields.buffer, window.buffer)) !== 0; ) log.push(k + ":" + Array.from(fields).join(","));
log.push("flush" + native("xs_ecg_flush")(h));
native("xs_ecg_counters")(h, counters.buffer);
out.log = log.join(" ");
out.counters = Array.from(counters).join(",");
const filtered = new Int32Array(10);
native("xs_ecg_filter")(native("xs_ecg_open")(settings.buffer), block.buffer, 2, 20, 10, filtered.buffer, 0);
out.filtered = Array.from(filtered).join(",");
// the beat template (native/include/ht_ecg_template.h): argument checks, then features of a few beats
const tpl = native("xs_ecg_template_open")(360, 128, 256);
const beats = new Int32Array(3 * 256 + 1);
for (let i = 0; i < 256; i++) {
	const d = i - 128;
	beats[1 + i] = Math.round(400 * Math.exp(-(d * d) / 32));
	beats[257 + i] = Math.round(380 * Math.exp(-(d * d) / 40)) + (i % 7);
	beats[513 + i] = Math.round(-700 * Math.exp(-(d * d) / 392));
}
const features = new Float32Array(7);
Object.assign(out, {
	tplSmall: attempt(() => native("xs_ecg_template_open")(360, 20, 256)),
	tplRate: attempt(() => native("xs_ecg_template_open")(0, 128, 256)),
	tplPre: attempt(() => native("xs_ecg_template_open")(360, 256, 256)),
	tplArgs: attempt(() => native("xs_ecg_template_open")(360, 128)),
	tplHandle: attempt(() => native("xs_ecg_template_next")(h, beats.buffer, 4, features.buffer, 0, 1)),
	tplAlign: attempt(() => native("xs_ecg_template_next")(tpl, beats.buffer, 2, features.buffer, 0, 1)),
	tplShort: attempt(() => native("xs_ecg_template_next")(tpl, beats.buffer, 2056, features.buffer, 0, 1)),
	tplOut: attempt(() => native("xs_ecg_template_next")(tpl, beats.buffer, 4, features.buffer, 24, 1)),
	tplView: attempt(() => native("xs_ecg_template_next")(tpl, beats, 4, features.buffer, 0, 1)),
	tplArgc: attempt(() => native("xs_ecg_template_next")(tpl, beats.buffer, 4, features.buffer, 0)),
	tplWeighs: attempt(() => native("xs_ecg_template_next")(tpl, beats.buffer, 4, features.buffer, 0, 2)),
	tplReset: attempt(() => native("xs_ecg_template_reset")(h)),
});
const tplLog = [];
for (const k of [0, 0, 1, 2, 0, 2, 1]) {
	native("xs_ecg_template_next")(tpl, beats.buffer, 4 + 1024 * k, features.buffer, 4, 1);
	tplLog.push(features[1] + "," + features[2]);
}
native("xs_ecg_template_reset")(tpl);
native("xs_ecg_template_next")(tpl, beats.buffer, 4 + 1024 * 2, features.buffer, 4, 1);
tplLog.push(features[1] + "," + features[2]);
out.template = tplLog.join(" ");
// the RR context (native/include/ht_ecg_rr.h): argument checks, then the features of a stream with unknown,
// negative and huge intervals and resets, written at moving byte offsets
const rr = native("xs_ecg_rr_open")(360);
const rrOut = new Float32Array(12);
const rrBits = new Uint32Array(rrOut.buffer);
Object.assign(out, {
	rrRate: attempt(() => native("xs_ecg_rr_open")(0)),
	rrRateFraction: attempt(() => native("xs_ecg_rr_open")(360.5)),
	rrArgs: attempt(() => native("xs_ecg_rr_open")()),
	rrHandle: attempt(() => native("xs_ecg_rr_next")(tpl, 288, 288, rrOut.buffer, 0)),
	rrFraction: attempt(() => native("xs_ecg_rr_next")(rr, 288.5, 288, rrOut.buffer, 0)),
	rrString: attempt(() => native("xs_ecg_rr_next")(rr, 288, "288", rrOut.buffer, 0)),
	rrOutSmall: attempt(() => native("xs_ecg_rr_next")(rr, 288, 288, rrOut.buffer, 16)),
	rrOutAlign: attempt(() => native("xs_ecg_rr_next")(rr, 288, 288, rrOut.buffer, 2)),
	rrOutOffset: attempt(() => native("xs_ecg_rr_next")(rr, 288, 288, rrOut.buffer, 49)),
	rrOutView: attempt(() => native("xs_ecg_rr_next")(rr, 288, 288, rrOut, 0)),
	rrNextArgs: attempt(() => native("xs_ecg_rr_next")(rr, 288, 288, rrOut.buffer)),
	rrReset: attempt(() => native("xs_ecg_rr_reset")(h)),
});
const rrLog = [];
let seed = 12345;
const nextRandom = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
for (let i = 0; i < 700; i++) {
	const pick = nextRandom() % 16;
	const pre = pick === 0 ? 0 : pick === 1 ? -5 : pick === 2 ? 2147483647 : pick === 3 ? 1 : 200 + (nextRandom() % 200);
	const post = nextRandom() % 8 === 0 ? 0 : 200 + (nextRandom() % 200);
	if (nextRandom() % 97 === 0) native("xs_ecg_rr_reset")(rr);
	const at = 4 * (i % 4);
	native("xs_ecg_rr_next")(rr, pre, post, rrOut.buffer, at);
	rrLog.push(Array.from(rrBits.subarray(at / 4, at / 4 + 9), (b) => b.toString(16)).join(","));
}
out.rr = rrLog.join(" ");
// the apnea minute (native/include/ht_ecg_apnea.h): argument checks, then minutes of a ring with gaps and extra
// beats, the window and the int8 input at byte offsets, and one refused minute that writes nothing
const ring = new Uint32Array(1024 + 3);
let b = 7;
for (let i = 0; i < 1024; i++) {
	ring[i + 1] = b;
	const pick = nextRandom() % 40;
	b += pick === 0 ? 20 : pick === 1 ? 400 : 60 + (nextRandom() % 60);
}
const apneaWindow = new Float32Array(256 + 2);
const apneaBits = new Uint32Array(apneaWindow.buffer);
const apneaInput = new Int8Array(256 + 3);
const ap = (args) => attempt(() => native("xs_ecg_apnea_minute")(...args));
const apArgs = [ring.buffer, 4, 1024, 100, 3, apneaWindow.buffer, 4, apneaInput.buffer, 3, 0.0125, -3];
const with_ = (k, v) => apArgs.map((a, i) => (i === k ? v : a));
Object.assign(out, {
	apArgc: attempt(() => native("xs_ecg_apnea_minute")(...apArgs.slice(0, 10))),
	apInputArgc: attempt(() => native("xs_ecg_apnea_input")(...apArgs.slice(0, 6))),
	apBeats: ap(with_(0, 5)),
	apBeatsAlign: ap(with_(1, 2)),
	apBeatsView: ap(with_(0, ring)),
	apCount: ap(with_(2, 1027)),
	apCountFraction: ap(with_(2, 3.5)),
	apRate: ap(with_(3, 0)),
	apRateHigh: ap(with_(3, 10001)),
	apMinute: ap(with_(4, -1)),
	apMinuteFraction: ap(with_(4, 0.5)),
	apWindowAlign: ap(with_(6, 2)),
	apWindowSmall: ap(with_(6, 12)),
	apScale: ap(with_(9, 0)),
	apScaleNegative: ap(with_(9, -0.5)),
	apScaleString: ap(with_(9, "1")),
	apZero: ap(with_(10, 128)),
	apInputSmall: ap(with_(8, 4)),
	apInputOffset: ap(with_(8, 300)),
	apInputReadOnly: ap(with_(7, "x")),
});
const apLog = [];
for (const [count, rate, minute] of [[1024, 100, 0], [1024, 100, 1], [1024, 100, 7], [1000, 128, 2], [0, 100, 1], [1024, 1, 0], [1024, 10000, 0], [1024, 100, 4294967295]]) {
	const held = native("xs_ecg_apnea_minute")(ring.buffer, 4, count, rate, minute, apneaWindow.buffer, 4, apneaInput.buffer, 3, 0.0125, -3);
	const held2 = native("xs_ecg_apnea_input")(ring.buffer, 4, count, rate, minute, apneaWindow.buffer, 8);
	apLog.push(held + "/" + held2 + ":" + Array.from(apneaBits.subarray(1, 257), (x) => x.toString(16)).join(",") + ":" + Array.from(apneaInput).join(","));
}
out.apnea = apLog.join(" ");
// the spread term: argument checks, then every minute of the ring with one night at a byte offset, reset halfway
const nightBacking = new ArrayBuffer(8 + 32 + 8);
const sp = (args) => attempt(() => native("xs_ecg_apnea_spread")(...args));
const spArgs = [ring.buffer, 4, 1024, 100, 3, nightBacking, 8];
const spWith = (k, v) => spArgs.map((a, i) => (i === k ? v : a));
Object.assign(out, {
	spArgc: attempt(() => native("xs_ecg_apnea_spread")(...spArgs.slice(0, 6))),
	spResetArgc: attempt(() => native("xs_ecg_apnea_night_reset")(nightBacking)),
	spRate: sp(spWith(3, 0)),
	spNightAlign: sp(spWith(6, 4)),
	spNightSmall: sp(spWith(6, 24)),
	spNightReadOnly: sp(spWith(5, "x")),
	spNightRefused: attempt(() => { new Int32Array(nightBacking, 8, 2).set([-5, -1]); return native("xs_ecg_apnea_spread")(...spArgs); }),
});
native("xs_ecg_apnea_night_reset")(nightBacking, 8);
const spLog = [];
for (let minute = 0; minute < 14; minute++) {
	if (minute === 7) native("xs_ecg_apnea_night_reset")(nightBacking, 8);
	spLog.push(native("xs_ecg_apnea_spread")(ring.buffer, 4, 1024, 100, minute, nightBacking, 8) + ":" + Array.from(new Int32Array(nightBacking, 8, 8)).join(","));
}
out.spread = spLog.join(" ");
`;

(existsSync(SIM) ? test : test.skip)("the Node functions answer as the xsmc binding in XS: same checks, same messages, same results", (t) => {
	const node = new Function(`${PROBE}; return out;`)() as Record<string, string>;
	t.is(node.openBad, "throws ecg: setting highpassLength (9) is invalid: 5");
	t.is(node.pushFraction, "throws ecg: sample must be an integer in -2147483648..2147483647, got 1.5");
	// pushInvalid's garbage event still waits: the first push stops after one sample; sample 7 joins its span
	t.regex(node.log, /^\+1 6:1,0,0,0,1 \+\d+ 2:0,0,0,0,2 /);
	t.true(node.log.split(" ").filter((e) => e.startsWith("1:")).length >= 10, "beats");
	t.is(node.tplSmall, "throws ecg: beat template: the QRS segment (36 before, 72 after the R peak at 20) does not fit a 256-sample window");
	t.is(node.tplHandle, "throws ecg: handle must be made by xs_ecg_template_open");
	t.is(node.tplArgc, "throws ecg: xs_ecg_template_next expects 6 arguments, got 5");
	t.is(node.tplWeighs, "throws ecg: weighs must be an integer in 0..1, got 2");
	t.regex(node.template, /^1,0 1,0 0\.9\d+,0\.\d+ -0\.[3-9]\d*,[1-4][.\d]* 0\.99\d+,0\.\d+ .* 1,0$/, "first beat, a repeat, a like beat, an unlike beat, the first again (now against the blended template), ...; after a reset the first beat reads as usual");
	t.is(node.rrRate, "throws ecg: sampleRate must be an integer in 1..10000, got 0");
	t.is(node.rrHandle, "throws ecg: handle must be made by xs_ecg_rr_open");
	t.is(node.rrFraction, "throws ecg: rrPrevious must be an integer in -2147483648..2147483647, got 288.5");
	t.is(node.rrOutSmall, "throws ecg: xs_ecg_rr_next: 9 features at byte 16 exceed out (48 bytes)");
	t.is(node.rrOutAlign, "throws ecg: xs_ecg_rr_next: outByteOffset 2 is not a float32's");
	t.is(node.rr.split(" ").length, 700);
	t.is(node.apArgc, "throws ecg: xs_ecg_apnea_minute expects 11 arguments, got 10");
	t.is(node.apBeatsAlign, "throws ecg: xs_ecg_apnea_minute: beats are not aligned to uint32");
	t.is(node.apCount, "throws ecg: count must be an integer in 0..1026, got 1027");
	t.is(node.apRateHigh, "throws ecg: sampleRate must be an integer in 1..10000, got 10001");
	t.is(node.apMinuteFraction, "throws ecg: minute must be an integer in 0..4294967295, got 0.5");
	t.is(node.apWindowSmall, "throws ecg: xs_ecg_apnea_minute: 256 values at byte 12 exceed window (1032 bytes)");
	t.is(node.apScale, "throws ecg: xs_ecg_apnea_minute: scale must be a finite number > 0, got 0");
	t.is(node.apInputSmall, "throws ecg: xs_ecg_apnea_minute: 256 values at byte 4 exceed input (259 bytes)");
	t.is(node.apnea.split(" ").length, 8);
	t.is(node.spArgc, "throws ecg: xs_ecg_apnea_spread expects 7 arguments, got 6");
	t.is(node.spResetArgc, "throws ecg: xs_ecg_apnea_night_reset expects 2 arguments, got 1");
	t.is(node.spNightAlign, "throws ecg: xs_ecg_apnea_spread: night is not aligned to int64");
	t.is(node.spNightSmall, "throws ecg: xs_ecg_apnea_spread: 32 bytes at byte 24 exceed night (48 bytes)");
	t.is(node.spNightRefused, "throws ecg: xs_ecg_apnea_spread: arguments refused");
	t.is(node.spread.split(" ").length, 14);
	t.true(node.spread.split(" ").some((e) => !e.startsWith("0:")), "some minute's term is not 0");
	t.regex(node.log, / 1:3306,301,0,72,2 3:4003,0,0,0,2 flush0$/, "lead-off from the input at sample 4003 (3 probe samples + 4000) releases the last beat first; nothing waits at the end");
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-ecg-probe-"));
	writeFileSync(join(dir, "probe.js"), `${PROBE}\ntrace(JSON.stringify(out) + "\\n");\n`);
	const run = spawnSync(SIM, [join(dir, "probe.js")], { encoding: "utf8", timeout: 60000 });
	t.is(run.status, 0, run.stderr);
	const lines = run.stdout.trim().split("\n");
	t.deepEqual(JSON.parse(lines[lines.length - 1]), node);
});
