// The default beat-window dataset (results/tmp/mitbih-windows) for tests that need all 48 records: reused when
// present, else built once; test files running in parallel wait for the one that builds it (a lock directory).
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { buildDataset, DEFAULT_DATASET_DIR } from "../host/data/dataset-build.ts";
import { DATASET_VERSION } from "../host/data/dataset-format.ts";
import { mitdbPath } from "../host/data/mitdb-path.ts";
import { REPO_ROOT } from "../host/train/python.ts";

const STALE_MS = 30 * 60 * 1000;

/** Built by this version of dataset-build.ts (an older one lacks files, e.g. features.f32 before v2). */
function current(dir: string): boolean {
	try {
		return (JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { version?: number }).version === DATASET_VERSION;
	} catch {
		return false;
	}
}

export async function defaultDataset(): Promise<string> {
	const dir = join(REPO_ROOT, DEFAULT_DATASET_DIR);
	const lock = `${dir}.building`;
	mkdirSync(dirname(dir), { recursive: true });
	for (;;) {
		if (existsSync(join(dir, "index.json")) && current(dir)) return dir;
		try {
			mkdirSync(lock);
		} catch {
			// Someone else builds it; take over only a lock left behind by a dead run.
			if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > STALE_MS) rmSync(lock, { recursive: true, force: true });
			await sleep(2000);
			continue;
		}
		try {
			await buildDataset({ mitdb: await mitdbPath(), out: dir });
			return dir;
		} finally {
			rmSync(lock, { recursive: true, force: true });
		}
	}
}
