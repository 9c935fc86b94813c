// Turns a run's counted regions into the costs the issue asks for: boot, per second of ECG per input segment
// (with and without the beats), per classified beat, each split into instructions in the C natives and in XS.
//
// How regions map to work (boards/mps2-an386/platform/main.c): tick t is the ADC timer reading sample t-1; every
// BLOCK-th tick also hands the block to the pipeline (modules/app/adc-input.ts), which detects beats and, for
// each, windows, classifies and notifies. A beat's cost is its tick's excess over the segment's block ticks
// without a beat.
import type { M4AppRun, Region } from "./run.ts";

/** Samples per block of the board's ADC front end (modules/app/adc-input.ts BLOCK). */
export const ADC_BLOCK = 25;

export interface Split {
	instructions: number;
	native: number;
	js: number;
}

export function split(instructions: number, native: number): Split {
	return { instructions, native, js: instructions - native };
}

function sumOf(regions: Region[]): Split {
	let i = 0;
	let n = 0;
	for (const r of regions) {
		i += r.instructions;
		n += r.native;
	}
	return split(i, n);
}

function scale(s: Split, by: number): Split {
	return split(Math.round(s.instructions * by), Math.round(s.native * by));
}

export interface Segment {
	name: string;
	/** First sample and sample count in the played recording. */
	start: number;
	count: number;
	/** Samples at the segment's start left out of its figures (the detector re-learning after a change). */
	settle: number;
}

export interface SegmentCost {
	name: string;
	seconds: number;
	beats: number;
	/** Everything the app spent per second of this signal. */
	perSecond: Split;
	/** The same without the beats' excess: filtering, detection, quality gates, the ADC timer. */
	pipelinePerSecond: Split;
	/** The ADC timer tick that only reads a sample (no block). */
	sampleTick: Split;
	/** A block tick without a beat: the pipeline over BLOCK samples. */
	blockTick: Split;
	/** Per beat: windowing, inference, rhythm, BLE packets and the trace line. */
	perBeat: Split | undefined;
}

export function tickRegions(run: M4AppRun): Map<number, Region> {
	const ticks = new Map<number, Region>();
	for (const r of run.regions) if (r.kind === "tick") ticks.set(r.tick, r);
	return ticks;
}

export function beatTicks(run: M4AppRun): Map<number, number> {
	const beats = new Map<number, number>();
	for (const p of run.packets) if (p.characteristic === "beat") beats.set(p.tick, (beats.get(p.tick) ?? 0) + 1);
	return beats;
}

export function segmentCost(run: M4AppRun, segment: Segment, sampleRate: number): SegmentCost {
	const ticks = tickRegions(run);
	const beats = beatTicks(run);
	const first = segment.start + segment.settle + 1;
	const last = segment.start + segment.count; // tick t reads sample t-1
	const all: Region[] = [];
	const samples: Region[] = [];
	const blocks: Region[] = [];
	const withBeats: Region[] = [];
	let beatCount = 0;
	for (let t = first; t <= last; t++) {
		const r = ticks.get(t);
		if (!r) throw new Error(`segment ${segment.name}: tick ${t} was not run`);
		all.push(r);
		if (t % ADC_BLOCK !== 0) samples.push(r);
		else if (beats.has(t)) {
			withBeats.push(r);
			beatCount += beats.get(t)!;
		} else blocks.push(r);
	}
	const seconds = all.length / sampleRate;
	const total = sumOf(all);
	const blockMean = scale(sumOf(blocks), 1 / Math.max(1, blocks.length));
	const beatExcess = sumOf(withBeats);
	const excess = split(beatExcess.instructions - blockMean.instructions * withBeats.length, beatExcess.native - blockMean.native * withBeats.length);
	const pipeline = split(total.instructions - excess.instructions, total.native - excess.native);
	return {
		name: segment.name,
		seconds,
		beats: beatCount,
		perSecond: scale(total, 1 / seconds),
		pipelinePerSecond: scale(pipeline, 1 / seconds),
		sampleTick: scale(sumOf(samples), 1 / Math.max(1, samples.length)),
		blockTick: blockMean,
		perBeat: beatCount ? scale(excess, 1 / beatCount) : undefined,
	};
}

export function bootCost(run: M4AppRun): { vm: Split; app: Split; ble: Split; total: Split } {
	const vm = sumOf(run.regions.filter((r) => r.kind === "boot-vm"));
	const app = sumOf(run.regions.filter((r) => r.kind === "boot-app"));
	const ble = sumOf(run.regions.filter((r) => r.kind === "msg" && r.tick === 0));
	return { vm, app, ble, total: split(vm.instructions + app.instructions + ble.instructions, vm.native + app.native + ble.native) };
}

/** The first tick that sent a classified beat, and its excess over a block tick without a beat. */
export function firstClassifiedBeat(run: M4AppRun, classified: (bytes: Uint8Array) => boolean, steady: Split): { tick: number; excess: Split } | undefined {
	const ticks = tickRegions(run);
	const packet = run.packets.find((p) => p.characteristic === "beat" && classified(p.bytes));
	if (!packet) return undefined;
	const r = ticks.get(packet.tick)!;
	return { tick: packet.tick, excess: split(r.instructions - steady.instructions, r.native - steady.native) };
}
