// Builds the app from the platform's input and BLE link (chosen per platform in modules/app/manifest.json)
// and the app's config; the same on every target.
/// <reference path="../ble/platform.d.ts" />
import PlatformInput from "app/input";
import PlatformTransport from "ble/transport";
import { configFlag } from "./config.ts";
import { Monitor, monitorOptions } from "./monitor.ts";

export function startApp(config: Record<string, unknown>): Monitor {
	const input = new PlatformInput(config);
	const transport = new PlatformTransport({
		deviceName: String(config.deviceName ?? "hypertiny ECG"),
		traceGatt: configFlag(config, "traceGatt", false),
		linkEncrypted: configFlag(config, "linkEncrypted", true),
	});
	const monitor = new Monitor(input.description, transport, monitorOptions(config));
	monitor.onEnd = () => trace(`@app-end ${JSON.stringify(monitor.stats())}\n`);
	input.start(monitor);
	return monitor;
}
