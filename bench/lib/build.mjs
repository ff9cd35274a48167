// Figure 1: bundles every adapter with esbuild (--bundle --minify --format=esm) into
// bench/out/bundles/, copies wasm-oauth's .wasm beside its bundle, and measures what an SPA
// downloads: raw, gzip -9 and brotli (quality 11), each file compressed on its own.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = path.dirname(BENCH_DIR);
export const OUT_DIR = path.join(BENCH_DIR, 'out');
export const BUNDLE_DIR = path.join(OUT_DIR, 'bundles');
export const PKG_DIR = path.join(REPO_DIR, 'pkg');

/** The libraries, in table order. `pkg`: the npm package whose version is reported. */
export const LIBRARIES = [
  { id: 'wasm-oauth', label: 'wasm-oauth' },
  { id: 'auth0-spa-js', label: 'auth0-spa-js', pkg: '@auth0/auth0-spa-js' },
  { id: 'oidc-client-ts', label: 'oidc-client-ts', pkg: 'oidc-client-ts' },
  { id: 'keycloak-js', label: 'keycloak-js', pkg: 'keycloak-js' },
  { id: 'oauth4webapi', label: 'oauth4webapi', pkg: 'oauth4webapi' },
  { id: 'badgateway', label: 'badgateway', pkg: '@badgateway/oauth2-client' },
];

export function packageVersion(name) {
  const file = name
    ? path.join(BENCH_DIR, 'node_modules', name, 'package.json')
    : path.join(PKG_DIR, 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

const sizesOf = (buf) => ({
  raw: buf.length,
  gzip: zlib.gzipSync(buf, { level: 9 }).length,
  brotli: zlib.brotliCompressSync(buf, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
  }).length,
});
const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });

/**
 * Bundles the adapters. Returns { [id]: { files: [{name, raw, gzip, brotli}], total: {...} } }.
 */
export async function buildBundles() {
  fs.rmSync(BUNDLE_DIR, { recursive: true, force: true });
  fs.mkdirSync(BUNDLE_DIR, { recursive: true });
  const sizes = {};
  // The floor of the load figure: an adapter-shaped module with no library in it.
  fs.writeFileSync(path.join(BUNDLE_DIR, 'baseline.js'),
    'globalThis.benchLib={name:"baseline",async create(){}};\n');
  for (const lib of LIBRARIES) {
    const outfile = path.join(BUNDLE_DIR, `${lib.id}.js`);
    const result = await esbuild.build({
      entryPoints: [path.join(BENCH_DIR, 'adapters', `${lib.id}.js`)],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      outfile,
      logLevel: 'silent',
      metafile: true,
      legalComments: 'none',
    });
    const files = [{ name: `${lib.id}.js`, ...sizesOf(fs.readFileSync(outfile)) }];
    if (lib.id === 'wasm-oauth') {
      const wasm = fs.readFileSync(path.join(PKG_DIR, 'wasm_oauth_bg.wasm'));
      fs.writeFileSync(path.join(BUNDLE_DIR, 'wasm_oauth_bg.wasm'), wasm);
      files.push({ name: 'wasm_oauth_bg.wasm', ...sizesOf(wasm) });
    }
    const inputs = Object.keys(result.metafile.inputs).length;
    sizes[lib.id] = { files, total: files.reduce((t, f) => add(t, f), { raw: 0, gzip: 0, brotli: 0 }), inputs };
  }
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await buildBundles();
  for (const [id, s] of Object.entries(sizes)) {
    console.log(id.padEnd(16), ...s.files.map((f) => `${f.name}: raw ${f.raw} gzip ${f.gzip} br ${f.brotli}`));
  }
}
