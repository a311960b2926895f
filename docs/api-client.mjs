#!/usr/bin/env node
// A complete client of Paywire's HTTPS API (docs/api.md) in plain Node 20, no packages:
// register (encrypted), log in (signed nonce), pay (self-signed JWT), read the balance, log out.
//
//   node docs/api-client.mjs --url https://127.0.0.1:8443 --ca certs/ca.crt --name alice \
//        --deposit 1000 [--key-type ec|rsa|ed25519] [--cbc] [--password P] [--key-out alice.key]
//   node docs/api-client.mjs --url ... --ca ... --name alice --key alice.key --pay-to bob --amount 100
//
// Without --key it makes a key pair and registers; with --key (PKCS#8 PEM) the account exists.
// One line per step on stdout; on any failure "error <method> <path> <status> <CODE>: <message>"
// on stderr and exit status 1. It trusts only the CA given by --ca.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import { parseArgs } from 'node:util';

const options = {
  url: { type: 'string' }, ca: { type: 'string' }, name: { type: 'string' },
  deposit: { type: 'string' }, password: { type: 'string' }, 'key-type': { type: 'string', default: 'ec' },
  cbc: { type: 'boolean', default: false }, key: { type: 'string' }, 'key-out': { type: 'string' },
  'pay-to': { type: 'string' }, amount: { type: 'string' },
};
let opt;
try {
  opt = parseArgs({ options }).values;
} catch (e) {
  fail(e.message);
}
for (const required of ['url', 'ca', 'name']) {
  if (!opt[required]) fail(`--${required} is required`);
}
const whole = /^[1-9][0-9]*$/;
if (opt['pay-to'] && !whole.test(opt.amount ?? '')) fail('--pay-to needs --amount N (N > 0)');
if (opt.deposit !== undefined && !whole.test(opt.deposit)) fail('--deposit must be a whole number > 0');

const agent = new https.Agent({ ca: fs.readFileSync(opt.ca), keepAlive: true }); // only this CA

/** One request; resolves to {status, json, text}; never rejects for an HTTP status. */
function call(method, path, { json, body, bearer } = {}) {
  const data = body ?? (json === undefined ? undefined : Buffer.from(JSON.stringify(json)));
  const headers = {};
  if (data) headers['content-type'] = 'application/json';
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  return new Promise((resolve, reject) => {
    const request = https.request(new URL(path, opt.url), { method, agent, headers, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = null;
        try { parsed = JSON.parse(text); } catch { /* PEM, or empty */ }
        resolve({ method, path, status: res.statusCode, text, json: parsed });
      });
    });
    request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    request.on('error', reject);
    request.end(data);
  });
}

/** The reply, if its status is one of `ok`; otherwise the API's error, as an exception. */
function expect(reply, ...ok) {
  if (ok.includes(reply.status)) return reply;
  const { error = 'HTTP', message = reply.text } = reply.json ?? {};
  throw new Error(`${reply.method} ${reply.path} ${reply.status} ${error}: ${message}`);
}

function fail(message) {
  console.error(`error ${message}`);
  process.exit(1);
}

// ---- keys and signatures ----------------------------------------------------------------------

function ownKey() {
  if (opt.key) return crypto.createPrivateKey(fs.readFileSync(opt.key));
  const type = opt['key-type'];
  const parameters = { ec: { namedCurve: 'P-256' }, rsa: { modulusLength: 2048 }, ed25519: {} }[type];
  if (!parameters) fail(`--key-type must be ec, rsa or ed25519, not ${type}`);
  const { privateKey } = crypto.generateKeyPairSync(type, parameters);
  if (opt['key-out']) {
    fs.writeFileSync(opt['key-out'], privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  return privateKey;
}

/** Signs with the algorithm the key's type dictates: SHA-256 with RSA PKCS#1 v1.5 or ECDSA; Ed25519. */
function sign(key, data, dsaEncoding = 'der') {
  const digest = key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  return crypto.sign(digest, data, { key, dsaEncoding });
}

/** A compact JWS over the exact body bytes: tha = hex SHA-256 of them, valid for two minutes. */
function requestToken(key, body) {
  const alg = { rsa: 'RS256', ec: 'ES256', ed25519: 'EdDSA' }[key.asymmetricKeyType];
  const iat = Math.floor(Date.now() / 1000);
  const tha = crypto.createHash('sha256').update(body).digest('hex');
  const part = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
  const input = `${part({ alg, typ: 'JWT' })}.${part({ tha, iat, exp: iat + 120 })}`;
  // JWS wants ECDSA as r||s (IEEE P1363), not DER.
  return `${input}.${sign(key, Buffer.from(input), 'ieee-p1363').toString('base64url')}`;
}

// ---- the steps --------------------------------------------------------------------------------

/** POST /register: RSA-OAEP(SHA-256, MGF1 SHA-256) of a fresh AES key, AES-128-GCM (or CBC) of the JSON. */
async function register(name, key) {
  const registrationKey = expect(await call('GET', '/registration-key.pem'), 200).text;
  const fields = {
    student_id: name,
    passwd: opt.password ?? '',
    public_key: crypto.createPublicKey(key).export({ type: 'spki', format: 'pem' }),
  };
  if (opt.deposit !== undefined) fields.deposit = Number(opt.deposit);
  const aesKey = crypto.randomBytes(16);
  const iv = crypto.randomBytes(opt.cbc ? 16 : 12);
  const cipher = crypto.createCipheriv(opt.cbc ? 'aes-128-cbc' : 'aes-128-gcm', aesKey, iv);
  const parts = [cipher.update(JSON.stringify(fields)), cipher.final()];
  if (!opt.cbc) parts.push(cipher.getAuthTag()); // 16 bytes, appended to c
  const envelope = {
    c: Buffer.concat(parts).toString('base64'),
    iv: iv.toString('base64'),
    key: crypto.publicEncrypt({ key: registrationKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256' }, aesKey).toString('base64'), // OpenSSL uses the OAEP hash for MGF1 too
    alg: opt.cbc ? 'A128CBC' : 'A128GCM',
  };
  const account = expect(await call('POST', '/register', { json: envelope }), 201).json;
  console.log(`registered ${account.name} address ${account.address} balance ${account.balance}`);
}

/** POST /auth/challenge, then POST /auth/login with the nonce signed: answers the session token. */
async function login(name, key) {
  const { nonce } = expect(await call('POST', '/auth/challenge', { json: { name } }), 200).json;
  const signature = sign(key, Buffer.from(nonce, 'base64')).toString('base64');
  const session = expect(await call('POST', '/auth/login', { json: { name, nonce, signature } }), 200).json;
  console.log(`logged-in ${session.name} expires ${new Date(session.expiresAt * 1000).toISOString()}`);
  return session.token;
}

/** POST /transactions; an unknown outcome (503) is retried with the same id and body. */
async function pay(name, key, target, amount) {
  const id = crypto.randomBytes(16).toString('hex');
  const body = Buffer.from(JSON.stringify({ source: name, target, amount, id }));
  for (let attempt = 1; ; attempt++) {
    const reply = await call('POST', '/transactions', { body, bearer: requestToken(key, body) });
    if (reply.status === 503 && reply.json?.error === 'UNKNOWN_OUTCOME' && attempt < 5) {
      console.log(`unknown ${id} retrying`);
      await new Promise((wake) => setTimeout(wake, 500 * attempt));
      continue;
    }
    const receipt = expect(reply, 200, 201).json;
    const replayed = receipt.duplicate ? ' (already applied)' : '';
    console.log(`paid ${receipt.transfer.id} to ${receipt.transfer.target} amount ${amount} balance ${receipt.balance}${replayed}`);
    return;
  }
}

async function main() {
  const name = opt.name;
  const key = ownKey();
  if (!opt.key) await register(name, key);
  const token = await login(name, key);
  try {
    if (opt['pay-to']) await pay(name, key, opt['pay-to'], Number(opt.amount));
    const account = expect(await call('GET', `/accounts/${encodeURIComponent(name)}`, { bearer: token }), 200).json;
    console.log(`balance ${account.name} ${account.balance}`);
  } finally {
    // Also after a failure: a live login keeps the account online, and a second login is refused
    // (409 ALREADY_ONLINE) until it ends.
    expect(await call('POST', '/auth/logout', { bearer: token }), 204);
    console.log(`logged-out ${name}`);
  }
}

main().then(() => agent.destroy(), (e) => fail(e.message));
