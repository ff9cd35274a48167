// The demo's UI, shared by index.html (ES module build) and classic.html (classic script build).
// `startDemo({ load })` gets the library object from `load()` (after initialisation) and uses only
// the public API: AuthClient, handleCallback, getUser, getTokens, getToken, refresh, signOut.
// Tokens are never put in the page: only the ID token's claims and the access token's lifetime.

const TEMPLATE = `
  <header>
    <h1>wasm-oauth demo</h1>
    <p class="sub">Authorization Code + PKCE, <span id="build"></span> build.
      Also: <a id="other-build"></a>.</p>
  </header>

  <section class="card">
    <dl class="facts">
      <dt>Status</dt><dd><strong id="status">loading…</strong> <span id="who"></span></dd>
      <dt>Access token expires in</dt><dd id="expires-in">–</dd>
    </dl>
    <div class="actions">
      <button id="sign-in" class="primary">Sign in</button>
      <button id="call-api">Call API</button>
      <button id="refresh">Refresh</button>
    </div>
    <div class="actions">
      <button id="sign-out">Sign out</button>
      <button id="sign-out-revoke">Sign out + revoke</button>
      <button id="sign-out-everywhere">Sign out everywhere</button>
    </div>
    <p id="error" role="alert" hidden></p>
    <p id="message" role="status"></p>
  </section>

  <section class="card">
    <h2>ID token claims <code>getUser()</code></h2>
    <pre id="user">null</pre>
  </section>

  <section class="card">
    <h2>API result <code>GET userinfo</code> with <code>getToken()</code></h2>
    <pre id="api-result"></pre>
  </section>

  <section class="card config">
    <h2>AuthConfig <code>/config.json</code> + this page as <code>redirectUri</code></h2>
    <pre id="config"></pre>
  </section>
`;

const $ = (id) => document.getElementById(id);

function setText(id, text) {
  const element = $(id);
  if (element.textContent !== text) element.textContent = text;
}

/** An error of the demo itself, shaped like the library's AuthError. */
function demoError(code, description) {
  return Object.assign(new Error(`${code}: ${description}`), { name: "AuthError", code, description });
}

/** `code: description` for an AuthError, `Name: message` for anything else. */
function describeError(error) {
  if (error && error.name === "AuthError") {
    return error.description ? `${error.code}: ${error.description}` : String(error.code);
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function showError(error) {
  const element = $("error");
  element.textContent = describeError(error);
  element.hidden = false;
  console.error(error); // AuthErrors never contain tokens
}

function clearNotices() {
  $("error").textContent = "";
  $("error").hidden = true;
  setText("message", "");
}

async function fetchJson(url, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw demoError("network_error", `${url}: ${error.message}`);
  }
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { response, body };
}

/**
 * @param {{ build: string, other: { href: string, label: string }, load: () => Promise<object> }} demo
 *   `load` resolves to the library object (its exports, or the `wasmOAuth` global) once usable.
 */
export async function startDemo({ build, other, load }) {
  const app = $("app");
  app.innerHTML = TEMPLATE;
  setText("build", build);
  $("other-build").href = other.href;
  setText("other-build", other.label);
  const buttons = [...app.querySelectorAll("button")];
  for (const button of buttons) button.disabled = true;

  let lib;
  let config;
  try {
    [lib, config] = await Promise.all([
      load(),
      fetchJson("/config.json", { cache: "no-store" }).then(({ response, body }) => {
        if (!response.ok || typeof body !== "object" || body === null) {
          throw demoError("config_error", `/config.json answered ${response.status}`);
        }
        return body;
      }),
    ]);
  } catch (error) {
    setText("status", "not loaded");
    showError(error);
    return;
  }

  // Each page is its own redirect URI: "/" and "/classic.html" are both registered.
  const authConfig = { ...config, redirectUri: location.origin + location.pathname };
  const secret = (key, value) => (key === "clientSecret" || key === "apiKey" ? "(hidden)" : value);
  setText("config", JSON.stringify(authConfig, secret, 2));

  let client;
  try {
    client = new lib.AuthClient(authConfig);
  } catch (error) {
    setText("status", "not loaded");
    showError(error);
    return;
  }

  function render() {
    const signedIn = client.isAuthenticated();
    setText("status", signedIn ? "signed in" : "signed out");
    $("status").classList.toggle("on", signedIn);
    const user = client.getUser();
    setText("user", JSON.stringify(user, null, 2));
    setText("who", user ? `as ${user.name ?? user.email ?? user.sub ?? "?"}` : "");

    const tokens = client.getTokens();
    const expiresIn = $("expires-in");
    if (!tokens) {
      setText("expires-in", "–");
      delete expiresIn.dataset.seconds;
      expiresIn.title = "";
    } else if (typeof tokens.expiresAt !== "number") {
      setText("expires-in", "unknown (the server did not say)");
      delete expiresIn.dataset.seconds;
      expiresIn.title = "";
    } else {
      const seconds = Math.round(tokens.expiresAt - Date.now() / 1000);
      setText("expires-in", seconds > 0 ? `${seconds} s` : `expired ${-seconds} s ago`);
      expiresIn.dataset.seconds = String(seconds);
      expiresIn.title = `at ${new Date(tokens.expiresAt * 1000).toLocaleString()}`;
    }
    $("sign-in").classList.toggle("primary", !signedIn);
  }

  /** Runs a button's action: clears old notices, shows its error, re-renders. */
  function action(id, run) {
    const button = $(id);
    button.addEventListener("click", async () => {
      clearNotices();
      button.disabled = true;
      try {
        await run();
      } catch (error) {
        showError(error);
      } finally {
        button.disabled = false;
        render();
      }
    });
  }

  let userinfoEndpoint;
  async function findUserinfoEndpoint() {
    if (userinfoEndpoint) return userinfoEndpoint;
    if (!authConfig.issuer) throw demoError("config_error", "no issuer in /config.json, so no userinfo endpoint");
    const url = `${authConfig.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    const { response, body } = await fetchJson(url);
    if (!response.ok || typeof body?.userinfo_endpoint !== "string") {
      throw demoError("discovery_error", `${url} has no userinfo_endpoint (HTTP ${response.status})`);
    }
    userinfoEndpoint = body.userinfo_endpoint;
    return userinfoEndpoint;
  }

  action("sign-in", async () => {
    // OpenID Connect Core §11: asking for offline_access (a refresh token) needs prompt=consent.
    const offline = /(^|\s)offline_access(\s|$)/.test(authConfig.scope ?? "");
    await client.signIn(offline ? { extraParams: { prompt: "consent" } } : {});
  });

  action("call-api", async () => {
    setText("api-result", "");
    const token = await client.getToken(); // refreshed first when it is about to expire
    const { response, body } = await fetchJson(await findUserinfoEndpoint(), {
      headers: { Authorization: `Bearer ${token}` },
    });
    setText("api-result", typeof body === "string" ? body : JSON.stringify(body, null, 2));
    if (!response.ok) throw demoError("http_error", `userinfo answered ${response.status}`);
    setText("message", "API called with a valid access token.");
  });

  action("refresh", async () => {
    await client.refresh();
    setText("message", "Tokens refreshed.");
  });

  action("sign-out", async () => {
    await client.signOut();
    setText("api-result", "");
    setText("message", "Signed out: this page forgot its tokens.");
  });

  action("sign-out-revoke", async () => {
    await client.signOut({ revoke: true });
    setText("api-result", "");
    setText("message", "Signed out and asked the server to revoke the tokens.");
  });

  action("sign-out-everywhere", async () => {
    setText("api-result", "");
    await client.signOut({ endSession: true, postLogoutRedirectUri: location.origin + location.pathname });
  });

  // Back from the authorization server? Then finish the sign-in (this also cleans the URL).
  const params = new URLSearchParams(location.search);
  if (params.has("state") && (params.has("code") || params.has("error"))) {
    try {
      await client.handleCallback();
      setText("message", "Signed in.");
    } catch (error) {
      showError(error);
    }
  } else if (params.has("state")) {
    // Back from "Sign out everywhere": the end-session redirect carries only `state`.
    history.replaceState(history.state, "", location.pathname + location.hash);
    setText("message", "Back from signing out at the authorization server.");
  }

  render();
  for (const button of buttons) button.disabled = false;
  setInterval(render, 1000);
  window.addEventListener("storage", render); // another tab signed in or out
}
