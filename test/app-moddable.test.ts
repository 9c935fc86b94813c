// The device app built by the real Moddable SDK (mcconfig -p lin, the app's manifest fragment with its "lin"
// platform: record playback and the trace BLE link) and run headless in mcsim gives the same beats, logits and
// GATT packets as the embedded-default simulator.
import { mkdirSync, writeFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import * as P from "../modules/ble/protocol.ts";
import { encodeEcgResource } from "../host/app/ecg-resource.ts";
import { FIXTURE_MODEL } from "../host/app/default-model.ts";
import { mcconfig, runInMcsim, tail } from "../host/moddable/moddable.ts";
import { ROOT } from "../host/moddable/toolchain.ts";
import { parseTraceLine } from "../host/companion/trace-lines.ts";
import { built, excerpt, runApp } from "./app-helpers.ts";
import { testWithModdable } from "./toolchain.ts";

const OUT = join(ROOT, "build/moddable/test-app-lin");
const DATA = join(OUT, "data");
const CONFIG = { traceBeats: false, traceLogits: true, summarySeconds: 30 };

testWithModdable("mcconfig -p lin + mcsim: the app gives host/sim's beats, logits and packets on 2 min of record 119", ["lin"], async (t, tool) => {
	t.timeout(20 * 60_000);
	built(["app"]);
	const rec = await excerpt(120);
	mkdirSync(DATA, { recursive: true });
	writeFileSync(join(DATA, "ecg.bin"), encodeEcgResource(rec));
	copyFileSync(FIXTURE_MODEL, join(DATA, "model.htpw"));
	const manifest = join(OUT, "manifest.json");
	writeFileSync(
		manifest,
		JSON.stringify({
			include: ["$(MODDABLE)/examples/manifest_base.json", "$(MODDABLE)/examples/manifest_typings.json", join(ROOT, "host/moddable/manifest_runtime.json"), join(ROOT, "modules/app/manifest.json")],
			modules: { "ecg/*": join(ROOT, "modules/ecg/*") },
			preload: ["ecg/*"],
			data: { "*": [join(DATA, "*")] },
		}, null, "\t"),
	);
	const build = await mcconfig(tool, { manifest, platform: "lin", outDir: join(OUT, "out"), debug: true, config: CONFIG, timeoutMs: 15 * 60_000 });
	t.is(build.status, 0, `${build.command}\n${tail(build.output)}`);
	const sim = await runInMcsim(tool, join(build.binDir!, "mc.so"), { until: /@app-end /, timeoutMs: 10 * 60_000 });
	t.true(sim.finished, `mcsim did not finish (${sim.seconds.toFixed(0)} s):\n${sim.lines.slice(-30).join("\n")}`);
	t.log(`build ${build.seconds.toFixed(0)} s, mcsim ${sim.seconds.toFixed(0)} s`);

	const moddable = sim.lines.map(parseTraceLine);
	const packets = moddable.filter((l) => l.type === "packet").map((l) => l as { id: number; bytes: Uint8Array });
	const logits = moddable.filter((l) => l.type === "text" && l.text.startsWith("@logits ")).map((l) => (l as { text: string }).text);

	const embedded = await runApp({ recording: rec, model: FIXTURE_MODEL, config: CONFIG });
	t.is(embedded.status, 0, embedded.stderr);
	t.true(logits.length > 100);
	t.deepEqual(logits, embedded.traceLines.filter((l) => l.startsWith("@logits ")), "logits per beat");
	const hex = (p: { id: number; bytes: Uint8Array }) => `${p.id} ${Buffer.from(p.bytes).toString("hex")}`;
	t.deepEqual(packets.map(hex), embedded.packets.map(hex), "every GATT packet, in order");
	t.true(packets.some((p) => p.id === P.BEAT));
});
