// The `hypertiny` command dispatcher. Each command lives in its own module, loaded only when it runs, so a
// command that needs PyTorch or the Moddable SDK costs nothing to the others.
type Command = (args: string[]) => number | Promise<number>;

const COMMANDS: Record<string, { usage: string; load: () => Promise<Command> }> = {
	inspect: {
		usage: "inspect <model.htpw> [--json]      bytes per section and role, and the all-PW-INT8 size",
		load: async () => (await import("./inspect.ts")).inspectCommand,
	},
	infer: {
		usage: "infer --model <m.htpw> --input <window> [--engine sim|ref] [--policy boot|lazy|stream --budget N] [--json]\n" +
			"                                     logits and class of one window (window: raw int8 .bin, or a JSON array of floats)",
		load: async () => (await import("./infer.ts")).inferCommand,
	},
	bench: {
		usage: "bench [--min-us N] [--only kernels|ecg] [--json]   kernel throughput in the simulator (native vs JS on XS); MIT-BIH R-peak detection Se/PPV",
		load: async () => (await import("./bench.ts")).benchCommand,
	},
	"bench:deploy": {
		usage: "bench:deploy [--help]             boot/lazy/stream on the Cortex-M4 (QEMU, exact instructions) and in the simulator",
		load: async () => (await import("./bench-deploy.ts")).benchDeployCommand,
	},
	"bench:tflm": {
		usage: "bench:tflm [--help]               TFLM's interpreter vs our C core on all of DS2, every exportable model",
		load: async () => (await import("./bench-tflm.ts")).benchTflmCommand,
	},
	"bench:m4app": {
		usage: "bench:m4app [--help]              the whole app on the emulated nRF52840 core: exact instructions per phase, duty cycle, battery",
		load: async () => (await import("./bench-m4app.ts")).benchM4AppCommand,
	},
	export: {
		usage: "export --tflite <model.htpw> [-o m.tflite]   the model as a .tflite that TFLM runs with our int8 outputs",
		load: async () => (await import("./export.ts")).exportCommand,
	},
	dataset: {
		usage: "dataset [--out <dir>]             MIT-BIH beat windows through the device's ECG preprocessing",
		load: async () => (await import("./dataset.ts")).datasetCommand,
	},
	train: {
		usage: "train --model <family> --out <m.htpw> [...]   train (PyTorch), quantize and pack one model",
		load: async () => (await import("./train.ts")).trainCommand,
	},
	build: {
		usage: "build <nrf52|esp32|lin> [--debug] [--model m.htpw]   the app built by the real Moddable SDK (mcconfig -t build)",
		load: async () => (await import("./build.ts")).buildCommand,
	},
	flash: {
		usage: "flash <nrf52|esp32> [--release] [--jlink] [--dry-run]   build and install on a board (mcconfig [-d] -m -p ...)",
		load: async () => (await import("./flash.ts")).flashCommand,
	},
	"bench:firmware": {
		usage: "bench:firmware [--model m.htpw] [--stored s.htpw] [--large l.htpw]   nRF52840 DK flash/RAM from the real link",
		load: async () => (await import("./bench-firmware.ts")).benchFirmwareCommand,
	},
	eval: {
		usage: "eval --model <m.htpw> --split val|test [--task ...] [--data <dir>] [--json]   integer-engine metrics, t* from validation, record-bootstrap CIs",
		load: async () => (await import("./eval.ts")).evalCommand,
	},
	sweep: {
		usage: "sweep --recipe NAME [--seeds 1-5] [--folds 1-5] [--jobs N] [--ray ADDRESS]   train recipes x seeds x DS1 folds, resumable",
		load: async () => (await import("./sweep.ts")).sweepCommand,
	},
	cv: {
		usage: "cv --recipe NAME[,NAME...] [--out results/mitbih]   DS1 cross-validation figures of swept recipes: cv.json, cv.md",
		load: async () => (await import("./cv.ts")).cvCommand,
	},
	report: {
		usage: "report [--models models] [--data <dir>] [--out results/mitbih]   every model on DS2: pareto.json, README.md, pareto.svg",
		load: async () => (await import("./report.ts")).reportCommand,
	},
	apnea: {
		usage: "apnea dataset|cv|release     sleep apnea per minute from RR intervals (Apnea-ECG): minute windows, CV by subject, release",
		load: async () => (await import("./apnea.ts")).apneaCommand,
	},
	rhythm: {
		usage: "rhythm cv [--streams device,device-rr,reference,app] [--out results/rhythm]   AF detector on MIT-BIH DS1, leave-one-record-out",
		load: async () => (await import("./rhythm.ts")).rhythmCommand,
	},
	start: {
		usage: "start [--record N|path] [--model m.htpw|none] [--apnea-model m.htpw|none] [--policy boot|lazy|stream --budget N]\n" +
			"      [--realtime] [--strip N] [--port N] [--web PORT] [--json]  the device app in the simulator on an ECG record, companion attached, summary;\n" +
			"                                     --web serves the live web companion, --port the simulator's GATT socket",
		load: async () => (await import("./start.ts")).startCommand,
	},
	run: {
		usage: "run [--record N|path] [--model m.htpw] [--apnea-model m.htpw|none] [--policy ...] [--gatt] [--json]   the app's serial-log output in the simulator",
		load: async () => (await import("./run.ts")).runCommand,
	},
	data: {
		usage: "data fetch mitdb|apnea-ecg [--dir DIR] [--mirror URL] | data where   PhysioNet data, verified (SHA256SUMS), found by every command",
		load: async () => (await import("./data.ts")).dataCommand,
	},
	companion: {
		usage: "companion --sim [port] | --ble [name] | --serial <port> [--json]   live view: heart rate, beats, counts, alerts",
		load: async () => (await import("./companion.ts")).companionCommand,
	},
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

function usage(): string {
	const lines = Object.values(COMMANDS).map((c) => `  ${c.usage}`);
	return `usage: hypertiny <command> [options]\n\ncommands:\n${lines.join("\n")}\n\n` +
		"`hypertiny <command> --help` (or -h) prints a command's options. Exit status: 0 when the command did what was\n" +
		"asked, 1 when it could not (the message says why and what to run), 2 for a usage error.\n" +
		"MIT-BIH data: $HYPERTINY_MITDB, else the copy `hypertiny data fetch mitdb` made, else the project's shared archive.\n";
}

/** A command's own options end at "--" (train passes what follows to the trainer); before it, -h means --help. */
function normalizeHelp(args: string[]): string[] {
	const end = args.indexOf("--");
	return args.map((a, i) => (a === "-h" && (end < 0 || i < end) ? "--help" : a));
}

/** An error for the user: a missing file named as such rather than as a raw ENOENT. */
function describeError(error: unknown): string {
	const e = error as NodeJS.ErrnoException;
	if (e.code === "ENOENT" && e.path) return `no such file or directory: ${e.path}`;
	if (e.code === "EACCES" && e.path) return `permission denied: ${e.path}`;
	return e.message ?? String(error);
}

export async function main(argv: string[]): Promise<number> {
	const [name, ...args] = argv;
	if (!name || name === "--help" || name === "-h" || name === "help") {
		process.stdout.write(usage());
		return name ? 0 : 2;
	}
	const entry = COMMANDS[name];
	if (!entry) {
		process.stderr.write(`hypertiny: unknown command "${name}"\n${usage()}`);
		return 2;
	}
	try {
		return await (await entry.load())(normalizeHelp(args));
	} catch (error) {
		if (String((error as NodeJS.ErrnoException).code).startsWith("ERR_PARSE_ARGS")) {
			process.stderr.write(`hypertiny ${name}: ${(error as Error).message} (see hypertiny ${name} --help)\n`);
			return 2;
		}
		process.stderr.write(`hypertiny ${name}: ${describeError(error)}\n`);
		return 1;
	}
}
