// The C validator, synthesis and kernels under libFuzzer (with ASan/UBSan) for a bounded time: no finding.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../host/cli/sim-runner.ts";
import { testWithTools } from "./toolchain.ts";

const SECONDS = Number(process.env.HYPERTINY_FUZZ_SECONDS ?? 45);

testWithTools(`libFuzzer on ht_model_open + synthesis + ops, ${SECONDS} s, finds nothing`, ["clang"], (t) => {
	const r = spawnSync("make", ["-C", join(ROOT, "native"), "fuzz", `FUZZ_SECONDS=${SECONDS}`], { encoding: "utf8", maxBuffer: 64 << 20 });
	const log = `${r.stdout}\n${r.stderr}`;
	t.is(r.status, 0, log.slice(-4000));
	t.notRegex(log, /ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error:/);
	const runs = /stat::number_of_executed_units:\s*(\d+)/.exec(log);
	t.truthy(runs, "libFuzzer printed its final stats");
	t.true(Number(runs![1]) > 1000, `the fuzzer ran (${runs?.[1]} executions)`);
	t.log(`fuzz executions: ${runs![1]}`);
});
