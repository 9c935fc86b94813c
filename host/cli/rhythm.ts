// `hypertiny rhythm cv`: the AF detector (modules/rhythm/af-detector.ts) on MIT-BIH DS1 by leave-one-record-out
// (host/rhythm/af-cv.ts), written to results/rhythm/af-cv.json and af-cv.md. DS2 is blind: `--split test` runs only
// with --release, once, with the parameters the app ships (AF_DEFAULTS), never to choose anything.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AF_DEFAULTS } from '../../modules/rhythm/af-detector.ts';
import { DS1, DS2 } from '../data/aami.ts';
import { mitdbPath } from '../data/mitdb-path.ts';
import { crossValidate, cvMarkdown, figures, GRID, SELECTION } from '../rhythm/af-cv.ts';
import { scoreStream } from '../rhythm/af-score.ts';
import { recordStreams, STREAMS, type BeatStream, type StreamName } from '../rhythm/af-streams.ts';
import { REPO_ROOT } from '../train/python.ts';

export const RHYTHM_USAGE = 'rhythm cv [--split train] [--streams device,device-rr,reference,app] [--out results/rhythm] [--json]';

const HELP = `usage: hypertiny ${RHYTHM_USAGE}

The AF detector (modules/rhythm/af-detector.ts) on MIT-BIH DS1 by leave-one-record-out: each record scored with the
parameters chosen on the other 21, per beat (Se, Sp, +P) and per episode >= 30 s (Se, +P, onset latency); flutter
apart. Writes <out>/af-cv.json and af-cv.md and prints the table.
  --streams LIST   of device (the device's ECG pipeline, reference V beats as its classes), device-rr (no classes),
                   reference (annotated beats), app (the app itself in the simulator with models/default.htpw)
  --out DIR        where the results go (default results/rhythm)
  --split test     DS2, blind: refused unless --release is given too; then scored once with the shipped parameters
  --json           the report as one JSON line instead of the table
`;

const CITATION =
  'Petrėnas A, Marozas V, Sörnmo L. Low-complexity detection of atrial fibrillation in continuous long-term monitoring. Comput Biol Med 65:184-191, 2015';

export async function rhythmCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      split: { type: 'string', default: 'train' },
      streams: { type: 'string', default: STREAMS.join(',') },
      out: { type: 'string', default: 'results/rhythm' },
      release: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'cv') throw new Error(`usage: hypertiny ${RHYTHM_USAGE}`);
  if (values.split !== 'train' && values.split !== 'test') throw new Error(`--split must be train (DS1) or test (DS2), not "${values.split}"`);
  if (values.split === 'test' && !values.release) {
    throw new Error('--split test is DS2, blind until release: add --release to evaluate it once with the shipped parameters (never to tune)');
  }
  const streams = values.streams.split(',').map((s) => s.trim());
  const unknown = streams.filter((s) => !(STREAMS as readonly string[]).includes(s));
  if (unknown.length > 0 || streams.length === 0) throw new Error(`--streams takes some of ${STREAMS.join(', ')}, not "${values.streams}"`);
  const out = resolve(REPO_ROOT, values.out);
  const dir = await mitdbPath();
  const records = values.split === 'test' ? DS2 : DS1;
  const loaded: Record<StreamName, BeatStream>[] = [];
  for (const record of records) loaded.push(await recordStreams(dir, record, streams.includes('app')));
  const of = (name: StreamName): BeatStream[] => loaded.map((r) => r[name]);
  await mkdir(out, { recursive: true });

  if (values.split === 'test') {
    const command = `hypertiny rhythm cv --split test --release --streams ${streams.join(',')}`;
    const rows = streams.map((name) => ({ stream: name, ...figures(of(name as StreamName).map((s) => scoreStream(s, AF_DEFAULTS))) }));
    const report = { command, citation: CITATION, split: 'DS2 (de Chazal 2004 test records), evaluated once at release', parameters: AF_DEFAULTS, records, streams: rows };
    await writeFile(join(out, 'af-ds2.json'), JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(values.json ? JSON.stringify(report) + '\n' : `wrote ${join(out, 'af-ds2.json')}\n`);
    return 0;
  }

  const command = `hypertiny rhythm cv --streams ${streams.join(',')}`;
  const results = streams.map((name) => crossValidate(name as StreamName, of(name as StreamName)));
  const report = {
    command,
    detector: 'modules/rhythm/af-detector.ts',
    citation: CITATION,
    split: 'DS1 (de Chazal 2004 training records), leave-one-record-out',
    records,
    grid: GRID,
    selection: SELECTION,
    shipped: AF_DEFAULTS,
    shippedIsDeviceChoice: JSON.stringify(AF_DEFAULTS) === JSON.stringify(results.find((r) => r.stream === 'device')?.allRecords.parameters),
    streams: results,
  };
  await writeFile(join(out, 'af-cv.json'), JSON.stringify(report, null, 2) + '\n');
  const markdown = cvMarkdown(command, results);
  await writeFile(join(out, 'af-cv.md'), markdown);
  process.stdout.write(values.json ? JSON.stringify(report) + '\n' : markdown);
  return 0;
}
