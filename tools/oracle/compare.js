#!/usr/bin/env node
// Compares raw outputs against the oracle's, element by element.
//
//   node compare.js REF_DIR TEST_DIR [--atol 1e-4] [--rtol 1e-3]
//
// REF_DIR is what run.js wrote (outputs.json + <index>.bin); TEST_DIR holds the same
// <index>.bin files from another runner (kiln-example --dump). An element passes when
// |a - b| <= atol + rtol * |b|, b the reference; NaN matches only NaN. Prints the max
// |a - b| per output and PASS/FAIL; the exit status is 1 on any failure.
'use strict';

const fs = require('fs');
const path = require('path');
const { typedFromBuffer, halfToFloat } = require('./dtypes');

function main() {
  const args = process.argv.slice(2);
  let atol = 1e-4, rtol = 1e-3;
  const dirs = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--atol') atol = Number(args[++i]);
    else if (args[i] === '--rtol') rtol = Number(args[++i]);
    else dirs.push(args[i]);
  }
  if (dirs.length !== 2 || !(atol >= 0) || !(rtol >= 0)) {
    console.error('usage: node compare.js REF_DIR TEST_DIR [--atol A] [--rtol R]');
    process.exit(2);
  }
  const [refDir, testDir] = dirs;
  const { outputs } = JSON.parse(fs.readFileSync(path.join(refDir, 'outputs.json'), 'utf8'));
  const toNumber = (dtype) => (dtype === 'float16' ? halfToFloat : Number);

  let ok = true;
  for (const o of outputs) {
    const label = `output ${o.index} ${o.name} ${o.dtype}[${o.shape.join(',')}]`;
    const testFile = path.join(testDir, o.file);
    if (!fs.existsSync(testFile)) {
      console.log(`${label}: missing ${testFile}  FAIL`);
      ok = false;
      continue;
    }
    const ref = typedFromBuffer(o.dtype, fs.readFileSync(path.join(refDir, o.file)));
    const got = typedFromBuffer(o.dtype, fs.readFileSync(testFile));
    if (ref.length !== got.length) {
      console.log(`${label}: ${got.length} elements, expected ${ref.length}  FAIL`);
      ok = false;
      continue;
    }
    const num = toNumber(o.dtype);
    let maxAbs = 0, bad = 0, firstBad = -1;
    for (let i = 0; i < ref.length; i++) {
      const b = num(ref[i]), a = num(got[i]);
      if (Number.isNaN(a) || Number.isNaN(b)) {
        if (!(Number.isNaN(a) && Number.isNaN(b)) && bad++ === 0) firstBad = i;
        continue;
      }
      const d = a === b ? 0 : Math.abs(a - b); // a === b also covers equal infinities
      maxAbs = Math.max(maxAbs, d);
      if (!(d <= atol + rtol * Math.abs(b)) && bad++ === 0) firstBad = i;
    }
    const pass = bad === 0;
    ok = ok && pass;
    let line = `${label}: max|a-b| = ${maxAbs.toExponential(3)}`;
    if (!pass) line += `, ${bad} of ${ref.length} out of tolerance (first at ${firstBad}: ` +
      `${num(got[firstBad])} vs ${num(ref[firstBad])})`;
    console.log(`${line}  ${pass ? 'PASS' : 'FAIL'}`);
  }
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${outputs.length} output(s), tolerance ${atol} + ${rtol}*|ref|`);
  process.exit(ok ? 0 : 1);
}

main();
