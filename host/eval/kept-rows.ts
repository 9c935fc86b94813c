// Scoring one new candidate beside earlier ones without sweeping them all again: a recipe with no trials in the
// sweep folder keeps its row from the previous results file, but only when that file was made from the same
// dataset (the sha256 of its index.json), since a row from other inputs or folds is not comparable.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export function datasetIndexSha(dataDir: string): string {
	return createHash("sha256").update(readFileSync(join(dataDir, "index.json"))).digest("hex");
}

/** The rows of the results file at `path` by recipe, when it records the dataset `indexSha`; else none. */
export function earlierRows<Row extends { recipe: string }>(path: string, indexSha: string): Map<string, Row> {
	if (!existsSync(path)) return new Map();
	const earlier = JSON.parse(readFileSync(path, "utf8")) as { dataset?: { index_sha256?: string }; recipes?: Row[] };
	if (earlier.dataset?.index_sha256 !== indexSha) return new Map();
	return new Map((earlier.recipes ?? []).map((r) => [r.recipe, r]));
}

/**
 * The earlier row recipe `name` keeps: only when scoring it from the sweep failed because it has no trials there at
 * all (a folder with incomplete trials is an error to report, not a reason to show an old row).
 */
export function keptRow<Row>(earlier: Map<string, Row>, sweep: string, name: string, scored: unknown): Row | undefined {
	return typeof scored === "string" && !existsSync(join(sweep, name)) ? earlier.get(name) : undefined;
}
