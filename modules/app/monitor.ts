// The ECG monitor: samples in, the ECG pipeline, the beat classifier and rhythm tracking, packets out over
// BLE (modules/ble/protocol.ts) and lines out over trace. Every buffer is made here; the per-block path
// (block → pipeline.pushBlock, in C; the strip's stride loop when enabled) allocates nothing.
import { EcgPipeline } from "../ecg/pipeline.ts";
import type { BeatEvent, QualityEvent } from "../ecg/events.ts";
import * as P from "../ble/protocol.ts";
import type { BleTransport } from "../ble/transport-api.ts";
import { Classifier, windowPre } from "./classifier.ts";
import type { InputDescription, SampleBlock, SampleSink } from "./input-api.ts";
import { configFlag } from "./config.ts";
import { Rhythm } from "./rhythm.ts";
import { AF_NONE, AF_ONSET, AfDetector, ectopicForAf } from "../rhythm/af-detector.ts";
import { classDuringAf } from "../rhythm/beat-in-af.ts";
import { ApneaMinutes } from "./apnea-minutes.ts";

export interface MonitorOptions {
	model: string;
	policy: string;
	budget: number | undefined;
	/** Resource name of the apnea model (sleep apnea per minute), synthesized under its own policy and budget. */
	apneaModel: string;
	apneaPolicy: string;
	apneaBudget: number | undefined;
	/** Seconds of signal between summary notifications. */
	summarySeconds: number;
	vRunLength: number;
	tachycardiaBpm: number;
	bradycardiaBpm: number;
	/** 0: no ECG strip notifications; n: every n-th raw sample. */
	stripDecimation: number;
	/** One trace line per beat and per apnea minute: on in the desktop simulators, off on boards (a serial console
	 * needs no beat classes, and the line costs ~15,000 instructions a beat: bench:m4app). */
	traceBeats: boolean;
	/** One "@logits" trace line per classified beat (engine comparisons). */
	traceLogits: boolean;
	/** The AF detector (on by default; off only to measure what it costs, bench:m4app). */
	afDetector: boolean;
}

export const DEFAULT_WINDOW = 256;


export function monitorOptions(config: Record<string, unknown>): MonitorOptions {
	const number = (key: string, fallback: number, min: number, max: number): number => {
		const v = config[key] === undefined ? fallback : Number(config[key]);
		if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`config.${key} must be an integer in ${min}..${max}, got ${String(config[key])}`);
		return v;
	};
	const budget = config.budget === undefined ? undefined : number("budget", 0, 1, 1 << 30);
	return {
		model: String(config.model ?? "model.htpw"),
		policy: String(config.policy ?? "boot"),
		budget,
		// The apnea model takes the beat model's policy and budget unless the config gives it its own.
		apneaModel: String(config.apneaModel ?? "apnea.htpw"),
		apneaPolicy: String(config.apneaPolicy ?? config.policy ?? "boot"),
		apneaBudget: config.apneaBudget === undefined ? budget : number("apneaBudget", 0, 1, 1 << 30),
		summarySeconds: number("summarySeconds", 5, 1, 3600),
		vRunLength: number("vRunLength", 3, P.V_RUN_MIN, P.V_RUN_MAX),
		tachycardiaBpm: number("tachycardiaBpm", 150, 60, 300),
		bradycardiaBpm: number("bradycardiaBpm", 40, 20, 100),
		stripDecimation: number("stripDecimation", 0, 0, P.STRIP_MAX_DECIMATION),
		traceBeats: configFlag(config, "traceBeats", false),
		traceLogits: configFlag(config, "traceLogits", false),
		afDetector: configFlag(config, "afDetector", true),
	};
}

const QUALITY_STATE: Record<string, number> = { "lead-off": P.QUALITY_LEAD_OFF, flatline: P.QUALITY_FLATLINE, saturation: P.QUALITY_SATURATION };

export class Monitor implements SampleSink {
	readonly pipeline: EcgPipeline;
	readonly classifier: Classifier;
	readonly rhythm: Rhythm;
	readonly af: AfDetector;
	readonly apnea: ApneaMinutes;
	readonly description: InputDescription;
	quality = P.QUALITY_LEARNING;
	heartRate = 0;
	beatsClassified = 0;
	packetsSent = 0;
	packetsDropped = 0;
	controlRejected = 0;
	finished = false;
	onEnd: (() => void) | undefined;
	#transport: BleTransport;
	#options: MonitorOptions;
	#packet = new Uint8Array(P.MAX_PACKET);
	#strip = new Uint8Array(P.STRIP_BYTES);
	#stripCount = 0;
	#stripPhase = 0;
	#stripDecimation: number;
	#summaryEvery: number;
	#nextSummary: number;
	#seq = 0;
	#check: P.ControlCheck = { result: 0, op: 0, value: 0 };
	#summary: P.SummaryPacket = { quality: 0, heartRate: 0, modelStatus: 0, alerts: 0, samples: 0, beatsDetected: 0, beatsClassified: 0, samplesRejected: 0 };

	constructor(description: InputDescription, transport: BleTransport, options: MonitorOptions) {
		this.description = description;
		this.#transport = transport;
		this.#options = options;
		this.#stripDecimation = options.stripDecimation;
		this.#summaryEvery = options.summarySeconds * description.sampleRate;
		this.#nextSummary = this.#summaryEvery;
		this.classifier = new Classifier({
			resource: options.model,
			policy: options.policy,
			budget: options.budget,
			sampleRate: description.sampleRate,
			adcGain: description.adcGain,
			defaultWindow: DEFAULT_WINDOW,
		});
		const c = this.classifier;
		this.apnea = new ApneaMinutes({ resource: options.apneaModel, policy: options.apneaPolicy, budget: options.apneaBudget, sampleRate: description.sampleRate, arenaOf: c.interpreter });
		this.af = new AfDetector(description.sampleRate);
		this.rhythm = new Rhythm({ vRunLength: options.vRunLength, tachycardiaBpm: options.tachycardiaBpm, bradycardiaBpm: options.bradycardiaBpm, rateBeats: 4 });
		this.rhythm.onEvent = (kind, value, sampleIndex) => this.#event(kind, value, 0, sampleIndex);
		this.pipeline = new EcgPipeline(
			{ ...description, windowLength: c.window, windowPre: windowPre(c.window) },
			(beat) => this.#beat(beat),
			(event) => this.#quality(event),
		);
		transport.onControl = (bytes, length) => this.control(bytes, length);
		// Nothing is notified before the link is encrypted: once it is, the client gets the current summary at once.
		transport.onEncrypted = () => this.#sendSummary();
		trace(c.ready ? `hypertiny: model ${c.message}\n` : `hypertiny: no classification (${P.MODEL_STATUS_NAMES[c.status]}: ${c.message}); heart rate only\n`);
		this.#publishModel();
		const a = this.apnea;
		trace(a.ready ? `hypertiny: apnea model ${a.message}\n` : `hypertiny: no apnea minutes (${P.MODEL_STATUS_NAMES[a.status]}: ${a.message})\n`);
		transport.setReadValue(P.APNEA, this.#packet, P.encodeApnea(this.#packet, a.status, a.errorCode, -1, 0, 0, 0));
		// What a companion needs to draw the strip in millivolts: the input's rate, gain, zero and rails.
		transport.setReadValue(P.DEVICE_INFO, this.#packet, P.encodeDeviceInfo(this.#packet, description));
		this.#event(P.EVENT_MODEL, c.status, c.errorCode, 0);
		this.#sendSummary();
		// What the link did before the input starts (a central that paired already, writes it sent meanwhile).
		transport.service(0);
	}

	block(samples: SampleBlock, offset: number, count: number): void {
		if (offset < 0 || count < 0 || offset + count > samples.length) throw new RangeError(`block ${offset}+${count} outside ${samples.length} samples`);
		const pipeline = this.pipeline;
		const first = pipeline.samples;
		const samplesAfter = first + count;
		pipeline.pushBlock(samples, offset, count);
		const decimation = this.#stripDecimation;
		if (decimation !== 0) {
			// every decimation-th sample, continuing the phase of the previous block
			const zero = this.description.adcZero;
			const end = offset + count;
			for (let i = offset + decimation - 1 - this.#stripPhase; i < end; i += decimation) this.#stripSample(samples[i] - zero, first + i - offset);
			this.#stripPhase = (this.#stripPhase + count) % decimation;
		}
		if (samplesAfter > this.apnea.dueAfter) this.#apneaMinutes(false);
		if (samplesAfter >= this.#nextSummary) {
			this.#nextSummary = samplesAfter + this.#summaryEvery;
			this.#sendSummary();
		}
		this.#transport.service(samplesAfter);
	}

	leadOff(on: boolean): void {
		this.pipeline.setLeadOff(on);
	}

	end(): void {
		this.pipeline.flush();
		this.#apneaMinutes(true);
		this.#sendSummary();
		this.finished = true;
		if (this.onEnd) this.onEnd();
	}

	/** A control write as the client sent it: validated, applied, answered on the result characteristic. */
	control(bytes: Uint8Array, length: number): void {
		const check = P.checkControl(bytes, length, this.#check);
		if (check.result !== P.RESULT_OK) this.controlRejected++;
		else if (check.op === P.OP_RESET_COUNTS) {
			this.rhythm.resetCounts();
			this.af.resetBurden();
		}
		else if (check.op === P.OP_STRIP) {
			this.#stripDecimation = check.value;
			this.#stripCount = this.#stripPhase = 0;
		} else if (check.op === P.OP_V_RUN_LENGTH) this.rhythm.vRunLength = check.value;
		const n = P.encodeControlResult(this.#packet, check.op, check.result, length, this.controlRejected);
		this.#notify(P.CONTROL_RESULT, n);
		if (check.result === P.RESULT_OK && (check.op === P.OP_SEND_SUMMARY || check.op === P.OP_RESET_COUNTS)) this.#sendSummary();
		trace(`hypertiny: control ${check.op} ${P.RESULT_NAMES[check.result]}\n`);
	}

	#beat(beat: BeatEvent): void {
		const c = this.classifier;
		let cls = -1;
		let confidence = 0;
		if (c.ready) {
			cls = c.classify(beat);
			// the AF state of the beats before this one: the detector hears this beat below
			if (this.af.inAf) cls = c.reportAs(classDuringAf(c.classes, cls, c.templateMatch));
			confidence = c.confidence;
			this.beatsClassified++;
			if (this.#options.traceLogits) this.#traceLogits(beat.sampleIndex);
		}
		if (beat.heartRate > 0) this.heartRate = beat.heartRate;
		this.apnea.beat(beat.sampleIndex);
		this.rhythm.beat(cls, c.alertClass, beat.heartRate, beat.sampleIndex);
		if (this.#options.afDetector) {
			const ectopic = cls >= 0 && ectopicForAf(c.classes[cls], confidence);
			const afChange = this.af.beat(beat.rrPrevious, beat.rrNext, ectopic, beat.sampleIndex);
			if (afChange !== AF_NONE) this.#afEvent(afChange, afChange === AF_ONSET ? this.af.onsetSample : beat.sampleIndex);
		}
		let flags = beat.rrNext > 0 ? P.BEAT_RR_NEXT : 0;
		if (cls >= 0) flags |= P.BEAT_CLASSIFIED;
		if (cls >= 0 && cls === c.alertClass && this.rhythm.currentRun >= this.rhythm.vRunLength) flags |= P.BEAT_IN_V_RUN;
		const packet = this.#packet;
		this.#notify(P.BEAT, P.encodeBeat(packet, this.#seq++, cls, confidence, flags, beat.sampleIndex, beat.rrPrevious, beat.rrNext, beat.heartRate));
		if (beat.heartRate > 0) this.#notify(P.HEART_RATE_MEASUREMENT, P.encodeHeartRate(packet, beat.heartRate, true, beat.rrPrevious, this.description.sampleRate));
		if (this.#options.traceBeats)
			trace(`beat ${beat.sampleIndex} ${cls >= 0 ? c.classes[cls] : "-"} ${cls >= 0 ? Math.round(confidence * 100) : "-"}% hr ${beat.heartRate}\n`);
		this.#apneaMinutes(false);
	}

	/** Every apnea minute now due (ended: the input is over), assessed, sent and made the read value. */
	#apneaMinutes(ended: boolean): void {
		const a = this.apnea;
		while (a.due(this.pipeline.samples, ended)) {
			const m = a.assessNext();
			const n = P.encodeApnea(this.#packet, a.status, 0, m.minute, m.classIndex, m.score, m.held);
			this.#transport.setReadValue(P.APNEA, this.#packet, n);
			this.#notify(P.APNEA, n);
			if (this.#options.traceBeats) trace(`apnea minute ${m.minute} ${P.APNEA_CLASS_NAMES[m.classIndex]} score ${m.score} held ${m.held}\n`);
		}
	}

	#quality(event: QualityEvent): void {
		if (event.reason === "garbage") {
			this.#event(P.EVENT_GARBAGE, 0, event.rejectedSamples, event.sampleIndex);
			return;
		}
		const state = event.reason === "ok" ? P.QUALITY_OK : QUALITY_STATE[event.reason];
		if (state !== P.QUALITY_OK) {
			this.rhythm.interrupt(event.sampleIndex);
			const afChange = this.af.interrupt(event.sampleIndex);
			if (afChange !== AF_NONE) this.#afEvent(afChange, event.sampleIndex);
			this.classifier.resetRhythm(); // the beats after it are no continuation of the RR history
		}
		if (state === this.quality) return;
		this.quality = state;
		this.#event(P.EVENT_QUALITY, state, 0, event.sampleIndex);
		this.#sendSummary();
		trace(`hypertiny: signal ${event.reason} from sample ${event.sampleIndex}\n`);
	}

	#event(kind: number, value: number, detail: number, sampleIndex: number): void {
		this.#notify(P.EVENT, P.encodeEvent(this.#packet, kind, value, detail, sampleIndex));
	}

	#afEvent(change: number, sampleIndex: number): void {
		const onset = change === AF_ONSET;
		this.#event(onset ? P.EVENT_AF_ONSET : P.EVENT_AF_OFFSET, 0, this.af.burdenPermille(), sampleIndex);
		trace(`hypertiny: atrial fibrillation ${onset ? "from" : "ended at"} sample ${sampleIndex}\n`);
	}

	#sendSummary(): void {
		const s = this.#summary;
		const p = this.pipeline;
		s.quality = this.quality;
		s.heartRate = this.heartRate;
		s.modelStatus = this.classifier.status;
		s.alerts = this.rhythm.alerts | (this.quality >= P.QUALITY_LEAD_OFF ? P.ALERT_SIGNAL : 0) | (this.af.inAf ? P.ALERT_AF : 0);
		s.samples = p.samples;
		s.beatsDetected = p.beatsDetected;
		s.beatsClassified = this.beatsClassified;
		s.samplesRejected = p.rejectedSamples;
		const packet = this.#packet;
		let n = P.encodeSummary(packet, s);
		this.#transport.setReadValue(P.SUMMARY, packet, n);
		this.#notify(P.SUMMARY, n);
		const classes = this.classifier.classes.length;
		for (let first = 0; first < classes; first += P.COUNTS_PER_PACKET) {
			n = P.encodeCounts(packet, this.rhythm.counts, classes, first);
			if (first === 0) this.#transport.setReadValue(P.COUNTS, packet, n);
			this.#notify(P.COUNTS, n);
		}
	}

	#publishModel(): void {
		const c = this.classifier;
		const packet = this.#packet;
		const n = P.encodeModelInfo(packet, {
			status: c.status,
			classCount: c.classes.length,
			policy: P.POLICY_NAMES.indexOf(c.policy),
			alertClass: c.alertClass < 0 ? undefined : c.alertClass,
			blobBytes: c.blobBytes,
			crc: c.crc,
			window: c.window,
			sampleRate: this.description.sampleRate,
			tStar: c.tStar,
			errorCode: c.errorCode,
		});
		this.#transport.setReadValue(P.MODEL_INFO, packet, n);
		this.#transport.setReadValue(P.CLASS_NAMES, packet, P.encodeClassNames(packet, c.classes));
	}

	#stripSample(value: number, sampleIndex: number): void {
		const strip = this.#strip;
		if (this.#stripCount === 0) P.encodeStripHeader(strip, sampleIndex, this.#stripDecimation, P.STRIP_SAMPLES);
		P.encodeStripSample(strip, this.#stripCount++, value);
		if (this.#stripCount === P.STRIP_SAMPLES) {
			this.#stripCount = 0;
			if (this.#transport.notify(P.STRIP, strip, P.STRIP_BYTES)) this.packetsSent++;
			else this.packetsDropped++;
		}
	}

	#traceLogits(sampleIndex: number): void {
		const out = this.classifier.interpreter!.output;
		let line = `@logits ${sampleIndex}`;
		for (let i = 0; i < out.length; i++) line += " " + out[i];
		trace(line + "\n");
		trace(`@template ${sampleIndex} ${this.classifier.templateMatch}\n`);
	}

	#notify(id: number, length: number): void {
		if (this.#transport.notify(id, this.#packet, length)) this.packetsSent++;
		else this.packetsDropped++;
	}

	/** What a run did, for the end-of-stream trace line and tests. */
	stats(): Record<string, unknown> {
		const p = this.pipeline;
		const counts: Record<string, number> = {};
		this.classifier.classes.forEach((name, i) => (counts[name] = this.rhythm.counts[i]));
		return {
			samples: p.samples,
			samplesRejected: p.rejectedSamples,
			beatsDetected: p.beatsDetected,
			beatsDelivered: p.beatsDelivered,
			beatsSuppressed: p.beatsSuppressed,
			beatsClassified: this.beatsClassified,
			counts,
			heartRate: this.heartRate,
			afEpisodes: this.af.episodes,
			afBurdenPermille: this.af.burdenPermille(),
			apnea: { model: P.MODEL_STATUS_NAMES[this.apnea.status], minutes: this.apnea.next, apnea: this.apnea.apneaCount, normal: this.apnea.normalCount, notAssessed: this.apnea.notAssessedCount, beatsDropped: this.apnea.beatsDropped },
			model: P.MODEL_STATUS_NAMES[this.classifier.status],
			packetsSent: this.packetsSent,
			packetsDropped: this.packetsDropped,
			controlRejected: this.controlRejected,
		};
	}
}
