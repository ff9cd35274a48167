// Size budget of the release package: `gzip -9` of the .wasm plus `gzip -9` of the ES module
// glue. Measured with the gzip command itself (as scripts/build.sh prints it); Node's zlib at
// level 9 is shown too (about 1 % larger on the .wasm).
//
// The budget is a regression guard at the size reached (about 46 KB since the flows became a
// replayed state machine driven by pkg-template/executor.js; 70 KB before), not the issue's
// 30 KiB goal, which is missed; README "Design notes" says where the bytes go.
// Lower it when a change makes the package smaller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PKG } from './helpers.mjs';

const BUDGET = 47 * 1024;
const gzip9 = (file) => execFileSync('gzip', ['-9', '-c', file], { maxBuffer: 64 << 20 }).length;
const zlib9 = (file) => gzipSync(fs.readFileSync(file), { level: 9 }).length;

test(`gzip -9 of pkg's .wasm + ES glue is at most ${BUDGET} bytes (47 KiB regression guard)`, (t) => {
  const gluePath = path.join(PKG, 'wasm_oauth.js');
  assert.ok(fs.existsSync(gluePath), 'pkg/wasm_oauth.js missing: run scripts/build.sh');
  // The wasm file the ES glue loads by default: new URL('<name>.wasm', import.meta.url).
  const m = /new URL\(\s*['"]([^'"]+\.wasm)['"]\s*,\s*import\.meta\.url\s*\)/.exec(fs.readFileSync(gluePath, 'utf8'));
  assert.ok(m, 'the ES glue names its .wasm file');
  const wasmPath = path.join(PKG, m[1]);
  assert.deepEqual([...fs.readFileSync(wasmPath).subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'a WebAssembly module');
  const wasmGz = gzip9(wasmPath);
  const glueGz = gzip9(gluePath);
  const total = wasmGz + glueGz;
  assert.ok(wasmGz > 1000 && glueGz > 500, `implausible sizes ${wasmGz} / ${glueGz}`);
  t.diagnostic(`size: ${m[1]} ${fs.statSync(wasmPath).size} B raw / ${wasmGz} B gzip -9; `
    + `wasm_oauth.js ${fs.statSync(gluePath).size} B raw / ${glueGz} B gzip -9; `
    + `total ${total} B (${(total / 1024).toFixed(1)} KiB) of ${BUDGET} B budget (47 KiB; the goal was 30 KiB) `
    + `[node zlib level 9: ${zlib9(wasmPath) + zlib9(gluePath)} B]`);
  assert.ok(total <= BUDGET, `${total} B > ${BUDGET} B budget`);
});
