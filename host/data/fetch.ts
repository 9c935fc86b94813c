// Download a dataset's files into a directory: each into `<name>.part` (resumed with an HTTP Range request when a
// run was cut off), checked against its sha256, then renamed to its own name. A file already there with the right
// hash is kept; a file with the wrong hash is refused and named, and never takes the real name.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { recordFetched } from "./data-home.ts";
import { fileUrl, type DatasetFile, type DatasetSpec } from "./physionet.ts";

export interface FetchProgress {
	filesDone: number;
	filesTotal: number;
	/** Bytes received in this run. */
	bytes: number;
}

export interface FetchOptions {
	spec: DatasetSpec;
	dir: string;
	/** Base URL in PhysioNet's layout (host/data/physionet.ts mirrorBase). */
	mirror: string;
	concurrency?: number;
	/** Further tries of a file after a network failure, each resuming where the last stopped. */
	retries?: number;
	onProgress?: (p: FetchProgress) => void;
}

export interface FetchFailure {
	file: string;
	reason: string;
}

export interface FetchResult {
	dir: string;
	/** Files downloaded (or completed) in this run. */
	downloaded: string[];
	/** Files already there with the right hash. */
	present: string[];
	failed: FetchFailure[];
	bytes: number;
}

/** A download that went wrong in a way a retry may fix (connection lost, server error). */
class TransientError extends Error {}

async function sha256Of(path: string): Promise<string> {
	const hash = createHash("sha256");
	await pipeline(createReadStream(path), hash);
	return hash.digest("hex");
}

async function sizeOf(path: string): Promise<number | undefined> {
	try {
		return (await stat(path)).size;
	} catch {
		return undefined;
	}
}

export async function fetchDataset(options: FetchOptions): Promise<FetchResult> {
	const { spec, dir, mirror } = options;
	const retries = options.retries ?? 3;
	await mkdir(dir, { recursive: true });
	const result: FetchResult = { dir, downloaded: [], present: [], failed: [], bytes: 0 };
	const progress = (): void => options.onProgress?.({
		filesDone: result.downloaded.length + result.present.length + result.failed.length,
		filesTotal: spec.files.length,
		bytes: result.bytes,
	});
	const received = (n: number): void => {
		result.bytes += n;
		progress();
	};

	const one = async (file: DatasetFile): Promise<void> => {
		const target = join(dir, file.name);
		if ((await sizeOf(target)) !== undefined && (await sha256Of(target)) === file.sha256) {
			result.present.push(file.name);
			return;
		}
		for (let attempt = 0; ; attempt++) {
			try {
				await download(fileUrl(mirror, spec, file.name), `${target}.part`, received);
				break;
			} catch (error) {
				if (!(error instanceof TransientError) || attempt >= retries) {
					result.failed.push({ file: file.name, reason: (error as Error).message });
					return;
				}
			}
		}
		const actual = await sha256Of(`${target}.part`);
		if (actual !== file.sha256) {
			await rm(`${target}.part`, { force: true });
			result.failed.push({ file: file.name, reason: `sha256 ${actual} is not the manifest's ${file.sha256}: refused (the download is deleted)` });
			return;
		}
		await rename(`${target}.part`, target);
		result.downloaded.push(file.name);
	};

	const queue = [...spec.files];
	const worker = async (): Promise<void> => {
		for (let file = queue.shift(); file; file = queue.shift()) {
			await one(file);
			progress();
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
	for (const list of [result.downloaded, result.present]) list.sort();
	result.failed.sort((a, b) => a.file.localeCompare(b.file));
	return result;
}

/**
 * fetchDataset, then, when every file of the dataset's whole selection is there and verified, records `dir` as the
 * dataset's place (host/data/data-home.ts); a failed or partial (--records) fetch records nothing.
 */
export async function fetchAndRecord(options: FetchOptions, env: Record<string, string | undefined> = process.env): Promise<FetchResult & { recorded?: string }> {
	const result = await fetchDataset(options);
	if (result.failed.length > 0 || !options.spec.complete) return result;
	const { spec, dir, mirror } = options;
	const recorded = recordFetched(spec.id, { dir, version: spec.version, files: spec.files.length, mirror, fetched: new Date().toISOString() }, env);
	return { ...result, recorded };
}

/** GET `url` into `part`, continuing after the bytes already there when the server honours the Range. */
async function download(url: string, part: string, received: (n: number) => void): Promise<void> {
	let offset = (await sizeOf(part)) ?? 0;
	let response: Response;
	try {
		response = await fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, redirect: "follow" });
	} catch (error) {
		throw new TransientError(`${url}: ${describe(error)}`);
	}
	if (response.status === 416 && offset > 0) {
		// Nothing after `offset`: the part may be whole already (the hash decides), or longer than the file.
		await response.body?.cancel();
		return;
	}
	if (response.status === 200) {
		offset = 0; // the server sent the whole file
	} else if (response.status === 206) {
		const start = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "")?.[1];
		if (Number(start) !== offset) {
			await response.body?.cancel();
			await rm(part, { force: true });
			throw new TransientError(`${url}: the server resumed at byte ${start ?? "?"}, not ${offset}; starting over`);
		}
	} else {
		await response.body?.cancel();
		const message = `${url}: HTTP ${response.status} ${response.statusText}`.trim();
		if (response.status >= 500 || response.status === 408 || response.status === 429) throw new TransientError(message);
		throw new Error(message);
	}
	if (!response.body) throw new TransientError(`${url}: empty response`);
	let got = 0;
	const count = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			got += chunk.length;
			received(chunk.length);
			callback(null, chunk);
		},
	});
	const file = createWriteStream(part, { flags: offset > 0 ? "a" : "w" });
	try {
		await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), count, file);
	} catch (error) {
		// pipeline can reject while a write is still in flight; the part's size must be final before anyone (the
		// retry, the next run) resumes from it.
		if (!file.closed) await once(file, "close").catch(() => undefined);
		throw new TransientError(`${url}: connection lost after ${offset + got} bytes (${describe(error)}); the next run resumes from there`);
	}
}

function describe(error: unknown): string {
	const e = error as Error & { cause?: { message?: string; code?: string } };
	return e.cause?.code ?? e.cause?.message ?? e.message;
}
