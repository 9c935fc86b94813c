// A clone without MIT-BIH must still pass `npm test`: every test file that reaches for the database registers its
// tests through test/mitdb-data.ts (skipped with the fetch command named, failed under CI=true) rather than ava's
// plain `test`, which would fail there with "MIT-BIH records not found".
import test from "ava";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL(".", import.meta.url));
const NEEDS_MITDB = /\b(mitdbPath|defaultDataset|loadMitdbBeats|detectionReport)\(/;

test("every test file that uses MIT-BIH registers those tests with mitdbTest", (t) => {
	const files = readdirSync(DIR).filter((f) => f.endsWith(".test.ts"));
	const users = files.filter((f) => NEEDS_MITDB.test(readFileSync(DIR + f, "utf8")));
	t.true(users.length >= 10, `${users.length} files use MIT-BIH`);
	const unguarded = users.filter((f) => !/\bmitdbTest\b/.test(readFileSync(DIR + f, "utf8")));
	t.deepEqual(unguarded, [], "import { mitdbTest } from \"./mitdb-data.ts\" and register the tests that need the data with it");
});
