// scripts/demo.mjs --headless: the demo pages (www/, both builds) sign in through the embedded
// OpenID Provider in headless Chromium; the command prints the result and exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './helpers.mjs';

test('demo --headless signs in through the ES module and classic demo pages', { timeout: 120000 }, async () => {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/demo.mjs'), '--headless', '--login', 'carol'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 110000);
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, `demo --headless exited ${code}:\n${out}`);
  assert.match(out, /ES module build: signed in as sub=carol name="Test User carol" email=carol@example\.test; access token expires in \d+ s/);
  assert.match(out, /classic script build: signed in as sub=carol /);
  assert.match(out, /demo --headless: OK/);
});
