// The per-run secret that the simulator's GATT socket and the web companion ask for, so that another local
// program or a web page the user visits cannot read the live ECG or drive the device. One random token per
// `hypertiny start`; the GATT socket's token is also written to a file only this user can read, named by the
// socket's port, so `hypertiny companion --sim PORT` finds it without copying it by hand.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export class TokenError extends Error {}

/** 32 random bytes, base64url (43 characters): safe in a URL and in a simulator-link frame. */
export function newToken(): string {
	return randomBytes(32).toString("base64url");
}

/** Compares in constant time whatever the lengths (both sides hashed first). */
export function tokensEqual(given: string | undefined, expected: string): boolean {
	if (given === undefined) return false;
	const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();
	return timingSafeEqual(digest(given), digest(expected));
}

const uid = (): number | undefined => process.getuid?.();

/** $XDG_RUNTIME_DIR/hypertiny, else <tmpdir>/hypertiny-<uid>: a folder only this user may enter. */
export function tokenDir(): string {
	const runtime = process.env.XDG_RUNTIME_DIR;
	return runtime ? join(runtime, "hypertiny") : join(tmpdir(), `hypertiny-${uid() ?? "user"}`);
}

/** Where the token of the simulator socket on `port` is kept while it runs. */
export function tokenFile(port: number): string {
	return join(tokenDir(), `sim-${port}.token`);
}

/** Creates the token folder (mode 0700), refusing one that another user made or others can enter. */
function privateDir(): string {
	const dir = tokenDir();
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	const s = lstatSync(dir);
	const me = uid();
	if (!s.isDirectory()) throw new TokenError(`${dir} is not a folder; remove it`);
	if (me !== undefined && s.uid !== me) throw new TokenError(`${dir} belongs to another user; remove it or set XDG_RUNTIME_DIR`);
	if (me !== undefined && (s.mode & 0o077) !== 0) chmodSync(dir, 0o700);
	return dir;
}

/** Writes the token for the socket on `port` (mode 0600, replaced atomically); returns the file's path. */
export function writeTokenFile(port: number, token: string): string {
	privateDir();
	const path = tokenFile(port);
	const temporary = `${path}.${process.pid}`;
	writeFileSync(temporary, token + "\n", { mode: 0o600 });
	renameSync(temporary, path);
	return path;
}

/** The token a running simulator wrote for `port`, or undefined when there is none. */
export function readTokenFile(port: number): string | undefined {
	const path = tokenFile(port);
	let s;
	try {
		s = lstatSync(path);
	} catch {
		return undefined;
	}
	const me = uid();
	if (!s.isFile() || (me !== undefined && (s.uid !== me || (s.mode & 0o077) !== 0)))
		throw new TokenError(`${path} is not a private file of this user (mode 0600); not reading it`);
	return readFileSync(path, "utf8").trim();
}

export function removeTokenFile(port: number): void {
	rmSync(tokenFile(port), { force: true });
}
