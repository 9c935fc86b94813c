// Tests that need the MIT-BIH Arrhythmia Database (found by host/data/mitdb-path.ts: $HYPERTINY_MITDB, the copy
// `hypertiny data fetch mitdb` made, or the shared archive). `mitdbTest` is ava's `test` when the data is there;
// otherwise each test it registers is skipped with a notice naming the fetch command, or fails under CI=true
// (like test/toolchain.ts for toolchains). Hooks that build from the data (before) are left out with the tests;
// cleanup hooks (after) still run.
import test from "ava";
import { FETCH_MITDB, findMitdb } from "../host/data/mitdb-path.ts";
import { IN_CI } from "./toolchain.ts";

const found = findMitdb();

/** Why MIT-BIH tests cannot run here, or undefined when they can. */
export const MITDB_MISSING: string | undefined = found.path ? undefined : found.missing;

function standIn(title: string, serial: boolean): void {
	if (IN_CI) {
		(serial ? test.serial : test)(title, (t) => t.fail(`CI=true but ${MITDB_MISSING}`));
	} else {
		process.stderr.write(`\nNOTICE: skipping "${title}": no MIT-BIH data (run \`${FETCH_MITDB}\`, or set HYPERTINY_MITDB)\n`);
		(serial ? test.serial.skip : test.skip)(title, () => {});
	}
}

function withoutData(): typeof test {
	const noHook = () => {};
	const serial = Object.assign((title: string) => standIn(title, true), { skip: test.serial.skip, before: noHook, beforeEach: noHook });
	return Object.assign((title: string) => standIn(title, false), {
		serial,
		skip: test.skip,
		before: noHook,
		beforeEach: noHook,
		after: test.after,
		afterEach: test.afterEach,
	}) as unknown as typeof test;
}

export const mitdbTest: typeof test = MITDB_MISSING === undefined ? test : withoutData();
