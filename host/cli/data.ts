// `hypertiny data fetch mitdb|apnea-ecg`: the PhysioNet release the project uses, downloaded, checked against
// PhysioNet's SHA256SUMS and recorded so that every command finds it (host/data/mitdb-path.ts).
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { dataConfigFile, defaultDataDir } from "../data/data-home.ts";
import { fetchAndRecord } from "../data/fetch.ts";
import { findMitdb } from "../data/mitdb-path.ts";
import { DATASET_IDS, DEFAULT_MIRROR, MIRROR_ENV, mirrorBase, physionetDataset } from "../data/physionet.ts";
import { Progress } from "./progress.ts";

export const DATA_USAGE = `usage: hypertiny data fetch mitdb|apnea-ecg [--dir DIR] [--mirror URL] [--records A,B,...] [--json]
       hypertiny data where

fetch   downloads PhysioNet's release (mitdb 1.0.0: 48 records' .hea/.dat/.atr, RECORDS, ANNOTATORS, 94 MB;
        apnea-ecg 1.0.0: its 70 headers, .apn, .qrs, the answers and lists, 5 MB; no ECG signals) under PhysioNet's
        own file names, checks every file against PhysioNet's SHA256SUMS (host/data/manifests), resumes a cut
        download when run again, and records the place in ${dataConfigFile().replace(process.env["HOME"] ?? "\0", "~")},
        where every hypertiny command looks for it.
  --dir DIR       where to put it (default ${defaultDataDir("<id>", "<version>").replace(process.env["HOME"] ?? "\0", "~")})
  --mirror URL    another server with PhysioNet's layout (<URL><id>/<version>/<file>); also $${MIRROR_ENV};
                  default ${DEFAULT_MIRROR}
  --records A,B   only these records (not recorded as the dataset's place; point HYPERTINY_MITDB at --dir)
  --json          one JSON line with the result, no progress
where   prints where each command finds MIT-BIH: $HYPERTINY_MITDB, else the fetched copy, else the shared archive.
`;

function megabytes(bytes: number): string {
	return `${(bytes / 1e6).toFixed(1)} MB`;
}

export async function dataCommand(args: string[]): Promise<number> {
	const [action, ...rest] = args;
	if (action === undefined) {
		process.stderr.write(DATA_USAGE);
		return 2;
	}
	if (action === "--help" || action === "-h" || action === "help") {
		process.stdout.write(DATA_USAGE);
		return 0;
	}
	if (action === "where") {
		if (rest.includes("--help") || rest.includes("-h")) {
			process.stdout.write(DATA_USAGE);
			return 0;
		}
		const found = findMitdb();
		if (!found.path) {
			process.stderr.write(`hypertiny data: ${found.missing}\n`);
			return 1;
		}
		process.stdout.write(`mitdb: ${found.path} (${found.source})\n`);
		return 0;
	}
	if (action !== "fetch") {
		process.stderr.write(`hypertiny data: unknown action "${action}"\n${DATA_USAGE}`);
		return 2;
	}
	const { values, positionals } = parseArgs({
		args: rest,
		allowPositionals: true,
		options: {
			dir: { type: "string" }, mirror: { type: "string" }, records: { type: "string" },
			json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(DATA_USAGE);
		return 0;
	}
	if (positionals.length !== 1 || !DATASET_IDS.includes(positionals[0]!)) {
		process.stderr.write(`hypertiny data fetch: name one dataset: ${DATASET_IDS.join(" or ")}\n${DATA_USAGE}`);
		return 2;
	}
	const records = values.records?.split(",").map((r) => r.trim()).filter((r) => r !== "");
	const spec = physionetDataset(positionals[0]!, records);
	const mirror = mirrorBase(values.mirror ?? (process.env[MIRROR_ENV] || DEFAULT_MIRROR));
	const dir = resolve(values.dir ?? defaultDataDir(spec.id, spec.version));
	const label = `${spec.id} ${spec.version}`;
	const progress = new Progress(label, spec.files.length, { enabled: !values.json });
	const started = Date.now();
	let result;
	try {
		result = await fetchAndRecord({
			spec, dir, mirror,
			onProgress: (p) => progress.update(p.filesDone, `${megabytes(p.bytes)} at ${megabytes(p.bytes / Math.max(0.001, (Date.now() - started) / 1000))}/s`),
		});
	} finally {
		progress.end();
	}
	const ok = result.failed.length === 0;
	const recorded = result.recorded;
	if (values.json) {
		process.stdout.write(JSON.stringify({ dataset: spec.id, version: spec.version, dir, mirror, files: spec.files.length, downloaded: result.downloaded.length, present: result.present.length, bytes: result.bytes, failed: result.failed, recorded: recorded ?? null }) + "\n");
	} else {
		for (const f of result.failed) process.stderr.write(`hypertiny data: ${f.file}: ${f.reason}\n`);
		const counts = `${result.downloaded.length} downloaded (${megabytes(result.bytes)}), ${result.present.length} already there`;
		if (ok) {
			process.stdout.write(`${label}: ${spec.files.length} files verified against PhysioNet's SHA256SUMS in ${dir} (${counts})\n`);
			process.stdout.write(recorded
				? `recorded in ${recorded}${spec.id === "mitdb" ? ": hypertiny commands use this copy unless HYPERTINY_MITDB is set" : ""}\n`
				: `only records ${records!.join(", ")}: not recorded as ${spec.id}'s place; use HYPERTINY_MITDB=${dir}\n`);
		} else {
			process.stderr.write(`${label}: ${result.failed.length} of ${spec.files.length} files failed (${counts}); run the same command again to retry and resume\n`);
		}
	}
	return ok ? 0 : 1;
}
