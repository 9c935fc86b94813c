// `hypertiny dataset [--out <dir>] [--quiet]`: MIT-BIH beat windows through the device's preprocessing
// (host/data/dataset-format.ts describes the files).
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { AAMI_CLASSES, interPatientSplit } from "../data/aami.ts";
import { buildDataset, DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import { SPLIT_NAMES, type DatasetIndex } from "../data/dataset-format.ts";
import { mitdbPath } from "../data/mitdb-path.ts";
import { Progress } from "./progress.ts";

export const DATASET_USAGE = `usage: hypertiny dataset [--out <dir>] [--quiet]

MIT-BIH beat windows through the device's ECG preprocessing, split by record (de Chazal's DS1/DS2), with per-beat
features; what the train, eval and report commands read.
  --out    where (default results/tmp/mitbih-windows)
  --quiet  no per-record lines or progress
MIT-BIH comes from $HYPERTINY_MITDB, else the copy \`npx hypertiny data fetch mitdb\` made, else the shared archive.
`;

export function formatDatasetSummary(index: DatasetIndex, out: string): string {
	const lines = [`${index.count} windows of ${index.window} samples (R at ${index.pre}) in ${out}; per-window features: ${index.features.join(", ") || "none"}`];
	for (const split of SPLIT_NAMES) {
		const s = index.splits[split];
		const classes = AAMI_CLASSES.map((c) => `${c} ${s.aami5[c]}`).join(", ");
		lines.push(`  ${split.padEnd(10)} ${String(s.count).padStart(6)}  ${classes}  (${s.records.length} records)`);
	}
	const dropped = AAMI_CLASSES.map((c) => `${c} ${index.totals.dropped[c]}`).join(", ");
	lines.push(`  dropped (window outside the filtered record): ${dropped}; unmapped beat symbols: ${index.totals.unmapped}`);
	return lines.join("\n") + "\n";
}

/** The inter-patient dataset into `out`, with a progress line on a terminal and, with `lines`, one line per record. */
export async function buildDefaultDataset(out: string, show: { lines: boolean; progress: boolean }): Promise<DatasetIndex> {
	const mitdb = await mitdbPath();
	const split = interPatientSplit();
	const records = SPLIT_NAMES.reduce((n, s) => n + split[s].length, 0);
	const progress = new Progress("dataset: records", records, { enabled: show.progress });
	let done = 0;
	// buildDataset logs one line per record it has finished.
	const log = (line: string): void => {
		progress.update(++done, line.replace(/:.*/, ""));
		if (show.lines) progress.log(line);
	};
	try {
		return await buildDataset({ mitdb, out, log });
	} finally {
		progress.end();
	}
}

export async function datasetCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({ args, options: { out: { type: "string" }, quiet: { type: "boolean", default: false }, help: { type: "boolean", default: false } } });
	if (values.help) {
		process.stdout.write(DATASET_USAGE);
		return 0;
	}
	const out = resolve(values.out ?? DEFAULT_DATASET_DIR);
	const index = await buildDefaultDataset(out, { lines: !values.quiet, progress: !values.quiet });
	process.stdout.write(formatDatasetSummary(index, out));
	return 0;
}
