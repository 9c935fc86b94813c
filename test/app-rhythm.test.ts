// Rhythm events from classified beats (modules/app/rhythm.ts): V runs reported once at the alert length and
// once when they end, sustained fast or slow rates, counts, and bad-signal interruptions.
import test from "ava";
import * as P from "../modules/ble/protocol.ts";
import { Rhythm } from "../modules/app/rhythm.ts";

const V = 1;

function rhythm() {
	const r = new Rhythm({ vRunLength: 3, tachycardiaBpm: 150, bradycardiaBpm: 40, rateBeats: 4 });
	const events: [string, number, number][] = [];
	r.onEvent = (kind, value, at) => events.push([P.EVENT_NAMES[kind], value, at]);
	return { r, events };
}

test("a V run is reported when it reaches the alert length and when it ends, with its length and start", (t) => {
	const { r, events } = rhythm();
	const classes = [0, V, V, 0, V, V, V, V, 0, V];
	classes.forEach((c, i) => r.beat(c, V, 70, 100 * i));
	t.deepEqual(events, [["v-run-start", 3, 400], ["v-run-end", 4, 800]]);
	t.deepEqual([...r.counts.subarray(0, 2)], [3, 7]);
	t.is(r.alerts & P.ALERT_V_RUN, 0);
	r.beat(V, V, 70, 1000);
	r.beat(V, V, 70, 1100);
	t.true((r.alerts & P.ALERT_V_RUN) !== 0);
	r.interrupt(1200);
	t.deepEqual(events.at(-1), ["v-run-end", 3, 1200], "a bad signal ends a run");
});

test("the alert length can change; unclassified beats and models without V raise no run", (t) => {
	const { r, events } = rhythm();
	r.vRunLength = 2;
	r.beat(V, V, 70, 0);
	r.beat(V, V, 70, 1);
	t.deepEqual(events, [["v-run-start", 2, 0]]);
	const other = rhythm();
	for (let i = 0; i < 10; i++) other.r.beat(-1, V, 70, i);
	for (let i = 0; i < 10; i++) other.r.beat(1, -1, 70, i);
	t.deepEqual(other.events, []);
	t.is(other.r.counts[1], 10, "still counted");
	r.resetCounts();
	t.is(r.counts.reduce((a, b) => a + b, 0), 0);
});

test("tachycardia and bradycardia after four beats beyond the limit, then back to normal", (t) => {
	const { r, events } = rhythm();
	for (const bpm of [160, 170, 165]) r.beat(0, V, bpm, 0);
	t.deepEqual(events, [], "three fast beats are not sustained");
	r.beat(0, V, 155, 10);
	r.beat(0, V, 180, 11);
	t.deepEqual(events, [["tachycardia", 155, 10]]);
	t.true((r.alerts & P.ALERT_TACHYCARDIA) !== 0);
	r.beat(0, V, 80, 20);
	t.deepEqual(events.at(-1), ["rate-normal", 80, 20]);
	for (let i = 0; i < 4; i++) r.beat(0, V, 35, 30 + i);
	t.deepEqual(events.at(-1), ["bradycardia", 35, 33]);
	r.beat(0, V, 0, 40);
	t.true((r.alerts & P.ALERT_BRADYCARDIA) !== 0, "an unknown rate changes nothing");
});
