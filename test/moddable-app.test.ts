// The device app built by the real Moddable SDK for its simulator (mcconfig -d -m -p lin -t build, the same
// manifest.json as the boards) runs headless in mcsim on MIT-BIH record 119 through the app's playback input, and
// every per-beat result (sample index, class, score: the model's logits and the BLE beat packet) and every apnea minute
// (the manifest's apnea.htpw Resource: class, score, held samples) equals the embedded-default simulator's (host/sim)
// bit for bit.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeEcgResource } from "../host/app/ecg-resource.ts";
import { APP_MANIFEST, defaultModel, modelVariable } from "../host/moddable/boards.ts";
import { mcconfig, runInMcsim, tail } from "../host/moddable/moddable.ts";
import { ROOT } from "../host/moddable/toolchain.ts";
import { parseTraceLine } from "../host/companion/trace-lines.ts";
import { APNEA, BEAT } from "../modules/ble/protocol.ts";
import { APNEA_MODEL } from "../host/app/default-model.ts";
import { built, excerpt, runApp } from "./app-helpers.ts";
import { testWithModdable } from "./toolchain.ts";

const OUT = join(ROOT, "build/moddable/test-app-lin");
const SECONDS = 600;
const CONFIG = { policy: "boot", traceBeats: true, traceLogits: true };

interface PerBeat {
	/** "@logits <sample> <logit>...", "beat <sample> <class> <pct>% hr <bpm>" and "apnea minute <m> ...", in order. */
	lines: string[];
	/** The BLE beat notifications (sample index, class, confidence, flags, RR), hex. */
	packets: string[];
	/** The BLE apnea notifications (minute, class, score, held), hex. */
	apnea: string[];
	end: Record<string, any> | undefined;
}

function perBeat(traceLines: string[]): PerBeat {
	const out: PerBeat = { lines: [], packets: [], apnea: [], end: undefined };
	for (const line of traceLines) {
		const parsed = parseTraceLine(line);
		if (parsed.type === "packet" && parsed.id === BEAT) out.packets.push(Buffer.from(parsed.bytes).toString("hex"));
		else if (parsed.type === "packet" && parsed.id === APNEA) out.apnea.push(Buffer.from(parsed.bytes).toString("hex"));
		else if (parsed.type === "end") out.end = parsed.stats;
		else if (parsed.type === "text" && /^(@logits|beat|apnea minute) /.test(parsed.text)) out.lines.push(parsed.text);
	}
	return out;
}

testWithModdable(`the app in mcsim (mcconfig -d -p lin) equals host/sim per beat on record 119 (${SECONDS / 60} min)`, ["lin"], async (t, tool) => {
	t.timeout(30 * 60_000);
	const model = defaultModel();
	const rec = await excerpt(SECONDS);

	// The app's own manifest, with the per-beat trace switched on (config of a wrapper manifest: mcconfig's
	// command-line config values are strings, the app wants booleans).
	const appDir = join(OUT, "app");
	mkdirSync(appDir, { recursive: true });
	writeFileSync(join(appDir, "manifest.json"), JSON.stringify({ include: [APP_MANIFEST], config: CONFIG }, null, "\t"));
	// The playback input's recording (boards/lin/manifest.json HT_SIM_DATA): the same excerpt host/sim gets.
	// Only the recording: boards/lin makes every file there a resource, so a stale model.htpw would shadow HT_MODEL.
	const data = join(OUT, "data");
	rmSync(data, { recursive: true, force: true });
	mkdirSync(data, { recursive: true });
	writeFileSync(join(data, "ecg.bin"), encodeEcgResource(rec));

	const build = await mcconfig(tool, { manifest: join(appDir, "manifest.json"), platform: "lin", outDir: OUT, debug: true, env: { ...modelVariable(model), HT_SIM_DATA: data }, timeoutMs: 20 * 60_000 });
	t.is(build.status, 0, `${build.command}\n${tail(build.output)}`);
	t.truthy(build.binDir, "mc.so was built");
	t.log(`build ${build.seconds.toFixed(1)} s: ${build.command}`);

	const sim = await runInMcsim(tool, join(build.binDir!, "mc.so"), { until: /^@app-end /, timeoutMs: 20 * 60_000 });
	t.true(sim.finished, `mcsim did not reach @app-end (${sim.aborted ?? "no abort"}, ${sim.seconds.toFixed(0)} s):\n${sim.lines.slice(-30).join("\n")}`);
	t.log(`mcsim ${sim.seconds.toFixed(1)} s: ${sim.command}`);
	const moddable = perBeat(sim.lines);

	built(["app"]);
	const embedded = await runApp({ recording: rec, model, apneaModel: APNEA_MODEL, config: CONFIG });
	t.is(embedded.status, 0, embedded.stderr);
	const reference = perBeat([...embedded.traceLines, ...embedded.packets.filter((p) => p.id === BEAT || p.id === APNEA).map((p) => `@gatt ${p.id} ${Buffer.from(p.bytes).toString("hex")}`)]);

	const logits = moddable.lines.filter((l) => l.startsWith("@logits "));
	t.true(logits.length >= 500, `${logits.length} classified beats in mcsim`);
	t.is(moddable.packets.length, logits.length, "one BLE beat packet per classified beat");
	t.deepEqual(moddable.lines, reference.lines, "per-beat sample index, class, score and logits");
	t.deepEqual(moddable.packets, reference.packets, "BLE beat packets");
	t.is(moddable.apnea.length, 6, "apnea minutes 0..5 in 10 minutes (each complete 4:44 after it begins)");
	t.deepEqual(moddable.apnea, reference.apnea, "BLE apnea packets");
	t.truthy(moddable.end, "mcsim reached the end of the recording");
	for (const key of ["samples", "samplesRejected", "beatsDetected", "beatsClassified", "counts", "heartRate", "model", "apnea"]) t.deepEqual(moddable.end?.[key], embedded.stats?.[key], `@app-end ${key}`);
	t.log(`${logits.length} beats equal bit for bit; first: ${logits[0]}`);
});
