// `hypertiny export --tflite <model.htpw> [-o m.tflite]`: the model as a TensorFlow Lite flatbuffer that TFLM runs
// with our integer outputs (docs/FORMAT.md §2a).

import { readFileSync, writeFileSync } from "node:fs";
import { readModel } from "../../modules/model/index.ts";
import { HtError } from "../../modules/model/errors.ts";
import { ExportError, exportTflite } from "../tflite/export.ts";
import { checkWindows, compareWithTflm, hasTflm, TFLM_MISSING } from "../tflite/tflm.ts";

const EXPORT_USAGE = "usage: hypertiny export --tflite <model.htpw> [-o m.tflite] [--check N]\n\n" +
	"Writes the model as a .tflite of builtin ops (CONV_2D, DEPTHWISE_CONV_2D, PAD, ADD, MEAN, MAX_POOL_2D,\n" +
	"FULLY_CONNECTED) whose int8 outputs equal ours in TensorFlow Lite Micro. Generated layers are synthesized and\n" +
	"stored as INT8, so the .tflite is larger than the .htpw. Version 1 models and attention pooling are refused.\n" +
	"--check N runs N random windows and six adversarial ones in TFLM's own interpreter (PyPI tflite-micro) and in\n" +
	"our engine, and fails unless every int8 output is identical.\n";

export function exportCommand(args: string[]): number {
	if (args.includes("--help")) {
		process.stdout.write(EXPORT_USAGE);
		return 0;
	}
	const at = args.indexOf("-o");
	const out = at >= 0 ? args[at + 1] : undefined;
	const checkAt = args.indexOf("--check");
	const check = checkAt >= 0 ? Number(args[checkAt + 1]) : 0;
	const rest = args.filter((a, i) => a !== "--tflite" && i !== at && i !== at + 1 && i !== checkAt && i !== checkAt + 1);
	if (!args.includes("--tflite") || rest.length !== 1 || rest[0].startsWith("-") || (at >= 0 && !out) || !(Number.isInteger(check) && check >= 0)) {
		process.stderr.write(EXPORT_USAGE);
		return 2;
	}
	const input = rest[0];
	const data = readFileSync(input);
	const blob = new Uint8Array(data.byteLength);
	blob.set(data); // 4-byte aligned
	let tflite: Uint8Array;
	const model = readModel(blob);
	try {
		tflite = exportTflite(model);
	} catch (e) {
		if (e instanceof ExportError || e instanceof HtError) {
			process.stderr.write(`hypertiny export: ${input}: ${e.message}\n`);
			return 1;
		}
		throw e;
	}
	const path = out ?? input.replace(/\.htpw$/, "") + ".tflite";
	writeFileSync(path, tflite);
	process.stdout.write(`${path}: ${tflite.length} bytes (${input}: ${blob.length} bytes; generated layers are stored as INT8 in the .tflite)\n`);
	if (checkAt < 0) return 0;
	if (!hasTflm()) {
		process.stderr.write(`hypertiny export: --check needs TFLM's Python interpreter: ${TFLM_MISSING}\n`);
		return 1;
	}
	const result = compareWithTflm(model, checkWindows(model, 1, check));
	process.stdout.write(`TFLM: identical int8 outputs on ${result.identical}/${result.windows} windows${result.firstDifferent >= 0 ? ` (first different: window ${result.firstDifferent})` : ""}\n`);
	return result.identical === result.windows ? 0 : 1;
}
