// `hypertiny inspect <model.htpw> [--json]`: bytes per section and role, and the all-PW-INT8 size.

import { readFileSync } from "node:fs";
import { readModel } from "../../modules/model/index.ts";
import { formatInspect, inspectBlob } from "../pack/inspect.ts";
import type { Model } from "../../modules/model/model.ts";
import { ExportError, exportTflite } from "../tflite/export.ts";
import { appModelMeta } from "./app-model.ts";

/** The size of the model's .tflite, or why it has none (the generator's saving does not survive export). */
function tfliteSize(model: Model): { bytes: number | null; refused: string | null } {
	try {
		return { bytes: exportTflite(model).length, refused: null };
	} catch (e) {
		if (e instanceof ExportError) return { bytes: null, refused: e.message };
		throw e;
	}
}

const INSPECT_USAGE = "usage: hypertiny inspect <model.htpw> [--json]\n\nBytes per section and role of a packed model, and what it would take with every pointwise layer stored as INT8.\n";

export function inspectCommand(args: string[]): number {
	if (args.includes("--help")) {
		process.stdout.write(INSPECT_USAGE);
		return 0;
	}
	const json = args.includes("--json");
	const files = args.filter((a) => a !== "--json");
	if (files.length !== 1 || files[0].startsWith("-")) {
		process.stderr.write(INSPECT_USAGE);
		return 2;
	}
	const data = readFileSync(files[0]);
	const blob = new Uint8Array(data.byteLength);
	blob.set(data); // a fresh, 4-byte aligned copy (Node's pooled Buffers may start anywhere)
	const report = inspectBlob(blob);
	const model = readModel(blob);
	appModelMeta(model);
	const tflite = tfliteSize(model);
	if (json) process.stdout.write(JSON.stringify({ file: files[0], ...report, tflite_bytes: tflite.bytes, tflite_refused: tflite.refused }, null, 2) + "\n");
	else process.stdout.write(formatInspect(report, files[0]) + (tflite.bytes !== null ? `tflite: ${tflite.bytes} bytes (hypertiny export --tflite: generated layers are stored as INT8 there)\n` : `tflite: not exportable (${tflite.refused})\n`));
	return 0;
}
