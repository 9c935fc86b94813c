// `hypertiny apnea dataset|cv|release`: sleep apnea per minute from RR intervals (issue 15, item 2). `dataset` builds
// the minute windows from Apnea-ECG's beat times (host/rhythm/apnea-dataset.ts); `cv` scores swept recipes by
// cross-validation over the learning set, folds by subject, and chooses each seed's threshold and the shipped seed;
// `release` evaluates every seed once on the test set with the integer engine and ships the chosen one.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildApneaDataset, DEFAULT_APNEA_DIR } from "../rhythm/apnea-dataset.ts";
import { REPO_ROOT } from "../train/python.ts";

export const APNEA_USAGE = `hypertiny apnea dataset [--out ${DEFAULT_APNEA_DIR}]
    the per-minute inputs of all 70 Apnea-ECG recordings (modules/rhythm/apnea-input.ts), labels, subjects, folds`;

export async function apneaCommand(args: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args, allowPositionals: true,
		options: { out: { type: "string" }, help: { type: "boolean", default: false } },
	});
	if (values.help) {
		process.stdout.write(`usage: ${APNEA_USAGE}\n`);
		return 0;
	}
	const [sub] = positionals;
	if (sub === "dataset") {
		const out = resolve(REPO_ROOT, values.out ?? DEFAULT_APNEA_DIR);
		const index = await buildApneaDataset(out);
		const learning = index.records.filter((r) => r.set === "learning");
		process.stdout.write(`${out}: ${index.count} minutes (learning ${index.splits.train.count}, test ${index.splits.test.count}); ` +
			`${learning.reduce((a, r) => a + r.apnea_minutes, 0)} apnea minutes in the learning set; folds by subject: ` +
			index.fold_names.map((f) => f.join(" ")).join(" | ") + "\n");
		return 0;
	}
	throw new Error(`usage: ${APNEA_USAGE}`);
}
