// The GATT packets of docs/ble-protocol.md, byte by byte: encoders that write into caller-owned buffers (the
// device allocates nothing per beat) and decoders that return plain objects (companions). The one definition
// shared by the device, the simulator link and every companion.

/**
 * docs/ble-protocol.md's version. 2 added the AF events (kinds 9, 10) and summary alert bit 4; every packet layout of
 * version 1 is unchanged, and a version-1 companion shows the new events as unknown kinds. 3 added the `device`
 * read characteristic (sample rate, ADC gain, zero and rails, for drawing the strip in millivolts); nothing else
 * changed, and a companion that does not know it may ignore it. 4 added the `apnea` characteristic (sleep apnea per
 * minute, and the apnea model's status); nothing else changed.
 */
export const PROTOCOL_VERSION = 4;

/** Default ATT MTU 23 minus the 3-byte notification header. */
export const MAX_PACKET = 20;

export const ECG_SERVICE_UUID = "68740001-7470-4874-b9e3-8c5e2a7b0c11";
export const HEART_RATE_SERVICE_UUID = "180D";

/** Characteristic numbers: the id in simulator frames and the key of CHARACTERISTICS. */
export const HEART_RATE_MEASUREMENT = 1;
export const BODY_SENSOR_LOCATION = 2;
export const BEAT = 3;
export const SUMMARY = 4;
export const COUNTS = 5;
export const EVENT = 6;
export const MODEL_INFO = 7;
export const CONTROL = 8;
export const CONTROL_RESULT = 9;
export const STRIP = 10;
export const CLASS_NAMES = 11;
export const DEVICE_INFO = 12;
/** Since protocol version 4: the apnea model's status and its per-minute results. */
export const APNEA = 13;

export interface CharacteristicInfo {
	id: number;
	/** Name in bleservices/*.json (what Moddable's BLEServer reports as characteristic.name). */
	name: string;
	uuid: string;
	service: string;
}

function ecgUuid(n: number): string {
	return "6874" + (n < 16 ? "000" : "00") + n.toString(16) + ECG_SERVICE_UUID.slice(8);
}

export const CHARACTERISTICS: readonly CharacteristicInfo[] = [
	{ id: HEART_RATE_MEASUREMENT, name: "measurement", uuid: "2A37", service: HEART_RATE_SERVICE_UUID },
	{ id: BODY_SENSOR_LOCATION, name: "location", uuid: "2A38", service: HEART_RATE_SERVICE_UUID },
	{ id: BEAT, name: "beat", uuid: ecgUuid(2), service: ECG_SERVICE_UUID },
	{ id: SUMMARY, name: "summary", uuid: ecgUuid(3), service: ECG_SERVICE_UUID },
	{ id: COUNTS, name: "counts", uuid: ecgUuid(4), service: ECG_SERVICE_UUID },
	{ id: EVENT, name: "event", uuid: ecgUuid(5), service: ECG_SERVICE_UUID },
	{ id: MODEL_INFO, name: "model", uuid: ecgUuid(6), service: ECG_SERVICE_UUID },
	{ id: CONTROL, name: "control", uuid: ecgUuid(7), service: ECG_SERVICE_UUID },
	{ id: CONTROL_RESULT, name: "result", uuid: ecgUuid(8), service: ECG_SERVICE_UUID },
	{ id: STRIP, name: "strip", uuid: ecgUuid(9), service: ECG_SERVICE_UUID },
	{ id: CLASS_NAMES, name: "classes", uuid: ecgUuid(10), service: ECG_SERVICE_UUID },
	{ id: DEVICE_INFO, name: "device", uuid: ecgUuid(11), service: ECG_SERVICE_UUID },
	{ id: APNEA, name: "apnea", uuid: ecgUuid(12), service: ECG_SERVICE_UUID },
];

export function characteristicById(id: number): CharacteristicInfo | undefined {
	for (let i = 0; i < CHARACTERISTICS.length; i++) if (CHARACTERISTICS[i].id === id) return CHARACTERISTICS[i];
	return undefined;
}

export function characteristicByName(name: string): CharacteristicInfo | undefined {
	for (let i = 0; i < CHARACTERISTICS.length; i++) if (CHARACTERISTICS[i].name === name) return CHARACTERISTICS[i];
	return undefined;
}

// Signal quality, model status, policy, alert bits, event kinds, control opcodes and results.
export const QUALITY_OK = 0;
export const QUALITY_LEARNING = 1;
export const QUALITY_LEAD_OFF = 2;
export const QUALITY_FLATLINE = 3;
export const QUALITY_SATURATION = 4;
export const QUALITY_NAMES = ["ok", "learning", "lead-off", "flatline", "saturation"] as const;

export const MODEL_READY = 0;
export const MODEL_MISSING = 1;
export const MODEL_INVALID = 2;
export const MODEL_INCOMPATIBLE = 3;
export const MODEL_STATUS_NAMES = ["ready", "missing", "invalid", "incompatible"] as const;

export const POLICY_NAMES = ["boot", "lazy", "stream"] as const;

export const ALERT_V_RUN = 1;
export const ALERT_TACHYCARDIA = 2;
export const ALERT_BRADYCARDIA = 4;
export const ALERT_SIGNAL = 8;
/** Since protocol version 2: an atrial fibrillation episode is in progress. */
export const ALERT_AF = 16;

export const EVENT_QUALITY = 1;
export const EVENT_V_RUN_START = 2;
export const EVENT_V_RUN_END = 3;
export const EVENT_TACHYCARDIA = 4;
export const EVENT_BRADYCARDIA = 5;
export const EVENT_RATE_NORMAL = 6;
export const EVENT_MODEL = 7;
export const EVENT_GARBAGE = 8;
/** Since protocol version 2: AF episode start and end (modules/rhythm/af-detector.ts); detail: AF burden in permille. */
export const EVENT_AF_ONSET = 9;
export const EVENT_AF_OFFSET = 10;
export const EVENT_NAMES = ["", "quality", "v-run-start", "v-run-end", "tachycardia", "bradycardia", "rate-normal", "model", "garbage", "af-onset", "af-offset"] as const;

export const OP_RESET_COUNTS = 1;
export const OP_STRIP = 2;
export const OP_V_RUN_LENGTH = 3;
export const OP_SEND_SUMMARY = 4;

export const RESULT_OK = 0;
export const RESULT_EMPTY = 1;
export const RESULT_TOO_LONG = 2;
export const RESULT_UNKNOWN_OPCODE = 3;
export const RESULT_BAD_LENGTH = 4;
export const RESULT_OUT_OF_RANGE = 5;
export const RESULT_NAMES = ["ok", "empty", "too-long", "unknown-opcode", "bad-length", "out-of-range"] as const;

/** Classes a model may have for the beat and counts packets (and the device's count table). */
export const MAX_CLASSES = 8;
export const STRIP_MAX_DECIMATION = 32;
export const STRIP_SAMPLES = 7;
export const V_RUN_MIN = 2;
export const V_RUN_MAX = 32;
/** Beat class byte when the beat was not classified. */
export const NO_CLASS = 0xff;

export const BEAT_BYTES = 14;
export const SUMMARY_BYTES = 20;
export const COUNTS_BYTES = 18;
export const EVENT_BYTES = 8;
export const MODEL_INFO_BYTES = 20;
export const CONTROL_RESULT_BYTES = 4;
export const STRIP_BYTES = 6 + 2 * STRIP_SAMPLES;
export const DEVICE_INFO_BYTES = 20;
/** Byte 0 of the device info packet: its layout. A reader refuses a format it does not know. */
export const DEVICE_INFO_FORMAT = 1;
export const COUNTS_PER_PACKET = 4;
export const APNEA_BYTES = 12;

/** The apnea packet's class byte: a minute called normal or apnea, one not assessed (no measured RR), or none yet. */
export const APNEA_CLASS_NORMAL = 0;
export const APNEA_CLASS_APNEA = 1;
export const APNEA_CLASS_NOT_ASSESSED = 2;
export const APNEA_NO_MINUTE = 0xff;
export const APNEA_CLASS_NAMES = ["normal", "apnea", "not assessed"] as const;

export const BEAT_CLASSIFIED = 1;
export const BEAT_RR_NEXT = 2;
export const BEAT_IN_V_RUN = 4;

function u8(x: number): number {
	return x < 0 ? 0 : x > 255 ? 255 : Math.round(x);
}

function u16(x: number): number {
	return x < 0 ? 0 : x > 65535 ? 65535 : Math.round(x);
}

function put16(b: Uint8Array, at: number, v: number): void {
	b[at] = v & 0xff;
	b[at + 1] = (v >> 8) & 0xff;
}

function put32(b: Uint8Array, at: number, v: number): void {
	b[at] = v & 0xff;
	b[at + 1] = (v >>> 8) & 0xff;
	b[at + 2] = (v >>> 16) & 0xff;
	b[at + 3] = (v >>> 24) & 0xff;
}

function get16(b: Uint8Array, at: number): number {
	return b[at] | (b[at + 1] << 8);
}

function get32(b: Uint8Array, at: number): number {
	return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

function getI32(b: Uint8Array, at: number): number {
	return get32(b, at) | 0;
}

function requireLength(name: string, b: Uint8Array, min: number, max = min): void {
	if (b.length < min || b.length > max)
		throw new RangeError(`${name} packet has ${b.length} bytes, expected ${min === max ? min : `${min}..${max}`}`);
}

// --- Heart Rate Measurement (Bluetooth Heart Rate Service 1.0, characteristic 0x2A37) ---

export interface HeartRateMeasurement {
	bpm: number;
	/** Sensor contact: undefined when the sensor does not say, else whether the skin contact is good. */
	contact: boolean | undefined;
	/** RR intervals in seconds (resolution 1/1024 s). */
	rr: number[];
}

/** Flags: bit 0 = 0 (8-bit bpm), bits 1-2 = contact supported (bit 2) and detected (bit 1), bit 4 = RR present. */
// encodeHeartRate and encodeBeat run for every beat on the device: their byte writes and u8/u16 are written out
// (an integer skips Math.round, which leaves it as it is), since XS pays more for each call than for its arithmetic.
export function encodeHeartRate(out: Uint8Array, bpm: number, contact: boolean, rrSamples: number, sampleRate: number): number {
	const r = (rrSamples * 1024) / sampleRate;
	const rr = rrSamples > 0 ? (r < 0 ? 0 : r > 65535 ? 65535 : r % 1 === 0 ? r : Math.round(r)) : 0;
	out[0] = 0x04 | (contact ? 0x02 : 0) | (rr > 0 ? 0x10 : 0);
	out[1] = bpm < 0 ? 0 : bpm > 255 ? 255 : bpm % 1 === 0 ? bpm : Math.round(bpm);
	if (rr === 0) return 2;
	out[2] = rr & 0xff;
	out[3] = (rr >> 8) & 0xff;
	return 4;
}

export function decodeHeartRate(b: Uint8Array): HeartRateMeasurement {
	requireLength("heart rate measurement", b, 2, MAX_PACKET);
	const flags = b[0];
	let at = 1;
	let bpm: number;
	if (flags & 1) {
		requireLength("heart rate measurement", b, 3, MAX_PACKET);
		bpm = get16(b, 1);
		at = 3;
	} else {
		bpm = b[1];
		at = 2;
	}
	if (flags & 0x08) at += 2; // energy expended
	const rr: number[] = [];
	if (flags & 0x10) for (; at + 1 < b.length; at += 2) rr.push(get16(b, at) / 1024);
	return { bpm, contact: flags & 0x04 ? (flags & 0x02) !== 0 : undefined, rr };
}

// --- beat ---

export interface BeatPacket {
	seq: number;
	/** Class index, or undefined when the beat was not classified. */
	classIndex: number | undefined;
	/** Probability of the reported class, 0..1 in steps of 1/255. */
	confidence: number;
	flags: number;
	sampleIndex: number;
	rrPrevious: number;
	rrNext: number;
	heartRate: number;
}

export function encodeBeat(out: Uint8Array, seq: number, classIndex: number, confidence: number, flags: number, sampleIndex: number, rrPrevious: number, rrNext: number, heartRate: number): number {
	const c = confidence * 255;
	const rp = rrPrevious < 0 ? 0 : rrPrevious > 65535 ? 65535 : rrPrevious % 1 === 0 ? rrPrevious : Math.round(rrPrevious);
	const rn = rrNext < 0 ? 0 : rrNext > 65535 ? 65535 : rrNext % 1 === 0 ? rrNext : Math.round(rrNext);
	out[0] = seq & 0xff;
	out[1] = classIndex < 0 ? NO_CLASS : classIndex;
	out[2] = c < 0 ? 0 : c > 255 ? 255 : Math.round(c); // c is rarely whole: no test for it (a double % costs fmod)
	out[3] = flags;
	out[4] = sampleIndex & 0xff;
	out[5] = (sampleIndex >>> 8) & 0xff;
	out[6] = (sampleIndex >>> 16) & 0xff;
	out[7] = (sampleIndex >>> 24) & 0xff;
	out[8] = rp & 0xff;
	out[9] = (rp >> 8) & 0xff;
	out[10] = rn & 0xff;
	out[11] = (rn >> 8) & 0xff;
	out[12] = heartRate < 0 ? 0 : heartRate > 255 ? 255 : heartRate % 1 === 0 ? heartRate : Math.round(heartRate);
	out[13] = 0;
	return BEAT_BYTES;
}

export function decodeBeat(b: Uint8Array): BeatPacket {
	requireLength("beat", b, BEAT_BYTES);
	return {
		seq: b[0],
		classIndex: b[1] === NO_CLASS ? undefined : b[1],
		confidence: b[2] / 255,
		flags: b[3],
		sampleIndex: get32(b, 4),
		rrPrevious: get16(b, 8),
		rrNext: get16(b, 10),
		heartRate: b[12],
	};
}

// --- summary ---

export interface SummaryPacket {
	quality: number;
	heartRate: number;
	modelStatus: number;
	alerts: number;
	samples: number;
	beatsDetected: number;
	beatsClassified: number;
	samplesRejected: number;
}

export function encodeSummary(out: Uint8Array, s: SummaryPacket): number {
	out[0] = s.quality;
	out[1] = u8(s.heartRate);
	out[2] = s.modelStatus;
	out[3] = s.alerts;
	put32(out, 4, s.samples);
	put32(out, 8, s.beatsDetected);
	put32(out, 12, s.beatsClassified);
	put32(out, 16, s.samplesRejected);
	return SUMMARY_BYTES;
}

export function decodeSummary(b: Uint8Array): SummaryPacket {
	requireLength("summary", b, SUMMARY_BYTES);
	return {
		quality: b[0],
		heartRate: b[1],
		modelStatus: b[2],
		alerts: b[3],
		samples: get32(b, 4),
		beatsDetected: get32(b, 8),
		beatsClassified: get32(b, 12),
		samplesRejected: get32(b, 16),
	};
}

// --- counts ---

export interface CountsPacket {
	first: number;
	classCount: number;
	counts: number[];
}

/** Counts of classes first..first+3 (fewer at the end); a model with more than four classes takes several packets. */
export function encodeCounts(out: Uint8Array, counts: Uint32Array, classCount: number, first: number): number {
	const n = Math.min(COUNTS_PER_PACKET, classCount - first);
	out[0] = first;
	out[1] = classCount;
	for (let i = 0; i < n; i++) put32(out, 2 + 4 * i, counts[first + i]);
	return 2 + 4 * n;
}

export function decodeCounts(b: Uint8Array): CountsPacket {
	requireLength("counts", b, 2, COUNTS_BYTES);
	if ((b.length - 2) % 4 !== 0) throw new RangeError(`counts packet has ${b.length} bytes, expected 2 + 4n`);
	const counts: number[] = [];
	for (let at = 2; at < b.length; at += 4) counts.push(get32(b, at));
	if (b[0] + counts.length > b[1]) throw new RangeError(`counts packet covers classes ${b[0]}..${b[0] + counts.length - 1} of ${b[1]}`);
	return { first: b[0], classCount: b[1], counts };
}

// --- event ---

export interface EventPacket {
	kind: number;
	value: number;
	detail: number;
	sampleIndex: number;
}

export function encodeEvent(out: Uint8Array, kind: number, value: number, detail: number, sampleIndex: number): number {
	out[0] = kind;
	out[1] = u8(value);
	put16(out, 2, u16(detail));
	put32(out, 4, sampleIndex);
	return EVENT_BYTES;
}

export function decodeEvent(b: Uint8Array): EventPacket {
	requireLength("event", b, EVENT_BYTES);
	return { kind: b[0], value: b[1], detail: get16(b, 2), sampleIndex: get32(b, 4) };
}

// --- model info ---

export interface ModelInfoPacket {
	status: number;
	classCount: number;
	policy: number;
	/** Index of the class alerts are about (V), or undefined. */
	alertClass: number | undefined;
	blobBytes: number;
	crc: number;
	window: number;
	sampleRate: number;
	tStar: number;
	/** The reader's error code (docs/FORMAT.md §5) when the model is invalid, else 0. */
	errorCode: number;
}

export function encodeModelInfo(out: Uint8Array, m: ModelInfoPacket): number {
	out[0] = m.status;
	out[1] = m.classCount;
	out[2] = m.policy;
	out[3] = m.alertClass === undefined ? NO_CLASS : m.alertClass;
	put32(out, 4, m.blobBytes);
	put32(out, 8, m.crc);
	put16(out, 12, u16(m.window));
	put16(out, 14, u16(m.sampleRate));
	put16(out, 16, u16(m.tStar * 1000));
	put16(out, 18, u16(m.errorCode));
	return MODEL_INFO_BYTES;
}

export function decodeModelInfo(b: Uint8Array): ModelInfoPacket {
	requireLength("model info", b, MODEL_INFO_BYTES);
	return {
		status: b[0],
		classCount: b[1],
		policy: b[2],
		alertClass: b[3] === NO_CLASS ? undefined : b[3],
		blobBytes: get32(b, 4),
		crc: get32(b, 8),
		window: get16(b, 12),
		sampleRate: get16(b, 14),
		tStar: get16(b, 16) / 1000,
		errorCode: get16(b, 18),
	};
}

// --- device info: what a companion needs to draw the raw strip in millivolts ---

export interface DeviceInfoPacket {
	/** Samples per second of the ECG input (the strip's sample indices count these). */
	sampleRate: number;
	/** ADC units per millivolt at the ADC input, resolution 0.001. */
	adcGain: number;
	/** The ADC value of 0 mV: the strip sends raw values minus this. */
	adcZero: number;
	/** The ADC's rails: the lowest and highest value it gives. */
	adcMin: number;
	adcMax: number;
}

/** The input's description (modules/app/input-api.ts has these fields), written once at start. */
export function encodeDeviceInfo(out: Uint8Array, d: DeviceInfoPacket): number {
	out[0] = DEVICE_INFO_FORMAT;
	out[1] = 0;
	put16(out, 2, u16(d.sampleRate));
	const milli = Math.round(d.adcGain * 1000);
	put32(out, 4, milli < 0 ? 0 : milli > 0xffffffff ? 0xffffffff : milli);
	put32(out, 8, d.adcZero | 0);
	put32(out, 12, d.adcMin | 0);
	put32(out, 16, d.adcMax | 0);
	return DEVICE_INFO_BYTES;
}

export function decodeDeviceInfo(b: Uint8Array): DeviceInfoPacket {
	requireLength("device info", b, DEVICE_INFO_BYTES);
	if (b[0] !== DEVICE_INFO_FORMAT) throw new RangeError(`device info packet has format ${b[0]}, expected ${DEVICE_INFO_FORMAT}`);
	const d = { sampleRate: get16(b, 2), adcGain: get32(b, 4) / 1000, adcZero: getI32(b, 8), adcMin: getI32(b, 12), adcMax: getI32(b, 16) };
	if (d.sampleRate === 0) throw new RangeError("device info packet with sample rate 0");
	if (d.adcGain === 0) throw new RangeError("device info packet with ADC gain 0");
	if (!(d.adcMin <= d.adcZero && d.adcZero <= d.adcMax && d.adcMin < d.adcMax))
		throw new RangeError(`device info packet with ADC zero ${d.adcZero} outside its range ${d.adcMin}..${d.adcMax}`);
	return d;
}

// --- class names: UTF-8 (ASCII in practice), comma-separated, at most 20 bytes ---

export function encodeClassNames(out: Uint8Array, names: readonly string[]): number {
	const text = names.join(",");
	if (text.length > MAX_PACKET) throw new RangeError(`class names "${text}" take more than ${MAX_PACKET} bytes`);
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c > 126 || c < 32) throw new RangeError(`class names must be printable ASCII, got "${text}"`);
		out[i] = c;
	}
	return text.length;
}

export function decodeClassNames(b: Uint8Array): string[] {
	requireLength("class names", b, 0, MAX_PACKET);
	let text = "";
	for (let i = 0; i < b.length; i++) text += String.fromCharCode(b[i]);
	return text.length ? text.split(",") : [];
}

// --- control (companion → device) and its result ---

export type ControlCommand =
	| { op: "reset-counts" }
	| { op: "strip"; decimation: number }
	| { op: "v-run-length"; beats: number }
	| { op: "send-summary" };

export interface ControlCheck {
	result: number;
	op: number;
	value: number;
}

/**
 * Validates a control write as the device receives it. Never reads past `length`, never throws: every byte
 * string maps to a result code. Writes longer than MAX_PACKET are refused whole.
 */
export function checkControl(b: Uint8Array, length: number, out: ControlCheck): ControlCheck {
	out.op = length > 0 ? b[0] : 0;
	out.value = 0;
	if (length === 0) out.result = RESULT_EMPTY;
	else if (length > MAX_PACKET) out.result = RESULT_TOO_LONG;
	else if (out.op === OP_RESET_COUNTS || out.op === OP_SEND_SUMMARY) out.result = length === 1 ? RESULT_OK : RESULT_BAD_LENGTH;
	else if (out.op === OP_STRIP || out.op === OP_V_RUN_LENGTH) {
		if (length !== 2) out.result = RESULT_BAD_LENGTH;
		else {
			out.value = b[1];
			const ok = out.op === OP_STRIP ? out.value <= STRIP_MAX_DECIMATION : out.value >= V_RUN_MIN && out.value <= V_RUN_MAX;
			out.result = ok ? RESULT_OK : RESULT_OUT_OF_RANGE;
		}
	} else out.result = RESULT_UNKNOWN_OPCODE;
	return out;
}

export function encodeControl(command: ControlCommand): Uint8Array {
	switch (command.op) {
		case "reset-counts":
			return Uint8Array.of(OP_RESET_COUNTS);
		case "send-summary":
			return Uint8Array.of(OP_SEND_SUMMARY);
		case "strip":
			if (!Number.isInteger(command.decimation) || command.decimation < 0 || command.decimation > STRIP_MAX_DECIMATION)
				throw new RangeError(`strip decimation must be an integer in 0..${STRIP_MAX_DECIMATION} (0 = off)`);
			return Uint8Array.of(OP_STRIP, command.decimation);
		case "v-run-length":
			if (!Number.isInteger(command.beats) || command.beats < V_RUN_MIN || command.beats > V_RUN_MAX)
				throw new RangeError(`a V run is ${V_RUN_MIN}..${V_RUN_MAX} beats`);
			return Uint8Array.of(OP_V_RUN_LENGTH, command.beats);
	}
}

export interface ControlResultPacket {
	op: number;
	result: number;
	length: number;
	rejected: number;
}

export function encodeControlResult(out: Uint8Array, op: number, result: number, length: number, rejected: number): number {
	out[0] = op;
	out[1] = result;
	out[2] = u8(length);
	out[3] = u8(rejected);
	return CONTROL_RESULT_BYTES;
}

export function decodeControlResult(b: Uint8Array): ControlResultPacket {
	requireLength("control result", b, CONTROL_RESULT_BYTES);
	return { op: b[0], result: b[1], length: b[2], rejected: b[3] };
}

// --- strip: raw samples minus adcZero, every `decimation`-th sample ---

export interface StripPacket {
	sampleIndex: number;
	decimation: number;
	samples: number[];
}

export function encodeStripHeader(out: Uint8Array, sampleIndex: number, decimation: number, count: number): void {
	put32(out, 0, sampleIndex);
	out[4] = decimation;
	out[5] = count;
}

export function encodeStripSample(out: Uint8Array, slot: number, value: number): void {
	const v = value < -32768 ? -32768 : value > 32767 ? 32767 : value;
	put16(out, 6 + 2 * slot, v & 0xffff);
}

export function decodeStrip(b: Uint8Array): StripPacket {
	requireLength("strip", b, 6, STRIP_BYTES);
	const count = b[5];
	if (6 + 2 * count !== b.length) throw new RangeError(`strip packet says ${count} samples in ${b.length} bytes`);
	if (b[4] === 0) throw new RangeError("strip packet with decimation 0");
	const samples: number[] = [];
	for (let i = 0; i < count; i++) samples.push((get16(b, 6 + 2 * i) << 16) >> 16);
	return { sampleIndex: get32(b, 0), decimation: b[4], samples };
}

// --- apnea: the apnea model's status and the latest minute it assessed (since version 4) ---

export interface ApneaPacket {
	/** The apnea model's status (MODEL_READY, MODEL_MISSING, MODEL_INVALID, MODEL_INCOMPATIBLE). */
	status: number;
	/** The reader's error code (docs/FORMAT.md §5) when the model is invalid, else 0. */
	errorCode: number;
	/** Undefined in the packet that carries only the status (before the first minute, or without a model). */
	minute: ApneaMinutePacket | undefined;
}

export interface ApneaMinutePacket {
	/** Minutes since the input started: minute m is seconds 60·m .. 60·m + 60. */
	index: number;
	/** APNEA_CLASS_NORMAL, APNEA_CLASS_APNEA or APNEA_CLASS_NOT_ASSESSED. */
	classIndex: number;
	/** q_A − q_N of the model's int8 output: apnea iff it reaches the model's threshold (0 when not assessed). */
	score: number;
	/** Samples of the 256 in its window whose RR interval was held rather than measured. */
	held: number;
}

/** `minute` < 0: the status alone (class byte APNEA_NO_MINUTE), as before the first minute or without a model. */
export function encodeApnea(out: Uint8Array, status: number, errorCode: number, minute: number, classIndex: number, score: number, held: number): number {
	out[0] = status;
	out[1] = minute < 0 ? APNEA_NO_MINUTE : classIndex;
	put32(out, 2, minute < 0 ? 0 : minute);
	const s = score < -32768 ? -32768 : score > 32767 ? 32767 : score;
	put16(out, 6, s & 0xffff);
	put16(out, 8, u16(held));
	put16(out, 10, u16(errorCode));
	return APNEA_BYTES;
}

export function decodeApnea(b: Uint8Array): ApneaPacket {
	requireLength("apnea", b, APNEA_BYTES);
	if (b[0] >= MODEL_STATUS_NAMES.length) throw new RangeError(`apnea packet with model status ${b[0]}`);
	const status = b[0];
	const errorCode = get16(b, 10);
	if (b[1] === APNEA_NO_MINUTE) return { status, errorCode, minute: undefined };
	if (b[1] >= APNEA_CLASS_NAMES.length) throw new RangeError(`apnea packet with class ${b[1]}`);
	if (status !== MODEL_READY) throw new RangeError(`apnea packet with a minute from a model that is ${MODEL_STATUS_NAMES[status]}`);
	const held = get16(b, 8);
	// 256: the apnea model's window (modules/rhythm/apnea-input.ts; this module imports nothing, the web page loads it alone).
	if (held > 256) throw new RangeError(`apnea packet with ${held} held samples of 256`);
	return { status, errorCode, minute: { index: get32(b, 2), classIndex: b[1], score: (get16(b, 6) << 16) >> 16, held } };
}
