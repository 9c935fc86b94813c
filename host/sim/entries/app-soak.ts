// Soak: every record named in config.records played back to back through one long-lived Monitor (the app as it
// runs on a device for hours), counting samples in and out and reading the XS heap after each record.
import Resource from "Resource";
import config from "mc/config";
import Time from "time";
import { Monitor, monitorOptions } from "../../../modules/app/monitor.ts";
import { readEcgResource } from "../../../modules/app/playback-input.ts";
import type { BleTransport } from "../../../modules/ble/transport-api.ts";
import { MAX_PACKET } from "../../../modules/ble/protocol.ts";

/** A connected, paired client that takes every packet (counts them; checks the size limit like a real link). */
class CountingTransport implements BleTransport {
	connected = true;
	encrypted = true;
	onControl: ((bytes: Uint8Array, length: number) => void) | undefined;
	onEncrypted: (() => void) | undefined;
	packets = 0;
	bytes = 0;
	notify(id: number, bytes: Uint8Array, length: number): boolean {
		if (length > MAX_PACKET) throw new RangeError(`characteristic ${id}: ${length}-byte packet`);
		this.packets++;
		this.bytes += length;
		return true;
	}
	setReadValue(): void {}
	service(): void {}
}

const heap = native("xs_sim_heap") as () => { chunks: number; slots: number; peakChunks: number; peakSlots: number };
const names = config.records as string[];
const block = Number(config.blockSamples ?? 4096);
const transport = new CountingTransport();
let monitor: Monitor | undefined;
let expected = 0;
for (const name of names) {
	const { description, samples } = readEcgResource(new Resource(`${name}.bin`));
	if (!monitor) monitor = new Monitor(description, transport, monitorOptions({ ...config, traceBeats: false }));
	const d = monitor.description;
	if (d.sampleRate !== description.sampleRate || d.adcGain !== description.adcGain || d.adcZero !== description.adcZero || d.adcMin !== description.adcMin || d.adcMax !== description.adcMax)
		throw new Error(`record ${name}: its ADC differs from the first record's; one monitor cannot play both`);
	const started = Time.ticks;
	const beatsBefore = monitor.pipeline.beatsDelivered;
	for (let at = 0; at < samples.length; at += block) monitor.block(samples, at, Math.min(block, samples.length - at));
	expected += samples.length;
	const h = heap();
	trace(
		JSON.stringify({
			record: name,
			samples: samples.length,
			samplesIn: monitor.pipeline.samples,
			samplesExpected: expected,
			beats: monitor.pipeline.beatsDelivered - beatsBefore,
			ms: Time.ticks - started,
			heapChunks: h.chunks,
			heapSlots: h.slots,
		}) + "\n",
	);
}
monitor!.end();
const h = heap();
trace(JSON.stringify({ done: true, stats: monitor!.stats(), packets: transport.packets, packetBytes: transport.bytes, peakChunks: h.peakChunks, peakSlots: h.peakSlots }) + "\n");
