// The whole app on the emulated nRF52840 core (boards/mps2-an386, host/m4app): MIT-BIH record 119 played through
// the board's ADC front end at 360 Hz in blocks, counted under QEMU, with a model that takes the beat's RR
// features as input channels. Counts repeat exactly run to run, and every beat the board reports (sample index,
// class, score, and the logits behind them) equals the simulator's bit for bit.
import test from "ava";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as P from "../modules/ble/protocol.ts";
import { BEAT_FEATURE_NAMES } from "../modules/ecg/beat-features.ts";
import { BOARD_ADC, benchInput } from "../host/m4app/bench.ts";
import { buildM4App } from "../host/m4app/build.ts";
import { runM4App } from "../host/m4app/run.ts";
import { encodeEcgResource } from "../host/app/ecg-resource.ts";
import { ROOT } from "../host/moddable/toolchain.ts";
import { built, runApp } from "./app-helpers.ts";
import { featureModel } from "./feature-model.ts";
import { missingCommands, testWithModdable, IN_CI } from "./toolchain.ts";

const TOOLS = ["arm-none-eabi-gcc", "qemu-system-arm", "make"];
const OUT = join(ROOT, "build/m4app-test");
const SECONDS = 60;

const missing = missingCommands(TOOLS);
if (missing.length && !IN_CI) {
	process.stderr.write(`\nNOTICE: skipping the m4app run: ${missing.join(", ")} not installed (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)\n`);
	test.skip("record 119 through the app on the emulated nRF52840 core", () => {});
} else {
	testWithModdable("record 119 through the app on the emulated nRF52840 core: exact repeatable counts, beats equal host/sim's", ["nrf52"], async (t, tool) => {
		t.timeout(30 * 60_000);
		t.deepEqual(missingCommands(TOOLS), [], "CI=true: .ci/run installs these");
		const input = await benchInput("119", SECONDS, 0, false);
		t.is(input.recording.sampleRate, 360, "the board plays MIT-BIH at its own rate");
		mkdirSync(OUT, { recursive: true });
		const model = join(OUT, "..", "m4app-test-model.htpw");
		writeFileSync(model, featureModel(1 + BEAT_FEATURE_NAMES.length, [...BEAT_FEATURE_NAMES]));
		const config = { traceLogits: true, policy: "boot" };
		const build = await buildM4App(tool, { outDir: OUT, model, ecg: encodeEcgResource(input.recording), config });
		const first = await runM4App(build.elf);
		const second = await runM4App(build.elf);

		t.is(first.ticks * BOARD_ADC.blockSamples, SECONDS * input.recording.sampleRate, "every sample delivered in whole ADC blocks");
		t.true(first.regions.length > first.ticks);
		t.deepEqual(second.regions, first.regions, "every region's count (and its native part) repeats exactly");
		t.is(second.total, first.total);
		t.true(first.regions.every((r) => r.instructions > 0 && r.native >= 0 && r.native < r.instructions));

		built(["app"]);
		const sim = await runApp({ recording: input.recording, model, config });
		t.is(sim.status, 0, sim.stderr);
		const simBeats = sim.of(P.BEAT);
		const boardBeats = first.packets.filter((p) => p.characteristic === "beat").map((p) => p.bytes);
		t.true(boardBeats.length >= 60, `${boardBeats.length} beats in ${SECONDS} s`);
		t.true(boardBeats.filter((b) => P.decodeBeat(b).classIndex !== undefined).length >= 60, "classified beats");
		// The simulator's input ends (sink.end() flushes a last beat); the board's ADC never does.
		t.true(simBeats.length - boardBeats.length >= 0 && simBeats.length - boardBeats.length <= 1, `board ${boardBeats.length}, sim ${simBeats.length}`);
		t.deepEqual(
			boardBeats.map((b) => Buffer.from(b).toString("hex")),
			simBeats.slice(0, boardBeats.length).map((b) => Buffer.from(b).toString("hex")),
			"beat packets (sample index, class, score, RR, heart rate) bit for bit",
		);
		const logits = (lines: string[]): string[] => lines.filter((l) => l.startsWith("@logits "));
		t.true(logits(first.trace).length >= boardBeats.length - 1);
		t.deepEqual(logits(first.trace), logits(sim.traceLines).slice(0, logits(first.trace).length), "logits bit for bit");
		// Health data stays off a board's serial console by default (config traceBeats); the simulator prints it.
		const beatLines = (lines: string[]): string[] => lines.filter((l) => l.startsWith("beat "));
		t.deepEqual(beatLines(first.trace), [], "a board prints no per-beat line unless its config asks");
		t.true(beatLines(sim.traceLines).length >= boardBeats.length, "the simulator prints one per beat");
	});
}
