// Shared by the app tests: record 119 excerpts, running the app in the simulator, collecting its packets.
import * as P from "../modules/ble/protocol.ts";
import { ensureBuilt } from "../host/app/build.ts";
import { loadRecording, type EcgRecording } from "../host/app/ecg-resource.ts";
import { SimApp, type SimAppOptions, type SimAppResult } from "../host/app/sim-app.ts";

let record119: Promise<EcgRecording> | undefined;

export function built(entries: string[]): void {
	ensureBuilt(entries, () => {});
}

/** The first `seconds` of bundled MIT-BIH record 119. */
export async function excerpt(seconds: number): Promise<EcgRecording> {
	const rec = await (record119 ??= loadRecording("119"));
	const n = Math.round(seconds * rec.sampleRate);
	return { ...rec, samples: rec.samples.slice(0, n), beats: rec.beats.filter((b) => b.sample < n) };
}

export interface AppRun extends SimAppResult {
	packets: { id: number; bytes: Uint8Array }[];
	values: Map<number, Uint8Array>;
	connections: boolean[];
	of(id: number): Uint8Array[];
}

export async function runApp(options: SimAppOptions): Promise<AppRun> {
	const app = new SimApp(options);
	const packets: { id: number; bytes: Uint8Array }[] = [];
	const values = new Map<number, Uint8Array>();
	const connections: boolean[] = [];
	app.on("packet", (id: number, bytes: Uint8Array) => packets.push({ id, bytes }));
	app.on("value", (id: number, bytes: Uint8Array) => values.set(id, bytes));
	app.on("connection", (c: boolean) => connections.push(c));
	const result = await app.done;
	return { ...result, packets, values, connections, of: (id) => packets.filter((p) => p.id === id).map((p) => p.bytes) };
}

export function beatsOf(run: AppRun): P.BeatPacket[] {
	return run.of(P.BEAT).map(P.decodeBeat);
}

export function eventsOf(run: AppRun): P.EventPacket[] {
	return run.of(P.EVENT).map(P.decodeEvent);
}
