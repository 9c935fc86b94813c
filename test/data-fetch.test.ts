// `hypertiny data fetch` against a PhysioNet-like server on 127.0.0.1 serving real MIT-BIH files (record 119 from
// test/fixtures/wfdb): good files, a corrupted file, a connection cut mid-file and resumed, a missing file; the
// committed manifests; where the data is recorded and found.
import test from "ava";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dataConfigFile, fetchedLocation } from "../host/data/data-home.ts";
import { fetchAndRecord, fetchDataset } from "../host/data/fetch.ts";
import { findMitdb } from "../host/data/mitdb-path.ts";
import { mirrorBase, parseSha256Sums, physionetDataset, type DatasetSpec } from "../host/data/physionet.ts";
import { FIXTURE_DIR } from "./data-helpers.ts";

const NAMES = ["119.hea", "119.atr", "119.dat"];
const FILES = new Map(NAMES.map((n) => [n, readFileSync(join(FIXTURE_DIR, n))]));
const ROOT = new URL("..", import.meta.url).pathname;

/** The test's own manifest for the three files, in SHA256SUMS form. */
const SUMS = NAMES.map((n) => `${createHash("sha256").update(FILES.get(n)!).digest("hex")}  ${n}`).join("\n") + "\n";

function spec(complete = true): DatasetSpec {
	const sums = parseSha256Sums(SUMS, "test SHA256SUMS");
	return { id: "mitdb", title: "test", slug: "mitdb", version: "1.0.0", complete, files: [...sums].map(([name, sha256]) => ({ name, sha256 })) };
}

interface Mirror {
	base: string;
	requests: { name: string; range: string | undefined }[];
	/** Served with one byte changed. */
	corrupt: Set<string>;
	/** Served only up to this many bytes, then the connection is destroyed (the first `times` requests). */
	cut: Map<string, { at: number; times: number }>;
	missing: Set<string>;
	close(): Promise<void>;
}

async function mirror(): Promise<Mirror> {
	const state = { requests: [], corrupt: new Set<string>(), cut: new Map(), missing: new Set<string>() } as Omit<Mirror, "base" | "close">;
	const server: Server = createServer((req, res) => {
		const m = /^\/mitdb\/1\.0\.0\/([^/]+)$/.exec(req.url ?? "");
		const name = m ? decodeURIComponent(m[1]!) : "";
		const range = req.headers.range;
		state.requests.push({ name, range });
		let body = FILES.get(name);
		if (!body || state.missing.has(name)) {
			res.writeHead(404).end("not found");
			return;
		}
		if (state.corrupt.has(name)) {
			body = Buffer.from(body);
			body[body.length >> 1]! ^= 0x40;
		}
		let start = 0;
		const r = range ? /^bytes=(\d+)-$/.exec(range) : null;
		if (r) start = Number(r[1]);
		if (start >= body.length) {
			res.writeHead(416, { "Content-Range": `bytes */${body.length}` }).end();
			return;
		}
		const headers = { "Content-Length": String(body.length - start), "Content-Type": "application/octet-stream" };
		if (r) res.writeHead(206, { ...headers, "Content-Range": `bytes ${start}-${body.length - 1}/${body.length}` });
		else res.writeHead(200, headers);
		const cut = state.cut.get(name);
		if (cut && cut.times > 0) {
			cut.times--;
			res.write(body.subarray(start, cut.at), () => setTimeout(() => res.destroy(), 20));
			return;
		}
		res.end(body.subarray(start));
	});
	await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
	const { port } = server.address() as AddressInfo;
	return {
		...state,
		base: `http://127.0.0.1:${port}/`,
		close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
	};
}

function scratch(): string {
	return mkdtempSync(join(tmpdir(), "hypertiny-fetch-"));
}

test("good files: downloaded under PhysioNet's names, byte-identical, no .part left; a second run downloads nothing", async (t) => {
	const server = await mirror();
	t.teardown(() => server.close());
	const dir = join(scratch(), "mitdb");
	const first = await fetchDataset({ spec: spec(), dir, mirror: server.base });
	t.deepEqual(first.failed, []);
	t.deepEqual(first.downloaded, [...NAMES].sort());
	for (const n of NAMES) {
		t.true(readFileSync(join(dir, n)).equals(FILES.get(n)!), n);
		t.false(existsSync(join(dir, `${n}.part`)));
	}
	t.is(first.bytes, NAMES.reduce((s, n) => s + FILES.get(n)!.length, 0));
	const before = server.requests.length;
	const second = await fetchDataset({ spec: spec(), dir, mirror: server.base });
	t.deepEqual(second.present, [...NAMES].sort());
	t.is(server.requests.length, before, "verified files are not downloaded again");
});

test("a corrupted file is refused and named, never takes its name, and the dataset is not recorded; a good copy later is", async (t) => {
	const server = await mirror();
	t.teardown(() => server.close());
	const root = scratch();
	const env = { XDG_CONFIG_HOME: join(root, "config") };
	const dir = join(root, "mitdb");
	server.corrupt.add("119.atr");
	const bad = await fetchAndRecord({ spec: spec(), dir, mirror: server.base }, env);
	t.is(bad.failed.length, 1);
	t.is(bad.failed[0]!.file, "119.atr");
	t.regex(bad.failed[0]!.reason, /sha256 [0-9a-f]{64} is not the manifest's [0-9a-f]{64}: refused/);
	t.false(existsSync(join(dir, "119.atr")));
	t.false(existsSync(join(dir, "119.atr.part")));
	t.true(existsSync(join(dir, "119.dat")), "the good files are kept");
	t.is(bad.recorded, undefined);
	t.false(existsSync(dataConfigFile(env)));
	t.is(fetchedLocation("mitdb", env), undefined);

	server.corrupt.clear();
	const good = await fetchAndRecord({ spec: spec(), dir, mirror: server.base }, env);
	t.deepEqual(good.downloaded, ["119.atr"]);
	t.is(good.recorded, dataConfigFile(env));
	t.is(fetchedLocation("mitdb", env), dir);
	const found = findMitdb({ ...env, HYPERTINY_MITDB_ARCHIVE: "/nonexistent" });
	t.deepEqual(found, { path: dir, source: "fetched" }, "commands find the fetched copy");
	t.is(findMitdb({ ...env, HYPERTINY_MITDB: FIXTURE_DIR }).path, FIXTURE_DIR.replace(/\/$/, ""), "$HYPERTINY_MITDB comes first");
});

test("a connection cut mid-file fails that file and keeps the part; the next run resumes it with a Range request", async (t) => {
	const server = await mirror();
	t.teardown(() => server.close());
	const dir = join(scratch(), "mitdb");
	const size = FILES.get("119.dat")!.length;
	server.cut.set("119.dat", { at: 700_000, times: 1 });
	const first = await fetchDataset({ spec: spec(), dir, mirror: server.base, retries: 0 });
	t.deepEqual(first.failed.map((f) => f.file), ["119.dat"]);
	t.regex(first.failed[0]!.reason, /connection lost after \d+ bytes .*resumes/);
	t.false(existsSync(join(dir, "119.dat")));
	const kept = statSync(join(dir, "119.dat.part")).size;
	t.true(kept > 0 && kept <= 700_000, `${kept} bytes kept`);

	const second = await fetchDataset({ spec: spec(), dir, mirror: server.base });
	t.deepEqual(second.failed, []);
	t.deepEqual(second.downloaded, ["119.dat"]);
	t.is(second.bytes, size - kept, "only the rest was downloaded");
	t.deepEqual(server.requests.at(-1), { name: "119.dat", range: `bytes=${kept}-` });
	t.true(readFileSync(join(dir, "119.dat")).equals(FILES.get("119.dat")!));
	t.false(existsSync(join(dir, "119.dat.part")));
});

test("within one run a cut download is retried from where it stopped", async (t) => {
	const server = await mirror();
	t.teardown(() => server.close());
	const dir = join(scratch(), "mitdb");
	server.cut.set("119.dat", { at: 300_000, times: 2 });
	const result = await fetchDataset({ spec: spec(), dir, mirror: server.base, retries: 2 });
	t.deepEqual(result.failed, []);
	const ranges = server.requests.filter((r) => r.name === "119.dat").map((r) => r.range);
	t.is(ranges.length, 3);
	t.is(ranges[0], undefined);
	t.regex(ranges[1]!, /^bytes=\d+-$/);
	t.true(readFileSync(join(dir, "119.dat")).equals(FILES.get("119.dat")!));
});

test("a file the server lacks is named with its URL and HTTP status", async (t) => {
	const server = await mirror();
	t.teardown(() => server.close());
	server.missing.add("119.hea");
	const result = await fetchDataset({ spec: spec(), dir: join(scratch(), "mitdb"), mirror: server.base });
	t.is(result.failed.length, 1);
	t.regex(result.failed[0]!.reason, /mitdb\/1\.0\.0\/119\.hea: HTTP 404/);
	t.is(server.requests.filter((r) => r.name === "119.hea").length, 1, "a 404 is not retried");
});

test("the committed PhysioNet manifests: mitdb's 146 files, apnea-ecg's 181, the fixtures' hashes among them", (t) => {
	const mitdb = physionetDataset("mitdb");
	t.is(mitdb.files.length, 146);
	t.true(mitdb.complete);
	const byName = new Map(mitdb.files.map((f) => [f.name, f.sha256]));
	for (const [name, sha256] of parseSha256Sums(SUMS, "test")) t.is(byName.get(name), sha256, `${name} as in PhysioNet's SHA256SUMS`);
	t.true(byName.has("RECORDS") && byName.has("ANNOTATORS"));
	t.false([...byName.keys()].some((n) => n.endsWith(".xws") || n.includes("/")), "only the files the project uses");

	const apnea = physionetDataset("apnea-ecg");
	t.is(apnea.files.length, 181);
	const apneaNames = new Set(apnea.files.map((f) => f.name));
	for (const n of ["event-2-answers", "event-1-answers", "list", "additional-information.txt", "a01.apn", "x35.qrs", "c10.hea"]) t.true(apneaNames.has(n), n);
	t.false(apneaNames.has("a01.dat"), "no signals (the project uses none)");

	const subset = physionetDataset("mitdb", ["119", "208"]);
	t.deepEqual(subset.files.map((f) => f.name), ["119.atr", "119.dat", "119.hea", "208.atr", "208.dat", "208.hea"]);
	t.false(subset.complete);
	t.throws(() => physionetDataset("mitdb", ["999"]), { message: /mitdb 1\.0\.0 has no record 999/ });
	t.throws(() => physionetDataset("ptbdb"), { message: /unknown dataset "ptbdb": one of mitdb, apnea-ecg/ });
	t.throws(() => parseSha256Sums("not a manifest\n", "x.txt"), { message: /x\.txt:1: not a "<sha256> <file>" line/ });
});

test("mirror URLs: https or http only, PhysioNet's layout under them", (t) => {
	t.is(mirrorBase("https://example.org/physionet"), "https://example.org/physionet/");
	t.throws(() => mirrorBase("ftp://example.org/"), { message: /only https:\/\/ \(or http:\/\/\) URLs/ });
	t.throws(() => mirrorBase("physionet.org"), { message: /is not a URL/ });
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((done) => {
		const child = spawn(process.execPath, [join(ROOT, "bin/hypertiny.js"), ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (d) => (stdout += d));
		child.stderr.on("data", (d) => (stderr += d));
		child.on("close", (code) => done({ code, stdout, stderr }));
	});
}

test("hypertiny data fetch mitdb --records 119 through $HYPERTINY_PHYSIONET_MIRROR; a bad file exits 1 naming it", async (t) => {
	const server = await mirror();
	t.teardown(() => server.close());
	const root = scratch();
	const env = { XDG_CONFIG_HOME: join(root, "config"), XDG_DATA_HOME: join(root, "data"), HYPERTINY_PHYSIONET_MIRROR: server.base };
	const ok = await cli(["data", "fetch", "mitdb", "--records", "119", "--json"], env);
	t.is(ok.code, 0, ok.stderr);
	const report = JSON.parse(ok.stdout);
	t.is(report.dir, join(root, "data/hypertiny/physionet/mitdb/1.0.0"));
	t.is(report.downloaded, 3);
	t.is(report.recorded, null, "a subset is not recorded as the dataset's place");
	t.true(readFileSync(join(report.dir, "119.dat")).equals(FILES.get("119.dat")!));
	t.is(ok.stderr, "", "no progress line when not on a terminal");

	server.corrupt.add("119.hea");
	const dir = join(root, "other");
	mkdirSync(dir);
	writeFileSync(join(dir, "119.hea"), "stale\n");
	const bad = await cli(["data", "fetch", "mitdb", "--records", "119", "--dir", dir, "--mirror", server.base], { ...env, HYPERTINY_PHYSIONET_MIRROR: "http://127.0.0.1:9/" });
	t.is(bad.code, 1);
	t.regex(bad.stderr, /hypertiny data: 119\.hea: sha256 [0-9a-f]{64} is not the manifest's [0-9a-f]{64}: refused/);
	t.regex(bad.stderr, /1 of 3 files failed .* run the same command again/);
	t.is(readFileSync(join(dir, "119.hea"), "utf8"), "stale\n", "the refused download does not replace what was there");
	t.false(existsSync(join(root, "config/hypertiny/data.json")));

	const usage = await cli(["data", "fetch"], env);
	t.is(usage.code, 2);
	t.regex(usage.stderr, /name one dataset: mitdb or apnea-ecg/);
});
