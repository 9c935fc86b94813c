// `hypertiny run`: the device app in the simulator on an ECG record, printing what a board prints on its
// serial log (status lines, and with config traceBeats, off on boards, one trace line per beat) and, at the end,
// the app's statistics. No companion.
import { parseArgs } from "node:util";
import { ensureBuilt } from "../app/build.ts";
import { apneaModelOption, modelOption } from "../app/default-model.ts";
import { loadRecording } from "../app/ecg-resource.ts";
import { SimApp } from "../app/sim-app.ts";
import { apneaModelNotUsed, modelNotUsed, requireSamples } from "./prerequisites.ts";

const USAGE = `usage: hypertiny run [--record N|path] [--model m.htpw|none] [--apnea-model m.htpw|none]
                     [--policy boot|lazy|stream --budget N] [--realtime] [--gatt] [--json]

The app's own output (trace), as on a board's serial log with config traceBeats (off on boards by default): a
line per beat and per apnea minute; --gatt adds every GATT packet as an "@gatt" line;
--json prints only the final statistics as one JSON object.
`;

export async function runCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			record: { type: "string", default: "119" },
			model: { type: "string" },
			"apnea-model": { type: "string" },
			policy: { type: "string", default: "boot" },
			budget: { type: "string" },
			realtime: { type: "boolean", default: false },
			gatt: { type: "boolean", default: false },
			json: { type: "boolean", default: false },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	const model = modelOption(values.model);
	const apneaModel = apneaModelOption(values["apnea-model"]);
	const recording = await loadRecording(values.record);
	requireSamples(recording);
	ensureBuilt(["app"], (line) => process.stderr.write(line + "\n"));
	const budget = values.budget === undefined ? undefined : Number(values.budget);
	const app = new SimApp({ recording, model, apneaModel, config: { policy: values.policy, budget, realtime: values.realtime, traceBeats: !values.json } });
	if (!values.json) {
		app.on("trace", (line: string) => process.stdout.write(line + "\n"));
		if (values.gatt) {
			const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
			app.on("packet", (id: number, b: Uint8Array) => process.stdout.write(`@gatt ${id} ${hex(b)}\n`));
			app.on("value", (id: number, b: Uint8Array) => process.stdout.write(`@gatt-value ${id} ${hex(b)}\n`));
		}
	}
	const result = await app.done;
	if (result.status !== 0 || !result.stats) {
		process.stderr.write(result.stderr);
		throw new Error(`the app stopped before the end of the record (simulator exit ${result.status})`);
	}
	const stats = { record: recording.name, wallSeconds: Number(result.wallSeconds.toFixed(2)), ...result.stats };
	process.stdout.write(values.json ? JSON.stringify(stats) + "\n" : `${JSON.stringify(stats)}\n`);
	const failed = modelNotUsed(model, result.stats.model) ?? apneaModelNotUsed(values["apnea-model"], apneaModel, result.stats.apnea?.model);
	if (failed) process.stderr.write(`hypertiny run: ${failed}\n`);
	return failed ? 1 : 0;
}
