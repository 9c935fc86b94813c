// The PhysioNet releases `hypertiny data fetch` downloads: which files (PhysioNet's own names) and the sha256 each
// must have, from PhysioNet's SHA256SUMS committed in host/data/manifests (plus hashes pinned there for files the
// release's manifest lacks).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const MANIFEST_DIR = fileURLToPath(new URL("./manifests/", import.meta.url));
export const DEFAULT_MIRROR = "https://physionet.org/files/";
export const MIRROR_ENV = "HYPERTINY_PHYSIONET_MIRROR";

export interface DatasetFile {
	name: string;
	sha256: string;
}

export interface DatasetSpec {
	id: string;
	title: string;
	/** The release's path under a mirror: `<slug>/<version>/<file>`. */
	slug: string;
	version: string;
	files: DatasetFile[];
	/** Every file of the selection the project uses (not a --records subset). */
	complete: boolean;
}

interface Release {
	title: string;
	version: string;
	manifests: string[];
	/** The files of the release the project uses. */
	uses: RegExp;
	/** A file's record name, for --records; files that belong to no record are fetched only with the whole set. */
	record: RegExp;
}

const RELEASES: Record<string, Release> = {
	mitdb: {
		title: "MIT-BIH Arrhythmia Database",
		version: "1.0.0",
		manifests: ["physionet_mitdb_1.0.0_SHA256SUMS.txt"],
		uses: /^(\d{3}\.(hea|dat|atr)|RECORDS|ANNOTATORS)$/,
		record: /^(\d{3})\.\w+$/,
	},
	"apnea-ecg": {
		title: "Apnea-ECG Database",
		version: "1.0.0",
		manifests: ["physionet_apnea-ecg_1.0.0_SHA256SUMS.txt", "apnea-ecg_1.0.0_pinned.sha256"],
		uses: /^([abcx]\d{2}\.(hea|apn|qrs)|RECORDS|ANNOTATORS|list|additional-information\.txt|event-[12]-answers)$/,
		record: /^([abcx]\d{2})\.\w+$/,
	},
};

export const DATASET_IDS = Object.keys(RELEASES);

/** `sha256sum` output (or PhysioNet's SHA256SUMS): name -> hash. `#` lines are comments. */
export function parseSha256Sums(text: string, source: string): Map<string, string> {
	const sums = new Map<string, string>();
	for (const [i, raw] of text.split("\n").entries()) {
		const line = raw.trim();
		if (line === "" || line.startsWith("#")) continue;
		const m = /^([0-9a-f]{64}) [ *]?(\S.*)$/.exec(line);
		if (!m) throw new Error(`${source}:${i + 1}: not a "<sha256> <file>" line`);
		sums.set(m[2]!, m[1]!);
	}
	return sums;
}

/** The files of release `id` the project uses, or only those of `records`. */
export function physionetDataset(id: string, records?: string[]): DatasetSpec {
	const release = RELEASES[id];
	if (!release) throw new Error(`unknown dataset "${id}": one of ${DATASET_IDS.join(", ")}`);
	const sums = new Map<string, string>();
	for (const manifest of release.manifests) {
		for (const [name, hash] of parseSha256Sums(readFileSync(join(MANIFEST_DIR, manifest), "utf8"), manifest)) sums.set(name, hash);
	}
	let files = [...sums].filter(([name]) => release.uses.test(name)).map(([name, sha256]) => ({ name, sha256 }));
	if (records) {
		const known = new Set(files.map((f) => release.record.exec(f.name)?.[1]).filter((r) => r !== undefined));
		const unknown = records.filter((r) => !known.has(r));
		if (unknown.length) throw new Error(`${id} ${release.version} has no record ${unknown.join(", ")} (records: ${[...known].sort().join(" ")})`);
		const wanted = new Set(records);
		files = files.filter((f) => wanted.has(release.record.exec(f.name)?.[1] ?? ""));
	}
	files.sort((a, b) => a.name.localeCompare(b.name));
	return { id, title: release.title, slug: id, version: release.version, files, complete: !records };
}

/** A mirror's base URL (PhysioNet's layout: `<base><slug>/<version>/<file>`), checked and ending in "/". */
export function mirrorBase(url: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new Error(`mirror "${url}" is not a URL (e.g. ${DEFAULT_MIRROR})`);
	}
	if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error(`mirror "${url}": only https:// (or http://) URLs`);
	return parsed.href.endsWith("/") ? parsed.href : `${parsed.href}/`;
}

export function fileUrl(base: string, spec: DatasetSpec, name: string): string {
	return new URL(`${spec.slug}/${spec.version}/${encodeURIComponent(name)}`, base).href;
}
