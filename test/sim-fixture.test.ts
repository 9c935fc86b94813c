// The fixture model (test/fixtures/tiny-hyper.htpw) through the simulator's xsmc bindings, driven by a plain
// script (synthesize every generated layer, then run the plan op by op or in runs, and whole in one call), must
// equal the TypeScript reference engine bit for bit, whether the blob is a Resource or a movable ArrayBuffer.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { run as referenceRun } from '../host/pack/ref-engine.ts';
import { readModel } from '../modules/model/index.ts';

const SIM = fileURLToPath(new URL('../host/sim/out/hypertiny-sim', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/tiny-hyper.htpw', import.meta.url));
const NONE16 = 0xffff;

// Runs windows (JSON in $sim.args[0]) through the model; prints the output bytes of each as JSON.
const SCRIPT = `
  const { genLayers, kernelBytes, input, output, asArrayBuffer } = __mcconfig;
  const windows = JSON.parse($sim.args[0]);
  const resource = new Resource("model.htpw");
  const blob = asArrayBuffer ? resource.slice(0) : resource;
  const model = native("xs_ht_model_open")(blob);
  const arena = native("xs_ht_buffer")(native("xs_ht_model_arena_bytes")(model));
  const offsets = [];
  let total = 0;
  for (let g = 0; g < kernelBytes.length; g++) {
    if (native("xs_ht_model_kernel_bytes")(model, g) !== kernelBytes[g]) throw new Error("kernel bytes of " + g);
    offsets.push(total);
    total += kernelBytes[g];
  }
  const kernels = native("xs_ht_buffer")(total || 4);
  const scratch = native("xs_ht_buffer")(native("xs_ht_model_scratch_bytes")(model) || 4);
  for (let g = 0; g < kernelBytes.length; g++) native("xs_ht_synthesize")(model, blob, g, kernels, offsets[g], scratch);
  const results = [], whole = [];
  const offsetBytes = Uint32Array.from(offsets.length ? offsets : [0]).buffer;
  for (const window of windows) {
    new Int8Array(arena, input.arenaOffset, window.length).set(window);
    native("xs_ht_run_model")(model, blob, arena, kernels, offsetBytes);
    whole.push(Array.from(new Int8Array(arena, output.arenaOffset, output.length * output.channels)));
    new Int8Array(arena, input.arenaOffset, window.length).set(window);
    for (let op = 0; op < genLayers.length; ) {
      const g = genLayers[op];
      if (g !== ${NONE16}) { native("xs_ht_run_op")(model, blob, op, arena, kernels, offsets[g]); op++; continue; }
      let end = op;
      while (end < genLayers.length && genLayers[end] === ${NONE16}) end++;
      native("xs_ht_run_ops")(model, blob, op, end, arena);
      op = end;
    }
    results.push(Array.from(new Int8Array(arena, output.arenaOffset, output.length * output.channels)));
  }
  trace(JSON.stringify({ results, whole }));
`;

function xorshiftWindows(count: number, size: number, seed: number): Int8Array[] {
  let x = seed >>> 0;
  return Array.from({ length: count }, () =>
    Int8Array.from({ length: size }, () => {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return (x & 0xff) << 24 >> 24;
    }),
  );
}

for (const asArrayBuffer of [false, true]) {
  test(`the fixture model in the simulator equals the TS reference (blob as ${asArrayBuffer ? 'ArrayBuffer' : 'Resource'})`, (t) => {
    if (!existsSync(SIM)) throw new Error(`${SIM} is missing: run npm install (or node host/sim/build.mjs)`);
    const bytes = readFileSync(FIXTURE);
    const model = readModel(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const size = model.input.length * model.input.channels;
    const windows = xorshiftWindows(4, size, 0x1234567);
    const expected = windows.map((w) => Array.from(referenceRun(model, w)));
    const config = {
      genLayers: model.ops.map((op) => op.genLayer),
      kernelBytes: model.kernelBytes,
      input: model.input,
      output: model.output,
      asArrayBuffer,
    };
    t.true(config.genLayers.some((g) => g !== NONE16), 'the fixture has generated layers');
    const dir = mkdtempSync(join(tmpdir(), 'hypertiny-sim-fixture-'));
    writeFileSync(join(dir, 'run.js'), SCRIPT);
    const child = spawnSync(
      SIM,
      ['--resource', `model.htpw=${FIXTURE}`, '--config', JSON.stringify(config), join(dir, 'run.js'), JSON.stringify(windows.map((w) => Array.from(w)))],
      { encoding: 'utf8' },
    );
    t.is(child.status, 0, child.stderr);
    const out = JSON.parse(child.stdout);
    t.deepEqual(out.results, expected, "op by op and in runs");
    t.deepEqual(out.whole, expected, "the whole plan in one xs_ht_run_model call");
  });
}

test('generated ops, whole-model runs and synthesis check their kernel, offset and scratch arguments', (t) => {
  const bytes = readFileSync(FIXTURE);
  const model = readModel(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const generatedOp = model.ops.findIndex((op) => op.genLayer !== NONE16);
  const g = model.ops[generatedOp]!.genLayer;
  const script = `
    const attempt = (f) => { try { f(); return "ok"; } catch (e) { return e.message; } };
    const blob = new Resource("model.htpw");
    const model = native("xs_ht_model_open")(blob);
    const op = ${generatedOp}, g = ${g}, bytes = native("xs_ht_model_kernel_bytes")(model, g);
    const arena = native("xs_ht_buffer")(native("xs_ht_model_arena_bytes")(model));
    const scratch = native("xs_ht_buffer")(native("xs_ht_model_scratch_bytes")(model));
    const kernels = native("xs_ht_buffer")(bytes + 8);
    const synth = (...args) => attempt(() => native("xs_ht_synthesize")(model, blob, ...args));
    const runOp = (...args) => attempt(() => native("xs_ht_run_op")(model, blob, op, arena, ...args));
    const layers = ${model.kernelBytes.length};
    const offsets = (...values) => Uint32Array.from(values).buffer;
    const runModel = (...args) => attempt(() => native("xs_ht_run_model")(model, blob, ...args));
    // every other layer's kernel at 0 of a buffer that holds the largest: only layer g's offset can be wrong
    const largest = Math.max(...Array.from({ length: layers }, (_, i) => native("xs_ht_model_kernel_bytes")(model, i)));
    const all = native("xs_ht_buffer")(largest + 8);
    const at = (o) => offsets(...Array.from({ length: layers }, (_, i) => (i === g ? o : 0)));
    trace(JSON.stringify({
      synthesized: synth(g, kernels, 4, scratch),
      ran: runOp(kernels, 4),
      noKernel: runOp(),
      kernelOffsetPastEnd: runOp(kernels, 12),
      kernelMisaligned: runOp(kernels, 2),
      kernelNotBuffer: runOp({}, 0),
      runOpsOverGenerated: attempt(() => native("xs_ht_run_ops")(model, blob, 0, op + 1, arena)),
      layerPastEnd: synth(${model.kernelBytes.length}, kernels, 0, scratch),
      readOnlyKernel: synth(g, blob, 0, scratch),
      smallScratch: synth(g, kernels, 0, native("xs_ht_buffer")(Math.max(0, native("xs_ht_model_scratch_bytes")(model) - 4))),
      smallKernels: synth(g, native("xs_ht_buffer")(bytes - 1), 0, scratch),
      missing: attempt(() => native("xs_ht_synthesize")(model, blob, g, kernels, 0)),
      modelRan: runModel(arena, all, at(0)),
      modelOffsetsShort: runModel(arena, all, offsets(...Array(layers - 1).fill(0))),
      modelOffsetPastEnd: runModel(arena, all, at(largest - bytes + 12)),
      modelOffsetMisaligned: runModel(arena, all, at(2)),
      modelOffsetsNotBuffer: runModel(arena, all, [0]),
      modelReadOnlyArena: runModel(blob, all, at(0)),
      modelMissing: runModel(arena, all),
    }));
  `;
  const dir = mkdtempSync(join(tmpdir(), 'hypertiny-sim-fixture-'));
  writeFileSync(join(dir, 'checks.js'), script);
  const child = spawnSync(SIM, ['--resource', `model.htpw=${FIXTURE}`, join(dir, 'checks.js')], { encoding: 'utf8' });
  t.is(child.status, 0, child.stderr);
  const out = JSON.parse(child.stdout);
  t.is(out.synthesized, 'ok');
  t.is(out.ran, 'ok');
  t.is(out.modelRan, 'ok');
  t.regex(out.modelOffsetPastEnd, /outside the kernel buffer/);
  t.regex(out.modelOffsetMisaligned, /not 4-byte aligned/);
  for (const key of ['noKernel', 'kernelOffsetPastEnd', 'kernelMisaligned', 'kernelNotBuffer', 'runOpsOverGenerated',
    'layerPastEnd', 'readOnlyKernel', 'smallScratch', 'smallKernels', 'missing', 'modelOffsetsShort', 'modelOffsetPastEnd',
    'modelOffsetMisaligned', 'modelOffsetsNotBuffer', 'modelReadOnlyArena', 'modelMissing'])
    t.regex(out[key], /^htpw ARGUMENT \(20\): /, key);
});

test('the C core describes the fixture model as the TypeScript reader does (what the device reads instead of parsing it)', (t) => {
  const bytes = readFileSync(FIXTURE);
  const model = readModel(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const script = `
    const attempt = (f) => { try { f(); return "ok"; } catch (e) { return e.message; } };
    const blob = new Resource("model.htpw");
    const model = native("xs_ht_model_open")(blob);
    const info = new Int32Array(16);
    native("xs_ht_model_info")(model, blob, info.buffer);
    const genLayers = [];
    for (let op = 0; op < info[0]; op++) genLayers.push(native("xs_ht_model_op_gen_layer")(model, op));
    const meta = String.fromCharCode(...new Uint8Array(blob, info[12], info[13]));
    trace(JSON.stringify({
      info: Array.from(info), genLayers, meta,
      small: attempt(() => native("xs_ht_model_info")(model, blob, new ArrayBuffer(60))),
      readOnly: attempt(() => native("xs_ht_model_info")(model, blob, blob)),
      opPastEnd: attempt(() => native("xs_ht_model_op_gen_layer")(model, info[0])),
      notModel: attempt(() => native("xs_ht_model_op_gen_layer")(blob, 0)),
    }));
  `;
  const dir = mkdtempSync(join(tmpdir(), 'hypertiny-sim-fixture-'));
  writeFileSync(join(dir, 'info.js'), script);
  const child = spawnSync(SIM, ['--resource', `model.htpw=${FIXTURE}`, join(dir, 'info.js')], { encoding: 'utf8' });
  t.is(child.status, 0, child.stderr);
  const out = JSON.parse(child.stdout);
  const input = model.tensors[model.inputTensor]!, output = model.tensors[model.outputTensor]!;
  t.deepEqual(out.info.slice(0, 12), [
    model.ops.length, model.kernelBytes.length, model.arenaBytes,
    input.arenaOffset, input.length, input.channels, input.zeroPoint,
    output.arenaOffset, output.length, output.channels, output.zeroPoint, model.crc | 0,
  ]);
  t.deepEqual(out.genLayers, model.ops.map((op) => op.genLayer));
  t.is(out.meta, model.metaText);
  for (const key of ['small', 'readOnly', 'opPastEnd', 'notModel']) t.regex(out[key], /^htpw ARGUMENT \(20\): /, key);
});

