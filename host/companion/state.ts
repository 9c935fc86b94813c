// What a companion knows about the monitor, built only from GATT packets (modules/ble/protocol.ts): the same
// for a board over BLE, the simulator's socket and a board's serial log.
import * as P from "../../modules/ble/protocol.ts";
import { eventWords } from "./web/event-text.ts";
import { addApneaPacket, newApneaTimeline } from "./web/apnea-timeline.ts";

export interface CompanionBeat {
	sampleIndex: number;
	seconds: number;
	className: string | undefined;
	confidence: number;
	heartRate: number;
	inVRun: boolean;
}

export interface CompanionAlert {
	kind: string;
	value: number;
	sampleIndex: number;
	seconds: number;
	text: string;
}

export type CompanionUpdate =
	| { type: "beat"; beat: CompanionBeat }
	| { type: "alert"; alert: CompanionAlert }
	| { type: "summary"; summary: P.SummaryPacket }
	| { type: "model"; model: P.ModelInfoPacket; classes: string[] }
	| { type: "control"; result: P.ControlResultPacket }
	| { type: "strip"; strip: P.StripPacket }
	| { type: "apnea"; apnea: P.ApneaPacket }
	| { type: "connection"; connected: boolean }
	| { type: "malformed"; characteristic: number; error: string };

const RECENT = 12;

export class CompanionState {
	sampleRate = 360;
	classes: string[] = [];
	model: P.ModelInfoPacket | undefined;
	/** The input's rate, ADC gain, zero and rails (the `device` read value); this companion draws no strip in mV. */
	device: P.DeviceInfoPacket | undefined;
	heartRate = 0;
	quality = P.QUALITY_LEARNING;
	alerts = 0;
	summary: P.SummaryPacket | undefined;
	counts: number[] = [];
	/** Beats received (counted here, so a lost notification shows as a sequence gap). */
	beats = 0;
	lostBeats = 0;
	malformed = 0;
	recent: CompanionBeat[] = [];
	alertLog: CompanionAlert[] = [];
	/** AF episodes begun (onset events, a repeated onset not counted again), and whether one lasts. */
	afEpisodes = 0;
	inAf = false;
	/** The device's AF burden (permille of RR time since start or reset-counts) and where: its last AF event's detail. */
	afBurden: { permille: number; sampleIndex: number } | undefined;
	/** Sleep apnea per minute (the apnea characteristic, since protocol version 4) and the apnea model's status. */
	apnea = newApneaTimeline();
	connected = true;
	#lastSeq = -1;
	#listeners: ((u: CompanionUpdate) => void)[] = [];

	onUpdate(listener: (u: CompanionUpdate) => void): void {
		this.#listeners.push(listener);
	}

	#emit(u: CompanionUpdate): void {
		for (const l of this.#listeners) l(u);
	}

	/** A read value (model info, class names, device info, summary, counts) or a notification: both decode the same way. */
	packet(id: number, bytes: Uint8Array): void {
		try {
			this.#packet(id, bytes);
		} catch (error) {
			this.malformed++;
			this.#emit({ type: "malformed", characteristic: id, error: (error as Error).message });
		}
	}

	connection(connected: boolean): void {
		this.connected = connected;
		this.#emit({ type: "connection", connected });
	}

	seconds(sampleIndex: number): number {
		return sampleIndex / this.sampleRate;
	}

	#packet(id: number, bytes: Uint8Array): void {
		switch (id) {
			case P.HEART_RATE_MEASUREMENT: {
				const hr = P.decodeHeartRate(bytes);
				if (hr.bpm > 0) this.heartRate = hr.bpm;
				return;
			}
			case P.BEAT: {
				const b = P.decodeBeat(bytes);
				if (this.#lastSeq >= 0) this.lostBeats += (b.seq - this.#lastSeq - 1 + 256) % 256;
				this.#lastSeq = b.seq;
				this.beats++;
				const beat: CompanionBeat = {
					sampleIndex: b.sampleIndex,
					seconds: this.seconds(b.sampleIndex),
					className: b.classIndex === undefined ? undefined : (this.classes[b.classIndex] ?? `class ${b.classIndex}`),
					confidence: b.confidence,
					heartRate: b.heartRate,
					inVRun: (b.flags & P.BEAT_IN_V_RUN) !== 0,
				};
				if (b.heartRate > 0) this.heartRate = b.heartRate;
				this.recent.push(beat);
				if (this.recent.length > RECENT) this.recent.shift();
				this.#emit({ type: "beat", beat });
				return;
			}
			case P.SUMMARY: {
				const s = (this.summary = P.decodeSummary(bytes));
				this.quality = s.quality;
				this.alerts = s.alerts;
				if (s.heartRate > 0) this.heartRate = s.heartRate;
				this.#emit({ type: "summary", summary: s });
				return;
			}
			case P.COUNTS: {
				const c = P.decodeCounts(bytes);
				if (this.counts.length !== c.classCount) this.counts = new Array(c.classCount).fill(0);
				c.counts.forEach((n, i) => (this.counts[c.first + i] = n));
				return;
			}
			case P.EVENT:
				return this.#event(P.decodeEvent(bytes));
			case P.MODEL_INFO: {
				this.model = P.decodeModelInfo(bytes);
				if (this.model.sampleRate > 0) this.sampleRate = this.model.sampleRate;
				if (this.model.status !== P.MODEL_READY || this.classes.length === this.model.classCount) this.#emit({ type: "model", model: this.model, classes: this.classes });
				return;
			}
			case P.CLASS_NAMES:
				this.classes = P.decodeClassNames(bytes);
				if (this.model && this.model.status === P.MODEL_READY && this.classes.length === this.model.classCount)
					this.#emit({ type: "model", model: this.model, classes: this.classes });
				return;
			case P.CONTROL_RESULT:
				this.#emit({ type: "control", result: P.decodeControlResult(bytes) });
				return;
			case P.STRIP:
				this.#emit({ type: "strip", strip: P.decodeStrip(bytes) });
				return;
			case P.DEVICE_INFO:
				this.device = P.decodeDeviceInfo(bytes);
				return;
			case P.APNEA: {
				const apnea = P.decodeApnea(bytes);
				addApneaPacket(P, this.apnea, apnea);
				this.#emit({ type: "apnea", apnea });
				return;
			}
			case P.BODY_SENSOR_LOCATION:
				return;
			default:
				throw new RangeError(`unknown characteristic ${id}`);
		}
	}

	#event(e: P.EventPacket): void {
		const kind = P.EVENT_NAMES[e.kind] ?? `event ${e.kind}`;
		switch (e.kind) {
			case P.EVENT_QUALITY:
				this.quality = e.value;
				break;
			case P.EVENT_AF_ONSET:
				if (!this.inAf) this.afEpisodes++;
				this.inAf = true;
				this.afBurden = { permille: e.detail, sampleIndex: e.sampleIndex };
				break;
			case P.EVENT_AF_OFFSET:
				this.inAf = false;
				this.afBurden = { permille: e.detail, sampleIndex: e.sampleIndex };
				break;
		}
		const text = eventWords(P, e) ?? kind;
		const alert = { kind, value: e.value, sampleIndex: e.sampleIndex, seconds: this.seconds(e.sampleIndex), text };
		this.alertLog.push(alert);
		if (this.alertLog.length > RECENT) this.alertLog.shift();
		this.#emit({ type: "alert", alert });
	}
}
