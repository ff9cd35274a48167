// ---- wasm-oauth executor (pkg-template/executor.js) ----
// The JavaScript API on top of the WebAssembly flows (`run`, defined by loader.js, which this
// file is appended to; its `toUtf8` encoder too). A flow is a pure state machine in Rust (src/flow/): each `run` answers
// with the next effect to perform (storage, fetch, IndexedDB, WebCrypto, a lock, navigation) or
// with the outcome; this file performs effects and nothing else. See src/flow/mod.rs.

const g = globalThis;
/** Runs per call at most: a flow needs a few dozen effects; this bounds a runaway one. */
const MAX_EFFECTS = 500;

/** Per page and client key: the in-flight renewal, cached values, the DPoP key pair. */
const shared = new Map();

function authError(e) {
  const error = new Error(e.description ? `${e.code}: ${e.description}` : e.code);
  error.name = "AuthError";
  error.code = e.code;
  if (e.description != null) error.description = e.description;
  if (e.status != null) error.status = e.status;
  return error;
}

const configError = (description) => authError({ code: "invalid_config", description });

function global(name) {
  try {
    return g[name] ?? null;
  } catch {
    return null; // e.g. sessionStorage in a sandboxed frame
  }
}

const b64u = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

// ---- storage: Web Storage, or one in-memory map for the page ---------------------------------
const memory = new Map();
const memoryStore = {
  getItem: (k) => memory.get(k) ?? null,
  setItem: (k, v) => memory.set(k, v),
  removeItem: (k) => memory.delete(k),
  keys: () => [...memory.keys()],
};
function store(area) {
  const web = area !== "memory" && global(area === "local" ? "localStorage" : "sessionStorage");
  return web || memoryStore;
}
function read(area, key) {
  try {
    const v = store(area).getItem(key);
    return typeof v === "string" ? v : null;
  } catch {
    return null;
  }
}
function keys(area, prefix) {
  const s = store(area);
  try {
    const all = s.keys ? s.keys() : Array.from({ length: s.length }, (_, i) => s.key(i));
    return all.filter((k) => typeof k === "string" && k.startsWith(prefix));
  } catch {
    return [];
  }
}

// ---- IndexedDB: one connection per page, one object store of strings and key pairs ------------
let db = null;
function idb(method, mode, ...args) {
  db ??= new Promise((resolve, reject) => {
    const open = indexedDB.open("wasm-oauth", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("kv");
    open.onsuccess = () => {
      const conn = open.result;
      conn.onversionchange = conn.onclose = () => {
        conn.close();
        db = null;
      };
      resolve(conn);
    };
    open.onerror = () => reject(open.error);
  });
  return db
    .then((conn) => new Promise((resolve, reject) => {
      const request = conn.transaction("kv", mode).objectStore("kv")[method](...args);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }))
    .catch(() => {
      db = null;
      return null; // no IndexedDB: nothing stored, nothing found
    });
}

// ---- HTTP ------------------------------------------------------------------------------------
async function send(e) {
  let request;
  try {
    const headers = new Headers();
    try {
      for (const [name, value] of Object.entries(e.headers)) headers.set(name, value);
    } catch {
      return { error: "header" };
    }
    const init = { method: e.method, headers, signal: AbortSignal.timeout(e.timeout) };
    if (e.body != null) init.body = e.body;
    if (e.credentials) init.credentials = "include";
    request = new Request(e.url, init);
  } catch {
    return { error: "url" };
  }
  try {
    const response = await fetch(request);
    const body = await response.text();
    return { status: response.status, body, nonce: response.headers.get("dpop-nonce") };
  } catch (error) {
    return { error: error?.name === "TimeoutError" ? "timeout" : "network" };
  }
}

// ---- WebCrypto: the full build's effects (DPoP keys and proofs, ID token signatures) ----------
// `FULL` is a constant the package assembler defines (false for the core entry, whose flows never
// ask for these effects), so minification drops this section from the core entry.
const subtle = () => global("crypto")?.subtle;
const unb64u = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

async function dpopKey(s, key) {
  try {
    if (!s.dpop) {
      let pair = await idb("get", "readonly", key);
      if (!pair) {
        pair = await subtle().generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
        await idb("put", "readwrite", pair, key);
      }
      const { x, y } = await subtle().exportKey("jwk", pair.publicKey);
      s.dpop = { pair, x, y };
    }
    return { x: s.dpop.x, y: s.dpop.y };
  } catch {
    return null;
  }
}

async function dpopSign(s, input) {
  try {
    const algorithm = { name: "ECDSA", hash: "SHA-256" };
    return b64u(new Uint8Array(await subtle().sign(algorithm, s.dpop.pair.privateKey, toUtf8.encode(input))));
  } catch {
    return null;
  }
}

async function verify(e) {
  if (!subtle()) return null;
  try {
    const key = await subtle().importKey("jwk", e.jwk, e.import, false, ["verify"]);
    return await subtle().verify(e.params, key, unb64u(e.signature), toUtf8.encode(e.data));
  } catch {
    return false;
  }
}

function performFull(e, s) {
  switch (e.e) {
    case "dpopKey":
      return dpopKey(s, e.key);
    case "dpopSign":
      return dpopSign(s, e.input);
    case "dpopForget":
      s.dpop = null;
      return idb("delete", "readwrite", e.key);
    case "verify":
      return verify(e);
  }
  return null;
}

// ---- locks -----------------------------------------------------------------------------------
/** Takes a Web Lock (where there are Web Locks); its release goes into `held`. */
function lock(name, held) {
  const locks = global("navigator")?.locks;
  if (typeof locks?.request !== "function") return null;
  return new Promise((granted) => {
    const hold = new Promise((release) => held.push(release));
    try {
      locks.request(name, () => (granted(null), hold)).catch(() => granted(null));
    } catch {
      granted(null);
    }
  });
}

// ---- effects ---------------------------------------------------------------------------------
/** Performs one effect for client `c`; returns its result, or a Promise of it. */
function perform(e, c, held) {
  const s = c.shared;
  switch (e.e) {
    case "now":
      return Math.floor(Date.now() / 1000);
    case "random":
      try {
        return b64u(crypto.getRandomValues(new Uint8Array(32)));
      } catch {
        return null;
      }
    case "get":
      return read(e.area, e.key);
    case "set":
      try {
        store(e.area).setItem(e.key, e.value);
        return true;
      } catch {
        return false; // quota, private mode
      }
    case "remove":
      try {
        store(e.area).removeItem(e.key);
      } catch {}
      return null;
    case "keys":
      return keys(e.area, e.prefix);
    case "fetch":
      return send(e);
    case "idbGet":
      return idb("get", "readonly", e.key).then((v) => (typeof v === "string" ? v : null));
    case "idbPut":
      return idb("put", "readwrite", e.value, e.key);
    case "idbDelete":
      return idb("delete", "readwrite", e.key);
    case "cacheGet":
      return s.cache.get(e.name) ?? null;
    case "cacheSet":
      s.cache.set(e.name, e.value);
      return null;
    case "lock":
      return lock(e.name, held);
    case "href":
      return global("location")?.href ?? null;
    case "replace":
      try {
        history.replaceState(history.state, "", e.url);
      } catch {}
      return null;
    case "assign":
      try {
        location.assign(e.url);
        return true;
      } catch {
        return false;
      }
    case "later": {
      const timer = setTimeout(() => exec(c, e.op, "null").catch(() => {}), e.ms);
      timer?.unref?.(); // Node: don't keep the process alive for it
      return null;
    }
    case "renew":
      // One renewal per client key and page: later callers join it.
      s.renewing ??= exec(c, "renew", JSON.stringify(e.args)).finally(() => {
        s.renewing = null;
      });
      return s.renewing;
  }
  return FULL ? performFull(e, s) : null;
}

function step(c, op, args, results) {
  const request = `{"op":"${op}","config":${c.json},"env":${c.env},"args":${args},"results":${JSON.stringify(results)}}`;
  return JSON.parse(run(request));
}

/** Runs flow `op` to its answer: synchronously while effects are synchronous, else a Promise. */
function drive(c, op, args, held, results = []) {
  while (results.length < MAX_EFFECTS) {
    const answer = step(c, op, args, results);
    if (!answer.effect) return answer;
    const result = perform(answer.effect, c, held);
    if (typeof result?.then === "function") {
      return result.then((value) => {
        results.push(value);
        return drive(c, op, args, held, results);
      });
    }
    results.push(result);
  }
  return { error: { code: "invalid_response", description: "the flow did not finish" } };
}

/** Runs `op` to its answer, then releases the locks it took. */
async function exec(c, op, args) {
  const held = [];
  try {
    return await drive(c, op, args, held);
  } finally {
    for (const release of held) release();
  }
}

function json(value, what) {
  try {
    // appState travels as its own JSON text, which the flow stores and returns verbatim.
    if (value?.appState != null) value = { ...value, appState: JSON.stringify(value.appState) };
    return JSON.stringify(value ?? null) ?? "null";
  } catch {
    throw configError(`${what} must be JSON-serialisable`);
  }
}

const ENV = () => JSON.stringify({ doc: global("document") != null, ws: global("sessionStorage") != null });

/** A checked client: throws `invalid_config`. */
function open(config) {
  const c = { json: json(config, "the config"), env: ENV() };
  const answer = drive(c, "config", "null", []);
  if (answer.error) throw authError(answer.error);
  Object.assign(c, answer.done);
  if (!shared.has(c.key)) shared.set(c.key, { cache: new Map(), renewing: null, dpop: null });
  c.shared = shared.get(c.key);
  return c;
}

async function call(c, op, options, what = "options") {
  const answer = await exec(c, op, json(options, what));
  if (answer.error) throw authError(answer.error);
  return answer.done;
}

/** A synchronous flow (storage reads only). */
function peek(c, op) {
  const answer = drive(c, op, "null", []);
  return answer.done ?? null;
}

// An OAuth client for one `AuthConfig` (API.md).
export class AuthClient {
  // Validates the config synchronously; throws an `AuthError` `invalid_config`.
  constructor(config) {
    this.c = open(config);
  }

  // Stores a sign-in transaction, then navigates to the authorization endpoint.
  signIn(options) {
    return call(this.c, "signIn", options, "signIn options");
  }

  // Like `signIn`, but returns the URL instead of navigating.
  createSignInUrl(options) {
    return call(this.c, "createSignInUrl", options, "signIn options");
  }

  // Completes the sign-in from the callback URL (default: `window.location.href`).
  handleCallback(url) {
    return call(this.c, "handleCallback", url == null ? null : { url: String(url) });
  }

  // A valid access token, refreshed when needed (one refresh for all concurrent callers).
  getToken(options) {
    const c = this.c;
    // A stored token known to be valid resolves at once, without a run.
    const fast = c.fast;
    if (options == null && fast && fast.raw === read(c.area, c.tokens) && Math.floor(Date.now() / 1000) < fast.until) {
      return Promise.resolve(fast.token);
    }
    return call(c, "getToken", options).then((done) => {
      c.fast = options == null && done.until != null ? { raw: read(c.area, c.tokens), token: done.token, until: done.until } : null;
      return done.token;
    });
  }

  // Always asks the server for new tokens.
  refresh() {
    return call(this.c, "refresh");
  }

  // Forgets local tokens; `{revoke, endSession, postLogoutRedirectUri}` do more.
  signOut(options) {
    return call(this.c, "signOut", options, "signOut options");
  }

  // A DPoP proof for an API call: `{ url, method, nonce?, accessToken? }`. Needs `dpop: true`.
  generateDpopProof(options) {
    return call(this.c, "generateDpopProof", options, "generateDpopProof options");
  }

  // True while tokens are stored and the access token is valid or can be refreshed.
  isAuthenticated() {
    return peek(this.c, "isAuthenticated") === true;
  }

  // The stored `TokenSet`, or `null`.
  getTokens() {
    return peek(this.c, "getTokens");
  }

  // The ID token's claims, or `null`.
  getUser() {
    return peek(this.c, "getUser");
  }

  // Nothing to release (kept from the wasm-bindgen class API).
  free() {}
}

// The free functions: `new AuthClient(config).<method>(...)`, rejecting instead of throwing.
const using = (config, use) => {
  try {
    return use(new AuthClient(config));
  } catch (error) {
    return Promise.reject(error);
  }
};
export const signIn = (config, options) => using(config, (c) => c.signIn(options));
export const handleCallback = (config, url) => using(config, (c) => c.handleCallback(url));
export const getToken = (config, options) => using(config, (c) => c.getToken(options));
export const refresh = (config) => using(config, (c) => c.refresh());
