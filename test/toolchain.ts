// Optional toolchains: a test that needs one fails under CI=true when it is missing, and elsewhere is skipped
// with a visible notice.
import test, { type ExecutionContext } from "ava";
import { spawnSync } from "node:child_process";
import { describeMissing, findToolchain, type Target, type Toolchain, type ToolchainCheck } from "../host/moddable/toolchain.ts";

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

let moddableChecks: Map<string, ToolchainCheck> | undefined;

/** The Moddable toolchain for `targets`, looked up once per test file (host/moddable/toolchain.ts). */
export function moddableToolchain(targets: Target[]): ToolchainCheck {
	moddableChecks ??= new Map();
	const key = targets.join(",");
	let check = moddableChecks.get(key);
	if (!check) {
		check = findToolchain(targets);
		moddableChecks.set(key, check);
	}
	return check;
}

/**
 * Like testWithTools, for tests that build with the real Moddable SDK (mcconfig): registered when the SDK (and,
 * per target, mcsim, xvfb-run, the nRF5 SDK, the Arm toolchain) is set up; otherwise skipped with a notice that
 * says what is missing and how to install it, or failed under CI=true.
 */
export function testWithModdable(title: string, targets: Target[], body: (t: ExecutionContext, tool: Toolchain) => void | Promise<void>, serial = true): void {
	const check = moddableToolchain(targets);
	const register = serial ? test.serial : test;
	if (check.toolchain) {
		const tool = check.toolchain;
		register(title, (t) => body(t, tool));
	} else if (IN_CI) {
		register(title, (t) => t.fail(`CI=true but ${describeMissing(check)}\n(.ci/run runs ../shared/toolchains/setup --install-deps)`));
	} else {
		process.stderr.write(`\nNOTICE: skipping "${title}": ${describeMissing(check)}\n`);
		test.skip(title, () => {});
	}
}
