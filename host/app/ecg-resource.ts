// A WFDB record's ECG lead as the app's playback Resource (ecg.bin, layout in modules/app/playback-input.ts),
// plus the reference beat annotations the run's summary compares with.
import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ecgConfigOf, leadChannel } from "../data/dataset-record.ts";
import { resolveConfig } from "../../modules/ecg/config.ts";
import { mitdbPath } from "../data/mitdb-path.ts";
import { loadRecord } from "../data/records.ts";
import { aamiClassOf } from "../data/aami.ts";
import { isBeatSymbol } from "../data/wfdb/codes.ts";
import { rhythmSegments, type RhythmSegment } from "../data/rhythm.ts";
import { ROOT } from "../cli/sim-runner.ts";

export const BUNDLED_RECORD_DIR = join(ROOT, "test/fixtures/wfdb");
export const HEADER_BYTES = 32;
const MAGIC = 0x43455448; // "HTEC"

export interface ReferenceBeat {
	sample: number;
	symbol: string;
	/** AAMI class (N, S, V, F, Q), undefined for beats AAMI leaves out. */
	aami: string | undefined;
}

export interface EcgRecording {
	name: string;
	lead: string;
	sampleRate: number;
	adcGain: number;
	adcZero: number;
	adcMin: number;
	adcMax: number;
	samples: Int16Array;
	beats: ReferenceBeat[];
	/** The record's rhythm annotations as segments (host/data/rhythm.ts); absent or empty when it has none. */
	rhythm?: RhythmSegment[];
}

/**
 * `record`: a path to a record (".hea" optional), a record name in the bundled fixtures (119), or a name in the
 * MIT-BIH directory host/data/mitdb-path.ts finds ($HYPERTINY_MITDB, the copy `hypertiny data fetch mitdb` made, or the
 * shared archive).
 */
export async function locateRecord(record: string): Promise<{ dir: string; name: string }> {
	const asPath = resolve(record.replace(/\.(hea|dat|atr)$/, ""));
	if (existsSync(asPath + ".hea")) return { dir: dirname(asPath), name: basename(asPath) };
	if (/^\d+$/.test(record) && existsSync(join(BUNDLED_RECORD_DIR, `${record}.hea`))) return { dir: BUNDLED_RECORD_DIR, name: record };
	if (!/^\w+$/.test(record)) throw new Error(`no WFDB record at ${record} (expected a path to its .hea, or a MIT-BIH record name)`);
	const dir = await mitdbPath();
	if (!existsSync(join(dir, `${record}.hea`))) throw new Error(`MIT-BIH has no record "${record}" in ${dir}`);
	return { dir, name: record };
}

export async function loadRecording(record: string): Promise<EcgRecording> {
	const { dir, name } = await locateRecord(record);
	const { header, signals, annotations } = await loadRecord(dir, name);
	const channel = leadChannel(header);
	const config = ecgConfigOf(header, channel);
	try {
		resolveConfig(config);
	} catch (error) {
		throw new Error(`record ${name}: the app's ECG front end cannot take its ${header.signals[channel]!.description.trim()} signal: ${(error as Error).message}`);
	}
	const beats = annotations
		.filter((a) => isBeatSymbol(a.symbol))
		.map((a) => ({ sample: a.sample, symbol: a.symbol, aami: aamiClassOf(a.symbol) }));
	return {
		name,
		lead: header.signals[channel]!.description.trim(),
		sampleRate: config.sampleRate,
		adcGain: config.adcGain,
		adcZero: config.adcZero,
		adcMin: config.adcMin,
		adcMax: config.adcMax,
		samples: signals[channel]!,
		beats,
		rhythm: rhythmSegments(annotations, signals[channel]!.length),
	};
}

export function encodeEcgResource(r: Pick<EcgRecording, "sampleRate" | "adcGain" | "adcZero" | "adcMin" | "adcMax" | "samples">): Uint8Array {
	const out = new Uint8Array(HEADER_BYTES + 2 * r.samples.length);
	const view = new DataView(out.buffer);
	view.setUint32(0, MAGIC, true);
	view.setUint32(4, 1, true);
	view.setUint32(8, r.sampleRate, true);
	view.setFloat32(12, r.adcGain, true);
	view.setInt32(16, r.adcZero, true);
	view.setInt32(20, r.adcMin, true);
	view.setInt32(24, r.adcMax, true);
	view.setUint32(28, r.samples.length, true);
	new Int16Array(out.buffer, HEADER_BYTES, r.samples.length).set(r.samples);
	return out;
}
