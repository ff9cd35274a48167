// Regenerates the JWKS test vectors (node src/protocol/jwks_vectors/generate.mjs): prints JSON
// with the JWK Set and one token per algorithm; the files here hold one member each.
import crypto from 'node:crypto';
const b64 = (b) => Buffer.from(b).toString('base64url');
const keys = {
  rs: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ps: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
  es: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  small: crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }),
};
const jwk = (k, kid, alg) => ({ ...k.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' });
const jwks = { keys: [jwk(keys.rs, 'rs-1', 'RS256'), jwk(keys.ps, 'ps-1', 'PS256'), jwk(keys.es, 'es-1', 'ES256'), jwk(keys.small, 'small-1', 'RS256')] };
const payload = { iss: 'https://id.example.com', sub: 'user-1', aud: 'spa', exp: 1700003600, iat: 1700000000, nonce: 'n-1' };
function sign(alg, kid, key) {
  const h = b64(JSON.stringify({ alg, kid, typ: 'JWT' }));
  const p = b64(JSON.stringify(payload));
  const input = Buffer.from(`${h}.${p}`);
  let sig;
  if (alg === 'RS256') sig = crypto.sign('sha256', input, key);
  if (alg === 'PS256') sig = crypto.sign('sha256', input, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  if (alg === 'ES256') sig = crypto.sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' });
  return `${h}.${p}.${b64(sig)}`;
}
const out = {
  jwks: JSON.stringify(jwks),
  rs256: sign('RS256', 'rs-1', keys.rs.privateKey),
  ps256: sign('PS256', 'ps-1', keys.ps.privateKey),
  es256: sign('ES256', 'es-1', keys.es.privateKey),
  small: sign('RS256', 'small-1', keys.small.privateKey),
};
console.log(JSON.stringify(out, null, 1));
