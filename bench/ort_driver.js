#!/usr/bin/env node
// The onnxruntime side of Kiln's benchmark: a session that stays loaded and answers
// commands on stdin, so bench.py can alternate it call by call with Kiln's driver
// (bench/kiln_driver.c speaks the same protocol).
//
//   node bench/ort_driver.js MODEL.onnx META.json --threads N
//
// META.json is make_models.py's: its `inputs` list (name, dtype, shape, file relative to
// META.json's folder) gives the feeds, its `outputs` list (name, shape, dtype: float32 when
// absent) the outputs. Session: CPU provider, graphOptimizationLevel 'all', sequential
// execution, intraOpNumThreads N, interOpNumThreads 1.
//
// The output tensors are made once and passed as `fetches` to every session.run: onnxruntime
// then writes into them instead of allocating new ones each call (onnxruntime-node has no
// IO binding; pre-made fetches are its way to pre-allocate, onnxruntime-common's
// InferenceSession.FetchesType), so neither side of the benchmark pays for allocation.
//
// Protocol, one line each way:
//   (start)      -> "ready <load_ms> <baseline_rss_kb>"
//   "run K"      -> "ms t1 ... tK"     K calls, each timed alone (await session.run(feeds, fetches))
//   "out DIR"    -> "ok"               the last call's outputs as DIR/<index>.bin (raw)
//   "quit"       -> "maxrss <kb>"      peak resident set of this process (VmHWM), then exit
// Any failure -> "error <message>" and exit status 1.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');

const ARRAYS = { float32: Float32Array, int64: BigInt64Array, int32: Int32Array, bool: Uint8Array,
                 uint8: Uint8Array, int8: Int8Array, float64: Float64Array };

// A field of /proc/self/status in KiB (VmHWM: peak resident set; VmRSS: current). Not
// process.resourceUsage().maxRSS: Linux carries ru_maxrss across fork and exec, so it
// would include the parent's (bench.py's) peak.
function statusKb(field) {
  const m = new RegExp(`^${field}:\\s*(\\d+)`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? parseInt(m[1], 10) : -1;
}

function fail(msg) {
  process.stdout.write(`error ${String(msg).replace(/\n/g, ' ')}\n`);
  process.exit(1);
}

async function main() {
  const args = process.argv.slice(2);
  let threads = 1;
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--threads') threads = parseInt(args[++i], 10);
    else positional.push(args[i]);
  }
  if (positional.length !== 2 || !(threads >= 1)) fail('usage: ort_driver.js MODEL.onnx META.json --threads N');
  const [modelPath, metaPath] = positional;
  const meta = JSON.parse(fs.readFileSync(metaPath, 'utf8'));
  const baselineRssKb = statusKb('VmRSS');  // node itself, before onnxruntime is loaded

  const ort = require(path.join(__dirname, '..', 'tools', 'oracle', 'node_modules', 'onnxruntime-node'));
  const t0 = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const feeds = {};
  for (const t of meta.inputs) {
    const A = ARRAYS[t.dtype];
    if (!A) fail(`input ${t.name}: dtype ${t.dtype} not handled`);
    const buf = fs.readFileSync(path.join(path.dirname(metaPath), t.file));
    const data = new A(buf.buffer, buf.byteOffset, buf.byteLength / A.BYTES_PER_ELEMENT);
    feeds[t.name] = new ort.Tensor(t.dtype, data, t.shape);
  }
  const fetches = {};
  for (const o of meta.outputs) {
    const dtype = o.dtype || 'float32';
    const A = ARRAYS[dtype];
    if (!A) fail(`output ${o.name}: dtype ${dtype} not handled`);
    fetches[o.name] = new ort.Tensor(dtype, new A(o.shape.reduce((a, b) => a * b, 1)), o.shape);
  }
  const missing = session.outputNames.filter((n) => !(n in fetches));
  if (missing.length) fail(`outputs not in META.json: ${missing.join(', ')}`);
  let ran = false;
  process.stdout.write(`ready ${loadMs.toFixed(1)} ${baselineRssKb}\n`);

  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    const [cmd, arg] = line.trim().split(/\s+/, 2);
    if (cmd === 'run') {
      const n = parseInt(arg, 10), ms = [];
      for (let i = 0; i < n; i++) {
        const s = process.hrtime.bigint();
        await session.run(feeds, fetches);
        ms.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      ran = true;
      process.stdout.write(`ms ${ms.map((x) => x.toFixed(4)).join(' ')}\n`);
    } else if (cmd === 'out') {
      if (!ran) fail('out before any run');
      fs.mkdirSync(arg, { recursive: true });
      session.outputNames.forEach((name, i) => {
        const d = fetches[name].data;  // written in place by the last run
        fs.writeFileSync(path.join(arg, `${i}.bin`), Buffer.from(d.buffer, d.byteOffset, d.byteLength));
      });
      process.stdout.write('ok\n');
    } else if (cmd === 'quit') {
      process.stdout.write(`maxrss ${statusKb('VmHWM')}\n`);
      process.exit(0);
    } else {
      fail(`unknown command '${line}'`);
    }
  }
}

main().catch((e) => fail(e && e.message ? e.message : e));
