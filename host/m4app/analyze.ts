// Turns a run's counted regions into the costs the issue asks for: boot, per second of ECG per input segment
// (with and without the beats), per classified beat, each split into instructions in the C natives and in XS.
//
// How regions map to work (boards/mps2-an386/platform/main.c): the emulated ADC samples without the CPU (as the
// nRF52840's SAADC does through EasyDMA) and delivers a block of `blockSamples` samples at a time; block region
// b is everything the app does with samples (b-1)*blockSamples .. b*blockSamples-1: the ECG pipeline, and for
// each beat found, windowing, inference, rhythm and notifications. Messages and timers between blocks are their
// own regions, charged to the block before them. A beat's cost is its block's excess over the segment's blocks
// without a beat.
import type { M4AppRun, Region } from "./run.ts";

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
	/** A synthetic segment's heart rate: its per-second figures are then taken at exactly this rate. */
	bpm?: number;
}

export interface SegmentCost {
	name: string;
	seconds: number;
	beats: number;
	/** Everything the app spent per second of this signal (its blocks and the messages and timers after them). With
	 * a segment's bpm: the pipeline per second plus bpm / 60 beats, since the beats a window of whole blocks catches
	 * are one more or less than its seconds times the rate (18 at 75 bpm in 15 s, not 18.75). */
	perSecond: Split;
	/** Everything the app spent per second of the segment's blocks, with the beats they caught. */
	measuredPerSecond: Split;
	/** The same without the beats' excess: filtering, detection, quality gates, taking the blocks. */
	pipelinePerSecond: Split;
	/** A block without a beat: the pipeline over blockSamples samples. */
	block: Split;
	/** Per beat: windowing, inference, rhythm, BLE packets and the trace line. */
	perBeat: Split | undefined;
}

export function blockRegions(run: M4AppRun): Map<number, Region> {
	const blocks = new Map<number, Region>();
	for (const r of run.regions) if (r.kind === "block") blocks.set(r.tick, r);
	return blocks;
}

export function beatTicks(run: M4AppRun): Map<number, number> {
	const beats = new Map<number, number>();
	for (const p of run.packets) if (p.characteristic === "beat") beats.set(p.tick, (beats.get(p.tick) ?? 0) + 1);
	return beats;
}

/** The blocks whose samples lie wholly in the segment after its settling time. */
export function segmentBlocks(segment: Segment, blockSamples: number): { first: number; last: number } {
	return { first: Math.ceil((segment.start + segment.settle) / blockSamples) + 1, last: Math.floor((segment.start + segment.count) / blockSamples) };
}

export function segmentCost(run: M4AppRun, segment: Segment, sampleRate: number, blockSamples: number): SegmentCost {
	const blocks = blockRegions(run);
	const beats = beatTicks(run);
	const { first, last } = segmentBlocks(segment, blockSamples);
	if (last < first) throw new Error(`segment ${segment.name}: no whole block of ${blockSamples} samples`);
	const all: Region[] = [];
	const quiet: Region[] = [];
	const withBeats: Region[] = [];
	let beatCount = 0;
	for (let b = first; b <= last; b++) {
		const r = blocks.get(b);
		if (!r) throw new Error(`segment ${segment.name}: block ${b} was not run`);
		all.push(r);
		if (beats.has(b)) {
			withBeats.push(r);
			beatCount += beats.get(b)!;
		} else quiet.push(r);
	}
	// Messages and timers after a block of the segment (BLE events, promise jobs) are part of its cost.
	for (const r of run.regions) if ((r.kind === "msg" || r.kind === "timer") && r.tick >= first && r.tick <= last) all.push(r);
	const seconds = ((last - first + 1) * blockSamples) / sampleRate;
	const total = sumOf(all);
	const blockMean = scale(sumOf(quiet), 1 / Math.max(1, quiet.length));
	const beatBlocks = sumOf(withBeats);
	const excess = split(beatBlocks.instructions - blockMean.instructions * withBeats.length, beatBlocks.native - blockMean.native * withBeats.length);
	const pipeline = split(total.instructions - excess.instructions, total.native - excess.native);
	const pipelinePerSecond = scale(pipeline, 1 / seconds);
	const perBeat = beatCount ? scale(excess, 1 / beatCount) : undefined;
	const measuredPerSecond = scale(total, 1 / seconds);
	const atRate = segment.bpm && perBeat ? scale(perBeat, segment.bpm / 60) : undefined;
	return {
		name: segment.name,
		seconds,
		beats: beatCount,
		perSecond: atRate ? split(pipelinePerSecond.instructions + atRate.instructions, pipelinePerSecond.native + atRate.native) : measuredPerSecond,
		measuredPerSecond,
		pipelinePerSecond,
		block: blockMean,
		perBeat,
	};
}

export function bootCost(run: M4AppRun): { vm: Split; app: Split; ble: Split; total: Split } {
	const vm = sumOf(run.regions.filter((r) => r.kind === "boot-vm"));
	const app = sumOf(run.regions.filter((r) => r.kind === "boot-app"));
	const ble = sumOf(run.regions.filter((r) => (r.kind === "msg" || r.kind === "timer") && r.tick === 0));
	return { vm, app, ble, total: split(vm.instructions + app.instructions + ble.instructions, vm.native + app.native + ble.native) };
}

/** The first block that sent a classified beat, and its excess over a block without a beat. */
export function firstClassifiedBeat(run: M4AppRun, classified: (bytes: Uint8Array) => boolean, steady: Split): { tick: number; excess: Split } | undefined {
	const blocks = blockRegions(run);
	const packet = run.packets.find((p) => p.characteristic === "beat" && classified(p.bytes));
	if (!packet) return undefined;
	const r = blocks.get(packet.tick)!;
	return { tick: packet.tick, excess: split(r.instructions - steady.instructions, r.native - steady.native) };
}
