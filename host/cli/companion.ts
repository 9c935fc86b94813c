// `hypertiny companion`: the live view of a monitor, from the simulator's socket, a board over BLE, or a board's serial log.
import { parseArgs } from "node:util";
import { CONTROL_HELP, controlForKey, parseControl, type SendControl } from "../companion/control.ts";
import { DEFAULT_PORT } from "../companion/frames.ts";
import { readTokenFile, tokenFile, TokenError } from "../app/run-token.ts";
import { CompanionError, followBle, followSerial, followSimulator } from "../companion/sources.ts";
import { CompanionState } from "../companion/state.ts";
import { attachView } from "../companion/view.ts";

const USAGE = `usage: hypertiny companion --sim [port] [--token T] | --ble [name] | --serial <port> [--baud N] [--json] [--control WRITE]...

  --sim [port]     the simulator's GATT socket on 127.0.0.1 (default ${DEFAULT_PORT}; start one with hypertiny start --port ${DEFAULT_PORT})
  --token T        the run's token for --sim (default: read from the file hypertiny start writes for that port)
  --ble [name]     a board over Bluetooth LE (noble), by advertised name, else the first heart-rate monitor
  --serial <port>  a board's serial log (serialport), the app built with config traceGatt: true (read only)
  --json           one JSON object per update instead of the live view
  --control WRITE  a control write sent once connected (repeatable; --sim and --ble):
                   ${CONTROL_HELP}
                   the device answers each on the result characteristic (shown as "control write: ...")
  keys (live view on a terminal, --sim and --ble): r reset counts, s send summary, 0-9 strip decimation, q quit
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
			control: { type: "string", multiple: true, default: [] },
			token: { type: "string" },
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
	let writes: Uint8Array[];
	try {
		writes = values.control.map(parseControl);
	} catch (error) {
		process.stderr.write(`hypertiny companion: ${(error as Error).message}\n`);
		return 2;
	}
	if (writes.length && values.serial !== undefined) {
		process.stderr.write("hypertiny companion: --control needs --sim or --ble (a serial log is read only)\n");
		return 2;
	}
	let stopKeys = (): void => {};
	/** Sends the --control writes, then listens for keys on a terminal. */
	const onControl = (send: SendControl): void => {
		const report = (error: Error): void => log(`control write failed: ${error.message}`);
		void writes.reduce((chain, bytes) => chain.then(() => send(bytes)), Promise.resolve()).catch(report);
		if (values.json || !process.stdin.isTTY) return;
		process.stdin.setRawMode(true);
		process.stdin.resume();
		const onKey = (data: Buffer): void => {
			const key = data.toString("utf8");
			if (key === "q" || key === "\u0003") {
				stopKeys();
				process.exit(0);
			}
			const bytes = controlForKey(key);
			if (bytes) send(bytes).catch(report);
		};
		process.stdin.on("data", onKey);
		stopKeys = () => {
			process.stdin.off("data", onKey);
			process.stdin.setRawMode(false);
			process.stdin.pause();
		};
	};
	try {
		if (values.sim) {
			const port = positionals[0] === undefined ? DEFAULT_PORT : Number(positionals[0]);
			if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new CompanionError(`--sim ${positionals[0]}: not a port number`);
			const token = values.token ?? simulatorToken(port);
			const draw = attachView(state, process.stdout, { json: values.json, title: `hypertiny companion (simulator on port ${port})` });
			await followSimulator(port, token, state, undefined, onControl);
			draw();
		} else if (values.ble) {
			const draw = attachView(state, process.stdout, { json: values.json, title: `hypertiny companion (BLE${positionals[0] ? ` ${positionals[0]}` : ""})` });
			await followBle(positionals[0], state, log, onControl);
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
	} finally {
		stopKeys();
	}
	return 0;
}

/** The token hypertiny start wrote for the simulator on `port`. */
function simulatorToken(port: number): string {
	let token;
	try {
		token = readTokenFile(port);
	} catch (error) {
		if (error instanceof TokenError) throw new CompanionError(error.message);
		throw error;
	}
	if (token === undefined) throw new CompanionError(`no simulator token for port ${port} (${tokenFile(port)}): is hypertiny start running with --port ${port}? Else pass --token`);
	return token;
}
