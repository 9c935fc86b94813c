// `hypertiny inspect <model.htpw> [--json]`: bytes per section and role, and the all-PW-INT8 size.

import { readFileSync } from "node:fs";
import { readModel } from "../../modules/model/index.ts";
import { formatInspect, inspectBlob } from "../pack/inspect.ts";
import { appModelMeta } from "./app-model.ts";

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
	appModelMeta(readModel(blob));
	process.stdout.write(json ? JSON.stringify({ file: files[0], ...report }, null, 2) + "\n" : formatInspect(report, files[0]));
	return 0;
}
