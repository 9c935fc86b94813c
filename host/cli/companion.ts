// `hypertiny companion`: the live view of a monitor, from the simulator's socket, a board over BLE, or a board's serial log.
import { parseArgs } from "node:util";
import { DEFAULT_PORT } from "../companion/frames.ts";
import { CompanionError, followBle, followSerial, followSimulator } from "../companion/sources.ts";
import { CompanionState } from "../companion/state.ts";
import { attachView } from "../companion/view.ts";

const USAGE = `usage: hypertiny companion --sim [port] | --ble [name] | --serial <port> [--baud N] [--json]

  --sim [port]     the simulator's GATT socket on 127.0.0.1 (default ${DEFAULT_PORT}; start one with hypertiny start --port ${DEFAULT_PORT})
  --ble [name]     a board over Bluetooth LE (noble), by advertised name, else the first heart-rate monitor
  --serial <port>  a board's serial log (serialport), the app built with config traceGatt: true
  --json           one JSON object per update instead of the live view
`;

export async function companionCommand(args: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			sim: { type: "boolean", default: false },
			ble: { type: "boolean", default: false },
			serial: { type: "string" },
			baud: { type: "string", default: "115200" },
			json: { type: "boolean", default: false },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	const modes = [values.sim, values.ble, values.serial !== undefined].filter(Boolean).length;
	if (modes !== 1) {
		process.stderr.write(USAGE);
		return 2;
	}
	const state = new CompanionState();
	const log = (line: string): void => {
		process.stderr.write(line + "\n");
	};
	try {
		if (values.sim) {
			const port = positionals[0] === undefined ? DEFAULT_PORT : Number(positionals[0]);
			if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new CompanionError(`--sim ${positionals[0]}: not a port number`);
			const draw = attachView(state, process.stdout, { json: values.json, title: `hypertiny companion (simulator on port ${port})` });
			await followSimulator(port, state);
			draw();
		} else if (values.ble) {
			const draw = attachView(state, process.stdout, { json: values.json, title: `hypertiny companion (BLE${positionals[0] ? ` ${positionals[0]}` : ""})` });
			await followBle(positionals[0], state, log);
			draw();
		} else {
			const baud = Number(values.baud);
			if (!Number.isInteger(baud) || baud <= 0) throw new CompanionError(`--baud ${values.baud}: not a baud rate`);
			const draw = attachView(state, process.stdout, { json: values.json, title: `hypertiny companion (serial ${values.serial})` });
			await followSerial(values.serial!, baud, state, (line) => !values.json && log(`device: ${line}`));
			draw();
		}
	} catch (error) {
		if (!(error instanceof CompanionError)) throw error;
		process.stderr.write(`hypertiny companion: ${error.message}\n`);
		return 1;
	}
	return 0;
}
