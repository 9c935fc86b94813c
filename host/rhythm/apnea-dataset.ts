/**
 * The apnea minute dataset (written by `hypertiny apnea dataset`, read by host/train and host/rhythm/apnea-eval.ts).
 * One directory, in the beat dataset's layout so the one trainer reads both:
 *
 *   index.json   ApneaIndex below
 *   windows.f32  float32 LE [count][256]: each labelled minute's input (modules/rhythm/apnea-input.ts), seconds
 *   apnea.u8     uint8 [count]: 1 apnea minute, 0 normal
 *   record.u16   uint16 LE [count]: index into index.records
 *   split.u8     uint8 [count]: 0 the learning set (a, b, c records), 2 the test set (x records)
 *   minute.u32   uint32 LE [count]: the minute's number in its recording
 *   held.u16     uint16 LE [count]: seconds of the window without a usable RR interval (apneaInput's count)
 *   spread.i16   int16 LE [count]: the minute's spread term (modules/rhythm/apnea-spread.ts), the recording's minutes
 *                in order through one ApneaNight; absent in datasets built before it (APNEA_SPREAD_FILE)
 *
 * Minutes are in record order (learning, then test), minute by minute. The learning set's cross-validation folds
 * hold whole subjects (several subjects were recorded on more than one night).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { APNEA_STEP_S, APNEA_WINDOW, APNEA_WINDOW_OFFSET_S, apneaBeatTimes, apneaInput, RR_MAX_MS, RR_MIN_MS } from "../../modules/rhythm/apnea-input.ts";
import { ApneaNight } from "../../modules/rhythm/apnea-spread.ts";
import { APNEA_SAMPLE_RATE, apneaEcgPath, LEARNING_RECORDS, readApneaRecords, subjectsOf, TEST_RECORDS, type ApneaRecord, type RecordingClass } from "../data/apnea-ecg.ts";

export const APNEA_FORMAT = "hypertiny-apnea-minutes";
/** 2: one sample per 2 s over 512 s (version 1: per second over 256 s). */
export const APNEA_VERSION = 2;
export const DEFAULT_APNEA_DIR = "results/tmp/apnea-minutes";
export const APNEA_FOLDS = 5;

export const APNEA_FILES = {
	windows: "windows.f32", apnea: "apnea.u8", record: "record.u16", split: "split.u8", minute: "minute.u32", held: "held.u16",
} as const;
/** index.files.spread: added after version 2's other files, optional to readers (an older dataset lacks it). */
export const APNEA_SPREAD_FILE = "spread.i16";

export interface ApneaRecordEntry {
	name: string;
	set: "learning" | "test";
	class: RecordingClass;
	/** The first record (in index order) of the same subject. */
	subject: string;
	first: number;
	count: number;
	apnea_minutes: number;
	beats: number;
}

export interface ApneaIndex {
	format: typeof APNEA_FORMAT;
	version: number;
	count: number;
	window: number;
	/** Input samples per second (1 / APNEA_STEP_S). */
	sampleRate: number;
	units: "s";
	features: string[];
	classes: { apnea: readonly string[] };
	files: typeof APNEA_FILES & { spread?: typeof APNEA_SPREAD_FILE };
	/** The trainer's split names; "validation" is empty (cross-validation folds instead). */
	splits: Record<"train" | "validation" | "test", { records: string[]; first: number; count: number }>;
	records: ApneaRecordEntry[];
	/** Learning-set folds as record indices (what record.u16 holds), whole subjects each; fold_names: the same by name. */
	folds: number[][];
	fold_names: string[][];
	source: { database: string; input: string; builder: string };
}

export interface ApneaDataset {
	index: ApneaIndex;
	windows: Float32Array;
	apnea: Uint8Array;
	record: Uint16Array;
	split: Uint8Array;
	minute: Uint32Array;
	held: Uint16Array;
	/** Each minute's spread term, when the dataset has the column. */
	spread?: Int16Array;
}

/**
 * Whole subjects into `k` folds, deterministic: subjects by apnea minutes (then all minutes, then name), largest first,
 * each to the fold with the fewest apnea minutes so far (then fewest minutes, then lowest number).
 */
export function subjectFolds(records: { name: string; subject: string; apnea: number; minutes: number }[], k: number): string[][] {
	const subjects = new Map<string, { names: string[]; apnea: number; minutes: number }>();
	for (const r of records) {
		const s = subjects.get(r.subject) ?? { names: [], apnea: 0, minutes: 0 };
		s.names.push(r.name);
		s.apnea += r.apnea;
		s.minutes += r.minutes;
		subjects.set(r.subject, s);
	}
	const order = [...subjects.entries()].sort((a, b) => b[1].apnea - a[1].apnea || b[1].minutes - a[1].minutes || (a[0] < b[0] ? -1 : 1));
	const folds = Array.from({ length: k }, () => ({ names: [] as string[], apnea: 0, minutes: 0 }));
	for (const [, s] of order) {
		const f = folds.reduce((best, x) => (x.apnea < best.apnea || (x.apnea === best.apnea && x.minutes < best.minutes) ? x : best));
		f.names.push(...s.names);
		f.apnea += s.apnea;
		f.minutes += s.minutes;
	}
	return folds.map((f) => f.names.sort());
}

export async function buildApneaDataset(out: string, log: (line: string) => void = () => {}): Promise<ApneaIndex> {
	const dir = await apneaEcgPath();
	const names = [...LEARNING_RECORDS, ...TEST_RECORDS];
	const records = readApneaRecords(dir, names);
	const subjects = subjectsOf(dir, names);
	return writeApneaDataset(out, records, subjects, dir, log);
}

export function writeApneaDataset(out: string, records: ApneaRecord[], subjects: Map<string, string>, source: string, log: (line: string) => void = () => {}): ApneaIndex {
	const count = records.reduce((n, r) => n + r.labels.length, 0);
	const windows = new Float32Array(count * APNEA_WINDOW);
	const apnea = new Uint8Array(count);
	const record = new Uint16Array(count);
	const split = new Uint8Array(count);
	const minute = new Uint32Array(count);
	const held = new Uint16Array(count);
	const spread = new Int16Array(count);
	const entries: ApneaRecordEntry[] = [];
	let n = 0;
	for (const [ri, r] of records.entries()) {
		const first = n;
		const beats = apneaBeatTimes(r.beats); // once per record: apneaInput hands a Uint32Array to the C as it is
		const night = new ApneaNight();
		for (let m = 0; m < r.labels.length; m++, n++) {
			held[n] = apneaInput(beats, APNEA_SAMPLE_RATE, m, windows.subarray(n * APNEA_WINDOW, (n + 1) * APNEA_WINDOW));
			spread[n] = night.term(beats, beats.length, APNEA_SAMPLE_RATE, m);
			apnea[n] = r.labels[m]!;
			record[n] = ri;
			split[n] = r.set === "learning" ? 0 : 2;
			minute[n] = m;
		}
		const apneaMinutes = r.labels.reduce((a, b) => a + b, 0);
		entries.push({ name: r.name, set: r.set, class: r.recordingClass, subject: subjects.get(r.name) ?? r.name, first, count: r.labels.length, apnea_minutes: apneaMinutes, beats: r.beats.length });
		log(`${r.name}: ${r.labels.length} minutes, ${apneaMinutes} apnea`);
	}
	const learning = entries.filter((e) => e.set === "learning");
	const foldNames = subjectFolds(learning.map((e) => ({ name: e.name, subject: e.subject, apnea: e.apnea_minutes, minutes: e.count })), APNEA_FOLDS);
	const indexOf = new Map(entries.map((e, i) => [e.name, i]));
	const span = (set: "learning" | "test") => {
		const rs = entries.filter((e) => e.set === set);
		return { records: rs.map((e) => e.name), first: rs[0]?.first ?? 0, count: rs.reduce((a, e) => a + e.count, 0) };
	};
	const index: ApneaIndex = {
		format: APNEA_FORMAT, version: APNEA_VERSION, count, window: APNEA_WINDOW, sampleRate: 1 / APNEA_STEP_S, units: "s", features: [],
		classes: { apnea: ["N", "A"] }, files: { ...APNEA_FILES, spread: APNEA_SPREAD_FILE },
		splits: { train: span("learning"), validation: { records: [], first: span("learning").count, count: 0 }, test: span("test") },
		records: entries,
		folds: foldNames.map((f) => f.map((name) => indexOf.get(name)!)),
		fold_names: foldNames,
		source: {
			database: `Apnea-ECG 1.0.0 (PhysioNet apnea-ecg): .qrs beat times at ${APNEA_SAMPLE_RATE} Hz, .apn and the Challenge 2000 answers (${source})`,
			input: `modules/rhythm/apnea-input.ts: RR in force every ${APNEA_STEP_S} s at ${APNEA_WINDOW} instants from ${APNEA_WINDOW_OFFSET_S} s after the minute's start, ` +
				`intervals outside ${RR_MIN_MS}-${RR_MAX_MS} ms held, minus the window's mean, in seconds`,
			builder: "hypertiny apnea dataset (host/rhythm/apnea-dataset.ts)",
		},
	};
	// Written beside the target and renamed into place: a reader never sees half a dataset.
	const scratch = `${out}.tmp-${process.pid}`;
	rmSync(scratch, { recursive: true, force: true });
	mkdirSync(scratch, { recursive: true });
	const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
	writeFileSync(join(scratch, APNEA_FILES.windows), bytes(windows));
	writeFileSync(join(scratch, APNEA_FILES.apnea), apnea);
	writeFileSync(join(scratch, APNEA_FILES.record), bytes(record));
	writeFileSync(join(scratch, APNEA_FILES.split), split);
	writeFileSync(join(scratch, APNEA_FILES.minute), bytes(minute));
	writeFileSync(join(scratch, APNEA_FILES.held), bytes(held));
	writeFileSync(join(scratch, APNEA_SPREAD_FILE), bytes(spread));
	writeFileSync(join(scratch, "index.json"), JSON.stringify(index, null, "\t") + "\n");
	rmSync(out, { recursive: true, force: true });
	renameSync(scratch, out);
	return index;
}

/**
 * The sha256 index.json of the dataset in `dir` had before the spread column was added (its files entry removed,
 * written as the builder writes): rows scored on that dataset read the same minutes, so `apnea cv` keeps them.
 */
export function apneaIndexShaBeforeSpread(dir: string): string {
	const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as ApneaIndex;
	const { spread: _spread, ...files } = index.files;
	return createHash("sha256").update(JSON.stringify({ ...index, files }, null, "\t") + "\n").digest("hex");
}

/** The apnea minutes in `dir`, built there first when missing (`hypertiny apnea dataset`). */
export async function apneaDataset(dir: string): Promise<ApneaDataset> {
	if (!existsSync(join(dir, "index.json"))) await buildApneaDataset(dir);
	return readApneaDataset(dir);
}

export function readApneaDataset(dir: string): ApneaDataset {
	let index: ApneaIndex;
	try {
		index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as ApneaIndex;
	} catch (e) {
		throw new Error(`${dir}: no readable apnea dataset (run \`npx hypertiny apnea dataset\`): ${(e as Error).message}`);
	}
	if (index.format !== APNEA_FORMAT || index.version !== APNEA_VERSION) throw new Error(`${dir}/index.json is not a ${APNEA_FORMAT} v${APNEA_VERSION} index (run \`npx hypertiny apnea dataset\`)`);
	const n = index.count;
	const file = (name: string, bytesPer: number) => {
		const b = readFileSync(join(dir, name));
		if (b.length !== n * bytesPer) throw new Error(`${dir}/${name}: ${b.length} bytes, the index says ${n * bytesPer}`);
		const copy = new Uint8Array(b.length);
		copy.set(b);
		return copy.buffer;
	};
	return {
		index,
		windows: new Float32Array(file(APNEA_FILES.windows, 4 * index.window)),
		apnea: new Uint8Array(file(APNEA_FILES.apnea, 1)),
		record: new Uint16Array(file(APNEA_FILES.record, 2)),
		split: new Uint8Array(file(APNEA_FILES.split, 1)),
		minute: new Uint32Array(file(APNEA_FILES.minute, 4)),
		held: new Uint16Array(file(APNEA_FILES.held, 2)),
		spread: index.files.spread === APNEA_SPREAD_FILE ? new Int16Array(file(APNEA_SPREAD_FILE, 2)) : undefined,
	};
}
