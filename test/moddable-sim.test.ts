// The real Moddable SDK build of the device runtime: host/moddable/apps/golden built by mcconfig for lin (the same
// modules/runtime and modules/model TypeScript, the same native/ C, the blobs as `data` read with new Resource)
// and run headless in Moddable's simulator mcsim gives the TypeScript reference's and the embedded-default
// simulator's checksums bit for bit on the golden architectures, under boot, lazy and stream.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { lastJson, runSim } from "../host/cli/sim-runner.ts";
import { mcconfig, runInMcsim, tail } from "../host/moddable/moddable.ts";
import { DONE_LINE, GOLDEN_APP, goldenResults, prepareGolden } from "../host/moddable/golden.ts";
import { ROOT } from "../host/moddable/toolchain.ts";
import { GOLDEN_ARCHS, GOLDEN_WINDOWS } from "./golden-archs.ts";
import { testWithModdable } from "./toolchain.ts";

const OUT = join(ROOT, "build/moddable/test-golden-lin");
const DATA = join(OUT, "data");

testWithModdable(`mcconfig -p lin + mcsim: the golden app equals the reference and host/sim on ${GOLDEN_ARCHS.length} architectures × boot, lazy, stream (${GOLDEN_WINDOWS} windows)`, ["lin"], async (t, tool) => {
	t.timeout(15 * 60_000);
	const expectations = prepareGolden(DATA);
	const bad = new Uint8Array(expectations[0].blob);
	bad[bad.length - 1] ^= 0x10;
	writeFileSync(join(DATA, "bad.htpw"), bad);
	const runs = [
		...expectations.map((e) => e.run),
		{ model: "bad.htpw", policy: "boot", windows: 1, seed: 1 },
		{ model: expectations[0].run.model, policy: "eager", windows: 1, seed: 1 },
	];

	const build = await mcconfig(tool, { manifest: GOLDEN_APP, platform: "lin", outDir: OUT, debug: true, config: { runs }, env: { HT_GOLDEN_DATA: DATA }, timeoutMs: 10 * 60_000 });
	t.is(build.status, 0, `${build.command}\n${tail(build.output)}`);
	t.truthy(build.binDir, "mc.so was built");
	t.log(`build ${build.seconds.toFixed(1)} s: ${build.command}`);

	const sim = await runInMcsim(tool, join(build.binDir!, "mc.so"), { until: DONE_LINE, timeoutMs: 10 * 60_000 });
	t.true(sim.finished, `mcsim did not finish (${sim.aborted ?? "no abort"}, ${sim.seconds.toFixed(0)} s):\n${sim.lines.slice(-30).join("\n")}`);
	t.log(`mcsim ${sim.seconds.toFixed(1)} s: ${sim.command}`);
	const results = goldenResults(sim.lines);
	t.is(results.length, runs.length, sim.lines.join("\n"));

	for (const [i, e] of expectations.entries()) {
		const got = results[i] ?? {};
		const what = `architecture ${e.arch}, ${e.run.policy}`;
		t.is(got.error, undefined, what);
		t.is(got.model, e.run.model, what);
		t.is(got.policy, e.run.policy, what);
		t.is(got.crc, e.crc, `${what}: CRC of all ${e.run.windows} windows equals the reference`);
		t.deepEqual(got.first, e.first, `${what}: first window`);
		t.is(got.synthesizedAtStart, e.synthesizedAtStart, `${what}: layers synthesized before the first window`);
		t.is(got.synthesized, e.synthesized, `${what}: kernels synthesized in the run`);

		const embedded = runSim("checksum", { resources: { "model.htpw": join(DATA, e.run.model) }, config: { policy: e.run.policy, budget: e.run.budget, windows: e.run.windows, seed: e.run.seed } });
		t.is(embedded.status, 0, embedded.stderr);
		t.is(lastJson(embedded).crc, got.crc, `${what}: host/sim gives the same CRC`);
	}
	t.log(`mcsim ms per run: ${results.slice(0, expectations.length).map((r, i) => `${expectations[i].arch}/${expectations[i].run.policy} ${r.ms}`).join(", ")}`);

	const [corrupt, unknownPolicy] = results.slice(expectations.length);
	t.regex(corrupt?.error ?? "", /^htpw CRC \(\d+\): /, "a corrupted blob is refused by the C validator through xsmc");
	t.regex(unknownPolicy?.error ?? "", /unknown policy eager/);
});
