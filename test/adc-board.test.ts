// The boards' hardware-timed ECG input: the shared block ring in C (boards/adc-block/ht_adc_ring.c) on the host,
// and the nRF52840 DK firmware built by the real mcconfig with the SAADC + TIMER + PPI driver, the ring and the
// xsmc binding compiled and linked in, sampling at 360 Hz.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { buildBoard } from "../host/cli/build.ts";
import { BOARDS, defaultModel } from "../host/moddable/boards.ts";
import { tail } from "../host/moddable/moddable.ts";
import { ROOT } from "../host/moddable/toolchain.ts";
import { testWithModdable, testWithTools } from "./toolchain.ts";

testWithTools("the ADC block ring: double-buffered producer, a consumer that falls behind, gaps counted and reported in order, values clamped", ["cc"], (t) => {
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-adc-ring-"));
	try {
		const exe = join(dir, "adc_ring_test");
		const cc = spawnSync(process.env.CC ?? "cc", ["-std=c99", "-Wall", "-Wextra", "-Werror", "-fsanitize=address,undefined", "-I", join(ROOT, "boards/adc-block"), join(ROOT, "boards/adc-block/ht_adc_ring.c"), join(ROOT, "test/c/adc_ring_test.c"), "-o", exe], { encoding: "utf8" });
		t.is(cc.status, 0, cc.stderr);
		const run = spawnSync(exe, { encoding: "utf8" });
		t.is(run.status, 0, run.stdout + run.stderr);
		t.regex(run.stdout, /^\d+ checks passed$/m);
		t.notRegex(run.stdout, /FAIL/);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

testWithModdable("nRF52840 DK firmware links the hardware-timed ADC input (SAADC EasyDMA, TIMER -> PPI -> SAMPLE) and samples at 360 Hz", ["nrf52"], async (t, tool) => {
	t.timeout(25 * 60_000);
	const out = join(ROOT, "build/moddable/test-nrf52-adc");
	const result = await buildBoard(tool, BOARDS.nrf52, { debug: false, model: defaultModel(), outDir: out });
	t.is(result.status, 0, `${result.command}\n${tail(result.output)}`);
	t.truthy(result.binDir && result.tmpDir);
	const map = readFileSync(join(result.binDir!, "xs_lib.map"), "utf8");
	// The link map names every object the image was linked from (the build is incremental: its log may not show them compiled).
	for (const c of ["ht_adc_ring.c", "ht_adc_xs.c", "ht_adc_nrf52.c"]) t.true(map.includes(`/${c}.o`), `${c} is linked in`);
	const linked = (symbol: string): boolean => new RegExp(`^\\s+0x[0-9a-f]+\\s+${symbol}$`, "m").test(map);
	for (const symbol of ["xs_ht_adc_open", "xs_ht_adc_take", "xs_ht_adc_lost", "xs_ht_adc_close", "ht_adc_board_start", "ht_adc_ring_complete", "nrfx_saadc_buffer_convert", "nrfx_saadc_sample_task_get", "nrfx_ppi_channel_assign", "nrfx_timer_extended_compare"])
		t.true(linked(symbol), `${symbol} is in the image`);
	const config = readFileSync(join(result.tmpDir!, "mc.config.js"), "utf8");
	t.regex(config, /"sampleRate": 360\b/);
	t.regex(config, /"adcBits": 12\b/);
	// The app's input module is the block reader, and the block natives are what the archive calls.
	const xs = readFileSync(join(result.tmpDir!, "mc.xs.c"), "utf8");
	for (const name of ["xs_ht_adc_open", "xs_ht_adc_take"]) t.true(xs.includes(name), `the preloaded archive references ${name}`);
});
