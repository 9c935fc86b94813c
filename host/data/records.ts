import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readAnnotations, type Annotation } from './wfdb/annotations.ts';
import { WfdbError } from './wfdb/errors.ts';
import { parseHeader, type WfdbHeader } from './wfdb/header.ts';
import { readSignals } from './wfdb/signal.ts';

export interface WfdbRecord {
  header: WfdbHeader;
  /** One array of digital values (ADC units) per signal, in header order; see toPhysical() for mV. */
  signals: Int16Array[];
  annotations: Annotation[];
}

export interface LoadOptions {
  /** Annotator (file extension) to read; "atr" holds MIT-BIH's reference annotations. */
  annotator?: string;
}

/**
 * Load record `name` from `dir` (a PhysioNet download directory): header, verified signals and annotations.
 * Throws WfdbError naming the record and the problem when anything is missing, malformed or corrupt.
 */
export async function loadRecord(dir: string, name: string, options: LoadOptions = {}): Promise<WfdbRecord> {
  const header = await readHeader(dir, name);
  const signals = await readSignals(dir, header);
  const annotator = options.annotator ?? 'atr';
  const annotations = await readAnnotations(join(dir, `${name}.${annotator}`));
  const length = signals[0]?.length;
  const outside = annotations.find((a) => length !== undefined && a.sample >= length);
  if (outside) {
    throw new WfdbError(`record ${name}: annotation "${outside.symbol}" at sample ${outside.sample} lies past the end of the signals (${length} samples)`);
  }
  return { header, signals, annotations };
}

/** Read and parse `<dir>/<name>.hea`, checking that it describes record `name`. */
export async function readHeader(dir: string, name: string): Promise<WfdbHeader> {
  const path = join(dir, `${name}.hea`);
  let text: string;
  try {
    text = await readFile(path, 'latin1');
  } catch (e) {
    throw new WfdbError(`record ${name}: cannot read header ${path}: ${(e as Error).message}`);
  }
  const header = parseHeader(text, path);
  if (header.recordName !== name) {
    throw new WfdbError(`${path}: header describes record "${header.recordName}", not "${name}"`);
  }
  return header;
}

/** Record names listed in a database directory's RECORDS file. */
export async function listRecords(dir: string): Promise<string[]> {
  const path = join(dir, 'RECORDS');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new WfdbError(`cannot read record list ${path}: ${(e as Error).message}`);
  }
  return text.split(/\s+/).filter((line) => line !== '');
}
