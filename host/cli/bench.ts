// `hypertiny bench` (npm run bench): per-kernel throughput of the C natives in the XS simulator, and the ratio
// to the same loops in plain JS on XS; then modules/ecg's R-peak detection over the 48 MIT-BIH records.
// Each part prints a table, then its JSON (one line).
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readModel } from "../../modules/model/index.ts";
import { OP_NAMES } from "../../modules/model/format.ts";
import { opMacs } from "../../modules/model/work.ts";
import { randomModelBlob } from "../pack/random-model.ts";
import { lastJson, runSim } from "./sim-runner.ts";
import { detectionReport, detectionTable } from "../bench/ecg-detection.ts";
import { Progress } from "./progress.ts";

/** Bench architectures: 256-sample windows; together they contain every op type. */
const BENCH_MODELS = [
	{ seed: 7, options: { family: "head", length: 256, channels: 1, blocks: 4, forceAllBits: true, forceResidual: true, forceStride2: true } },
	{ seed: 8, options: { family: "lowrank", length: 256, channels: 2, blocks: 4, forceAllBits: true, forceResidual: true, forceStride2: true } },
	{ seed: 9, options: { family: "lowrank", length: 256, channels: 1, blocks: 5, forceResidual: true } },
	{ seed: 2, options: { family: "head", length: 256, channels: 1, blocks: 3 } },
] as const;

interface KernelRow {
	kernel: string;
	calls: number;
	macs: number;
	native_mac_per_s: number;
	js_mac_per_s: number;
	native_vs_js: number;
}

function table(rows: KernelRow[], synthesis: { layers: number; native_us: number; js_us: number }): string {
	const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));
	const lines = ["kernel      calls      MACs   native MAC/s   JS-on-XS MAC/s   native/JS"];
	for (const r of rows)
		lines.push(`${r.kernel.padEnd(10)} ${String(r.calls).padStart(6)} ${fmt(r.macs).padStart(9)} ${fmt(r.native_mac_per_s).padStart(14)} ${fmt(r.js_mac_per_s).padStart(16)} ${r.native_vs_js.toFixed(1).padStart(10)}x`);
	lines.push(`synthesis  ${synthesis.layers} layers: native ${synthesis.native_us.toFixed(1)} us, JS on XS ${synthesis.js_us.toFixed(1)} us (${(synthesis.js_us / synthesis.native_us).toFixed(1)}x)`);
	return lines.join("\n") + "\n";
}

const PARTS = ["kernels", "ecg"];

const BENCH_USAGE = `usage: hypertiny bench [--min-us N] [--only kernels|ecg] [--json]

kernels: per-kernel MAC/s of the C natives in the XS simulator and of the same loops in plain JS on XS (random models
         covering every op); ecg: modules/ecg's R-peak detection over the 48 MIT-BIH records (Se, PPV; needs the
         data: \`npx hypertiny data fetch mitdb\`). Each part prints a table, then its JSON on one line.
  --min-us N  time each kernel for at least N microseconds (default 20000)
  --only      one part
  --json      the JSON lines only, no tables or progress
`;

export async function benchCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: { "min-us": { type: "string", default: "20000" }, json: { type: "boolean", default: false }, only: { type: "string" }, help: { type: "boolean", default: false } },
	});
	if (values.help) {
		process.stdout.write(BENCH_USAGE);
		return 0;
	}
	if (values.only !== undefined && !PARTS.includes(values.only)) throw new Error(`--only takes one of ${PARTS.join(", ")}, got "${values.only}"`);
	if (values.only !== "ecg") kernelBench(Number(values["min-us"]), values.json);
	if (values.only !== "kernels") {
		const progress = new Progress("bench ecg: MIT-BIH records", undefined, { enabled: !values.json });
		let report;
		try {
			({ report } = await detectionReport(undefined, (record, done, total) => progress.update(done, `record ${record}`, total)));
		} finally {
			progress.end();
		}
		if (!values.json) process.stdout.write(detectionTable(report));
		process.stdout.write(JSON.stringify({ ecg_detection: report }) + "\n");
	}
	return 0;
}

function kernelBench(minUs: number, json: boolean): void {
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-bench-"));
	// runSim is synchronous, so the line moves between models only (no elapsed-time redraws in between).
	const progress = new Progress("bench kernels: models", BENCH_MODELS.length, { enabled: !json });
	const perKernel = new Map<number, { calls: number; macs: number; nativeUs: number; jsUs: number }>();
	const synthesis = { layers: 0, native_us: 0, js_us: 0 };
	try {
		for (const [done, { seed, options }] of BENCH_MODELS.entries()) {
			progress.update(done, `seed ${seed}`);
			const blob = randomModelBlob(seed, options);
			const model = readModel(blob);
			const path = join(dir, `bench-${seed}.htpw`);
			writeFileSync(path, blob);
			const run = runSim("bench", { resources: { "model.htpw": path }, config: { minUs } });
			if (run.status !== 0) throw new Error(`the simulator failed: ${run.stderr || run.stdout}`);
			const result = lastJson(run);
			for (const op of result.ops) {
				const entry = perKernel.get(op.opcode) ?? { calls: 0, macs: 0, nativeUs: 0, jsUs: 0 };
				entry.calls++;
				entry.macs += opMacs(model, op.op);
				entry.nativeUs += op.native_us;
				entry.jsUs += op.js_us;
				perKernel.set(op.opcode, entry);
			}
			for (const s of result.synthesis) {
				synthesis.layers++;
				synthesis.native_us += s.native_us;
				synthesis.js_us += s.js_us;
			}
		}
	} finally {
		progress.end();
		rmSync(dir, { recursive: true, force: true });
	}
	const rows: KernelRow[] = [...perKernel.entries()]
		.sort(([a], [b]) => a - b)
		.map(([opcode, e]) => ({
			kernel: OP_NAMES[opcode],
			calls: e.calls,
			macs: e.macs,
			native_mac_per_s: e.macs / (e.nativeUs * 1e-6),
			js_mac_per_s: e.macs / (e.jsUs * 1e-6),
			native_vs_js: e.jsUs / e.nativeUs,
		}));
	const report = { engine: "hypertiny-sim (XS, embedded default)", models: BENCH_MODELS.map((m) => m.seed), kernels: rows, synthesis };
	if (!json) process.stdout.write(table(rows, synthesis));
	process.stdout.write(JSON.stringify(report) + "\n");
}
