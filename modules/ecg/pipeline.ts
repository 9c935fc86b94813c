import { resolveConfig, settingsArray, type EcgConfig, type EcgSettings } from "./config.ts";
import type { BeatEvent, BeatListener, QualityEvent, QualityListener, QualityReason } from "./events.ts";
import {
	EV_BEAT,
	EV_NONE,
	INVALID_SAMPLE,
	ecgCounters,
	ecgEvent,
	ecgFlush,
	ecgOpen,
	ecgPush,
	ecgPushBlock,
	ecgSetLeadOff,
	type EcgHandle,
} from "./native.ts";

/** Quality reasons by event kind (EV_OK..EV_GARBAGE). */
const REASONS: QualityReason[] = ["ok", "ok", "ok", "lead-off", "flatline", "saturation", "garbage"];

/** The int32 C takes for a sample: itself when it is an integer within int32, else INVALID_SAMPLE. */
export function sampleValue(sample: number): number {
	return Number.isInteger(sample) && sample >= -2147483647 && sample <= 2147483647 ? sample : INVALID_SAMPLE;
}

/**
 * Streaming ECG front end at the input's native rate: push raw ADC samples, get one BeatEvent per detected
 * beat (band-passed window centred on the R peak, RR intervals, heart rate) and QualityEvents when the
 * signal is unusable. The work is done in C (native/src/ht_ecg*.c; WebAssembly in Node); this class hands it
 * the samples and turns its events into calls of onBeat and onQuality. Everything is allocated here; push()
 * and pushBlock() allocate nothing.
 *
 * Timing: a beat is delivered once its window is complete and the next beat is known (or maxRrMs passed),
 * about one RR interval plus the filter delay (0.87 s) after the R peak.
 */
export class EcgPipeline {
	readonly settings: EcgSettings;
	onBeat: BeatListener | undefined;
	onQuality: QualityListener | undefined;
	#handle: EcgHandle;
	#beat: BeatEvent;
	#event: QualityEvent = { reason: "ok", sampleIndex: 0, rejectedSamples: 0 };
	#fields = new Float64Array(5);
	#counters = new Float64Array(5);
	#windowBuffer: ArrayBufferLike;
	/** Samples pushed (read only): C's first counter, kept here too, a field rather than a getter, so that
	 * reading it per block costs neither a native call nor a JS one. */
	samples = 0;

	constructor(config: EcgConfig, onBeat?: BeatListener, onQuality?: QualityListener) {
		const s = (this.settings = resolveConfig(config));
		this.onBeat = onBeat;
		this.onQuality = onQuality;
		this.#handle = ecgOpen(settingsArray(s).buffer);
		const window = new Int32Array(s.windowLength);
		this.#windowBuffer = window.buffer;
		this.#beat = { sampleIndex: 0, rrPrevious: 0, rrNext: 0, heartRate: 0, window };
	}

	/** Samples rejected as garbage (NaN, non-finite, non-integer or outside adcMin..adcMax). */
	get rejectedSamples(): number {
		return this.#counter(1);
	}

	get beatsDetected(): number {
		return this.#counter(2);
	}

	get beatsDelivered(): number {
		return this.#counter(3);
	}

	get beatsSuppressed(): number {
		return this.#counter(4);
	}

	/** Lead-off status from the analog front end (AD8232 LO pins, ADS1292 status), if it has one. */
	setLeadOff(on: boolean): void {
		ecgSetLeadOff(this.#handle, on ? true : false);
	}

	/** Int16Array and Int32Array blocks go to C whole; other arrays sample by sample, as push() takes them. */
	pushBlock(data: ArrayLike<number>, offset = 0, count = data.length - offset): void {
		// `% 1 === 0` is Number.isInteger without a call per block (NaN and ±Infinity give NaN).
		if (!(offset % 1 === 0 && count % 1 === 0 && offset >= 0 && count >= 0 && offset + count <= data.length))
			throw new RangeError(`block ${offset}+${count} outside ${data.length} samples`);
		const bytes = data instanceof Int16Array ? 2 : data instanceof Int32Array ? 4 : 0;
		const end = offset + count;
		if (bytes === 0) {
			for (let i = offset; i < end; i++) this.push(data[i]);
			return;
		}
		const handle = this.#handle;
		const buffer = (data as Int16Array | Int32Array).buffer;
		const base = (data as Int16Array | Int32Array).byteOffset;
		const fieldBuffer = this.#fields.buffer;
		const windowBuffer = this.#windowBuffer;
		for (let i = offset; i < end; ) {
			const n = ecgPushBlock(handle, buffer, bytes, base + i * bytes, end - i);
			i += n;
			this.samples += n;
			// The first event asked for here: most blocks have none, and then #deliver is not called at all.
			const kind = ecgEvent(handle, fieldBuffer, windowBuffer);
			if (kind !== EV_NONE) this.#deliver(kind);
		}
	}

	push(sample: number): void {
		const events = ecgPush(this.#handle, sampleValue(sample));
		this.samples++;
		if (events > 0) this.#deliver(this.#next());
	}

	/** End of the stream: delivers the beats still waiting for their successor (rrNext 0). */
	flush(): void {
		if (ecgFlush(this.#handle) > 0) this.#deliver(this.#next());
	}

	#next(): number {
		return ecgEvent(this.#handle, this.#fields.buffer, this.#windowBuffer);
	}

	#counter(k: number): number {
		ecgCounters(this.#handle, this.#counters.buffer);
		return this.#counters[k];
	}

	/** The events C queued, in order, to the listeners: `first` (already taken from C), then the rest. */
	#deliver(first: number): void {
		const handle = this.#handle;
		const fields = this.#fields;
		const fieldBuffer = fields.buffer;
		const windowBuffer = this.#windowBuffer;
		const beat = this.#beat;
		for (let kind = first; kind !== EV_NONE; kind = ecgEvent(handle, fieldBuffer, windowBuffer)) {
			if (kind === EV_BEAT) {
				if (!this.onBeat) continue;
				beat.sampleIndex = fields[0];
				beat.rrPrevious = fields[1];
				beat.rrNext = fields[2];
				beat.heartRate = fields[3];
				this.onBeat(beat);
			} else if (this.onQuality) {
				const event = this.#event;
				event.reason = REASONS[kind];
				event.sampleIndex = fields[0];
				event.rejectedSamples = fields[4];
				this.onQuality(event);
			}
		}
	}
}
