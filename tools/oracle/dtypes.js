// Element types shared by run.js and compare.js: name -> typed array, byte size and
// ONNX TensorProto code. Raw files are little-endian, as on every host Kiln targets.
'use strict';

const DTYPES = {
  float32: { array: Float32Array, size: 4, onnx: 1 },
  uint8: { array: Uint8Array, size: 1, onnx: 2 },
  int8: { array: Int8Array, size: 1, onnx: 3 },
  uint16: { array: Uint16Array, size: 2, onnx: 4 },
  int16: { array: Int16Array, size: 2, onnx: 5 },
  int32: { array: Int32Array, size: 4, onnx: 6 },
  int64: { array: BigInt64Array, size: 8, onnx: 7 },
  bool: { array: Uint8Array, size: 1, onnx: 9 },
  float16: { array: Uint16Array, size: 2, onnx: 10 }, // raw IEEE half bits
  float64: { array: Float64Array, size: 8, onnx: 11 },
  uint32: { array: Uint32Array, size: 4, onnx: 12 },
  uint64: { array: BigUint64Array, size: 8, onnx: 13 },
};
const BY_ONNX = Object.fromEntries(Object.entries(DTYPES).map(([k, v]) => [v.onnx, k]));

function dtypeInfo(name) {
  const info = DTYPES[name];
  if (!info) throw new Error(`unknown dtype '${name}' (known: ${Object.keys(DTYPES).join(', ')})`);
  return info;
}

/** A typed array over a copy of `buf` (Node's Buffers may be unaligned slices of a pool). */
function typedFromBuffer(dtype, buf) {
  const { array, size } = dtypeInfo(dtype);
  if (buf.length % size) throw new Error(`${buf.length} bytes is not a whole number of ${dtype}`);
  const copy = new Uint8Array(buf); // fresh, aligned storage
  return new array(copy.buffer, 0, buf.length / size);
}

/** float16 bits -> number, so compare.js can measure half outputs. */
function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

module.exports = { DTYPES, BY_ONNX, dtypeInfo, typedFromBuffer, halfToFloat };
