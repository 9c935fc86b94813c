// The embedded-default XS host (host/sim/out/hypertiny-sim, built by `npm install`): small scripts run
// through it, asserting the globals device code sees (trace, Timer, Time, Resource, native, Native,
// __mcconfig), the sim-only $sim, exit statuses, and the xsmc bindings of the C core (native/xs/ht_xs.c).
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIM = fileURLToPath(new URL('../host/sim/out/hypertiny-sim', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let workDir = '';

test.before(async () => {
  if (!existsSync(SIM)) throw new Error(`${SIM} is missing: run npm install (or node host/sim/build.mjs)`);
  workDir = await mkdtemp(join(tmpdir(), 'hypertiny-sim-'));
  await writeFile(join(workDir, 'tiny.htpw'), tinyModelBlob());
});

let scriptCount = 0;

/** Runs `script` as the bundle; `options` go before it, `args` after it. */
async function sim(script: string, options: string[] = [], args: string[] = []): Promise<Run> {
  const path = join(workDir, `script-${scriptCount++}.js`);
  await writeFile(path, script);
  return new Promise((resolve, reject) => {
    const child = spawn(SIM, [...options, path, ...args], { cwd: workDir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => (stdout += data));
    child.stderr.on('data', (data) => (stderr += data));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The last stdout line as JSON (scripts report that way). */
function result(run: Run): any {
  const lines = run.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]!);
  } catch {
    throw new Error(`no JSON result (status ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
}

// --- a minimal valid model, written by hand from docs/FORMAT.md -------------------------------------------

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Input t0 [4][2] at arena 0; op 0 AVGPOOL t0 -> t1 [1][2] at 8 (aux m = 2^30, s = -2: the mean halved);
 * op 1 MAXPOOL K=2 stride 2 t0 -> t2 [2][2] at 10. Output t1; arena 14 bytes. Sections META, PLAN, QPARAMS.
 * For input 1..8: t1 = [2, 3] (means 4 and 5, halved, rounded half up), t2 = [3, 4, 7, 8].
 */
function tinyModelBlob(): Uint8Array {
  const size = 240;
  const blob = new Uint8Array(size);
  const v = new DataView(blob.buffer);
  blob.set([0x48, 0x54, 0x50, 0x57]);
  v.setUint16(4, 1, true);
  v.setUint32(8, size, true);
  v.setUint16(16, 3, true);
  v.setUint16(18, 32, true);
  const section = (i: number, type: number, align: number, offset: number, length: number) => {
    const p = 32 + 16 * i;
    v.setUint16(p, type, true);
    v.setUint16(p + 2, align, true);
    v.setUint32(p + 4, offset, true);
    v.setUint32(p + 8, length, true);
  };
  const META = 80, PLAN = 84, QPARAMS = 232;
  section(0, 1, 1, META, 2);
  section(1, 2, 4, PLAN, 16 + 12 * 3 + 48 * 2);
  section(2, 8, 4, QPARAMS, 8);
  blob.set([0x7b, 0x7d], META); // {}
  v.setUint16(PLAN, 3, true); // tensors
  v.setUint16(PLAN + 2, 2, true); // ops
  v.setUint32(PLAN + 4, 14, true); // arena bytes
  v.setUint16(PLAN + 8, 0, true); // input tensor
  v.setUint16(PLAN + 10, 1, true); // output tensor
  const tensor = (i: number, offset: number, length: number, channels: number) => {
    const p = PLAN + 16 + 12 * i;
    v.setUint32(p, offset, true);
    v.setUint16(p + 4, length, true);
    v.setUint16(p + 6, channels, true);
  };
  tensor(0, 0, 4, 2);
  tensor(1, 8, 1, 2);
  tensor(2, 10, 2, 2);
  const op = (i: number, opcode: number, out: number, k: number, stride: number, aux: number) => {
    const p = PLAN + 16 + 12 * 3 + 48 * i;
    v.setUint8(p, opcode);
    v.setUint16(p + 2, 0, true); // in0
    v.setUint16(p + 4, 0xffff, true); // in1
    v.setUint16(p + 6, out, true);
    v.setUint16(p + 8, k, true);
    v.setUint8(p + 10, stride);
    v.setUint8(p + 11, 1); // dilation
    v.setUint16(p + 14, 0xffff, true); // gen_layer
    v.setInt8(p + 16, -128);
    v.setInt8(p + 17, 127);
    v.setUint32(p + 28, 0xffffffff, true); // no bias
    v.setUint32(p + 40, aux, true);
  };
  op(0, 5, 1, 1, 1, 0);
  op(1, 7, 2, 2, 2, 0xffffffff);
  v.setInt32(QPARAMS, 1 << 30, true);
  v.setInt32(QPARAMS + 4, -2, true);
  v.setUint32(12, crc32(blob), true);
  return blob;
}

const MODEL = ['--resource', 'tiny.htpw=tiny.htpw'];

// --- the host ---------------------------------------------------------------------------------------------

test('trace writes each argument as a string, nothing added', async (t) => {
  const run = await sim('trace("a", 1, true, null, undefined, [1, 2], "\\n"); trace("b"); trace(); trace("c");');
  t.is(run.status, 0);
  t.is(run.stdout, 'a1truenullundefined1,2\nbc');
  t.is(run.stderr, '');
});

test('an uncaught exception prints its stack on stderr and exits 1', async (t) => {
  const run = await sim('trace("before\\n");\nfunction fail() { throw new RangeError("boom"); }\nfail();\ntrace("after");');
  t.is(run.status, 1);
  t.is(run.stdout, 'before\n');
  t.regex(run.stderr, /uncaught exception: RangeError: boom/);
  t.regex(run.stderr, /at fail \(.*script-\d+\.js:2\)/);
});

test('exceptions in timers and promise jobs, and unhandled rejections, exit 1', async (t) => {
  const timer = await sim('Timer.set(() => { throw new TypeError("in a timer"); }, 5);');
  t.is(timer.status, 1);
  t.regex(timer.stderr, /uncaught exception: TypeError: in a timer/);
  const job = await sim('Promise.resolve().then(() => { throw new Error("in a job"); });');
  t.is(job.status, 1);
  t.regex(job.stderr, /Error: in a job/);
  const rejection = await sim('Promise.reject(new Error("never handled"));');
  t.is(rejection.status, 1);
  t.regex(rejection.stderr, /unhandled promise rejection: Error: never handled/);
  const handled = await sim('Promise.reject(new Error("x")).catch(() => trace("caught"));');
  t.is(handled.status, 0);
  t.is(handled.stdout, 'caught');
});

test('a syntax error names the file and line', async (t) => {
  const run = await sim('trace("fine");\nlet = = 1;\n');
  t.is(run.status, 1);
  t.is(run.stdout, '');
  t.regex(run.stderr, /script-\d+\.js:2: error: /);
  t.regex(run.stderr, /SyntaxError/);
});

test('$sim.exit ends now with its code; $sim.args holds the arguments after the bundle', async (t) => {
  const run = await sim('trace(JSON.stringify($sim.args)); Timer.set(() => trace("never"), 1); $sim.exit(3);', [], ['x', '--y', 'z z']);
  t.is(run.status, 3);
  t.is(run.stdout, '["x","--y","z z"]');
  t.is((await sim('$sim.exit();')).status, 0);
  const bad = await sim('$sim.exit(256);');
  t.is(bad.status, 1);
  t.regex(bad.stderr, /RangeError/);
  t.is((await sim('trace(Object.isFrozen($sim) && Object.isFrozen($sim.args));')).stdout, 'true');
});

test('--config is the frozen global __mcconfig, {} by default', async (t) => {
  const script = 'trace(JSON.stringify({ config: __mcconfig, frozen: Object.isFrozen(__mcconfig) && Object.isFrozen(__mcconfig.nested) }));';
  t.deepEqual(result(await sim(script, ['--config', '{"model":"m.htpw","nested":{"budget":4096}}'])), {
    config: { model: 'm.htpw', nested: { budget: 4096 } },
    frozen: true,
  });
  t.deepEqual(result(await sim('trace(JSON.stringify(__mcconfig));')), {});
  const bad = await sim('trace(1);', ['--config', '{nope']);
  t.is(bad.status, 2);
  t.regex(bad.stderr, /--config is not valid JSON/);
});

test('--timeout stops a script that never ends with status 124', async (t) => {
  const busy = await sim('trace("start"); for (;;) {}', ['--timeout', '300']);
  t.is(busy.status, 124);
  t.is(busy.stdout, 'start');
  t.regex(busy.stderr, /timeout after 300 ms/);
  const idle = await sim('Timer.repeat(() => {}, 10);', ['--timeout', '200']);
  t.is(idle.status, 124);
});

test('usage errors exit 2', async (t) => {
  t.is((await sim('', ['--bogus'])).status, 2);
  t.is((await sim('', ['--timeout', 'soon'])).status, 2);
  const missing = await sim('', ['--resource', 'a=/nonexistent/file']);
  t.is(missing.status, 2);
  t.regex(missing.stderr, /cannot read \/nonexistent\/file/);
});

// --- Timer and Time ---------------------------------------------------------------------------------------

test('Timer: microtasks first, then due timers in order; repeat, clear, schedule as on Moddable', async (t) => {
  const script = `
    const events = [];
    const log = (e) => events.push(e);
    Timer.set(function (timer) { log("immediate:" + (this === globalThis) + ":" + (typeof timer)); });
    Timer.set(() => log("200"), 200);
    Timer.set(() => log("10"), 10);
    Promise.resolve().then(() => log("microtask"));
    let count = 0;
    Timer.repeat((timer) => { log("repeat" + ++count); if (count === 3) Timer.clear(timer); }, 4);
    const parked = Timer.set(() => log("never: unscheduled"), 5);
    Timer.schedule(parked);
    const later = Timer.set(() => log("rescheduled"), 10000);
    Timer.schedule(later, 20);
    const cleared = Timer.set(() => log("never: cleared"), 5);
    Timer.clear(cleared);
    Timer.clear(cleared);
    Timer.clear(undefined);
    Timer.clear(null);
    let again = 0;
    Timer.repeat((timer) => { log("slow" + ++again); Timer.schedule(timer, 25); }, 2);
    Timer.set(() => {
      let threw = false;
      try { Timer.schedule(cleared, 1); } catch { threw = true; }
      log("schedule-cleared-throws:" + threw);
      const t0 = Time.ticks;
      Timer.delay(15);
      log("delay:" + (Time.ticks - t0 >= 15));
      Timer.set(() => trace(JSON.stringify(events)), 200);
    }, 50);
    log("sync");
  `;
  const run = await sim(script);
  t.is(run.status, 0, run.stderr);
  const events: string[] = result(run);
  t.deepEqual(events.slice(0, 3), ['sync', 'microtask', 'immediate:true:object']);
  t.deepEqual(events.filter((e) => e.startsWith('repeat')), ['repeat1', 'repeat2', 'repeat3']);
  t.deepEqual(events.filter((e) => e.startsWith('slow')), ['slow1'], 'repeat interval 0 when the callback returns: cleared');
  t.true(events.indexOf('10') < events.indexOf('200'), 'the earlier deadline first');
  t.true(events.includes('rescheduled'));
  t.false(events.some((e) => e.startsWith('never')));
  t.true(events.includes('schedule-cleared-throws:true'));
  t.true(events.includes('delay:true'));
});

test('Time.ticks and Time.microseconds count from the start of the simulator', async (t) => {
  const script = `
    const t0 = Time.ticks, u0 = Time.microseconds;
    Timer.set(() => trace(JSON.stringify({ t0, dt: Time.ticks - t0, du: Time.microseconds - u0, delta: Time.delta(t0, t0 + 7) })), 20);
  `;
  const { t0, dt, du, delta } = result(await sim(script));
  t.true(t0 >= 0 && t0 < 5000);
  t.true(dt >= 20 && dt < 1000, `${dt}`);
  t.true(du >= 20000 && du < 1000000, `${du}`);
  t.is(delta, 7);
});

// --- Resource ---------------------------------------------------------------------------------------------

test('Resource maps a file read-only and in place (no copy into the XS heap)', async (t) => {
  const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
  await writeFile(join(workDir, 'bytes.bin'), bytes);
  const huge = join(workDir, 'huge.bin'); // sparse, 1.5 GiB: more than the simulator's 1 GiB XS heap
  await writeFile(huge, '');
  await truncate(huge, 1.5 * 2 ** 30);
  const script = `
    const r = new Resource("bytes.bin");
    const h = new Resource("huge.bin");
    const tail = new Uint8Array(h, h.byteLength - 4);
    trace(JSON.stringify({
      length: r.byteLength, bytes: Array.from(new Uint8Array(r)), view: new DataView(r).getUint16(1, true),
      hugeLength: h.byteLength, tail: Array.from(tail), same: new Uint8Array(new Resource("bytes.bin"))[299],
      copy: r.slice(2, 5) instanceof ArrayBuffer, copied: Array.from(new Uint8Array(r.slice(2, 5))),
      inPlace: Array.from(new Uint8Array(r.slice(290, 400, false))),
      exists: [Resource.exists("bytes.bin"), Resource.exists("nope.bin")],
    }));
  `;
  const run = await sim(script, ['--resource', 'bytes.bin=bytes.bin', '--resource', `huge.bin=${huge}`]);
  t.is(run.status, 0, run.stderr);
  const out = result(run);
  t.is(out.length, 300);
  t.deepEqual(out.bytes, Array.from(bytes));
  t.is(out.view, bytes[1]! | (bytes[2]! << 8));
  t.is(out.hugeLength, 1.5 * 2 ** 30);
  t.deepEqual(out.tail, [0, 0, 0, 0]);
  t.is(out.same, bytes[299]);
  t.true(out.copy);
  t.deepEqual(out.copied, Array.from(bytes.slice(2, 5)));
  t.deepEqual(out.inPlace, Array.from(bytes.slice(290, 300)));
  t.deepEqual(out.exists, [true, false]);
});

test('writes through any view of a Resource throw TypeError and leave the file intact', async (t) => {
  const bytes = Uint8Array.from({ length: 64 }, (_, i) => i);
  await writeFile(join(workDir, 'ro.bin'), bytes);
  const script = `
    const r = new Resource("ro.bin");
    const writes = {
      index: () => { new Uint8Array(r)[0] = 9; },
      wide: () => { new Float64Array(r, 8)[0] = 1; },
      set: () => new Int8Array(r).set([1, 2]),
      fill: () => new Uint8Array(r).fill(7),
      copyWithin: () => new Uint8Array(r).copyWithin(0, 8),
      reverse: () => new Uint8Array(r).reverse(),
      sort: () => new Uint8Array(r).sort(),
      dataView: () => new DataView(r).setUint32(0, 1),
      reflect: () => Reflect.set(new Uint8Array(r), 0, 5),
      define: () => Object.defineProperty(new Uint8Array(r), 0, { value: 1 }),
      atomics: () => Atomics.store(new Int32Array(r), 0, 1),
      inPlaceSlice: () => { new Uint8Array(r.slice(0, 8, false))[0] = 1; },
      arena: () => native("xs_ht_buffer") && native("xs_ht_run_ops")(native("xs_ht_model_open")(new Resource("tiny.htpw")), new Resource("tiny.htpw"), 0, 1, r),
    };
    const outcome = {};
    for (const [name, write] of Object.entries(writes)) {
      try { write(); outcome[name] = "no error"; } catch (e) { outcome[name] = e.name; }
    }
    trace(JSON.stringify({ outcome, first: new Uint8Array(r)[0] }));
  `;
  const run = await sim(script, ['--resource', 'ro.bin=ro.bin', ...MODEL]);
  t.is(run.status, 0, run.stderr);
  const { outcome, first } = result(run);
  for (const [name, error] of Object.entries(outcome)) t.is(error, name === 'arena' ? 'Error' : 'TypeError', name);
  t.is(first, 0);
  t.deepEqual(new Uint8Array(await readFile(join(workDir, 'ro.bin'))), bytes);
});

test('unknown resources throw; --resources DIR serves files inside DIR only', async (t) => {
  await writeFile(join(workDir, 'in-dir.bin'), 'abc');
  const script = `
    const attempt = (name) => { try { return new Resource(name).byteLength; } catch (e) { return e.name + ": " + e.message; } };
    trace(JSON.stringify([attempt("in-dir.bin"), attempt("missing.bin"), attempt("../etc/passwd"), attempt("/etc/passwd")]));
  `;
  const [inDir, missing, parent, absolute] = result(await sim(script, ['--resources', workDir]));
  t.is(inDir, 3);
  t.regex(missing, /^URIError: .*Resource not found: missing\.bin$/);
  t.regex(parent, /Resource not found/);
  t.regex(absolute, /Resource not found/);
  const none = result(await sim('try { new Resource("in-dir.bin"); } catch (e) { trace(JSON.stringify(e.message)); }'));
  t.regex(none, /Resource not found: in-dir\.bin/);
});

// --- native() and Native() --------------------------------------------------------------------------------

test('native() and Native() find registered host functions and destructors, and reject other names', async (t) => {
  const script = `
    const attempt = (f) => { try { return f(); } catch (e) { return e.name + ": " + e.message; } };
    class Buffer extends Native("xs_ht_buffer_destructor") {}
    trace(JSON.stringify({
      same: native("xs_ht_buffer") === native("xs_ht_buffer"),
      type: typeof native("xs_ht_run_op"),
      instance: new Buffer() instanceof Buffer,
      unknown: attempt(() => native("xs_no_such_thing")),
      notString: attempt(() => native(42)),
      unknownDestructor: attempt(() => Native("xs_no_such_destructor")),
      callClass: attempt(() => Native("xs_ht_buffer_destructor")()),
    }));
  `;
  const out = result(await sim(script));
  t.true(out.same);
  t.is(out.type, 'function');
  t.true(out.instance);
  t.regex(out.unknown, /^Error: .*no host function "xs_no_such_thing"/);
  t.regex(out.notString, /^TypeError: /);
  t.regex(out.unknownDestructor, /^Error: .*no host destructor "xs_no_such_destructor"/);
  t.regex(out.callClass, /^TypeError: /);
});

// --- the xsmc bindings of the C core ----------------------------------------------------------------------

const ATTEMPT = 'const attempt = (f) => { try { f(); return "ok"; } catch (e) { return e.message; } };';

test('xs_ht_buffer: zeroed native memory usable through views; sizes are checked', async (t) => {
  const script = `${ATTEMPT}
    const buffer = native("xs_ht_buffer")(24);
    const bytes = new Int8Array(buffer);
    const zeroed = bytes.every((b) => b === 0);
    new DataView(buffer).setInt32(4, -2, true);
    const words = new Int32Array(buffer);
    trace(JSON.stringify({
      length: bytes.length, zeroed, word: words[1], float64: new Float64Array(buffer).length,
      empty: new Int8Array(native("xs_ht_buffer")(0)).length,
      negative: attempt(() => native("xs_ht_buffer")(-1)),
      fraction: attempt(() => native("xs_ht_buffer")(1.5)),
      string: attempt(() => native("xs_ht_buffer")("8")),
      missing: attempt(() => native("xs_ht_buffer")()),
      tooBig: attempt(() => native("xs_ht_buffer")(2 ** 31)),
    }));
  `;
  const out = result(await sim(script));
  t.like(out, { length: 24, zeroed: true, word: -2, float64: 3, empty: 0 });
  for (const key of ['negative', 'fraction', 'string', 'missing', 'tooBig']) t.regex(out[key], /^htpw ARGUMENT \(20\): /, key);
});

test('xs_ht_copy_bytes: the first bytes of a buffer or view to the start of another; lengths and buffers are checked', async (t) => {
  const script = `${ATTEMPT}
    const source = new Uint8Array(16).map((_, i) => i + 1);
    const packet = new ArrayBuffer(5);
    native("xs_ht_copy_bytes")(packet, source, 5);
    const host = native("xs_ht_buffer")(8);
    native("xs_ht_copy_bytes")(host, source.subarray(3), 4);
    const before = Array.from(new Uint8Array(packet));
    trace(JSON.stringify({
      packet: before, host: Array.from(new Uint8Array(host)),
      none: attempt(() => native("xs_ht_copy_bytes")(packet, source, 0)),
      tooLongForDestination: attempt(() => native("xs_ht_copy_bytes")(packet, source, 6)),
      tooLongForSource: attempt(() => native("xs_ht_copy_bytes")(new ArrayBuffer(32), source, 17)),
      fraction: attempt(() => native("xs_ht_copy_bytes")(packet, source, 1.5)),
      negative: attempt(() => native("xs_ht_copy_bytes")(packet, source, -1)),
      string: attempt(() => native("xs_ht_copy_bytes")(packet, source, "2")),
      notBuffer: attempt(() => native("xs_ht_copy_bytes")({}, source, 1)),
      missing: attempt(() => native("xs_ht_copy_bytes")(packet, source)),
      unchanged: Array.from(new Uint8Array(packet)).join() === before.join(),
    }));
  `;
  const out = result(await sim(script));
  t.deepEqual(out.packet, [1, 2, 3, 4, 5]);
  t.deepEqual(out.host, [4, 5, 6, 7, 0, 0, 0, 0]);
  t.is(out.none, 'ok');
  for (const key of ['tooLongForDestination', 'tooLongForSource', 'fraction', 'negative', 'string', 'notBuffer', 'missing']) t.regex(out[key], /^htpw ARGUMENT \(20\): /, key);
  t.true(out.unchanged, 'a refused copy writes nothing');
});

test('xs_ht_model_open: a valid blob opens from a Resource or an ArrayBuffer; corrupt blobs throw their status', async (t) => {
  const script = `${ATTEMPT}
    const resource = new Resource("tiny.htpw");
    const model = native("xs_ht_model_open")(resource);
    const corrupt = (edit) => { const copy = resource.slice(0); edit(new DataView(copy)); return attempt(() => native("xs_ht_model_open")(copy)); };
    trace(JSON.stringify({
      arena: native("xs_ht_model_arena_bytes")(model),
      scratch: native("xs_ht_model_scratch_bytes")(model),
      fromArrayBuffer: attempt(() => native("xs_ht_model_open")(resource.slice(0))),
      fromView: attempt(() => native("xs_ht_model_open")(new Uint8Array(resource.slice(0)))),
      crc: corrupt((v) => v.setUint8(100, v.getUint8(100) ^ 1)),
      magic: corrupt((v) => v.setUint8(0, 0x58)),
      version: corrupt((v) => v.setUint16(4, 3, true)),
      truncated: attempt(() => native("xs_ht_model_open")(resource.slice(0, 20))),
      misaligned: attempt(() => {
        const view = new Uint8Array(new ArrayBuffer(244), 2, 240);
        view.set(new Uint8Array(resource));
        native("xs_ht_model_open")(view);
      }),
      notBuffer: attempt(() => native("xs_ht_model_open")({})),
      missing: attempt(() => native("xs_ht_model_open")()),
      kernelBytes: attempt(() => native("xs_ht_model_kernel_bytes")(model, 0)),
      notModel: attempt(() => native("xs_ht_model_arena_bytes")(resource)),
    }));
  `;
  const run = await sim(script, MODEL);
  t.is(run.status, 0, run.stderr);
  const out = result(run);
  t.like(out, { arena: 14, scratch: 0, fromArrayBuffer: 'ok', fromView: 'ok' });
  t.regex(out.crc, /^htpw CRC \(5\): /);
  t.regex(out.magic, /^htpw MAGIC \(2\): /);
  t.regex(out.version, /^htpw VERSION \(3\): /);
  t.regex(out.truncated, /^htpw TRUNCATED \(1\): /);
  t.regex(out.misaligned, /^htpw SECTION_ALIGN \(8\): /);
  for (const key of ['notBuffer', 'missing', 'kernelBytes', 'notModel']) t.regex(out[key], /^htpw ARGUMENT \(20\): /, key);
});

test('xs_ht_run_op and xs_ht_run_ops compute the plan and check every argument', async (t) => {
  const script = `${ATTEMPT}
    const blob = new Resource("tiny.htpw");
    const model = native("xs_ht_model_open")(blob);
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const arena = native("xs_ht_buffer")(14);
    new Int8Array(arena).set(input);
    native("xs_ht_run_ops")(model, blob, 0, 2, arena);
    const viaOps = Array.from(new Int8Array(arena, 8));
    const other = new ArrayBuffer(14);
    new Int8Array(other).set(input);
    native("xs_ht_run_op")(model, blob, 0, other);
    native("xs_ht_run_op")(model, blob, 1, new Int8Array(other), undefined, undefined);
    const run = (...args) => attempt(() => native("xs_ht_run_op")(model, blob, ...args));
    trace(JSON.stringify({
      viaOps, viaOp: Array.from(new Int8Array(other, 8)),
      empty: attempt(() => native("xs_ht_run_ops")(model, blob, 1, 1, arena)),
      opPastEnd: run(2, arena), opNegative: run(-1, arena), opFraction: run(0.5, arena), opString: run("0", arena),
      smallArena: run(0, native("xs_ht_buffer")(13)), readOnlyArena: run(0, blob), noArena: run(0),
      kernelForPlainOp: run(0, arena, native("xs_ht_buffer")(64), 0),
      wrongBlob: attempt(() => native("xs_ht_run_op")(model, blob.slice(0, 236), 0, arena)),
      otherBlob: attempt(() => native("xs_ht_run_op")(model, blob.slice(0), 0, arena)),
      notModel: attempt(() => native("xs_ht_run_op")(arena, blob, 0, arena)),
      endBeforeFirst: attempt(() => native("xs_ht_run_ops")(model, blob, 2, 1, arena)),
      endPastOps: attempt(() => native("xs_ht_run_ops")(model, blob, 0, 3, arena)),
      synthesize: attempt(() => native("xs_ht_synthesize")(model, blob, 0, arena, 0, arena)),
    }));
  `;
  const run = await sim(script, MODEL);
  t.is(run.status, 0, run.stderr);
  const out = result(run);
  t.deepEqual(out.viaOps, [2, 3, 3, 4, 7, 8]);
  t.deepEqual(out.viaOp, [2, 3, 3, 4, 7, 8]);
  t.is(out.empty, 'ok');
  for (const key of ['opPastEnd', 'opNegative', 'opFraction', 'opString', 'smallArena', 'readOnlyArena', 'noArena',
    'kernelForPlainOp', 'wrongBlob', 'otherBlob', 'notModel', 'endBeforeFirst', 'endPastOps', 'synthesize'])
    t.regex(out[key], /^htpw ARGUMENT \(20\): /, key);
  t.regex(out.smallArena, /arena has 13 bytes, the model needs 14/);
});

test('a model over an ArrayBuffer survives heap compaction and rewrites of its blob', async (t) => {
  const script = `
    const blob = new Resource("tiny.htpw").slice(0);
    const model = native("xs_ht_model_open")(blob);
    const arena = new ArrayBuffer(14);
    const results = new Set();
    let garbage = [];
    for (let i = 0; i < 200; i++) {
      for (let j = 0; j < 200; j++) garbage.push(new ArrayBuffer(64 + (j & 7)), "s" + i + j);
      if (i % 3 === 0) garbage = [];
      new Int8Array(arena).set([1, 2, 3, 4, 5, 6, 7, 8]);
      native("xs_ht_run_ops")(model, blob, 0, 2, arena);
      results.add(Array.from(new Int8Array(arena, 8)).join());
    }
    new Uint8Array(blob).fill(0xff); // after validation: values change, memory safety must not
    native("xs_ht_run_ops")(model, blob, 0, 2, arena);
    new Uint8Array(blob).fill(0x7f);
    native("xs_ht_run_ops")(model, blob, 0, 2, arena);
    trace(JSON.stringify([...results]));
  `;
  const run = await sim(script, MODEL);
  t.is(run.status, 0, run.stderr);
  t.deepEqual(result(run), ['2,3,3,4,7,8']);
});

test('misuse of natives from scripts throws and never crashes the simulator', async (t) => {
  const script = `
    const names = ["xs_ht_buffer", "xs_ht_model_open", "xs_ht_model_scratch_bytes", "xs_ht_model_kernel_bytes",
      "xs_ht_model_arena_bytes", "xs_ht_model_info", "xs_ht_model_op_gen_layer", "xs_ht_run_op", "xs_ht_run_ops", "xs_ht_run_model", "xs_ht_synthesize", "xs_timer_set", "xs_timer_repeat",
      "xs_timer_schedule", "xs_timer_clear", "xs_time_ticks", "xs_time_delta", "Resource_constructor", "Resource_exists",
      "Resource_get_byteLength", "Resource_slice"];
    const blob = new Resource("tiny.htpw");
    const model = native("xs_ht_model_open")(blob);
    const hosts = ["Resource_destructor", "xs_ht_buffer_destructor", "xs_ht_model_destructor", "xs_timer_destructor"]
      .map((name) => new (Native(name))());
    const values = [undefined, null, 0, -1, 1.5, 2 ** 31, NaN, "x", {}, [], Symbol(), 1n, () => 0, new ArrayBuffer(0),
      new ArrayBuffer(300), new Uint8Array(16), new Int32Array(4), new DataView(new ArrayBuffer(8)), blob, model,
      native("xs_ht_buffer")(4), ...hosts, Timer.set(() => {}, 1e6), Resource.prototype, { valueOf() { throw 1; } },
      { byteLength: 1e6 }, new Proxy({}, {})];
    let seed = 7;
    const next = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0; };
    let thrown = 0;
    for (let i = 0; i < 20000; i++) {
      const args = Array.from({ length: next() % 7 }, () => values[next() % values.length]);
      if (next() % 3 === 0) { args[0] = model; args[1] = blob; }
      try { native(names[next() % names.length]).call(values[next() % values.length], ...args); } catch { thrown++; }
    }
    Object.prototype.byteLength = 1e6;
    for (const value of values) { try { new Uint8Array(value).reduce((a, b) => a + b, 0); } catch { thrown++; } }
    delete Object.prototype.byteLength;
    trace(JSON.stringify({ thrown }));
    $sim.exit(0);
  `;
  const run = await sim(script, MODEL);
  t.is(run.status, 0, run.stderr);
  t.true(result(run).thrown > 1000);
});
