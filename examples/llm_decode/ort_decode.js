#!/usr/bin/env node
// The same greedy loop as decode.c, run by onnxruntime (the oracle's
// onnxruntime-node): a prefill of the prompt against an empty past, then one
// token per call against the growing cache. Prints "generated: ...". With
// --compare FILE (decode.c's --logits output) it also checks, step by step,
// that Kiln's logits row equals onnxruntime's within |a-b| <= atol + rtol|b|
// (1e-4, 1e-3), prints each step's largest difference, and exits 1 if any
// step differs.
//
//   node ort_decode.js MODEL.onnx [--tokens N] [--compare FILE] [PROMPT_TOKEN ...]
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, '..', '..', 'tools', 'oracle', 'node_modules', 'onnxruntime-node'));

const ATOL = 1e-4, RTOL = 1e-3;

async function main() {
  const args = process.argv.slice(2);
  const modelPath = args.shift();
  let toGenerate = 32, compare = null;
  const prompt = [];
  while (args.length) {
    const a = args.shift();
    if (a === '--tokens') toGenerate = Number(args.shift());
    else if (a === '--compare') compare = args.shift();
    else prompt.push(BigInt(a));
  }
  if (!prompt.length) prompt.push(1n);
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const pastNames = session.inputNames.filter((n) => n.startsWith('past_key_values.'));
  const meta = Object.fromEntries(session.inputMetadata.map((m) => [m.name, m.shape]));
  let past = {};
  for (const n of pastNames) {
    const [, kv, , d] = meta[n];
    past[n] = new ort.Tensor('float32', new Float32Array(0), [1, kv, 0, d]);
  }
  const kiln = compare ? new Float32Array(fs.readFileSync(compare).buffer.slice(0)) : null;
  let ids = prompt, pastLen = 0, bad = 0;
  const generated = [];
  for (let step = 0; step < toGenerate; ++step) {
    const pastBefore = pastLen, seq = ids.length, total = pastLen + seq;
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      ...past,
    };
    const out = await session.run(feeds);
    past = {};
    for (const n of pastNames) past[n] = out['present.' + n.slice('past_key_values.'.length)];
    pastLen = total;
    const vocab = out.logits.dims[2];
    const row = out.logits.data.subarray((seq - 1) * vocab, seq * vocab);
    let best = 0;
    for (let v = 1; v < vocab; ++v) if (row[v] > row[best]) best = v;
    generated.push(best);
    ids = [BigInt(best)];
    if (kiln) {
      if (kiln.length !== toGenerate * vocab) {
        console.error(`${compare}: ${kiln.length} floats, expected ${toGenerate} x ${vocab}`);
        process.exit(1);
      }
      let worst = 0, over = 0;
      for (let v = 0; v < vocab; ++v) {
        const d = Math.abs(kiln[step * vocab + v] - row[v]);
        worst = Math.max(worst, d);
        if (!(d <= ATOL + RTOL * Math.abs(row[v]))) ++over;
      }
      console.log(`step ${step} (past ${pastBefore}, ${seq} token${seq > 1 ? 's' : ''}): logits max|a-b| = ${worst.toExponential(2)}` +
                  (over ? `, ${over} of ${vocab} outside tolerance` : ', ok'));
      if (over) ++bad;
    }
  }
  console.log('generated: ' + generated.join(' '));
  if (bad) {
    console.error(`${bad} of ${toGenerate} steps' logits differ from onnxruntime's`);
    process.exit(1);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
