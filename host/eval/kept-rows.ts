// Scoring one new candidate beside earlier ones without sweeping them all again: a recipe with no trials in the
// sweep folder keeps its row from the previous results file, but only when that file was made from the same
// dataset (the sha256 of its index.json), or, for beat models, from one whose windows, labels, folds and every
// feature it had are unchanged (beatDatasetFingerprint), since a row from other inputs or folds is not comparable.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export function datasetIndexSha(dataDir: string): string {
	return createHash("sha256").update(readFileSync(join(dataDir, "index.json"))).digest("hex");
}

/**
 * What a beat model's rows depend on in its dataset besides the trials: `base`, the sha256 of every file but the
 * feature files and of index.json without its version and feature list (windows, labels, records, rhythms, folds);
 * `features`, the sha256 of each feature's column in both leads. A dataset that only appends features keeps the
 * earlier rows (their recipes read the same values); one that changes any earlier column or anything else does not.
 */
export interface DatasetFingerprint {
	base: string;
	features: Record<string, string>;
}

export function beatDatasetFingerprint(dataDir: string): DatasetFingerprint {
	const index = JSON.parse(readFileSync(join(dataDir, "index.json"), "utf8")) as { count: number; features: string[]; files: Record<string, string>; version?: number };
	const { version: _version, features: names, ...rest } = index;
	const base = createHash("sha256").update(JSON.stringify(rest));
	for (const [key, file] of Object.entries(index.files).sort()) if (key !== "features" && key !== "features2") base.update(key).update(readFileSync(join(dataDir, file)));
	const leads = ["features", "features2"].filter((k) => index.files[k]).map((k) => {
		const bytes = readFileSync(join(dataDir, index.files[k]!));
		return new Float32Array(bytes.buffer, bytes.byteOffset, index.count * names.length);
	});
	const features: Record<string, string> = {};
	names.forEach((name, f) => {
		const h = createHash("sha256");
		for (const lead of leads) {
			const column = new Float32Array(index.count);
			for (let i = 0; i < index.count; i++) column[i] = lead[i * names.length + f]!;
			h.update(new Uint8Array(column.buffer));
		}
		features[name] = h.digest("hex");
	});
	return { base: base.digest("hex"), features };
}

/** Whether rows made from a dataset with fingerprint `earlier` hold for one with `now` (beatDatasetFingerprint). */
export function sameInputs(earlier: DatasetFingerprint, now: DatasetFingerprint): boolean {
	return earlier.base === now.base && Object.entries(earlier.features).every(([name, sha]) => now.features[name] === sha);
}

/**
 * The rows of the results file at `path` by recipe, when it records the dataset `indexSha` (or one of several: an
 * index that only gained a file still reads the same inputs), or a fingerprint whose inputs this dataset keeps
 * (`fingerprint`, sameInputs); else none.
 */
export function earlierRows<Row extends { recipe: string }>(path: string, indexSha: string | readonly string[], fingerprint?: DatasetFingerprint): Map<string, Row> {
	if (!existsSync(path)) return new Map();
	const earlier = JSON.parse(readFileSync(path, "utf8")) as { dataset?: { index_sha256?: string; fingerprint?: DatasetFingerprint }; recipes?: Row[] };
	const shas: readonly string[] = typeof indexSha === "string" ? [indexSha] : indexSha;
	const same = shas.includes(earlier.dataset?.index_sha256 ?? "") || (!!fingerprint && !!earlier.dataset?.fingerprint && sameInputs(earlier.dataset.fingerprint, fingerprint));
	if (!same) return new Map();
	return new Map((earlier.recipes ?? []).map((r) => [r.recipe, r]));
}

/**
 * The earlier row recipe `name` keeps: only when scoring it from the sweep failed because it has no trials there at
 * all (a folder with incomplete trials is an error to report, not a reason to show an old row).
 */
export function keptRow<Row>(earlier: Map<string, Row>, sweep: string, name: string, scored: unknown): Row | undefined {
	return typeof scored === "string" && !existsSync(join(sweep, name)) ? earlier.get(name) : undefined;
}
