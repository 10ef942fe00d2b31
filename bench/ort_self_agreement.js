#!/usr/bin/env node
// How closely onnxruntime agrees with itself on a model when only the order of its float32
// work changes: the first output under each graph optimisation level ('extended', 'basic',
// 'disabled' fuse LayerNorm, GELU and attention less than 'all', so their float sums run in
// another order), by cosine against 'all'. On the quantized (MatMulInteger) models this is
// the floor for any two correct implementations: a one-ulp difference upstream of a
// DynamicQuantizeLinear flips a quantized value and the layers after carry it on.
//
//   node bench/ort_self_agreement.js bench/models/L12/bert_s128_mmi
//
// MODEL_DIR holds model.onnx and the bench's meta.json (bench/quantize_models.py writes them);
// one thread, onnxruntime-node from tools/oracle.
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, '..', 'tools', 'oracle', 'node_modules', 'onnxruntime-node'));

const ARRAYS = { float32: Float32Array, int64: BigInt64Array, int32: Int32Array, uint8: Uint8Array };

async function firstOutput(dir, meta, level) {
  const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'),
    { graphOptimizationLevel: level, intraOpNumThreads: 1, interOpNumThreads: 1 });
  const feeds = {};
  for (const t of meta.inputs) {
    const A = ARRAYS[t.dtype];
    if (!A) throw new Error(`input ${t.name}: dtype ${t.dtype} not handled`);
    const b = fs.readFileSync(path.join(dir, t.file));
    feeds[t.name] = new ort.Tensor(t.dtype, new A(b.buffer, b.byteOffset, b.byteLength / A.BYTES_PER_ELEMENT), t.shape);
  }
  const out = await session.run(feeds);
  return out[session.outputNames[0]].data;
}

function cosine(a, b) {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
}

(async () => {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: ort_self_agreement.js MODEL_DIR');
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
  const ref = await firstOutput(dir, meta, 'all');
  for (const level of ['extended', 'basic', 'disabled'])
    console.log(`${path.basename(dir)}: cosine(all, ${level}) = ${cosine(ref, await firstOutput(dir, meta, level)).toFixed(6)}`);
})().catch((e) => { console.error(`error: ${e.message || e}`); process.exit(1); });
