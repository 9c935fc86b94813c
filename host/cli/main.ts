import { inspectCommand } from "./inspect.ts";
import { inferCommand } from "./infer.ts";
import { benchCommand } from "./bench.ts";

const USAGE = `usage: hypertiny <command> [options]

commands:
  inspect <model.htpw> [--json]      bytes per section and role, and the all-PW-INT8 size
  infer --model <m.htpw> --input <window> [--engine sim|ref] [--policy boot|lazy] [--json]
                                     logits and class of one window (window: raw int8 .bin, or a JSON array of floats)
  bench [--min-us N] [--json]        kernel throughput in the simulator, native vs the same loops in JS on XS
`;

const COMMANDS: Record<string, (args: string[]) => number | Promise<number>> = {
	inspect: inspectCommand,
	infer: inferCommand,
	bench: benchCommand,
};

export async function main(argv: string[]): Promise<number> {
	const [name, ...args] = argv;
	if (!name || name === "--help" || name === "-h" || name === "help") {
		process.stdout.write(USAGE);
		return name ? 0 : 2;
	}
	const command = COMMANDS[name];
	if (!command) {
		process.stderr.write(`hypertiny: unknown command "${name}"\n${USAGE}`);
		return 2;
	}
	try {
		return await command(args);
	} catch (error) {
		process.stderr.write(`hypertiny ${name}: ${(error as Error).message}\n`);
		return 1;
	}
}
