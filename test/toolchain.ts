// Optional toolchains: a test that needs one fails under CI=true when it is missing, and elsewhere is skipped
// with a visible notice.
import test, { type ExecutionContext } from "ava";
import { spawnSync } from "node:child_process";

export const IN_CI = process.env.CI === "true";

export function hasCommand(command: string): boolean {
	return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

export function missingCommands(commands: string[]): string[] {
	return commands.filter((c) => !hasCommand(c));
}

/** Registers `title` as a normal test when `commands` exist; otherwise a skip with a notice, or a failure in CI. */
export function testWithTools(title: string, commands: string[], body: (t: ExecutionContext) => void | Promise<void>): void {
	const missing = missingCommands(commands);
	if (missing.length === 0) {
		test(title, body);
	} else if (IN_CI) {
		test(title, (t) => t.fail(`CI=true but ${missing.join(", ")} is not installed (.ci/run installs it)`));
	} else {
		process.stderr.write(`\nNOTICE: skipping "${title}": ${missing.join(", ")} not installed (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm clang)\n`);
		test.skip(title, () => {});
	}
}
