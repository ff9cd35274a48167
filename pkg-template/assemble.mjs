#!/usr/bin/env node
// Assembles the publishable npm package from wasm-bindgen's outputs and pkg-template/.
//
//   node pkg-template/assemble.mjs <bindgen-dir> <out-dir>      e.g. target/bindgen pkg
//
// Two builds of the crate (scripts/build.sh), each with
// <bindgen-dir>/<build>/web      wasm-bindgen --target web                                   output
// <bindgen-dir>/<build>/classic  wasm-bindgen --target no-modules --no-modules-global wasmOAuth output
// where <build> is `core` (no DPoP, no ID token signature check: the package's main entry,
// `wasm-oauth`) and `full` (everything: the `wasm-oauth/full` entry).
//
// Writes into <out-dir> exactly the files listed below (and removes anything else there), for
// the core build under the base name wasm_oauth and for the full one under wasm_oauth_full:
//   wasm_oauth.js            web-target ES module glue          (browsers, bundlers: `await init()`)
//   wasm_oauth.node.js       Node entry: initSync from disk, re-exports the glue
//   wasm_oauth.classic.js    no-modules glue + footer setting `wasmOAuth.ready` (<script src>)
//   wasm_oauth_bg.wasm       the module (one copy when both targets produced identical bytes,
//                            else the classic one is shipped as wasm_oauth.classic_bg.wasm)
//   wasm_oauth.d.ts          hand-written types (pkg-template/), replacing the generated ones
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
import { gzipSync } from "node:zlib";

const NAME = "wasm_oauth";
const GLOBAL = "wasmOAuth";
const templateDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(templateDir);

function fail(message) {
  console.error(`assemble: ${message}`);
  process.exit(1);
}

const [bindgenArg, outArg, ...extra] = process.argv.slice(2);
if (!bindgenArg || !outArg || extra.length) {
  fail("usage: node pkg-template/assemble.mjs <bindgen-dir> <out-dir>");
}
const bindgenDir = path.resolve(bindgenArg);
const outDir = path.resolve(outArg);
const inside = (dir, parent) => dir === parent || dir.startsWith(parent + path.sep);
if (outDir === repoRoot || inside(outDir, templateDir) || inside(outDir, bindgenDir) || outDir === path.parse(outDir).root) {
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
const WASM_MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d]);
function readBuild(build) {
  const dir = path.join(bindgenDir, build);
  const webJs = read(path.join(dir, "web", `${NAME}.js`), "wasm-bindgen --target web").toString("utf8");
  const webWasm = read(path.join(dir, "web", `${NAME}_bg.wasm`), "wasm-bindgen --target web");
  const classicJs = read(path.join(dir, "classic", `${NAME}.js`), "wasm-bindgen --target no-modules").toString("utf8");
  const classicWasm = read(path.join(dir, "classic", `${NAME}_bg.wasm`), "wasm-bindgen --target no-modules");
  for (const [label, bytes] of [["web", webWasm], ["classic", classicWasm]]) {
    if (!bytes.subarray(0, 4).equals(WASM_MAGIC)) fail(`${build}/${label}/${NAME}_bg.wasm is not a WebAssembly module`);
  }
  if (!/export\s*\{\s*initSync\s*,\s*__wbg_init as default\s*\}/.test(webJs)) {
    fail(`${build}/web/${NAME}.js does not look like wasm-bindgen --target web output (no \`export { initSync, __wbg_init as default }\`)`);
  }
  if (!new RegExp(`^\\s*let ${GLOBAL} = \\(function\\(exports\\)`, "m").test(classicJs)) {
    fail(`${build}/classic/${NAME}.js does not define the global \`${GLOBAL}\` (expected --target no-modules --no-modules-global ${GLOBAL})`);
  }
  return { webJs, webWasm, classicJs, classicWasm };
}
const core = readBuild("core");
const full = readBuild("full");
// The two builds' glue is the same code (the crate's one export, `run`, and the same imports):
// only the wasm file name differs in what is shipped. Checked, so a change of surface in one
// build only shows up here rather than as a broken entry.
for (const key of ["webJs", "classicJs"]) {
  if (core[key] !== full[key]) console.warn(`assemble: warning: the core and full builds' ${key} glue differ`);
}

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

// The API is the executor (pkg-template/executor.js) over the glue's one export, `run`, which
// stays private: the ES module is the glue without that export plus the executor; the classic
// script runs the executor (exports removed) on `wasmOAuth.run` and puts the API on the global.
// The executor is the same text in both builds: in the core one, the effects only the full
// build asks for (dpopKey, dpopSign, dpopForget, verify) are never requested.
const executor = template("executor.js").toString("utf8");
const RUN_EXPORT = /^export function run\(/m;
const API_NAMES = [...executor.matchAll(/^export (?:class|const|function) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
// Minified (whitespace, comments, local names): the glue and executor are a third of the
// package's gzip size otherwise. The checks below read the unminified sources.
const { transformSync } = await import("esbuild").catch(() => fail("esbuild missing: run npm ci (it is a dev dependency)"));
const minify = (code, format) => transformSync(code, { minify: true, format, target: "es2020", legalComments: "none" }).code;
const footer = template("classic-footer.js").toString("utf8");
if (!footer.includes("__WASM_FILE__")) fail("classic-footer.js lost its __WASM_FILE__ placeholder");
const nodeEntry = template(`${NAME}.node.js`).toString("utf8");
const classicDts = template(`${NAME}.classic.d.ts`).toString("utf8");
const WASM_URL = `new URL('${NAME}_bg.wasm', import.meta.url)`;

const extraExports = {}; // package.json "exports" entries for separate classic wasm files
const extraFiles = [];
let esModule; // the core ES module, unminified (for the type checks below)
for (const [build, base] of [[core, NAME], [full, `${NAME}_full`]]) {
  const { webJs, webWasm, classicJs, classicWasm } = build;
  if (!RUN_EXPORT.test(webJs)) fail(`web/${NAME}.js does not export \`run\` (the crate's wasm-bindgen surface)`);
  if (webJs.split(WASM_URL).length !== 2) fail(`web/${NAME}.js does not load its wasm with exactly one \`${WASM_URL}\``);
  const glue = webJs.replace(RUN_EXPORT, "function run(").replace(WASM_URL, `new URL('${base}_bg.wasm', import.meta.url)`);
  const module = `${glue.replace(/\s*$/, "\n")}\n${executor}`;
  if (base === NAME) esModule = module;
  const classicApi = `\n(function (glue) {\nconst run = glue.run;\n${executor.replace(/^export /gm, "")}\n` +
    `delete glue.run;\nObject.assign(glue, { ${API_NAMES.join(", ")} });\n})(wasmOAuth);\n`;
  put(`${base}.js`, minify(module, "esm"));
  put(`${base}_bg.wasm`, webWasm);
  const oneWasm = webWasm.equals(classicWasm);
  const classicWasmName = oneWasm ? `${base}_bg.wasm` : `${base}.classic_bg.wasm`;
  if (!oneWasm) {
    put(classicWasmName, classicWasm);
    extraExports[`./${classicWasmName}`] = `./${classicWasmName}`;
    extraFiles.push(classicWasmName);
  }
  put(`${base}.classic.js`, minify(`${classicJs.replace(/\s*$/, "\n")}${classicApi}${footer.replace("__WASM_FILE__", JSON.stringify(classicWasmName))}`));
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
      ` * that also has DPoP (\`dpop: true\`, \`generateDpopProof\`) and \`verifyIdTokenSignature: true\`.\n *\n` +
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
Object.assign(manifest.exports, extraExports);
manifest.files = [...new Set([...manifest.files, ...extraFiles, ...licenses])];
for (const name of manifest.files) {
  if (!files.has(name)) fail(`package.json "files" lists ${name}, which the assembler does not produce`);
}
for (const name of files.keys()) {
  if (name !== "package.json" && !manifest.files.includes(name)) fail(`package.json "files" does not list ${name}`);
}
put("package.json", `${JSON.stringify(manifest, null, 2)}\n`);

// ---- do the hand-written types cover what the glue exports? ---------------------------------
function runtimeExports(js) {
  const names = new Set();
  for (const m of js.matchAll(/^export (?:async )?(?:function\*?|class|const|let|var) ([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  for (const m of js.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const part of m[1].split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop();
      if (name) names.add(name);
    }
  }
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
  fail(`pkg-template/${NAME}.d.ts declares what the glue does not export: ${missing.join(", ")}`);
}
const undeclared = [...exported].filter((name) => !declared.has(name));
// Methods of exported classes: `  name(` in the glue's class bodies, `  name(` in the d.ts's.
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
const gluesMethods = classMethods(esModule, 2);
const typedMethods = classMethods(files.get(`${NAME}.d.ts`).toString("utf8"), 2);
for (const [cls, typed] of typedMethods) {
  const real = gluesMethods.get(cls) ?? new Set();
  const missingMethods = [...typed].filter((m) => !real.has(m));
  if (missingMethods.length) fail(`pkg-template/${NAME}.d.ts declares ${cls} methods the glue does not have: ${missingMethods.join(", ")}`);
  for (const m of real) if (!typed.has(m)) undeclared.push(`${cls}.prototype.${m}`);
}
if (undeclared.length) {
  console.warn(`assemble: warning: exported by the glue but not declared in pkg-template/${NAME}.d.ts: ${undeclared.join(", ")}`);
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

// ---- summary --------------------------------------------------------------------------------
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const rel = path.relative(process.cwd(), outDir) || ".";
console.log(`assemble: ${manifest.name}@${version} in ${rel}/ (${written} written, ${stale.length} stale removed${extraFiles.length ? ", separate classic wasm" : ""})`);
for (const name of [`${NAME}_bg.wasm`, `${NAME}.js`, `${NAME}.classic.js`, `${NAME}_full_bg.wasm`, `${NAME}_full.js`, `${NAME}_full.classic.js`]) {
  const bytes = files.get(name);
  console.log(`  ${name.padEnd(24)} ${kib(bytes.length).padStart(10)} raw ${kib(gzipSync(bytes, { level: 9 }).length).padStart(10)} gzip`);
}
