// The GATT packets of docs/ble-protocol.md: byte layouts, the 20-byte limit, the standard Heart Rate
// Measurement, and control-write validation that maps every byte string to a result without throwing.
import test from "ava";
import * as P from "../modules/ble/protocol.ts";

test("heart rate measurement follows the Bluetooth format: flags, uint8 bpm, RR in 1/1024 s", (t) => {
	const b = new Uint8Array(P.MAX_PACKET);
	const n = P.encodeHeartRate(b, 72, true, 300, 360);
	t.deepEqual([...b.subarray(0, n)], [0x16, 72, 853 & 0xff, 853 >> 8]); // 300/360 s = 853.3/1024
	const d = P.decodeHeartRate(b.subarray(0, n));
	t.is(d.bpm, 72);
	t.true(d.contact);
	t.is(d.rr.length, 1);
	t.true(Math.abs(d.rr[0] - 300 / 360) < 1 / 1024);
	const m = P.encodeHeartRate(b, 300, false, 0, 360);
	t.deepEqual([...b.subarray(0, m)], [0x04, 255], "no RR when unknown, bpm saturates at 255, contact supported but lost");
	t.is(P.decodeHeartRate(Uint8Array.of(0x01, 0x2c, 0x01)).bpm, 300, "16-bit bpm from other sensors decodes");
});

test("beat, summary, counts, event, model info and strip round-trip within 20 bytes", (t) => {
	const b = new Uint8Array(64);
	let n = P.encodeBeat(b, 257, 1, 0.93, P.BEAT_CLASSIFIED | P.BEAT_RR_NEXT, 648123, 290, 70000, 71);
	t.true(n <= P.MAX_PACKET);
	t.deepEqual(P.decodeBeat(b.subarray(0, n)), { seq: 1, classIndex: 1, confidence: 237 / 255, flags: 3, sampleIndex: 648123, rrPrevious: 290, rrNext: 65535, heartRate: 71 });
	n = P.encodeBeat(b, 0, -1, 0, 0, 5, 0, 0, 0);
	t.is(P.decodeBeat(b.subarray(0, n)).classIndex, undefined);

	const s = { quality: P.QUALITY_FLATLINE, heartRate: 64, modelStatus: P.MODEL_INVALID, alerts: P.ALERT_V_RUN | P.ALERT_SIGNAL, samples: 650000, beatsDetected: 1987, beatsClassified: 1900, samplesRejected: 12 };
	n = P.encodeSummary(b, s);
	t.is(n, P.SUMMARY_BYTES);
	t.deepEqual(P.decodeSummary(b.subarray(0, n)), s);

	const counts = Uint32Array.of(10, 20, 30, 40, 50);
	n = P.encodeCounts(b, counts, 5, 0);
	t.is(n, 18);
	t.deepEqual(P.decodeCounts(b.subarray(0, n)), { first: 0, classCount: 5, counts: [10, 20, 30, 40] });
	n = P.encodeCounts(b, counts, 5, 4);
	t.deepEqual(P.decodeCounts(b.subarray(0, n)), { first: 4, classCount: 5, counts: [50] });

	n = P.encodeEvent(b, P.EVENT_V_RUN_START, 4, 0, 123456);
	t.deepEqual(P.decodeEvent(b.subarray(0, n)), { kind: P.EVENT_V_RUN_START, value: 4, detail: 0, sampleIndex: 123456 });

	const m = { status: P.MODEL_READY, classCount: 2, policy: 2, alertClass: 1, blobBytes: 40000, crc: 0xcd5cc16c, window: 256, sampleRate: 360, tStar: 0.35, errorCode: 0 };
	n = P.encodeModelInfo(b, m);
	t.is(n, P.MODEL_INFO_BYTES);
	t.deepEqual(P.decodeModelInfo(b.subarray(0, n)), m);

	n = P.encodeClassNames(b, ["N", "S", "V", "F", "Q"]);
	t.deepEqual(P.decodeClassNames(b.subarray(0, n)), ["N", "S", "V", "F", "Q"]);
	t.throws(() => P.encodeClassNames(b, ["a-very-long-class", "another-one"]), { message: /more than 20 bytes/ });

	P.encodeStripHeader(b, 1000, 4, P.STRIP_SAMPLES);
	for (let i = 0; i < P.STRIP_SAMPLES; i++) P.encodeStripSample(b, i, i === 3 ? -40000 : i * 100 - 300);
	t.deepEqual(P.decodeStrip(b.subarray(0, P.STRIP_BYTES)), { sampleIndex: 1000, decimation: 4, samples: [-300, -200, -100, -32768, 100, 200, 300] });
	t.true(P.STRIP_BYTES <= P.MAX_PACKET);
});

test("decoders refuse packets of the wrong size with a message naming the packet", (t) => {
	t.throws(() => P.decodeBeat(new Uint8Array(13)), { message: /beat packet has 13 bytes, expected 14/ });
	t.throws(() => P.decodeSummary(new Uint8Array(21)), { message: /summary/ });
	t.throws(() => P.decodeCounts(new Uint8Array(5)), { message: /2 \+ 4n/ });
	t.throws(() => P.decodeCounts(Uint8Array.of(3, 4, 1, 0, 0, 0, 1, 0, 0, 0)), { message: /covers classes 3..4 of 4/ });
	t.throws(() => P.decodeStrip(Uint8Array.of(0, 0, 0, 0, 4, 3, 0, 0)), { message: /says 3 samples in 8 bytes/ });
	t.throws(() => P.decodeHeartRate(new Uint8Array(1)), { message: /heart rate measurement/ });
});

test("device info: format 1, rate, gain × 1000, zero and rails round-trip in 20 bytes, little-endian", (t) => {
	const b = new Uint8Array(P.MAX_PACKET);
	const mitbih = { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 };
	t.is(P.encodeDeviceInfo(b, mitbih), P.DEVICE_INFO_BYTES);
	t.is(P.DEVICE_INFO_BYTES, P.MAX_PACKET);
	t.deepEqual([...b], [1, 0, 0x68, 0x01, 0x40, 0x0d, 0x03, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0xff, 0x07, 0, 0]);
	t.deepEqual(P.decodeDeviceInfo(b), mitbih);
	// A board's front end: a non-integer gain to 0.001, and an ADC whose zero and rails are negative.
	const board = { sampleRate: 500, adcGain: 1241.257, adcZero: -8, adcMin: -2048, adcMax: 2047 };
	P.encodeDeviceInfo(b, board);
	t.deepEqual(P.decodeDeviceInfo(b), board);
	P.encodeDeviceInfo(b, { ...board, adcGain: 1241.2574 });
	t.is(P.decodeDeviceInfo(b).adcGain, 1241.257, "the gain's resolution is 0.001 unit/mV");
	P.encodeDeviceInfo(b, { ...board, sampleRate: 70000, adcGain: 5e6 });
	t.deepEqual([P.decodeDeviceInfo(b).sampleRate, P.decodeDeviceInfo(b).adcGain], [65535, 4294967.295], "rate and gain saturate");
});

test("device info: a reader refuses a wrong length, another format, a rate or gain of 0 and a zero outside the rails", (t) => {
	const good = new Uint8Array(P.DEVICE_INFO_BYTES);
	P.encodeDeviceInfo(good, { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 });
	const bad = (edit: (b: Uint8Array) => void) => {
		const b = good.slice();
		edit(b);
		return () => P.decodeDeviceInfo(b);
	};
	t.throws(() => P.decodeDeviceInfo(good.subarray(0, 19)), { message: /device info packet has 19 bytes, expected 20/ });
	t.throws(() => P.decodeDeviceInfo(Uint8Array.of(...good, 0)), { message: /device info packet has 21 bytes, expected 20/ });
	t.throws(() => P.decodeDeviceInfo(new Uint8Array(0)), { message: /device info packet has 0 bytes/ });
	t.throws(bad((b) => (b[0] = 2)), { message: /device info packet has format 2, expected 1/ });
	t.throws(bad((b) => (b[0] = 0)), { message: /format 0/ });
	t.throws(bad((b) => b.fill(0, 2, 4)), { message: /sample rate 0/ });
	t.throws(bad((b) => b.fill(0, 4, 8)), { message: /ADC gain 0/ });
	t.throws(bad((b) => P.encodeDeviceInfo(b, { sampleRate: 360, adcGain: 200, adcZero: 3000, adcMin: 0, adcMax: 2047 })), { message: /ADC zero 3000 outside its range 0..2047/ });
	t.throws(bad((b) => P.encodeDeviceInfo(b, { sampleRate: 360, adcGain: 200, adcZero: 0, adcMin: 0, adcMax: 0 })), { message: /outside its range 0..0/ });
	t.notThrows(bad((b) => (b[1] = 7)), "the reserved byte is not read");
});

test("control writes: every malformed or oversized write gets its result code, valid ones their value", (t) => {
	const c: P.ControlCheck = { result: -1, op: -1, value: -1 };
	const check = (bytes: number[], length = bytes.length) => {
		const r = P.checkControl(Uint8Array.from(bytes), length, c);
		return [r.result, r.op, r.value];
	};
	t.deepEqual(check([]), [P.RESULT_EMPTY, 0, 0]);
	t.deepEqual(check(new Array(21).fill(1)), [P.RESULT_TOO_LONG, 1, 0]);
	t.deepEqual(check(new Array(512).fill(2)), [P.RESULT_TOO_LONG, 2, 0]);
	t.deepEqual(check([0x99]), [P.RESULT_UNKNOWN_OPCODE, 0x99, 0]);
	t.deepEqual(check([0]), [P.RESULT_UNKNOWN_OPCODE, 0, 0]);
	t.deepEqual(check([P.OP_RESET_COUNTS, 0]), [P.RESULT_BAD_LENGTH, P.OP_RESET_COUNTS, 0]);
	t.deepEqual(check([P.OP_STRIP]), [P.RESULT_BAD_LENGTH, P.OP_STRIP, 0]);
	t.deepEqual(check([P.OP_STRIP, 33]), [P.RESULT_OUT_OF_RANGE, P.OP_STRIP, 33]);
	t.deepEqual(check([P.OP_V_RUN_LENGTH, 1]), [P.RESULT_OUT_OF_RANGE, P.OP_V_RUN_LENGTH, 1]);
	t.deepEqual(check([P.OP_V_RUN_LENGTH, 33]), [P.RESULT_OUT_OF_RANGE, P.OP_V_RUN_LENGTH, 33]);
	t.deepEqual(check([P.OP_STRIP, 4]), [P.RESULT_OK, P.OP_STRIP, 4]);
	t.deepEqual(check([P.OP_STRIP, 0]), [P.RESULT_OK, P.OP_STRIP, 0]);
	t.deepEqual(check([P.OP_V_RUN_LENGTH, 5]), [P.RESULT_OK, P.OP_V_RUN_LENGTH, 5]);
	t.deepEqual(check([P.OP_SEND_SUMMARY]), [P.RESULT_OK, P.OP_SEND_SUMMARY, 0]);
	t.deepEqual(check([P.OP_STRIP, 4, 9, 9], 2), [P.RESULT_OK, P.OP_STRIP, 4], "only `length` bytes count");
	t.deepEqual([...P.encodeControl({ op: "strip", decimation: 4 })], [P.OP_STRIP, 4]);
	t.throws(() => P.encodeControl({ op: "v-run-length", beats: 1 }), { message: /2..32 beats/ });
});

test("control validation never throws and never accepts a write it cannot apply (random bytes)", (t) => {
	let x = 0x12345678;
	const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
	const c: P.ControlCheck = { result: 0, op: 0, value: 0 };
	const seen = new Set<number>();
	for (let i = 0; i < 20000; i++) {
		const length = next() % 40;
		const bytes = new Uint8Array(length);
		for (let k = 0; k < length; k++) bytes[k] = next() % 8;
		const r = P.checkControl(bytes, length, c);
		seen.add(r.result);
		if (r.result === P.RESULT_OK) {
			t.true(length === 1 || length === 2);
			t.true([P.OP_RESET_COUNTS, P.OP_STRIP, P.OP_V_RUN_LENGTH, P.OP_SEND_SUMMARY].includes(r.op));
		}
	}
	t.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5], "every result code is reachable");
});

test("characteristic table: unique ids, names and UUIDs; every packet fits the default MTU", (t) => {
	const ids = P.CHARACTERISTICS.map((c) => c.id);
	t.is(new Set(ids).size, ids.length);
	t.is(new Set(P.CHARACTERISTICS.map((c) => c.name)).size, ids.length);
	t.is(new Set(P.CHARACTERISTICS.map((c) => c.uuid.toLowerCase())).size, ids.length);
	for (const size of [P.BEAT_BYTES, P.SUMMARY_BYTES, P.COUNTS_BYTES, P.EVENT_BYTES, P.MODEL_INFO_BYTES, P.CONTROL_RESULT_BYTES, P.STRIP_BYTES, P.DEVICE_INFO_BYTES, P.APNEA_BYTES]) t.true(size <= P.MAX_PACKET);
	t.is(P.characteristicById(P.BEAT)?.name, "beat");
	t.is(P.characteristicByName("control")?.id, P.CONTROL);
	t.is(P.characteristicById(99), undefined);
	t.deepEqual(P.characteristicById(P.DEVICE_INFO), { id: 12, name: "device", uuid: "6874000b-7470-4874-b9e3-8c5e2a7b0c11", service: P.ECG_SERVICE_UUID });
	t.deepEqual(P.characteristicById(P.APNEA), { id: 13, name: "apnea", uuid: "6874000c-7470-4874-b9e3-8c5e2a7b0c11", service: P.ECG_SERVICE_UUID }, "the next free id and UUID");
	t.is(P.PROTOCOL_VERSION, 4);
});

test("apnea: status, class, minute, signed score, held samples and error code round-trip in 12 bytes, little-endian", (t) => {
	const b = new Uint8Array(P.MAX_PACKET);
	t.is(P.encodeApnea(b, P.MODEL_READY, 0, 0x01020304, P.APNEA_CLASS_APNEA, -159, 114), P.APNEA_BYTES);
	t.deepEqual(Array.from(b.subarray(0, P.APNEA_BYTES)), [0, 1, 0x04, 0x03, 0x02, 0x01, 0x61, 0xff, 114, 0, 0, 0]);
	t.deepEqual(P.decodeApnea(b.slice(0, P.APNEA_BYTES)), { status: P.MODEL_READY, errorCode: 0, minute: { index: 0x01020304, classIndex: P.APNEA_CLASS_APNEA, score: -159, held: 114 } });
	for (const [classIndex, score, held] of [[P.APNEA_CLASS_NORMAL, 255, 0], [P.APNEA_CLASS_APNEA, -255, 256], [P.APNEA_CLASS_NOT_ASSESSED, 0, 256]]) {
		P.encodeApnea(b, P.MODEL_READY, 0, 7, classIndex, score, held);
		t.deepEqual(P.decodeApnea(b.slice(0, P.APNEA_BYTES)).minute, { index: 7, classIndex, score, held });
	}
	// The status alone: before the first minute, or why there are none (a corrupt model: its reader error code).
	t.is(P.encodeApnea(b, P.MODEL_INVALID, 5, -1, 0, 0, 0), P.APNEA_BYTES);
	t.deepEqual(Array.from(b.subarray(0, P.APNEA_BYTES)), [2, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0]);
	t.deepEqual(P.decodeApnea(b.slice(0, P.APNEA_BYTES)), { status: P.MODEL_INVALID, errorCode: 5, minute: undefined });
	P.encodeApnea(b, P.MODEL_MISSING, 0, -1, 0, 0, 0);
	t.deepEqual(P.decodeApnea(b.slice(0, P.APNEA_BYTES)), { status: P.MODEL_MISSING, errorCode: 0, minute: undefined });
});

test("apnea: a reader refuses a wrong length, an unknown status or class, a minute without a ready model, more than 256 held", (t) => {
	const good = new Uint8Array(P.APNEA_BYTES);
	P.encodeApnea(good, P.MODEL_READY, 0, 3, P.APNEA_CLASS_NORMAL, -40, 0);
	const bad = (edit: (b: Uint8Array) => void, message: RegExp, length = P.APNEA_BYTES) => {
		const b = new Uint8Array(length);
		b.set(good.subarray(0, Math.min(length, good.length)));
		edit(b);
		t.throws(() => P.decodeApnea(b), { instanceOf: RangeError, message });
	};
	bad(() => {}, /apnea packet has 11 bytes, expected 12/, 11);
	bad(() => {}, /apnea packet has 13 bytes/, 13);
	bad(() => {}, /apnea packet has 0 bytes/, 0);
	bad((b) => (b[0] = 4), /model status 4/);
	bad((b) => (b[1] = 3), /class 3/);
	bad((b) => (b[0] = P.MODEL_MISSING), /a minute from a model that is missing/);
	bad((b) => (b[8] = 1, b[9] = 1), /257 held samples of 256/);
	t.notThrows(() => P.decodeApnea(good));
});
