// The XS engine sources: moddable/xs from the npm package @agoric/xsnap (pinned, integrity-checked),
// fetched with `npm pack` (the package itself is not a dependency: its install script builds a worker we
// do not need) and extracted to out/xs.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

export const XSNAP = {
	spec: "@agoric/xsnap@0.15.0",
	file: "agoric-xsnap-0.15.0.tgz",
	integrity: "sha512-ZBm4DZxbtfacxMHVVdJjZi0Y8zOxN77vpu1WwI5RWfPkaRh0aHkz/dVdTGKXalDNzWfz183lljKxlxl3/h0n+A==",
};

function integrityOf(file) {
	return "sha512-" + createHash("sha512").update(readFileSync(file)).digest("base64");
}

// npm as the running npm when this is a lifecycle script, else the npm on PATH.
function npmCommand() {
	const cli = process.env.npm_execpath;
	if (cli && /npm-cli\.c?js$/.test(cli)) return [process.execPath, [cli]];
	return ["npm", []];
}

function npmPack(outDir) {
	const [command, prefix] = npmCommand();
	const args = [...prefix, "pack", XSNAP.spec, "--pack-destination", outDir, "--ignore-scripts"];
	try {
		execFileSync(command, args, { cwd: outDir, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
	} catch (error) {
		const output = `${error.stdout ?? ""}${error.stderr ?? ""}`.trim().split("\n").slice(-12).join("\n");
		throw new Error(
			`cannot fetch ${XSNAP.spec} with npm pack (the npm registry must be reachable; or set ` +
				`HYPERTINY_XSNAP_TGZ to a local copy of ${XSNAP.file}):\n${output || error.message}`,
		);
	}
}

function obtainTarball(outDir, log) {
	const tarball = join(outDir, XSNAP.file);
	if (existsSync(tarball) && integrityOf(tarball) === XSNAP.integrity) return tarball;
	rmSync(tarball, { force: true });
	const local = process.env.HYPERTINY_XSNAP_TGZ;
	if (local) {
		log(`XS sources: copying ${local}`);
		copyFileSync(local, tarball);
	} else {
		log(`XS sources: npm pack ${XSNAP.spec}`);
		npmPack(outDir);
	}
	if (!existsSync(tarball)) throw new Error(`npm pack did not produce ${tarball}`);
	const actual = integrityOf(tarball);
	if (actual !== XSNAP.integrity) {
		rmSync(tarball, { force: true });
		throw new Error(`${XSNAP.file} failed the integrity check:\n  expected ${XSNAP.integrity}\n  got      ${actual}`);
	}
	return tarball;
}

function extract(tarball, outDir, xsDir) {
	const scratch = join(outDir, ".extract");
	rmSync(scratch, { recursive: true, force: true });
	mkdirSync(scratch, { recursive: true });
	try {
		execFileSync("tar", ["-xzf", tarball, "-C", scratch, "package/moddable/xs"], { stdio: ["ignore", "pipe", "pipe"] });
	} catch (error) {
		throw new Error(`cannot extract ${basename(tarball)} with tar: ${`${error.stderr ?? ""}`.trim() || error.message}`);
	}
	rmSync(xsDir, { recursive: true, force: true });
	renameSync(join(scratch, "package/moddable/xs"), xsDir);
	rmSync(scratch, { recursive: true, force: true });
}

/** Makes out/xs hold the pinned XS sources; returns its path and whether they were (re)extracted. */
export function ensureXsSources(outDir, log) {
	const xsDir = join(outDir, "xs");
	const stamp = join(xsDir, ".integrity");
	if (existsSync(stamp) && readFileSync(stamp, "utf8") === XSNAP.integrity) {
		log(`XS sources: ${XSNAP.spec} (already extracted)`);
		return { xsDir, extracted: false };
	}
	mkdirSync(outDir, { recursive: true });
	const tarball = obtainTarball(outDir, log);
	extract(tarball, outDir, xsDir);
	writeFileSync(stamp, XSNAP.integrity);
	log(`XS sources: ${XSNAP.spec} extracted to ${xsDir}`);
	return { xsDir, extracted: true };
}
