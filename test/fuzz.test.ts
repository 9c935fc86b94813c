// The C validator, synthesis and kernels, the ECG pipeline, the beat input writer and the beat template under
// libFuzzer (with ASan/UBSan) for a bounded time: no finding. The longer run is documented in native/README.md.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { ExecutionContext } from "ava";
import { ROOT } from "../host/cli/sim-runner.ts";
import { testWithTools } from "./toolchain.ts";

const SECONDS = Number(process.env.HYPERTINY_FUZZ_SECONDS ?? 45);
const C_SECONDS = Number(process.env.HYPERTINY_FUZZ_C_SECONDS ?? 8);

function fuzz(t: ExecutionContext, target: string, seconds: number, minRuns: number): void {
	const r = spawnSync("make", ["-C", join(ROOT, "native"), target, `FUZZ_SECONDS=${seconds}`], { encoding: "utf8", maxBuffer: 64 << 20 });
	const log = `${r.stdout}\n${r.stderr}`;
	t.is(r.status, 0, log.slice(-4000));
	t.notRegex(log, /ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error:/);
	const runs = /stat::number_of_executed_units:\s*(\d+)/.exec(log);
	t.truthy(runs, "libFuzzer printed its final stats");
	t.true(Number(runs![1]) > minRuns, `the fuzzer ran (${runs?.[1]} executions)`);
	t.log(`${target} executions: ${runs![1]}`);
}

testWithTools(`libFuzzer on ht_model_open + synthesis + ops, ${SECONDS} s, finds nothing`, ["clang"], (t) => {
	fuzz(t, "fuzz", SECONDS, 1000);
});

for (const [harness, what] of [["ecg", "the ECG pipeline"], ["input", "the beat input writer"], ["template", "the beat template"]]) {
	testWithTools(`libFuzzer on ${what} (native/fuzz/fuzz_${harness}.c), ${C_SECONDS} s from its committed seeds, finds nothing`, ["clang"], (t) => {
		const seeds = readdirSync(join(ROOT, "native/fuzz/seeds", harness));
		t.true(seeds.length >= 10, `${seeds.length} committed seeds`);
		// Past the seeds: the fuzzer must have run mutations, not only replayed the corpus.
		fuzz(t, `fuzz-${harness}`, C_SECONDS, seeds.length * 4);
	});
}
