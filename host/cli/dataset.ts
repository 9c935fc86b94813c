// `hypertiny dataset [--out <dir>] [--quiet]`: MIT-BIH beat windows through the device's preprocessing
// (host/data/dataset-format.ts describes the files).
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { AAMI_CLASSES } from "../data/aami.ts";
import { buildDataset, DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import { SPLIT_NAMES, type DatasetIndex } from "../data/dataset-format.ts";
import { mitdbPath } from "../data/mitdb-path.ts";

export const DATASET_USAGE = "hypertiny dataset [--out <dir>] [--quiet]   (MIT-BIH: $HYPERTINY_MITDB or the shared archive)";

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

export async function datasetCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({ args, options: { out: { type: "string" }, quiet: { type: "boolean", default: false } } });
	const out = resolve(values.out ?? DEFAULT_DATASET_DIR);
	const log = values.quiet ? undefined : (line: string) => process.stderr.write(line + "\n");
	const index = await buildDataset({ mitdb: await mitdbPath(), out, log });
	process.stdout.write(formatDatasetSummary(index, out));
	return 0;
}
