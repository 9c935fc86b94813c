// The Apnea-ECG Database 1.0.0 (PhysioNet apnea-ecg): where it is, and each record's beat times (.qrs, 100 Hz),
// per-minute apnea labels (.apn for the learning set, the Challenge answers for the test set), class (A/B/C) and
// subject. No waveforms exist in the project's copy; the .qrs beat times stand in for the device's R-peaks.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fetchedLocation } from "./data-home.ts";
import { unpackSharedArchive } from "./mitdb-path.ts";
import { decodeAnnotations } from "./wfdb/annotations.ts";

export const FETCH_APNEA = "npx hypertiny data fetch apnea-ecg";
export const APNEA_SAMPLE_RATE = 100;
/** Samples per labelled minute. */
const MINUTE = 60 * APNEA_SAMPLE_RATE;

export const LEARNING_RECORDS: readonly string[] = [
	...range("a", 20), ...range("b", 5), ...range("c", 10),
];
export const TEST_RECORDS: readonly string[] = range("x", 35);

function range(prefix: string, n: number): string[] {
	return Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, "0")}`);
}

const ARCHIVE = "apnea_ecg_hea_apn_qrs_wfdb.tar.xz";
const MANIFEST = "apnea_ecg_contents.sha256";

type Env = Record<string, string | undefined>;

export type ApneaSource = { path: string; source: "HYPERTINY_APNEA_ECG" | "fetched" | "archive"; missing?: undefined } | { path?: undefined; missing: string };

/**
 * Where the Apnea-ECG files are, without unpacking anything: $HYPERTINY_APNEA_ECG, else the copy `hypertiny data
 * fetch apnea-ecg` recorded, else the project's shared archive (../shared/data/apnea_ecg; `path` is then its folder).
 */
export function findApneaEcg(env: Env = process.env): ApneaSource {
	const explicit = env["HYPERTINY_APNEA_ECG"];
	if (explicit) {
		return isDirectory(explicit) ? { path: resolve(explicit), source: "HYPERTINY_APNEA_ECG" } : { missing: `HYPERTINY_APNEA_ECG=${explicit} is not a directory` };
	}
	const fetched = fetchedLocation("apnea-ecg", env);
	if (fetched) return { path: fetched, source: "fetched" };
	const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
	const candidates = env["HYPERTINY_APNEA_ECG_ARCHIVE"] ? [env["HYPERTINY_APNEA_ECG_ARCHIVE"]] : [join(root, "shared/data/apnea_ecg"), join(root, "../shared/data/apnea_ecg")];
	const dir = candidates.find((c) => existsSync(join(c, ARCHIVE)) && existsSync(join(c, MANIFEST)));
	if (dir) return { path: dir, source: "archive" };
	return {
		missing: `Apnea-ECG not found: run \`${FETCH_APNEA}\` (PhysioNet, 5 MB of annotations), or set HYPERTINY_APNEA_ECG to a folder ` +
			`of its .qrs/.apn files. Looked for $HYPERTINY_APNEA_ECG, a fetched copy and ${ARCHIVE} in ${candidates.join(", ")}`,
	};
}

/** The folder of Apnea-ECG files (findApneaEcg's order); the shared archive is unpacked once into the cache, verified. */
export async function apneaEcgPath(env: Env = process.env): Promise<string> {
	const found = findApneaEcg(env);
	if (!found.path) throw new Error(found.missing);
	if (found.source !== "archive") return found.path;
	return unpackSharedArchive({ dir: found.path, archive: ARCHIVE, manifest: MANIFEST, unpacks: "apnea-ecg", cacheName: "apnea-ecg" });
}

function isDirectory(path: string): boolean {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
}

export type RecordingClass = "A" | "B" | "C";

export interface ApneaRecord {
	name: string;
	set: "learning" | "test";
	/** A (apnea), B (borderline) or C (control). */
	recordingClass: RecordingClass;
	/** QRS times in samples at 100 Hz (`N` annotations of the .qrs; `|` artifacts left out), increasing. */
	beats: Int32Array;
	/** Minute i's label (samples [6000 i, 6000 (i+1))): 1 apnea, 0 normal. */
	labels: Uint8Array;
}

/** The answer files keep PhysioNet's names in a fetch (`event-2-answers`) and a `.txt` suffix in the shared copy. */
function answerFile(dir: string, n: 1 | 2): string {
	for (const name of [`event-${n}-answers`, `event-${n}.txt`]) if (existsSync(join(dir, name))) return join(dir, name);
	throw new Error(`${dir}: neither event-${n}-answers nor event-${n}.txt (the Challenge 2000 answers) is there`);
}

/** event-2's per-minute test labels: a record name line, then lines of `hour NNNAAA…`. */
export function parseMinuteAnswers(text: string): Map<string, Uint8Array> {
	const out = new Map<string, string>();
	let current: string | null = null;
	for (const [i, raw] of text.split(/\r?\n/).entries()) {
		const line = raw.trim();
		if (line === "") continue;
		if (/^x\d\d$/.test(line)) {
			current = line;
			out.set(current, "");
			continue;
		}
		const m = /^\d+\s+([AN]+)$/.exec(line);
		if (!m || current === null) throw new Error(`event-2 answers, line ${i + 1}: "${line}" is neither a record name nor "hour A/N…"`);
		out.set(current, out.get(current)! + m[1]);
	}
	return new Map([...out].map(([k, v]) => [k, Uint8Array.from(v, (c) => (c === "A" ? 1 : 0))]));
}

/** event-1's recording classes: `x01 A` lines. */
export function parseRecordingClasses(text: string): Map<string, RecordingClass> {
	const out = new Map<string, RecordingClass>();
	for (const [i, raw] of text.split(/\r?\n/).entries()) {
		const line = raw.trim();
		if (line === "") continue;
		const m = /^(x\d\d)\s+([ABC])$/.exec(line);
		if (!m) throw new Error(`event-1 answers, line ${i + 1}: "${line}" is not "<record> A|B|C"`);
		out.set(m[1]!, m[2] as RecordingClass);
	}
	return out;
}

/** .apn: one annotation per minute at 0, 6000, 12000, … ; `A` apnea, `N` normal. */
function apnLabels(bytes: Uint8Array, source: string): Uint8Array {
	const ann = decodeAnnotations(bytes, source);
	const labels = new Uint8Array(ann.length);
	for (const [i, a] of ann.entries()) {
		if (a.sample !== i * MINUTE) throw new Error(`${source}: annotation ${i} is at sample ${a.sample}, not at minute ${i} (${i * MINUTE})`);
		if (a.symbol !== "A" && a.symbol !== "N") throw new Error(`${source}: minute ${i} is labelled "${a.symbol}", not A or N`);
		labels[i] = a.symbol === "A" ? 1 : 0;
	}
	return labels;
}

function qrsBeats(bytes: Uint8Array, source: string): Int32Array {
	const beats = decodeAnnotations(bytes, source).filter((a) => a.symbol === "N").map((a) => a.sample);
	for (let i = 1; i < beats.length; i++) {
		if (beats[i]! <= beats[i - 1]!) throw new Error(`${source}: beat ${i} at sample ${beats[i]} is not after the one before (${beats[i - 1]})`);
	}
	return Int32Array.from(beats);
}

function readBytes(path: string): Uint8Array {
	try {
		return readFileSync(path);
	} catch (e) {
		throw new Error(`cannot read ${path}: ${(e as Error).message}`);
	}
}

/** Every record of `names` from the folder `dir` (apneaEcgPath()). */
export function readApneaRecords(dir: string, names: readonly string[]): ApneaRecord[] {
	const needTest = names.some((n) => n.startsWith("x"));
	const answers = needTest ? parseMinuteAnswers(readFileSync(answerFile(dir, 2), "utf8")) : new Map<string, Uint8Array>();
	const classes = needTest ? parseRecordingClasses(readFileSync(answerFile(dir, 1), "utf8")) : new Map<string, RecordingClass>();
	return names.map((name) => {
		const learning = /^[abc]\d\d$/.test(name);
		if (!learning && !/^x\d\d$/.test(name)) throw new Error(`"${name}" is not an Apnea-ECG record name (a01..a20, b01..b05, c01..c10, x01..x35)`);
		const beats = qrsBeats(readBytes(join(dir, `${name}.qrs`)), `${name}.qrs`);
		const labels = learning ? apnLabels(readBytes(join(dir, `${name}.apn`)), `${name}.apn`) : answers.get(name);
		if (!labels) throw new Error(`${name}: no minute labels in the event-2 answers`);
		const recordingClass = learning ? (name[0]!.toUpperCase() as RecordingClass) : classes.get(name);
		if (!recordingClass) throw new Error(`${name}: no recording class in the event-1 answers`);
		return { name, set: learning ? "learning" : "test", recordingClass, beats, labels };
	});
}

/**
 * Recordings of one subject: additional-information.txt gives age, sex, height and weight per record, and several
 * subjects were recorded on more than one night (a05, a10, a20; a07 and x01; …). Records with the same four values
 * are taken as one subject; the subject is named after its first record in `names` order.
 */
export function subjectsOf(dir: string, names: readonly string[]): Map<string, string> {
	const path = join(dir, "additional-information.txt");
	const key = new Map<string, string>();
	for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
		const f = line.split("\t").map((x) => x.trim());
		if (/^[abcx]\d\d$/.test(f[0] ?? "") && f.length >= 12) key.set(f[0]!, f.slice(8, 12).join(" "));
	}
	const first = new Map<string, string>();
	const out = new Map<string, string>();
	for (const name of names) {
		const k = key.get(name);
		if (k === undefined) throw new Error(`${path}: no age/sex/height/weight for ${name}`);
		if (!first.has(k)) first.set(k, name);
		out.set(name, first.get(k)!);
	}
	return out;
}
