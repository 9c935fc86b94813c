import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the MIT-BIH Arrhythmia Database records are:
 * 1. $HYPERTINY_MITDB, a directory of WFDB files such as a PhysioNet download of mitdb; or else
 * 2. the project's shared archive (mitdb_48records_wfdb.tar.xz, found in $HYPERTINY_MITDB_ARCHIVE or the repo's
 *    shared/data/mitbih_arrhythmia), unpacked once into $XDG_CACHE_HOME/hypertiny/mitdb (~/.cache by default)
 *    after checking every file against the archive's sha256 manifest.
 */
export async function mitdbPath(): Promise<string> {
  const explicit = process.env['HYPERTINY_MITDB'];
  if (explicit) {
    if (!isDirectory(explicit)) throw new Error(`HYPERTINY_MITDB=${explicit} is not a directory`);
    return resolve(explicit);
  }
  const archiveDir = findArchiveDir();
  const manifest = await readFile(join(archiveDir, MANIFEST), 'utf8');
  const stamp = sha256(manifest);
  const cacheRoot = join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'hypertiny');
  const target = join(cacheRoot, 'mitdb');
  if (await readStamp(target) === stamp) return target;
  await unpackVerified(join(archiveDir, ARCHIVE), manifest, stamp, cacheRoot, target);
  return target;
}

const ARCHIVE = 'mitdb_48records_wfdb.tar.xz';
const MANIFEST = 'mitdb_contents.sha256';
const STAMP = '.hypertiny-verified';

function findArchiveDir(): string {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const candidates = [
    process.env['HYPERTINY_MITDB_ARCHIVE'],
    join(repoRoot, 'shared/data/mitbih_arrhythmia'),
    join(repoRoot, '../shared/data/mitbih_arrhythmia'),
  ].filter((c): c is string => !!c);
  const found = candidates.find((c) => existsSync(join(c, ARCHIVE)) && existsSync(join(c, MANIFEST)));
  if (!found) {
    throw new Error(
      `MIT-BIH records not found: set HYPERTINY_MITDB to a directory of mitdb WFDB files (e.g. a PhysioNet download), ` +
        `or HYPERTINY_MITDB_ARCHIVE to a folder holding ${ARCHIVE} and ${MANIFEST}. Looked in: ${candidates.join(', ')}`,
    );
  }
  return found;
}

/**
 * Unpack into a private temporary directory, verify, then rename into place, so a concurrent caller (test files run
 * in parallel) never sees a half-written directory.
 */
async function unpackVerified(archive: string, manifest: string, stamp: string, cacheRoot: string, target: string) {
  await mkdir(cacheRoot, { recursive: true });
  const scratch = await mkdtemp(join(cacheRoot, 'unpack-'));
  try {
    const tar = spawnSync('tar', ['-xJf', archive, '-C', scratch], { encoding: 'utf8' });
    if (tar.status !== 0) {
      throw new Error(`unpacking ${archive} failed (tar with xz support is required): ${tar.stderr || tar.error?.message}`);
    }
    await verifyManifest(scratch, manifest, archive);
    const unpacked = join(scratch, 'mitdb');
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

async function verifyManifest(root: string, manifest: string, archive: string) {
  for (const line of manifest.split('\n').filter((l) => l.trim() !== '')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (!m) throw new Error(`${MANIFEST}: unreadable line "${line}"`);
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
