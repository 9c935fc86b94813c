// `hypertiny bench:m4app` (npm run bench:m4app): the whole app on the emulated nRF52840 core (QEMU mps2-an386,
// exact instruction counts): boot, model load, synthesis under each policy, the ECG pipeline per second and the
// cost per beat, JS vs C, and what it means in duty cycle and battery life. Writes results/deploy/m4app.json
// and results/deploy/m4app.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { benchM4App, DEFAULT_OUT } from "../m4app/bench.ts";
import { markdownReport } from "../m4app/report.ts";
import { describeMissing, findToolchain, ROOT } from "../moddable/toolchain.ts";

const USAGE = `usage: hypertiny bench:m4app [--record N] [--seconds S] [--segment-seconds S] [--model M.htpw] [--out DIR]
  --record           bundled or MIT-BIH record played first (default 119)
  --seconds          seconds of it (default 60)
  --segment-seconds  seconds of each synthetic segment: 60, 75, 120 bpm and no beats (default 20)
  --model            the model the app classifies with, at MIT-BIH's 360 Hz (default models/default.htpw)
  --out              results directory (default results/deploy)
Needs the Moddable SDK (../shared/toolchains/setup), gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm.
`;

function positive(value: string | undefined, name: string, fallback: number): number {
	if (value === undefined) return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not "${value}"`);
	return n;
}

export async function benchM4AppCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			record: { type: "string", default: "119" },
			seconds: { type: "string" },
			"segment-seconds": { type: "string" },
			model: { type: "string" },
			out: { type: "string", default: join(ROOT, "results/deploy") },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	const check = findToolchain(["nrf52"]);
	if (!check.toolchain) {
		process.stderr.write(`hypertiny bench:m4app: ${describeMissing(check)}\n`);
		return 1; // a missing toolchain is a failure to run, not a usage error (2)
	}
	const report = await benchM4App(check.toolchain, {
		outDir: DEFAULT_OUT,
		record: values.record,
		recordSeconds: positive(values.seconds, "seconds", 60),
		segmentSeconds: positive(values["segment-seconds"], "segment-seconds", 20),
		model: values.model ? resolve(values.model) : undefined,
		log: (line) => process.stderr.write(`bench:m4app: ${line}\n`),
	});
	const out = resolve(values.out);
	mkdirSync(out, { recursive: true });
	const json = { ...report, elf: relative(ROOT, report.elf) };
	writeFileSync(join(out, "m4app.json"), JSON.stringify(json, null, "\t") + "\n");
	const md = markdownReport(report);
	writeFileSync(join(out, "m4app.md"), md);
	process.stdout.write(md);
	process.stderr.write(`bench:m4app: wrote ${relative(ROOT, join(out, "m4app.json"))} and m4app.md\n`);
	return 0;
}
