#!/usr/bin/env node
// Builds host/sim/out/hypertiny-sim, the embedded-default desktop XS host: the XS engine from
// @agoric/xsnap's sources, the host (src/), the C core (native/src) and its xsmc bindings (native/xs).
// Run by `npm install` (postinstall) and runnable alone; incremental: only what changed is rebuilt.
import { rmSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { checkCompiler, compileAll, link } from "./lib/compile.mjs";
import { cFilesIn, generateSources } from "./lib/generate.mjs";
import { ensureXsSources } from "./lib/xs-sources.mjs";

const SIM = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(SIM, "../..");
const OUT = join(SIM, "out");
const BINARY = join(OUT, "hypertiny-sim");

const log = (message) => console.log(`hypertiny-sim: ${message}`);

// XS configured as Moddable's desktop builds: parser and debug checks on (errors carry file:line stacks).
function xsFlags(xsDir) {
	return [
		"-O2",
		"-fno-common",
		"-DINCLUDE_XSPLATFORM",
		'-DXSPLATFORM="sim_platform.h"',
		"-DmxDebug=1",
		"-DmxParse=1",
		"-DmxRun=1",
		"-DmxSloppy=1",
		"-DmxRegExpUnicodePropertyEscapes=1",
		"-DmxStringNormalize=1",
		"-DmxMinusZero=1",
		`-I${join(xsDir, "includes")}`,
		`-I${join(xsDir, "platforms")}`,
		`-I${join(xsDir, "sources")}`,
		`-I${join(SIM, "src")}`,
	];
}

const OWN_WARNINGS = ["-Wall", "-Wextra"];
const XS_WARNINGS = ["-Wno-misleading-indentation", "-Wno-implicit-fallthrough"];

function units(xsDir, generated) {
	const xs = xsFlags(xsDir);
	const core = ["-O2", ...OWN_WARNINGS, `-I${join(ROOT, "native/include")}`];
	const host = [...xs, ...OWN_WARNINGS, `-I${join(ROOT, "native/include")}`];
	const group = (name, files, flags) =>
		files.map((source) => ({ source, flags, object: join(OUT, "obj", name, basename(source, ".c") + ".o") }));
	return [
		...group("xs", cFilesIn(join(xsDir, "sources")), [...xs, ...XS_WARNINGS]),
		...group("sim", cFilesIn(join(SIM, "src")), host),
		...group("sim-modules", cFilesIn(join(SIM, "src/modules")), host),
		...group("gen", generated, host),
		...group("native-xs", cFilesIn(join(ROOT, "native/xs")), host),
		...group("native", cFilesIn(join(ROOT, "native/src")), core),
	];
}

async function main() {
	const started = Date.now();
	log(`compiler: ${checkCompiler()}`);
	const { xsDir, extracted } = ensureXsSources(OUT, log);
	if (extracted) rmSync(join(OUT, "obj"), { recursive: true, force: true }); // tar keeps the package's old mtimes
	const { files: generated, table } = generateSources({
		root: ROOT,
		genDir: join(OUT, "gen"),
		scanned: [...cFilesIn(join(ROOT, "native/xs")), ...cFilesIn(join(SIM, "src/modules"))],
		preludeFile: join(SIM, "src/prelude.js"),
	});
	log(`natives: ${table.functions.length} host functions, ${table.destructors.length} destructors`);
	const all = units(xsDir, generated);
	const { compiled, warnings } = await compileAll(all, log);
	const linked = await link(all.map((unit) => unit.object), BINARY, ["-lm", "-lpthread"]);
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	const summary = linked ? `built ${relative(ROOT, BINARY)}` : `${relative(ROOT, BINARY)} is up to date`;
	log(`${summary} (${compiled} compiled${warnings ? `, ${warnings} with warnings` : ""}, ${seconds} s)`);
}

main().catch((error) => {
	console.error(`hypertiny-sim: build failed: ${error.message}`);
	process.exit(1);
});
