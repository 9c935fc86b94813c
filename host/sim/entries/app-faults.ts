// Fault injection for tests: the monitor on a recorded signal (ecg.bin) with segments replaced by NaN,
// infinities, a flat line or a rail value (config.faults), through the simulators' BLE link (trace frames,
// scripted client writes and disconnects from gatt-script.bin).
import Resource from "Resource";
import config from "mc/config";
import { Monitor, monitorOptions } from "../../../modules/app/monitor.ts";
import { readEcgResource } from "../../../modules/app/playback-input.ts";
import TraceTransport from "../../../modules/ble/trace-transport.ts";

interface Fault {
	from: number;
	to: number;
	value: number | "nan" | "inf" | "-inf";
}

const { description, samples } = readEcgResource(new Resource("ecg.bin"));
const signal = new Float64Array(samples.length);
for (let i = 0; i < samples.length; i++) signal[i] = samples[i];
for (const f of (config.faults ?? []) as Fault[]) {
	const value = f.value === "nan" ? NaN : f.value === "inf" ? Infinity : f.value === "-inf" ? -Infinity : f.value;
	for (let i = f.from; i < f.to && i < signal.length; i++) signal[i] = value;
}
const transport = new TraceTransport({ deviceName: "hypertiny faults" });
const monitor = new Monitor(description, transport, monitorOptions(config));
const block = 1000;
for (let at = 0; at < signal.length; at += block) monitor.block(signal, at, Math.min(block, signal.length - at));
monitor.end();
trace(`@app-end ${JSON.stringify({ ...monitor.stats(), dropped: transport.dropped })}\n`);
