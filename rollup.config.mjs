// Bundles device TypeScript (modules/ plus the small simulator entry points in host/sim/entries) into one
// script per entry for the embedded-default XS host. Moddable-provided modules stay external and map to the
// globals the host defines, so the device source is the same as for an mcconfig build.
import typescript from "@rollup/plugin-typescript";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const entriesDir = "host/sim/entries";
// HYPERTINY_SIM_ENTRIES=app,app-soak builds only those entries (the start command rebuilds just what it runs).
const only = process.env.HYPERTINY_SIM_ENTRIES?.split(",");
const entries = readdirSync(entriesDir).filter((f) => f.endsWith(".ts") && (!only || only.includes(f.slice(0, -3))));

const moddableGlobals = { Resource: "Resource", timer: "Timer", time: "Time", "mc/config": "__mcconfig" };

// Module specifiers the app's manifest fragment maps per platform ("platforms.sim.modules"): the simulator
// gets its implementations exactly as mcconfig would pick a board's.
const appManifest = "modules/app/manifest.json";
const simModules = JSON.parse(readFileSync(appManifest, "utf8")).platforms.sim.modules;
const platformModules = {
	name: "platform-modules",
	resolveId(source) {
		return source in simModules ? resolve(join(dirname(appManifest), simModules[source] + ".ts")) : null;
	},
};

export default entries.map((file) => ({
	input: `${entriesDir}/${file}`,
	external: Object.keys(moddableGlobals),
	output: { file: `dist/sim/${file.replace(/\.ts$/, ".js")}`, format: "iife", globals: moddableGlobals, sourcemap: false },
	onwarn(warning, warn) {
		if (warning.code === "MISSING_NAME_OPTION_FOR_IIFE_EXPORT") return;
		warn(warning);
	},
	plugins: [
		platformModules,
		typescript({ tsconfig: "host/sim/entries/tsconfig.json", noEmitOnError: true }),
	],
}));
