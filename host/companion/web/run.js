// The run as the web companion received it, kept whole so the page can scroll back through it and export it:
// the strip's samples, every beat (class, confidence, heart rate), every event, the device's per-class totals and
// its last summary. No DOM here; the page (app.js) feeds it packets and draws from it (draw.js).
//
// Memory caps, so a page left open on a long run stays small:
// - strip: MAX_STRIP_SAMPLES values (6 bytes each: u32 sample index, i16 value), 5 M = 7.7 h of the default strip
//   (every 2nd sample at 360 Hz), 30 MB; when full the oldest 10 % is forgotten (`stripForgotten` counts them).
// - beats: MAX_BEATS (about 50 h at 100 bpm), events: MAX_EVENTS; past that the oldest 10 % are forgotten too.
//   AF episodes are capped at MAX_EVENTS as well; the AF time of forgotten ones still counts in the burden.
// Strip samples that go back in time (a device that restarted) are dropped: reload the page for a new run.
// The protocol module comes in as a parameter (the page passes /protocol.js), so nothing here fetches anything but
// the event wording and the apnea timeline it shares with the terminal companion (./event-text.js and
// ./apnea-timeline.js, served transpiled from their .ts).
import { eventWords } from "./event-text.js";
import { addApneaPacket, apneaMinuteState, apneaMinutesBegun, apneaWords, newApneaTimeline } from "./apnea-timeline.js";

export const MAX_STRIP_SAMPLES = 5_000_000;
export const MAX_BEATS = 300_000;
export const MAX_EVENTS = 20_000;
/** ADC units per mV the strip is drawn at when the device does not say (MIT-BIH's, the simulator's records). */
export const ASSUMED_GAIN = 200;

/** Values and sample indices of the strip, in growing typed arrays, sample indices strictly increasing. */
export class StripStore {
	constructor(max = MAX_STRIP_SAMPLES) {
		this.max = max;
		this.index = new Uint32Array(Math.min(max, 1 << 16));
		this.value = new Int16Array(this.index.length);
		this.length = 0;
		this.forgotten = 0;
	}

	push(sampleIndex, value) {
		if (this.length && sampleIndex <= this.index[this.length - 1]) return false;
		if (this.length === this.index.length) this.#makeRoom();
		this.index[this.length] = sampleIndex;
		this.value[this.length++] = value;
		return true;
	}

	#makeRoom() {
		if (this.index.length < this.max) {
			const n = Math.min(this.max, this.index.length * 2);
			const index = new Uint32Array(n), value = new Int16Array(n);
			index.set(this.index);
			value.set(this.value);
			this.index = index;
			this.value = value;
			return;
		}
		const drop = Math.max(1, Math.floor(this.length / 10));
		this.index.copyWithin(0, drop, this.length);
		this.value.copyWithin(0, drop, this.length);
		this.length -= drop;
		this.forgotten += drop;
	}

	/** The position of the first sample at or after `sampleIndex` (length when none). */
	lowerBound(sampleIndex) {
		let lo = 0, hi = this.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (this.index[mid] < sampleIndex) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	get first() {
		return this.length ? this.index[0] : undefined;
	}
}

/** "mm:ss" (or "h:mm:ss") of a time in seconds. */
export function clock(seconds) {
	const s = Math.max(0, Math.floor(seconds));
	const mm = String(Math.floor(s / 60) % 60).padStart(2, "0"), ss = String(s % 60).padStart(2, "0");
	return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

export class Run {
	/** @param P the protocol module (modules/ble/protocol.ts) */
	constructor(P, caps = {}) {
		this.P = P;
		this.maxBeats = caps.maxBeats ?? MAX_BEATS;
		this.maxEvents = caps.maxEvents ?? MAX_EVENTS;
		this.sampleRate = 360;
		this.model = undefined;
		/** The device's input: sampleRate, adcGain (ADC units per mV), adcZero, adcMin, adcMax; undefined until it is read. */
		this.device = undefined;
		this.classes = [];
		/** The device's beats per class (counts packets) and the sample index of the summary they came with. */
		this.deviceCounts = [];
		this.countsAt = undefined;
		this.summary = undefined;
		this.heartRate = 0;
		this.quality = undefined;
		this.strip = new StripStore(caps.maxStripSamples);
		this.stripDecimation = 0;
		/** Beats as received: { sampleIndex, classIndex, confidence, heartRate, rrPrevious, rrNext, flags }. */
		this.beats = [];
		this.beatsForgotten = 0;
		/** Beats this page received, per class index (-1: not classified), and beats lost in the sequence numbers. */
		this.received = 0;
		this.receivedCounts = new Map();
		this.beatsLost = 0;
		this.lastSeq = undefined;
		this.events = [];
		this.eventsForgotten = 0;
		/**
		 * Atrial fibrillation episodes from the device's AF onset / offset events: { onset, offset } sample ranges
		 * [onset, offset), in order and disjoint; offset undefined while the episode lasts (it runs to lastSample).
		 */
		this.afEpisodes = [];
		this.afEpisodesForgotten = 0;
		/** AF samples of the forgotten episodes, and where the last of them ended. */
		this.afForgottenSamples = 0;
		this.afForgottenUntil = undefined;
		/** AF events that fit no episode: an onset while one lasts or before the last one ended, an offset with none open. */
		this.afEventsIgnored = 0;
		/** The device's own burden: the detail of its last AF event (permille of RR time since start or Reset counts). */
		this.deviceAfBurden = undefined;
		/** The lowest sample index heard of: the monitored time the page's AF burden is over starts here. */
		this.firstSample = undefined;
		/** The highest sample index heard of: the run's length so far. */
		this.lastSample = 0;
		/** Sleep apnea per minute: the apnea characteristic's minutes by index and the apnea model's status (apnea-timeline.ts). */
		this.apnea = newApneaTimeline();
		this.malformed = 0;
	}

	/** One GATT packet (a notification or a read value); returns false when it could not be decoded. */
	packet(id, bytes) {
		const P = this.P;
		try {
			switch (id) {
				case P.HEART_RATE_MEASUREMENT: {
					const hr = P.decodeHeartRate(bytes);
					if (hr.bpm) this.heartRate = hr.bpm;
					break;
				}
				case P.BEAT:
					this.#beat(P.decodeBeat(bytes));
					break;
				case P.SUMMARY: {
					const s = P.decodeSummary(bytes);
					this.summary = s;
					this.quality = s.quality;
					if (s.heartRate) this.heartRate = s.heartRate;
					this.#reach(s.samples);
					break;
				}
				case P.COUNTS: {
					const c = P.decodeCounts(bytes);
					this.deviceCounts.length = c.classCount;
					for (let i = 0; i < c.classCount; i++) this.deviceCounts[i] ??= 0;
					c.counts.forEach((n, i) => (this.deviceCounts[c.first + i] = n));
					this.countsAt = this.summary?.samples;
					break;
				}
				case P.EVENT: {
					const e = P.decodeEvent(bytes);
					if (e.kind === P.EVENT_QUALITY) this.quality = e.value;
					if (e.kind === P.EVENT_AF_ONSET || e.kind === P.EVENT_AF_OFFSET) this.#af(e);
					this.events.push(e);
					if (this.events.length > this.maxEvents) this.eventsForgotten += this.events.splice(0, Math.ceil(this.maxEvents / 10)).length;
					this.#reach(e.sampleIndex);
					break;
				}
				case P.MODEL_INFO:
					this.model = P.decodeModelInfo(bytes);
					if (this.model.sampleRate) this.sampleRate = this.model.sampleRate;
					break;
				case P.CLASS_NAMES:
					this.classes = P.decodeClassNames(bytes);
					break;
				case P.DEVICE_INFO:
					this.device = P.decodeDeviceInfo(bytes);
					this.sampleRate = this.device.sampleRate;
					break;
				case P.APNEA:
					addApneaPacket(P, this.apnea, P.decodeApnea(bytes));
					break;
				case P.STRIP: {
					const s = P.decodeStrip(bytes);
					this.stripDecimation = s.decimation;
					s.samples.forEach((v, i) => this.strip.push(s.sampleIndex + i * s.decimation, v));
					this.#reach(s.sampleIndex + (s.samples.length - 1) * s.decimation);
					break;
				}
			}
			return true;
		} catch {
			this.malformed++;
			return false;
		}
	}

	#beat(b) {
		if (this.lastSeq !== undefined) this.beatsLost += (b.seq - this.lastSeq - 1) & 0xff;
		this.lastSeq = b.seq;
		const beat = { sampleIndex: b.sampleIndex, classIndex: b.classIndex, confidence: b.classIndex === undefined ? undefined : b.confidence, heartRate: b.heartRate, rrPrevious: b.rrPrevious, rrNext: b.rrNext, flags: b.flags };
		this.beats.push(beat);
		if (this.beats.length > this.maxBeats) this.beatsForgotten += this.beats.splice(0, Math.ceil(this.maxBeats / 10)).length;
		this.received++;
		const key = b.classIndex ?? -1;
		this.receivedCounts.set(key, (this.receivedCounts.get(key) ?? 0) + 1);
		if (b.heartRate) this.heartRate = b.heartRate;
		this.#reach(b.sampleIndex);
	}

	#reach(sampleIndex) {
		if (sampleIndex > this.lastSample) this.lastSample = sampleIndex;
		if (this.firstSample === undefined || sampleIndex < this.firstSample) this.firstSample = sampleIndex;
	}

	className(classIndex) {
		return classIndex === undefined ? "" : (this.classes[classIndex] ?? String(classIndex));
	}

	seconds(sampleIndex) {
		return sampleIndex / this.sampleRate;
	}

	/**
	 * ADC units per mV of the strip's samples, and where that came from, in words: `urlGain` (&gain=N, when a
	 * positive number) overrides the device's (its `device` read value: a record's gain in the simulator, config
	 * adcGain on a board); with neither, ASSUMED_GAIN.
	 */
	stripGain(urlGain) {
		const device = this.device?.adcGain;
		const units = (g) => `${+g.toFixed(3)} ADC units/mV`;
		if (urlGain > 0) return { gain: urlGain, source: "url", text: `at ${units(urlGain)}, set by gain= in the URL${device ? ` (the device says ${units(device)})` : ""}` };
		if (device) return { gain: device, source: "device", text: `at ${units(device)} from the device` };
		return { gain: ASSUMED_GAIN, source: "assumed", text: `at ${units(ASSUMED_GAIN)}, assumed (the device did not send its gain; &gain=N in the URL sets it)` };
	}

	#af(e) {
		const P = this.P;
		this.deviceAfBurden = { permille: e.detail, sampleIndex: e.sampleIndex };
		const last = this.afEpisodes[this.afEpisodes.length - 1];
		const open = last && last.offset === undefined ? last : undefined;
		if (e.kind === P.EVENT_AF_ONSET) {
			const after = last ? last.offset : this.afForgottenUntil;
			if (open || (after !== undefined && e.sampleIndex < after)) return void this.afEventsIgnored++;
			this.afEpisodes.push({ onset: e.sampleIndex, offset: undefined });
			if (this.afEpisodes.length > this.maxEvents) {
				const gone = this.afEpisodes.splice(0, Math.ceil(this.maxEvents / 10));
				for (const g of gone) this.afForgottenSamples += g.offset - g.onset;
				this.afEpisodesForgotten += gone.length;
				this.afForgottenUntil = gone[gone.length - 1].offset;
			}
		} else if (!open || e.sampleIndex < open.onset) this.afEventsIgnored++;
		else open.offset = e.sampleIndex;
	}

	/** The AF episode in progress (offset undefined), if any. */
	get afOpen() {
		const last = this.afEpisodes[this.afEpisodes.length - 1];
		return last && last.offset === undefined ? last : undefined;
	}

	/** An episode's end: its offset, or the latest sample heard of while it lasts. */
	afEnd(episode) {
		return episode.offset ?? Math.max(episode.onset, this.lastSample);
	}

	/**
	 * AF burden as this page knows it: AF time of the episodes received over the time monitored (from the first
	 * sample heard of to the latest). `percent` undefined before any time is monitored.
	 */
	afBurden() {
		let af = this.afForgottenSamples;
		for (const e of this.afEpisodes) af += this.afEnd(e) - e.onset;
		const monitored = this.firstSample === undefined ? 0 : this.lastSample - this.firstSample;
		return { afSamples: af, monitoredSamples: monitored, percent: monitored > 0 ? Math.min(100, (100 * af) / monitored) : undefined };
	}

	/** The AF summary in words: episodes and the burden computed here (from the episodes, as it says). */
	afText() {
		const n = this.afEpisodes.length + this.afEpisodesForgotten;
		const { percent, monitoredSamples } = this.afBurden();
		const episodes = `${n} episode${n === 1 ? "" : "s"}${this.afOpen ? " (one in progress)" : ""}`;
		const burden = percent === undefined ? "burden -" : `burden ${percent.toFixed(1)} % of ${clock(this.seconds(monitoredSamples))} monitored (computed here from the episodes)`;
		return `AF: ${episodes}, ${burden}`;
	}

	/** The device's own AF burden in words, or "" before it sent one. */
	deviceAfText() {
		const d = this.deviceAfBurden;
		return d ? `The device's own figure: ${(d.permille / 10).toFixed(1)} % at ${clock(this.seconds(d.sampleIndex))}, its last AF event (RR time in AF since start or Reset counts).` : "";
	}

	/** Minutes begun so far (the run's length, or every minute the device sent), for the apnea timeline. */
	get apneaMinutesBegun() {
		return apneaMinutesBegun(this.apnea, this.lastSample, this.sampleRate);
	}

	/** Minute `index` of the apnea timeline: "apnea", "normal", "notAssessed" or "notYetKnown". */
	apneaMinute(index) {
		return apneaMinuteState(this.P, this.apnea, index);
	}

	/** The apnea findings in words, as the terminal companion words them. */
	apneaText() {
		return apneaWords(this.P, this.apnea);
	}

	/** The sum of the device's per-class totals. */
	get deviceTotal() {
		return this.deviceCounts.reduce((a, b) => a + (b ?? 0), 0);
	}

	/** Quality ok/learning, model ready and rate back to normal: shown, but muted. */
	routine(e) {
		const P = this.P;
		return (e.kind === P.EVENT_QUALITY && e.value < P.QUALITY_LEAD_OFF) || (e.kind === P.EVENT_MODEL && e.value === P.MODEL_READY) || e.kind === P.EVENT_RATE_NORMAL;
	}

	/** An event in words, as the terminal companion words it (event-text.ts). */
	eventText(e) {
		return eventWords(this.P, e) ?? `event ${e.kind} (value ${e.value}, detail ${e.detail})`;
	}

	/**
	 * One row per beat kept: sample index, time, class, confidence (empty when not classified), heart rate, and af:
	 * 1 when the beat is in an AF episode [onset, offset), 0 when not, empty before the episodes forgotten (memory cap).
	 */
	csv() {
		const rows = ["sample_index,time_s,class,confidence,heart_rate_bpm,af"];
		const episodes = this.afEpisodes;
		let k = 0;
		for (const b of this.beats) {
			const name = this.className(b.classIndex);
			const quoted = /[",\n]/.test(name) ? `"${name.replaceAll('"', '""')}"` : name;
			while (k < episodes.length && episodes[k].offset !== undefined && episodes[k].offset <= b.sampleIndex) k++;
			const af = this.afForgottenUntil !== undefined && b.sampleIndex < this.afForgottenUntil ? "" : k < episodes.length && episodes[k].onset <= b.sampleIndex ? 1 : 0;
			rows.push(`${b.sampleIndex},${this.seconds(b.sampleIndex).toFixed(3)},${quoted},${b.confidence === undefined ? "" : b.confidence.toFixed(3)},${b.heartRate || ""},${af}`);
		}
		return rows.join("\n") + "\n";
	}

	/** The whole run but the strip: device input, model, classes, counts, beats, events, AF episodes and the heart-rate series. */
	json() {
		const P = this.P;
		const counts = (get) => Object.fromEntries(this.classes.map((c, i) => [c, get(i)]));
		return JSON.stringify(
			{
				format: "hypertiny-web-run",
				protocolVersion: P.PROTOCOL_VERSION,
				sampleRate: this.sampleRate,
				samples: this.lastSample,
				device: this.device ?? null,
				model: this.model && { ...this.model, status: P.MODEL_STATUS_NAMES[this.model.status] ?? this.model.status, policy: P.POLICY_NAMES[this.model.policy] ?? this.model.policy },
				classes: this.classes,
				counts: {
					device: counts((i) => this.deviceCounts[i] ?? 0),
					deviceTotal: this.deviceTotal,
					deviceAtSample: this.countsAt ?? null,
					received: counts((i) => this.receivedCounts.get(i) ?? 0),
					receivedUnclassified: this.receivedCounts.get(-1) ?? 0,
					receivedTotal: this.received,
					lostNotifications: this.beatsLost,
				},
				summary: this.summary ?? null,
				beats: this.beats.map((b) => ({ sampleIndex: b.sampleIndex, time: +this.seconds(b.sampleIndex).toFixed(3), class: this.className(b.classIndex) || null, confidence: b.confidence ?? null, heartRate: b.heartRate || null, rrPrevious: b.rrPrevious, rrNext: b.rrNext, flags: b.flags })),
				beatsForgotten: this.beatsForgotten,
				events: this.events.map((e) => ({ sampleIndex: e.sampleIndex, time: +this.seconds(e.sampleIndex).toFixed(3), kind: P.EVENT_NAMES[e.kind] || e.kind, value: e.value, detail: e.detail, text: this.eventText(e) })),
				eventsForgotten: this.eventsForgotten,
				af: this.#afJson(),
				apnea: this.#apneaJson(),
				heartRate: this.beats.filter((b) => b.heartRate).map((b) => [b.sampleIndex, b.heartRate]),
			},
			null,
			1,
		);
	}

	#apneaJson() {
		const P = this.P;
		const t = this.apnea;
		return {
			model: t.status === undefined ? null : (P.MODEL_STATUS_NAMES[t.status] ?? t.status),
			errorCode: t.errorCode,
			minutes: Array.from({ length: this.apneaMinutesBegun }, (_, m) => this.apneaMinute(m)),
			minutesForgotten: t.first,
			apnea: t.apnea,
			normal: t.normal,
			notAssessed: t.notAssessed,
			source: "the device's apnea characteristic: minute m is seconds 60m..60m+60 of its input; notYetKnown until it sends it (~4.8 min later)",
		};
	}

	#afJson() {
		const { afSamples, monitoredSamples, percent } = this.afBurden();
		const d = this.deviceAfBurden;
		const time = (i) => +this.seconds(i).toFixed(3);
		return {
			episodes: this.afEpisodes.map((e) => ({ onset: e.onset, offset: e.offset ?? null, onsetTime: time(e.onset), offsetTime: e.offset === undefined ? null : time(e.offset), seconds: time(this.afEnd(e) - e.onset), open: e.offset === undefined })),
			episodeCount: this.afEpisodes.length + this.afEpisodesForgotten,
			episodesForgotten: this.afEpisodesForgotten,
			eventsIgnored: this.afEventsIgnored,
			afSamples,
			monitoredFrom: this.firstSample ?? null,
			monitoredSamples,
			burdenPercent: percent === undefined ? null : +percent.toFixed(2),
			burdenSource: "computed from the episodes received: AF samples / monitored samples",
			device: d ? { burdenPercent: d.permille / 10, atSample: d.sampleIndex, source: "detail of the device's last AF event: RR time in AF since start or Reset counts" } : null,
		};
	}
}
