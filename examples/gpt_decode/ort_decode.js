#!/usr/bin/env node
// The same greedy decode loop as decode.c, run by onnxruntime (the oracle's
// onnxruntime-node): prints "generated: ..." for the test to compare.
//
//   node ort_decode.js MODEL.onnx [--tokens N] [PROMPT_TOKEN ...]
'use strict';
const path = require('path');
const ort = require(path.join(__dirname, '..', '..', 'tools', 'oracle', 'node_modules', 'onnxruntime-node'));

async function main() {
  const args = process.argv.slice(2);
  const modelPath = args.shift();
  let toGenerate = 20;
  const prompt = [];
  while (args.length) {
    const a = args.shift();
    if (a === '--tokens') toGenerate = Number(args.shift());
    else prompt.push(BigInt(a));
  }
  if (!prompt.length) prompt.push(5n, 17n, 42n);
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const pastNames = session.inputNames.filter((n) => n.startsWith('past.'));
  let past = {};
  for (const meta of session.inputMetadata.filter((m) => m.name.startsWith('past.'))) {
    const size = meta.shape.reduce((a, b) => a * b, 1);
    past[meta.name] = new ort.Tensor('float32', new Float32Array(size), meta.shape);
  }
  let token = prompt[0];
  const generated = [];
  for (let position = 0; generated.length < toGenerate; ++position) {
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from([token]), [1, 1]),
      position: new ort.Tensor('int64', BigInt64Array.from([BigInt(position)]), [1]),
      ...past,
    };
    const out = await session.run(feeds);
    past = {};
    for (const n of pastNames) past[n] = out['present.' + n.slice('past.'.length)];
    if (position + 1 < prompt.length) {
      token = prompt[position + 1];
      continue;
    }
    const logits = out.logits.data;
    let best = 0;
    for (let v = 1; v < logits.length; ++v) if (logits[v] > logits[best]) best = v;
    token = BigInt(best);
    generated.push(best);
  }
  console.log('generated: ' + generated.join(' '));
}

main().catch((e) => { console.error(e); process.exit(1); });
