/// <reference path="../node_modules/@moddable/typings/pins/digital.d.ts" />
// modules/app/adc-input.ts, the boards' JS side of the hardware-timed ECG input, in Node over a scripted board:
// the natives of modules/app/adc-block.ts and Moddable's pins/digital are stand-ins that hand out what a test
// queues, so the block loop, the overrun path (dropped samples reach the pipeline as invalid values, counted and
// traced) and lead-off are checked without hardware. The C under them is test/adc-board.test.ts's.
import { register } from "node:module";
import test from "ava";
import type { SampleBlock, SampleSink } from "../modules/app/input-api.ts";

// "pins/digital" (a Moddable module) resolves to a stand-in that reads globalThis.__htDigital.
register(
	"data:text/javascript," +
		encodeURIComponent(
			`export async function resolve(specifier, context, next) {
				if (specifier === "pins/digital") return { url: "data:text/javascript,export default { read: (pin) => globalThis.__htDigital(pin) }", shortCircuit: true };
				return next(specifier, context);
			}`,
		),
);

type Take = number[] | number; // a block's samples, or -n: n samples dropped before the next block
const board = { opened: [] as unknown[][], queue: [] as Take[], onBlocks: undefined as undefined | (() => void), closed: 0, lost: 0, pins: new Map<number, number>() };
const traces: string[] = [];
const g = globalThis as Record<string, unknown>;
g.trace = (text: string) => traces.push(text);
g.__htDigital = (pin: number) => board.pins.get(pin) ?? 0;
g.native = (name: string) => {
	switch (name) {
		case "xs_ht_adc_open":
			return (...args: unknown[]) => {
				board.opened.push(args.slice(0, 4));
				board.onBlocks = args[4] as () => void;
			};
		case "xs_ht_adc_take":
			return (buffer: ArrayBuffer) => {
				const next = board.queue.shift();
				if (next === undefined) return 0;
				if (typeof next === "number") {
					board.lost += -next;
					return next;
				}
				new Int16Array(buffer).set(next);
				return next.length;
			};
		case "xs_ht_adc_lost":
			return () => board.lost;
		case "xs_ht_adc_rate":
			return () => 360003.6;
		case "xs_ht_adc_close":
			return () => void board.closed++;
		default:
			throw new Error(`no native ${name}`);
	}
};

const { default: AdcInput } = await import("../modules/app/adc-input.ts");

class Sink implements SampleSink {
	samples: number[] = [];
	blocks = 0;
	leadOffs: boolean[] = [];
	block(samples: SampleBlock, offset: number, count: number): void {
		this.blocks++;
		for (let i = 0; i < count; i++) this.samples.push(samples[offset + i]);
	}
	leadOff(on: boolean): void {
		this.leadOffs.push(on);
	}
	end(): void {}
}

const BOARD_CONFIG = { adcPin: 1, adcBits: 12, adcGain: 1252, leadOffPlusPin: 33, leadOffMinusPin: 34 };

test.serial("defaults: 360 Hz, 12 bits, blocks of a tenth of a second; bad config is refused by name", (t) => {
	const input = new AdcInput(BOARD_CONFIG);
	t.deepEqual(input.description, { sampleRate: 360, adcGain: 1252, adcZero: 2047, adcMin: 0, adcMax: 4095 });
	t.throws(() => new AdcInput({ ...BOARD_CONFIG, adcPin: undefined }), { message: /config\.adcPin must be an integer/ });
	t.throws(() => new AdcInput({ ...BOARD_CONFIG, adcBlockSamples: 65 }), { message: /adcBlockSamples must be an integer in 1\.\.64/ });
	t.throws(() => new AdcInput({ ...BOARD_CONFIG, adcBits: 16 }), { message: /adcBits must be an integer in 8\.\.14/ });
	t.throws(() => new AdcInput({ ...BOARD_CONFIG, sampleRate: 360.5 }), { message: /sampleRate/ });
	t.throws(() => new AdcInput({ ...BOARD_CONFIG, adcGain: 0 }), { message: /adcGain/ });
});

test.serial("blocks reach the pipeline in order; an overrun's dropped samples arrive as invalid values in their place, counted and traced; lead-off follows the pins", (t) => {
	const input = new AdcInput({ ...BOARD_CONFIG, adcBlockSamples: 4 });
	const sink = new Sink();
	input.start(sink);
	t.deepEqual(board.opened.at(-1), [1, 360, 12, 4]);
	t.regex(traces.at(-1)!, /adc input 1 at 360\.0036 Hz, 12 bits, blocks of 4/);

	board.queue.push([1, 2, 3, 4], [5, 6, 7, 8]);
	board.onBlocks!();
	t.deepEqual(sink.samples, [1, 2, 3, 4, 5, 6, 7, 8], "every queued block is taken in one wake-up");
	t.deepEqual(sink.leadOffs, [], "electrodes on: no lead-off change");

	board.queue.push(-10, [9, 10, 11, 12]);
	board.pins.set(34, 1);
	board.onBlocks!();
	const gap = sink.samples.slice(8, 18);
	t.deepEqual(gap, new Array(10).fill(-1), "ten dropped samples become ten invalid ones (below adcMin 0)");
	t.true(gap.every((v) => v < input.description.adcMin), "the pipeline rejects them as out of range");
	t.deepEqual(sink.samples.slice(18), [9, 10, 11, 12], "then the next block, at its true sample index");
	t.is(input.lost, 10);
	t.truthy(traces.find((l) => /adc overrun: 10 samples dropped \(10 since start\)/.test(l)));
	t.deepEqual(sink.leadOffs, [true], "LO- high: lead off, reported once");

	board.pins.set(34, 0);
	board.onBlocks!();
	t.deepEqual(sink.leadOffs, [true, false], "back on");
	input.stop();
	input.stop();
	t.is(board.closed, 1, "closed once");
});
