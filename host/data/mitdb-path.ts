import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataConfigFile, fetchedLocation } from './data-home.ts';

export const FETCH_MITDB = 'npx hypertiny data fetch mitdb';

export type MitdbSource =
  | { path: string; source: 'HYPERTINY_MITDB' | 'fetched' | 'archive'; missing?: undefined }
  | { path?: undefined; missing: string };

/**
 * Where the MIT-BIH Arrhythmia Database records are, without unpacking anything:
 * 1. $HYPERTINY_MITDB, a directory of WFDB files such as a PhysioNet download of mitdb; or else
 * 2. the copy `hypertiny data fetch mitdb` downloaded, verified and recorded ($XDG_CONFIG_HOME/hypertiny/data.json);
 *    or else
 * 3. the project's shared archive (mitdb_48records_wfdb.tar.xz in $HYPERTINY_MITDB_ARCHIVE when set, else in the
 *    repo's shared/data/mitbih_arrhythmia or ../shared/data/mitbih_arrhythmia). `path` is then the archive's folder.
 */
export function findMitdb(env: Record<string, string | undefined> = process.env): MitdbSource {
  const explicit = env['HYPERTINY_MITDB'];
  if (explicit) {
    return isDirectory(explicit)
      ? { path: resolve(explicit), source: 'HYPERTINY_MITDB' }
      : { missing: `HYPERTINY_MITDB=${explicit} is not a directory` };
  }
  const fetched = fetchedLocation('mitdb', env);
  if (fetched) return { path: fetched, source: 'fetched' };
  const candidates = archiveCandidates(env);
  const archive = candidates.find((c) => existsSync(join(c, ARCHIVE)) && existsSync(join(c, MANIFEST)));
  if (archive) return { path: archive, source: 'archive' };
  return {
    missing:
      `MIT-BIH records not found: run \`${FETCH_MITDB}\` (PhysioNet, 94 MB), or set HYPERTINY_MITDB to a directory of ` +
      `mitdb WFDB files. Looked for $HYPERTINY_MITDB, a fetched copy (${dataConfigFile(env)}) and ${ARCHIVE} in ${candidates.join(', ')}`,
  };
}

/**
 * The directory of MIT-BIH WFDB files (findMitdb's order); the shared archive is unpacked once into
 * $XDG_CACHE_HOME/hypertiny/mitdb (~/.cache by default) after checking every file against its sha256 manifest.
 */
export async function mitdbPath(): Promise<string> {
  const found = findMitdb();
  if (!found.path) throw new Error(found.missing);
  if (found.source !== 'archive') return found.path;
  return unpackSharedArchive({ dir: found.path, archive: ARCHIVE, manifest: MANIFEST, unpacks: 'mitdb', cacheName: 'mitdb' });
}

/**
 * A shared archive (`dir/archive`, whose files `dir/manifest` lists by sha256, unpacking to the folder `unpacks`)
 * unpacked once into $XDG_CACHE_HOME/hypertiny/<cacheName> (~/.cache by default), every file checked against the
 * manifest; later calls return the same folder while the manifest is unchanged.
 */
export async function unpackSharedArchive(o: { dir: string; archive: string; manifest: string; unpacks: string; cacheName: string }): Promise<string> {
  const manifest = await readFile(join(o.dir, o.manifest), 'utf8');
  const stamp = sha256(manifest);
  const cacheRoot = join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'hypertiny');
  const target = join(cacheRoot, o.cacheName);
  if (await readStamp(target) === stamp) return target;
  await unpackVerified(join(o.dir, o.archive), o.manifest, manifest, stamp, cacheRoot, target, o.unpacks);
  return target;
}

const ARCHIVE = 'mitdb_48records_wfdb.tar.xz';
const MANIFEST = 'mitdb_contents.sha256';
const STAMP = '.hypertiny-verified';

/** An explicit $HYPERTINY_MITDB_ARCHIVE is the only place looked in (so a test can hide the shared copy). */
function archiveCandidates(env: Record<string, string | undefined>): string[] {
  const explicit = env['HYPERTINY_MITDB_ARCHIVE'];
  if (explicit) return [explicit];
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  return [join(repoRoot, 'shared/data/mitbih_arrhythmia'), join(repoRoot, '../shared/data/mitbih_arrhythmia')];
}

/**
 * Unpack into a private temporary directory, verify, then rename into place, so a concurrent caller (test files run
 * in parallel) never sees a half-written directory.
 */
async function unpackVerified(archive: string, manifestName: string, manifest: string, stamp: string, cacheRoot: string, target: string, unpacks: string) {
  await mkdir(cacheRoot, { recursive: true });
  const scratch = await mkdtemp(join(cacheRoot, 'unpack-'));
  try {
    const tar = spawnSync('tar', ['-xJf', archive, '-C', scratch], { encoding: 'utf8' });
    if (tar.status !== 0) {
      throw new Error(`unpacking ${archive} failed (tar with xz support is required): ${tar.stderr || tar.error?.message}`);
    }
    await verifyManifest(scratch, manifestName, manifest, archive);
    const unpacked = join(scratch, unpacks);
    await writeFile(join(unpacked, STAMP), stamp);
    // Another process may have finished first; its copy is as good as ours and may be in use, so keep it.
    if ((await readStamp(target)) === stamp) return;
    await rm(target, { recursive: true, force: true }); // a stale copy from an older archive
    try {
      await rename(unpacked, target);
    } catch (e) {
      if ((await readStamp(target)) !== stamp) throw e;
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function verifyManifest(root: string, manifestName: string, manifest: string, archive: string) {
  for (const line of manifest.split('\n').filter((l) => l.trim() !== '')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (!m) throw new Error(`${manifestName}: unreadable line "${line}"`);
    const [, expected, relPath] = m;
    const actual = sha256(await readFile(join(root, relPath!)));
    if (actual !== expected) throw new Error(`${archive}: ${relPath} has sha256 ${actual}, the manifest says ${expected}`);
  }
}

async function readStamp(dir: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, STAMP), 'utf8');
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
