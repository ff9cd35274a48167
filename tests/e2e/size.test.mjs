// Size budget of the release package: gzip -9 of the .wasm plus the ES module glue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PKG } from './helpers.mjs';

const BUDGET = 30 * 1024;

test(`gzip -9 of pkg's .wasm + ES glue is at most ${BUDGET} bytes (30 KiB)`, (t) => {
  const gluePath = path.join(PKG, 'wasm_oauth.js');
  assert.ok(fs.existsSync(gluePath), 'pkg/wasm_oauth.js missing: run scripts/build.sh');
  const glue = fs.readFileSync(gluePath);
  // The wasm file the ES glue loads by default: new URL('<name>.wasm', import.meta.url).
  const m = /new URL\(\s*['"]([^'"]+\.wasm)['"]\s*,\s*import\.meta\.url\s*\)/.exec(glue.toString('utf8'));
  assert.ok(m, 'the ES glue names its .wasm file');
  const wasm = fs.readFileSync(path.join(PKG, m[1]));
  assert.deepEqual([...wasm.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'a WebAssembly module');
  const wasmGz = gzipSync(wasm, { level: 9 }).length;
  const glueGz = gzipSync(glue, { level: 9 }).length;
  const total = wasmGz + glueGz;
  const line = `size: ${m[1]} ${wasm.length} B raw / ${wasmGz} B gzip -9; wasm_oauth.js ${glue.length} B raw / ${glueGz} B gzip -9; total ${total} B gzip (${(total / 1024).toFixed(1)} KiB) of ${BUDGET} B budget`;
  t.diagnostic(line);
  assert.ok(total <= BUDGET, `${total} B > ${BUDGET} B budget`);
});
