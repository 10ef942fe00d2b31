#!/usr/bin/env node
// Kiln's reference runner: runs an ONNX model with onnxruntime (CPU) and writes its
// outputs as raw files, for tests and the demo to compare Kiln's results against.
//
//   node run.js MODEL.onnx OUTDIR [--threads N] [--level L] name=dtype:d0xd1x...:file.bin ...
//   node run.js MODEL.onnx OUTDIR [--threads N] [--level L] --pb DIR
//
// Inputs are raw little-endian files (a scalar has an empty shape: `x=float32::x.bin`),
// or with --pb the ONNX backend-test layout: DIR/input_K.pb TensorProtos, bound by
// their name or else by position K. Writes OUTDIR/<index>.bin (raw, in the graph's
// output order) and OUTDIR/outputs.json listing each output's name, dtype and shape.
// --threads sets intraOpNumThreads (default 1: reproducible, and fair next to a
// single-threaded Kiln run). --level sets the graph optimization level (default all);
// `basic` keeps fusions that change values out, such as DequantizeLinear(INT4) -> MatMul
// into MatMulNBits with int8 activations (accuracy level 4).
'use strict';

const fs = require('fs');
const path = require('path');
const { BY_ONNX, dtypeInfo, typedFromBuffer } = require('./dtypes');

function usage(msg) {
  if (msg) console.error(`run.js: ${msg}`);
  console.error('usage: node run.js MODEL.onnx OUTDIR [--threads N] [--level L] [--pb DIR] name=dtype:d0xd1:file.bin ...');
  process.exit(2);
}

/** `name=dtype:1x8:file.bin` -> {name, dtype, dims, data}. */
function parseRawSpec(spec) {
  const m = /^([^=]+)=([a-z0-9]+):([0-9x]*):(.+)$/.exec(spec);
  if (!m) usage(`bad input '${spec}', expected name=dtype:d0xd1:file.bin`);
  const [, name, dtype, shape, file] = m;
  const dims = shape === '' ? [] : shape.split('x').map(Number);
  const data = typedFromBuffer(dtype, fs.readFileSync(file));
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count)
    usage(`${file}: ${data.length} ${dtype} elements, but shape [${dims}] needs ${count}`);
  return { name, dtype, dims, data };
}

// --- A minimal protobuf reader for onnx.TensorProto (no dependency on a protobuf library).
function parseTensorProto(buf) {
  let pos = 0;
  const varint = () => {
    let r = 0n, shift = 0n, b;
    do {
      b = buf[pos++];
      r |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    return r;
  };
  const t = { dims: [], dataType: 0, name: '', raw: null, f32: [], i32: [], i64: [], f64: [], u64: [] };
  // Repeated numeric fields may come packed (one length-delimited run) or one by one.
  const readNumeric = (field, wire, read) => {
    if (wire !== 2) return field.push(read());
    const end = Number(varint()) + pos;
    while (pos < end) field.push(read());
  };
  const f32 = () => { const v = buf.readFloatLE(pos); pos += 4; return v; };
  const f64 = () => { const v = buf.readDoubleLE(pos); pos += 8; return v; };
  while (pos < buf.length) {
    const key = Number(varint()), field = key >> 3, wire = key & 7;
    switch (field) {
      case 1: readNumeric(t.dims, wire, () => Number(BigInt.asIntN(64, varint()))); continue;
      case 2: t.dataType = Number(varint()); continue;
      case 4: readNumeric(t.f32, wire, f32); continue;
      case 5: readNumeric(t.i32, wire, () => Number(BigInt.asIntN(32, varint()))); continue;
      case 7: readNumeric(t.i64, wire, () => BigInt.asIntN(64, varint())); continue;
      case 10: readNumeric(t.f64, wire, f64); continue;
      case 11: readNumeric(t.u64, wire, () => BigInt.asUintN(64, varint())); continue;
    }
    if (wire === 2) { // bytes: name, raw_data, or a field we skip (segment, strings, external data)
      const len = Number(varint()), bytes = buf.subarray(pos, pos + len);
      pos += len;
      if (field === 8) t.name = bytes.toString('utf8');
      else if (field === 9) t.raw = bytes;
      else if (field === 13) throw new Error('external_data tensors are not supported');
    } else if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  const dtype = BY_ONNX[t.dataType];
  if (!dtype) throw new Error(`unsupported TensorProto data_type ${t.dataType}`);
  let data;
  if (t.raw) {
    data = typedFromBuffer(dtype, t.raw);
  } else {
    // Typed fields: float_data for float; int32_data for the small ints, bool and
    // float16 bits; int64_data; double_data; uint64_data for uint32/uint64.
    const src = { float32: t.f32, int64: t.i64, float64: t.f64, uint32: t.u64, uint64: t.u64 }[dtype] || t.i32;
    const { array } = dtypeInfo(dtype);
    data = new array(src.length);
    src.forEach((v, i) => { data[i] = dtype === 'uint32' ? Number(v) : v; });
  }
  return { name: t.name, dtype, dims: t.dims, data };
}

function readPbDir(dir, inputNames) {
  const files = fs.readdirSync(dir).filter((f) => /^input_\d+\.pb$/.test(f));
  files.sort((a, b) => parseInt(a.slice(6), 10) - parseInt(b.slice(6), 10));
  return files.map((f, k) => {
    const t = parseTensorProto(fs.readFileSync(path.join(dir, f)));
    if (!t.name || !inputNames.includes(t.name)) t.name = inputNames[k];
    return t;
  });
}

async function main() {
  const args = process.argv.slice(2);
  let threads = 1, pbDir = null, level = 'all';
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--threads') threads = parseInt(args[++i], 10);
    else if (args[i] === '--pb') pbDir = args[++i];
    else if (args[i] === '--level') level = args[++i];
    else if (args[i] === '-h' || args[i] === '--help') usage();
    else positional.push(args[i]);
  }
  if (positional.length < 2 || !(threads >= 0)) usage();
  if (!['disabled', 'basic', 'extended', 'all'].includes(level)) usage(`bad --level '${level}'`);
  const [modelPath, outDir, ...specs] = positional;

  // Loaded here so `--help` works without the package installed.
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: level,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });

  const inputs = pbDir ? readPbDir(pbDir, session.inputNames) : specs.map(parseRawSpec);
  const feeds = {};
  for (const t of inputs) {
    if (!session.inputNames.includes(t.name))
      usage(`the model has no input '${t.name}' (inputs: ${session.inputNames.join(', ')})`);
    feeds[t.name] = new ort.Tensor(t.dtype, t.data, t.dims);
  }
  const missing = session.inputNames.filter((n) => !(n in feeds));
  if (missing.length) usage(`missing input(s): ${missing.join(', ')}`);

  const results = await session.run(feeds);
  fs.mkdirSync(outDir, { recursive: true });
  const outputs = session.outputNames.map((name, index) => {
    const t = results[name];
    if (t.type === 'string') throw new Error(`output '${name}' is a string tensor; not supported`);
    const file = `${index}.bin`;
    const d = t.data;
    fs.writeFileSync(path.join(outDir, file), Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    return { index, name, dtype: t.type, shape: t.dims.map(Number), file };
  });
  const manifest = { model: path.resolve(modelPath), runtime: `onnxruntime ${ort.env.versions.node}`, threads, outputs };
  fs.writeFileSync(path.join(outDir, 'outputs.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (typeof session.release === 'function') await session.release();
}

main().catch((e) => {
  console.error(`run.js: ${e.message || e}`);
  process.exit(1);
});
