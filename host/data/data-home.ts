// Where `hypertiny data fetch` puts a dataset and where it records that it did: the data under
// $XDG_DATA_HOME/hypertiny/physionet/<id>/<version> (~/.local/share by default), the record in
// $XDG_CONFIG_HOME/hypertiny/data.json (~/.config by default), which every command reads to find the data.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

type Env = Record<string, string | undefined>;

export interface FetchedDataset {
	dir: string;
	version: string;
	files: number;
	mirror: string;
	fetched: string;
}

export function dataConfigFile(env: Env = process.env): string {
	return join(env["XDG_CONFIG_HOME"] || join(homedir(), ".config"), "hypertiny", "data.json");
}

export function defaultDataDir(id: string, version: string, env: Env = process.env): string {
	return join(env["XDG_DATA_HOME"] || join(homedir(), ".local", "share"), "hypertiny", "physionet", id, version);
}

function readRecords(file: string): Record<string, FetchedDataset> {
	if (!existsSync(file)) return {};
	try {
		const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
		return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, FetchedDataset>) : {};
	} catch {
		return {}; // unreadable: as if nothing had been fetched; the next fetch rewrites it
	}
}

/** Records that dataset `id` is complete and verified in `entry.dir`. */
export function recordFetched(id: string, entry: FetchedDataset, env: Env = process.env): string {
	const file = dataConfigFile(env);
	const records = readRecords(file);
	records[id] = entry;
	mkdirSync(dirname(file), { recursive: true });
	const scratch = `${file}.${process.pid}.tmp`;
	writeFileSync(scratch, JSON.stringify(records, null, "\t") + "\n");
	renameSync(scratch, file);
	return file;
}

/** The directory a fetch of `id` recorded, if it still exists. */
export function fetchedLocation(id: string, env: Env = process.env): string | undefined {
	const dir = readRecords(dataConfigFile(env))[id]?.dir;
	if (typeof dir !== "string") return undefined;
	try {
		return statSync(dir).isDirectory() ? dir : undefined;
	} catch {
		return undefined;
	}
}
