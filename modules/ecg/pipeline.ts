import { BeatQueue } from "./beat-queue.ts";
import { resolveConfig, type EcgConfig, type EcgSettings } from "./config.ts";
import type { BeatEvent, BeatListener, QualityEvent, QualityListener, QualityReason } from "./events.ts";
import { EcgFilter } from "./filter.ts";
import { GarbageSpans } from "./garbage-spans.ts";
import { QrsDetector } from "./qrs-detector.ts";
import { FLATLINE, LEAD_OFF, QualityMonitor, SATURATION } from "./quality.ts";
import { SignalHistory } from "./signal-history.ts";
import { isValidSample } from "./valid-sample.ts";

const NONE = -1;
const QUEUE_CAPACITY = 16;

/**
 * Streaming ECG front end at the input's native rate: push raw ADC samples, get one BeatEvent per detected
 * beat (band-passed window centred on the R peak, RR intervals, heart rate) and QualityEvents when the
 * signal is unusable. Everything is allocated here; push() allocates nothing.
 *
 * Timing: a beat is delivered once its window is complete and the next beat is known (or maxRrMs passed),
 * about one RR interval plus the filter delay (0.87 s) after the R peak.
 */
export class EcgPipeline {
	readonly settings: EcgSettings;
	onBeat: BeatListener | undefined;
	onQuality: QualityListener | undefined;
	/** Samples pushed, samples rejected as garbage, beats detected, delivered, and suppressed. */
	samples = 0;
	rejectedSamples = 0;
	beatsDetected = 0;
	beatsDelivered = 0;
	beatsSuppressed = 0;
	#filter: EcgFilter;
	#history: SignalHistory;
	#detector: QrsDetector;
	#quality: QualityMonitor;
	#garbage: GarbageSpans;
	#queue = new BeatQueue(QUEUE_CAPACITY);
	#beat: BeatEvent;
	#event: QualityEvent = { reason: "ok", sampleIndex: 0, rejectedSamples: 0 };
	#lastValid: number;
	#qualityBits = 0;
	/** Index of the first sample since the last (re)start; NONE before the first sample. */
	#epoch = NONE;
	#announced = false;
	#lastBeat = NONE;
	#badFrom = Infinity;

	constructor(config: EcgConfig, onBeat?: BeatListener, onQuality?: QualityListener) {
		const s = (this.settings = resolveConfig(config));
		this.onBeat = onBeat;
		this.onQuality = onQuality;
		this.#filter = new EcgFilter(s);
		this.#history = new SignalHistory(s.historyLength);
		this.#detector = new QrsDetector(s, this.#history, (position) => this.#detected(position));
		this.#quality = new QualityMonitor(s);
		this.#garbage = new GarbageSpans(Math.ceil(s.historyLength / s.windowLength) + 2, s.windowLength);
		this.#beat = { sampleIndex: 0, rrPrevious: 0, rrNext: 0, heartRate: 0, window: new Int32Array(s.windowLength) };
		this.#lastValid = s.adcZero;
	}

	/** Lead-off status from the analog front end (AD8232 LO pins, ADS1292 status), if it has one. */
	setLeadOff(on: boolean): void {
		this.#quality.setLeadOff(on);
	}

	pushBlock(data: Int16Array | Int32Array, offset = 0, count = data.length - offset): void {
		if (offset < 0 || count < 0 || offset + count > data.length) throw new RangeError(`block ${offset}+${count} outside ${data.length} samples`);
		for (let i = offset; i < offset + count; i++) this.push(data[i]);
	}

	push(sample: number): void {
		const index = this.samples++;
		let value = sample;
		if (isValidSample(sample, this.settings)) this.#lastValid = sample;
		else {
			value = this.#lastValid;
			this.rejectedSamples++;
			if (this.#garbage.add(index)) this.#emitQuality("garbage", index);
		}

		const bits = this.#quality.step(index, value);
		if (bits !== this.#qualityBits) this.#qualityChanged(index, bits);
		if (bits !== 0) return;
		if (this.#epoch === NONE) this.#restart(index, value);

		const t = index - this.settings.filterDelay;
		const filtered = this.#filter.step(value);
		this.#history.write(t, filtered);
		if (t < this.#epoch) return;
		this.#detector.step(t, filtered);
		if (!this.#announced && !this.#detector.learning) {
			this.#announced = true;
			this.#emitQuality("ok", this.#epoch);
		}
		if (this.#queue.size > 0) this.#release(t, false);
	}

	/** End of the stream: delivers the beats still waiting for their successor (rrNext 0). */
	flush(): void {
		const s = this.settings;
		while (this.#queue.size > 0 && this.#history.newest >= this.#queue.position(0) + s.windowPost - 1) this.#deliverOldest();
		this.beatsSuppressed += this.#queue.size;
		this.#queue.clear();
	}

	#restart(index: number, value: number): void {
		this.#filter.reset(value);
		this.#detector.restart(index);
		this.#epoch = index;
		this.#announced = false;
		this.#lastBeat = NONE;
	}

	#qualityChanged(index: number, bits: number): void {
		const quality = this.#quality;
		const added = bits & ~this.#qualityBits;
		if (this.#qualityBits === 0) {
			// Conditions are recognised late: refuse queued windows reaching into the bad stretch.
			let onset = index;
			if (added & LEAD_OFF) onset = Math.min(onset, quality.since(LEAD_OFF, index));
			if (added & FLATLINE) onset = Math.min(onset, quality.since(FLATLINE, index));
			if (added & SATURATION) onset = Math.min(onset, quality.since(SATURATION, index));
			this.#badFrom = onset;
			this.#release(this.#history.newest, true);
			this.#badFrom = Infinity;
			this.#epoch = NONE;
		}
		this.#qualityBits = bits;
		if (added & LEAD_OFF) this.#emitQuality("lead-off", quality.since(LEAD_OFF, index));
		if (added & FLATLINE) this.#emitQuality("flatline", quality.since(FLATLINE, index));
		if (added & SATURATION) this.#emitQuality("saturation", quality.since(SATURATION, index));
	}

	#detected(position: number): void {
		if (this.#lastBeat !== NONE && position <= this.#lastBeat) return;
		this.beatsDetected++;
		const rrPrevious = this.#lastBeat === NONE ? 0 : position - this.#lastBeat;
		const median = this.#detector.rr.median();
		const heartRate = median === 0 ? 0 : Math.round((60 * this.settings.sampleRate) / median);
		this.#lastBeat = position;
		if (this.#queue.size === this.#queue.capacity) this.#deliverOldest();
		this.#queue.push(position, rrPrevious, heartRate);
	}

	/** Delivers queued beats whose window is complete and whose successor is known (all of them when `flush`). */
	#release(newest: number, flush: boolean): void {
		const queue = this.#queue;
		while (queue.size > 0) {
			const position = queue.position(0);
			if (!flush && newest < position + this.settings.windowPost - 1) return;
			if (!flush && queue.size === 1 && newest < position + this.settings.maxRr) return;
			this.#deliverOldest();
		}
	}

	#deliverOldest(): void {
		const queue = this.#queue;
		const s = this.settings;
		const position = queue.position(0);
		const first = position - s.windowPre;
		const last = first + s.windowLength - 1;
		const usable =
			first >= this.#epoch + s.filterDelay && last < this.#badFrom && this.#history.holds(first, last) && !this.#garbage.overlaps(first, last);
		if (usable && this.onBeat) {
			const beat = this.#beat;
			beat.sampleIndex = position;
			beat.rrPrevious = queue.rrPrevious(0);
			beat.rrNext = queue.size > 1 ? queue.position(1) - position : 0;
			beat.heartRate = queue.heartRate(0);
			this.#history.copy(first, beat.window);
			this.onBeat(beat);
		}
		if (usable) this.beatsDelivered++;
		else this.beatsSuppressed++;
		queue.shift();
	}

	#emitQuality(reason: QualityReason, sampleIndex: number): void {
		if (!this.onQuality) return;
		const event = this.#event;
		event.reason = reason;
		event.sampleIndex = sampleIndex;
		event.rejectedSamples = this.rejectedSamples;
		this.onQuality(event);
	}
}
