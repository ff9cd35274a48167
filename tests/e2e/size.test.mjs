// Size budgets of the release package, per entry: `gzip -9` of the .wasm plus `gzip -9` of the
// ES module glue. Measured with the gzip command itself (as scripts/build.sh prints it); Node's
// zlib at level 9 is shown too (about 1 % larger on the .wasm).
//
// Two entries (scripts/build.sh builds the crate twice):
//   wasm-oauth       pkg/wasm_oauth.js       the core build: no DPoP, no ID token signature check,
//                                            no confidential clients
//   wasm-oauth/full  pkg/wasm_oauth_full.js  everything (crate features confidential, dpop,
//                                            id-token-signature)
// The core entry's budget is issue #2's goal, 30 KiB (30,720 B): it measured 30,046 B when the
// goal was reached and 30,073 B after the review mends that followed (.wasm 27,225 + ES module
// 2,848, gzip -9). The full entry's is a regression guard at the size reached then (36,437 B). README "Design notes" says where the bytes go.
// Lower them when a change makes the package smaller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PKG } from './helpers.mjs';

const ENTRIES = [
  { entry: 'wasm-oauth', glue: 'wasm_oauth.js', budget: 30 * 1024 },
  { entry: 'wasm-oauth/full', glue: 'wasm_oauth_full.js', budget: 36 * 1024 },
];
const gzip9 = (file) => execFileSync('gzip', ['-9', '-c', file], { maxBuffer: 64 << 20 }).length;
const zlib9 = (file) => gzipSync(fs.readFileSync(file), { level: 9 }).length;

/** {wasm, wasmGz, glueGz, total} of one entry (asserting what it must be). */
function measure(glue) {
  const gluePath = path.join(PKG, glue);
  assert.ok(fs.existsSync(gluePath), `pkg/${glue} missing: run scripts/build.sh`);
  // The wasm file the ES glue loads by default: new URL('<name>.wasm', import.meta.url).
  const m = /new URL\(\s*['"]([^'"]+\.wasm)['"]\s*,\s*import\.meta\.url\s*\)/.exec(fs.readFileSync(gluePath, 'utf8'));
  assert.ok(m, `${glue} names its .wasm file`);
  const wasmPath = path.join(PKG, m[1]);
  assert.deepEqual([...fs.readFileSync(wasmPath).subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'a WebAssembly module');
  const wasmGz = gzip9(wasmPath);
  const glueGz = gzip9(gluePath);
  assert.ok(wasmGz > 1000 && glueGz > 500, `implausible sizes ${wasmGz} / ${glueGz}`);
  return { wasm: m[1], wasmPath, gluePath, wasmGz, glueGz, total: wasmGz + glueGz };
}

for (const { entry, glue, budget } of ENTRIES) {
  test(`${entry}: gzip -9 of its .wasm + ES glue is at most ${budget} bytes (${budget / 1024} KiB)`, (t) => {
    const s = measure(glue);
    t.diagnostic(`size (${entry}): ${s.wasm} ${fs.statSync(s.wasmPath).size} B raw / ${s.wasmGz} B gzip -9; `
      + `${glue} ${fs.statSync(s.gluePath).size} B raw / ${s.glueGz} B gzip -9; `
      + `total ${s.total} B (${(s.total / 1024).toFixed(1)} KiB) of ${budget} B budget `
      + `[node zlib level 9: ${zlib9(s.wasmPath) + zlib9(s.gluePath)} B]`);
    assert.ok(s.total <= budget, `${s.total} B > ${budget} B budget`);
  });
}

test('the core entry is smaller than the full one (the opt-in features are compiled out)', () => {
  const [core, full] = ENTRIES.map((e) => measure(e.glue));
  assert.notEqual(core.wasm, full.wasm, 'each entry loads its own .wasm');
  assert.ok(core.wasmGz < full.wasmGz, `core ${core.wasmGz} B, full ${full.wasmGz} B`);
});
