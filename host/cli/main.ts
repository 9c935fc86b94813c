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
		usage: "bench [--min-us N] [--json]        kernel throughput in the simulator, native vs the same loops in JS on XS",
		load: async () => (await import("./bench.ts")).benchCommand,
	},
	"bench:deploy": {
		usage: "bench:deploy [--help]             boot/lazy/stream on the Cortex-M4 (QEMU, exact instructions) and in the simulator",
		load: async () => (await import("./bench-deploy.ts")).benchDeployCommand,
	},
	dataset: {
		usage: "dataset [--out <dir>]             MIT-BIH beat windows through the device's ECG preprocessing",
		load: async () => (await import("./dataset.ts")).datasetCommand,
	},
	train: {
		usage: "train --model <family> --out <m.htpw> [...]   train (PyTorch), quantize and pack one model",
		load: async () => (await import("./train.ts")).trainCommand,
	},
};

function usage(): string {
	const lines = Object.values(COMMANDS).map((c) => `  ${c.usage}`);
	return `usage: hypertiny <command> [options]\n\ncommands:\n${lines.join("\n")}\n`;
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
		return await (await entry.load())(args);
	} catch (error) {
		process.stderr.write(`hypertiny ${name}: ${(error as Error).message}\n`);
		return 1;
	}
}
