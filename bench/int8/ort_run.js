#!/usr/bin/env node
// Runs one case of make_cases.py with onnxruntime (CPU, 1 thread) at a chosen graph
// optimization level, so the fused kernels ('all': DynamicQuantizeMatMul /
// MatMulIntegerToFloat) can be told apart from the plain ones ('disabled').
//
//   node bench/int8/ort_run.js CASE_DIR LEVEL OUTDIR   # LEVEL: disabled|basic|extended|all
//
// Reads CASE_DIR/x.bin (float32 [128,768]); writes OUTDIR/<output name>.bin, raw.
'use strict';

const fs = require('fs');
const path = require('path');
// The oracle's install (npm ci in tools/oracle); ORACLE_DIR names another checkout's.
const oracle = process.env.ORACLE_DIR || path.join(__dirname, '..', '..', 'tools', 'oracle');
const ort = require(path.join(oracle, 'node_modules', 'onnxruntime-node'));

async function main() {
  const [dir, level, out] = process.argv.slice(2);
  if (!out) throw new Error('usage: ort_run.js CASE_DIR LEVEL OUTDIR');
  const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'), {
    executionProviders: ['cpu'], graphOptimizationLevel: level, intraOpNumThreads: 1,
  });
  const buf = fs.readFileSync(path.join(dir, 'x.bin'));
  const x = new Float32Array(new Uint8Array(buf).buffer);
  const res = await session.run({ x: new ort.Tensor('float32', x, [128, 768]) });
  fs.mkdirSync(out, { recursive: true });
  for (const name of session.outputNames) {
    const d = res[name].data;
    fs.writeFileSync(path.join(out, `${name}.bin`), Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
}

main().catch((e) => { console.error(e.message); process.exit(1); });
