#!/usr/bin/env node
// Assembles the publishable npm package from the optimised WebAssembly modules and pkg-template/.
//
//   node pkg-template/assemble.mjs <wasm-dir> <out-dir>      e.g. target/wasm pkg
//
// Two builds of the crate (scripts/build.sh: cargo, then wasm-opt), each one module,
// <wasm-dir>/<build>/wasm_oauth.wasm, where <build> is `core` (no DPoP, no ID token signature
// check: the package's main entry, `wasm-oauth`) and `full` (everything: `wasm-oauth/full`).
// The module has the plain C ABI of src/abi.rs (no wasm-bindgen): no imports; exports
// `memory`, `alloc` and `run` (checked). The JavaScript around it is hand-written:
// pkg-template/loader.js (instantiates the module; `init`, `initSync` and the private `run`) and
// pkg-template/executor.js (the API), the same for both builds.
//
// Writes into <out-dir> exactly the files listed below (and removes anything else there), for
// the core build under the base name wasm_oauth and for the full one under wasm_oauth_full:
//   wasm_oauth.js            ES module: loader + executor      (browsers, bundlers: `await init()`)
//   wasm_oauth.node.js       Node entry: initSync from disk, re-exports the ES module
//   wasm_oauth.classic.js    classic script: loader + executor in pkg-template/classic.js, the
//                            global `wasmOAuth` with `wasmOAuth.ready` (<script src>)
//   wasm_oauth_bg.wasm       the module (one file for all three)
//   wasm_oauth.d.ts          hand-written types (pkg-template/)
//                            (wasm_oauth_full.d.ts re-exports them: the API is the same)
//   wasm_oauth.classic.d.ts  types of the `wasmOAuth` global
//   README.md, package.json  (version from Cargo.toml), LICENSE* files found in the repo root
//
// Node built-ins, plus esbuild (a dev dependency) to minify the two scripts; idempotent (files
// are rewritten only when their bytes change).
import { Buffer } from "node:buffer";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const NAME = "wasm_oauth";
const templateDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(templateDir);

function fail(message) {
  console.error(`assemble: ${message}`);
  process.exit(1);
}

const [wasmArg, outArg, ...extra] = process.argv.slice(2);
if (!wasmArg || !outArg || extra.length) {
  fail("usage: node pkg-template/assemble.mjs <wasm-dir> <out-dir>");
}
const wasmDir = path.resolve(wasmArg);
const outDir = path.resolve(outArg);
const inside = (dir, parent) => dir === parent || dir.startsWith(parent + path.sep);
if (outDir === repoRoot || inside(outDir, templateDir) || inside(outDir, wasmDir) || outDir === path.parse(outDir).root) {
  fail(`refusing to use ${outDir} as the output directory (its other files would be removed)`);
}

// Stale files are removed from <out-dir>: only reuse a directory that holds this package (or a
// wasm-bindgen/wasm-pack output of it) already.
if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
  let previous;
  try {
    previous = JSON.parse(fs.readFileSync(path.join(outDir, "package.json"), "utf8")).name;
  } catch {
    // no readable package.json
  }
  const bindgenOutput = ["wasm_oauth.js", "wasm_oauth_bg.wasm"].some((f) => fs.existsSync(path.join(outDir, f)));
  if (previous !== "wasm-oauth" && !bindgenOutput) {
    fail(`refusing to write into ${outDir}: not empty and not a previous wasm-oauth package (delete it first)`);
  }
}

function read(file, what) {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    fail(`cannot read ${path.relative(process.cwd(), file) || file}${what ? ` (${what})` : ""}: ${error.code ?? error.message}`);
  }
}
const template = (name) => read(path.join(templateDir, name), "pkg-template");

// ---- inputs ---------------------------------------------------------------------------------
// The loader (pkg-template/loader.js) relies on exactly this interface (src/abi.rs).
const ABI = { imports: "", exports: "memory:memory alloc:function run:function" };
function readBuild(build) {
  const file = path.join(wasmDir, build, `${NAME}.wasm`);
  const wasm = read(file, "scripts/build.sh: cargo + wasm-opt");
  let module;
  try {
    module = new WebAssembly.Module(wasm);
  } catch (error) {
    fail(`${path.relative(process.cwd(), file)} is not a valid WebAssembly module: ${error.message}`);
  }
  const list = (entries) => entries.map((e) => `${e.module ? `${e.module}.` : ""}${e.name}:${e.kind}`).join(" ");
  const shape = { imports: list(WebAssembly.Module.imports(module)), exports: list(WebAssembly.Module.exports(module)) };
  for (const key of ["imports", "exports"]) {
    if (shape[key] !== ABI[key]) {
      fail(`${build}/${NAME}.wasm ${key} "${shape[key]}", not the "${ABI[key]}" of src/abi.rs (built without --features standalone? wasm-opt not run?)`);
    }
  }
  return wasm;
}
const core = readBuild("core");
const full = readBuild("full");

// ---- version from Cargo.toml ([package] version = "x.y.z") ----------------------------------
function cargoVersion() {
  const toml = read(path.join(repoRoot, "Cargo.toml")).toString("utf8");
  let section = "";
  for (const line of toml.split(/\r?\n/)) {
    const header = line.match(/^\s*\[([^\]]+)\]\s*(#.*)?$/);
    if (header) {
      section = header[1].trim();
      continue;
    }
    const version = section === "package" && line.match(/^\s*version\s*=\s*"([^"]+)"/);
    if (version) return version[1];
  }
  fail("no version in the [package] section of Cargo.toml");
}
const version = cargoVersion();

// ---- outputs --------------------------------------------------------------------------------
const files = new Map(); // file name in outDir -> Buffer
const put = (name, content) => files.set(name, Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8"));

// The API is the executor (pkg-template/executor.js) over the loader's private `run`: the ES
// module is the loader followed by the executor; the classic script puts both (exports
// removed) into pkg-template/classic.js, which attaches the exports to the global. The
// executor is the same text in both builds; its constant `FULL` is defined here (true for the
// full build), so the core build's minified scripts drop the effects only the full build asks
// for (dpopKey, dpopSign, dpopForget, verify: `performFull` and the WebCrypto helpers).
const loader = template("loader.js").toString("utf8");
const executor = template("executor.js").toString("utf8");
const classic = template("classic.js").toString("utf8");
const nodeEntry = template(`${NAME}.node.js`).toString("utf8");
const classicDts = template(`${NAME}.classic.d.ts`).toString("utf8");
const WASM_URL = 'new URL("__WASM_FILE__", import.meta.url)';
if (loader.split(WASM_URL).length !== 2) fail(`loader.js does not load its wasm with exactly one \`${WASM_URL}\` (bundlers look for that form)`);
for (const mark of ["__BODY__", "__EXPORTS__", "__WASM_FILE__"]) {
  if (classic.split(mark).length !== 2) fail(`classic.js must have exactly one ${mark} placeholder`);
}
if (/^function run\(/m.test(executor) || !/^function run\(/m.test(loader)) fail("`run` must be defined by loader.js (and only there)");
if (!/\bFULL \?/.test(executor)) fail("executor.js no longer branches on FULL (the core build's dead-code marker)");
const EXPORT = /^export (?:default )?(?=(?:async )?(?:function|class|const|let) )/gm;
if (!/^export default function init\(/m.test(loader) || !/^export function initSync\(/m.test(loader)) {
  fail("loader.js must export `init` (default) and `initSync`");
}
// The global's members: every export but the default one (`init`, which the global itself is).
const classicExports = `{ ${[...runtimeExports(`${loader}\n${executor}`)].filter((n) => n !== "default").join(", ")} }`;
// Minified (whitespace, comments, local names): the JavaScript is a tenth of the package's
// gzip size otherwise. The checks below read the unminified sources.
const { transformSync } = await import("esbuild").catch(() => fail("esbuild missing: run npm ci (it is a dev dependency)"));
const minify = (code, full, format) =>
  transformSync(code, { minify: true, format, target: "es2020", legalComments: "none", define: { FULL: String(full) }, treeShaking: true }).code;
/** The classic script, minified into one function scope. esbuild puts the template's "use
 * strict" before that function, where it would apply to any script concatenated after this one;
 * it goes inside. */
function minifyClassic(code, full) {
  const out = minify(code, full, "iife");
  const STRICT_IIFE = '"use strict";(()=>{';
  if (!out.startsWith(STRICT_IIFE)) fail("the minified classic script does not start with the expected \"use strict\" and function scope");
  return `(()=>{"use strict";${out.slice(STRICT_IIFE.length)}`;
}

let esModule; // the core ES module, unminified (for the type checks below)
for (const [wasm, base] of [[core, NAME], [full, `${NAME}_full`]]) {
  const wasmFile = `${base}_bg.wasm`;
  const module = `${loader.replace(/\s*$/, "\n")}\n${executor}`.split("__WASM_FILE__").join(wasmFile);
  if (base === NAME) esModule = module;
  const isFull = base !== NAME;
  put(`${base}.js`, minify(module, isFull, "esm"));
  put(wasmFile, wasm);
  // The classic script: the same code without `export`, the default URL relative to the
  // script's own (`scriptSrc`, set by classic.js) instead of import.meta.url.
  const body = module.replace(EXPORT, "").split("import.meta.url").join("scriptSrc");
  if (/\bimport\.meta\b|^\s*export\b/m.test(body)) fail("the classic script's body still has import.meta or an export");
  put(`${base}.classic.js`, minifyClassic(classic.replace("__BODY__", () => body).replace("__EXPORTS__", classicExports).split("__WASM_FILE__").join(wasmFile), isFull));
  if (base === NAME) {
    put(`${base}.node.js`, nodeEntry);
    put(`${base}.d.ts`, template(`${NAME}.d.ts`));
    put(`${base}.classic.d.ts`, classicDts);
  } else {
    const renamed = nodeEntry.split(`./${NAME}.js`).join(`./${base}.js`).split(`./${NAME}_bg.wasm`).join(`./${base}_bg.wasm`)
      .replace("// Node.js entry of wasm-oauth", "// Node.js entry of wasm-oauth/full");
    if (renamed.includes(`./${NAME}.`) || renamed.includes(`./${NAME}_bg`)) fail(`${NAME}.node.js: a file name the full entry could not rename`);
    put(`${base}.node.js`, renamed);
    put(`${base}.d.ts`, `/**\n * Types of \`wasm-oauth/full\`: the same API as \`wasm-oauth\` (see ${NAME}.d.ts), from the build\n` +
      ` * that also has DPoP (\`dpop: true\`, \`generateDpopProof\`), \`verifyIdTokenSignature: true\` and the\n` +
      ` * confidential clients (\`grantType: "client_credentials"\`, \`clientSecret\`, \`apiKey\`, ...).\n *\n` +
      ` * @packageDocumentation\n */\nexport * from "./${NAME}.js";\nexport { default } from "./${NAME}.js";\n`);
    const fullClassicDts = classicDts.split(`./${NAME}.js`).join(`./${base}.js`).split(`${NAME}.classic.js`).join(`${base}.classic.js`)
      .split(`${NAME}_bg.wasm`).join(`${base}_bg.wasm`).split(`"wasm-oauth/classic"`).join(`"wasm-oauth/full/classic"`);
    put(`${base}.classic.d.ts`, fullClassicDts);
  }
}
put("README.md", template("README.md"));

const licenses = fs.readdirSync(repoRoot).filter((name) => /^(LICEN[CS]E|COPYING)([-.].*)?$/i.test(name)).sort();
for (const name of licenses) put(name, read(path.join(repoRoot, name)));

const manifest = JSON.parse(template("package.json").toString("utf8"));
manifest.version = version;
manifest.files = [...new Set([...manifest.files, ...licenses])];
for (const name of manifest.files) {
  if (!files.has(name)) fail(`package.json "files" lists ${name}, which the assembler does not produce`);
}
for (const name of files.keys()) {
  if (name !== "package.json" && !manifest.files.includes(name)) fail(`package.json "files" does not list ${name}`);
}
put("package.json", `${JSON.stringify(manifest, null, 2)}\n`);

// ---- do the hand-written types cover what the ES module exports? ---------------------------------
/** The names a module's source exports (`export function|class|const ...`), "default" for its default export. */
function runtimeExports(js) {
  const names = new Set();
  for (const m of js.matchAll(/^export (?:async )?(?:function\*?|class|const|let|var) ([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  if (/^export default /m.test(js)) names.add("default");
  return names;
}
function declaredExports(dts) {
  const names = new Set();
  for (const m of dts.matchAll(/^export (?:declare )?(?:abstract )?(?:function|class|const|let|var) ([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  if (/^export default /m.test(dts)) names.add("default");
  return names;
}
const declared = declaredExports(files.get(`${NAME}.d.ts`).toString("utf8"));
const exported = runtimeExports(esModule);
const missing = [...declared].filter((name) => !exported.has(name));
if (missing.length) {
  fail(`pkg-template/${NAME}.d.ts declares what the ES module does not export: ${missing.join(", ")}`);
}
const undeclared = [...exported].filter((name) => !declared.has(name));
// Methods of exported classes: `  name(` in the ES module's class bodies, `  name(` in the d.ts's.
function classMethods(source, indent) {
  const methods = new Map();
  const classes = source.matchAll(new RegExp(`^export (?:declare )?class ([A-Za-z_$][\\w$]*)[^\\n]*\\{\\n([\\s\\S]*?)^\\}`, "gm"));
  for (const [, name, body] of classes) {
    const found = [...body.matchAll(new RegExp(`^ {${indent}}(?:static |async )*([A-Za-z_$][\\w$]*)\\s*[(<]`, "gm"))]
      .map((m) => m[1])
      .filter((method) => method !== "constructor" && !method.startsWith("__"));
    methods.set(name, new Set(found));
  }
  return methods;
}
const moduleMethods = classMethods(esModule, 2);
const typedMethods = classMethods(files.get(`${NAME}.d.ts`).toString("utf8"), 2);
for (const [cls, typed] of typedMethods) {
  const real = moduleMethods.get(cls) ?? new Set();
  const missingMethods = [...typed].filter((m) => !real.has(m));
  if (missingMethods.length) fail(`pkg-template/${NAME}.d.ts declares ${cls} methods the ES module does not have: ${missingMethods.join(", ")}`);
  for (const m of real) if (!typed.has(m)) undeclared.push(`${cls}.prototype.${m}`);
}
if (undeclared.length) {
  console.warn(`assemble: warning: exported by the ES module but not declared in pkg-template/${NAME}.d.ts: ${undeclared.join(", ")}`);
}

// ---- write, then remove stale files ---------------------------------------------------------
fs.mkdirSync(outDir, { recursive: true });
let written = 0;
for (const [name, content] of files) {
  const target = path.join(outDir, name);
  let same = false;
  try {
    same = fs.readFileSync(target).equals(content);
  } catch {
    // missing: write it
  }
  if (!same) {
    fs.writeFileSync(target, content);
    written += 1;
  }
}
const stale = fs.readdirSync(outDir).filter((name) => !files.has(name));
for (const name of stale) fs.rmSync(path.join(outDir, name), { recursive: true, force: true });

// ---- summary (sizes: scripts/build.sh, measured as tests/e2e/size.test.mjs does) --------------
const rel = path.relative(process.cwd(), outDir) || ".";
console.log(`assemble: ${manifest.name}@${version} in ${rel}/ (${written} written, ${stale.length} stale removed)`);
