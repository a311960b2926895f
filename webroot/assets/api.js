// The console's client of the HTTPS API (docs/api.md) and its live channel (GET /ws). The page
// uses the API exactly as any program would; nothing here is private to the console.
import { fromBase64, fromPem, sign, toBase64, toHex } from './keys.js';

/** An API error reply, or no reply at all (status 0). */
export class ApiError extends Error {
  constructor(status, code, message, id) {
    super(message);
    this.status = status;
    this.code = code;
    this.id = id;
  }
}

/** One request; answers the JSON body of a 2xx reply, throws ApiError otherwise. */
export async function call(method, path, { json, token } = {}) {
  const headers = {};
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: json === undefined ? undefined : JSON.stringify(json),
      credentials: 'omit', cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'NO_ANSWER', 'The server did not answer. Check your connection.');
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON: a PEM, say */ }
  if (!response.ok) {
    throw new ApiError(response.status, body?.error ?? `HTTP_${response.status}`,
      body?.message ?? text, body?.id);
  }
  return body ?? text;
}

export const settings = () => call('GET', '/console.json');

// ---- registration: POST /register, encrypted as docs/api.md describes -----------------------

/**
 * Registers `name` with the public key of `entry`: the JSON is sealed with a fresh AES-128-GCM
 * key, itself sealed with RSA-OAEP (SHA-256) under the node's registration key.
 */
export async function register(name, entry, { password = '', deposit } = {}) {
  const pem = await call('GET', '/registration-key.pem');
  const registrationKey = await crypto.subtle.importKey('spki', fromPem(pem, 'PUBLIC KEY'),
    { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);
  const fields = { student_id: name, passwd: password, public_key: entry.publicKeyPem };
  if (deposit !== undefined) fields.deposit = deposit;
  const aes = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes,
    new TextEncoder().encode(JSON.stringify(fields))); // ciphertext || 16-byte tag, as the API wants
  const rawAes = await crypto.subtle.exportKey('raw', aes);
  const key = await crypto.subtle.encrypt({ name: 'RSA-OAEP' }, registrationKey, rawAes);
  return call('POST', '/register', {
    json: { c: toBase64(sealed), iv: toBase64(iv), key: toBase64(key), alg: 'A128GCM' },
  });
}

// ---- login: a nonce signed with the account's key --------------------------------------------

export async function login(name, entry) {
  const { nonce } = await call('POST', '/auth/challenge', { json: { name } });
  const signature = await sign(entry, fromBase64(nonce));
  return call('POST', '/auth/login', { json: { name, nonce, signature: toBase64(signature) } });
}

export const refresh = (token) => call('POST', '/auth/refresh', { token });
export const logout = (token) => call('POST', '/auth/logout', { token });

// ---- payments and reads ------------------------------------------------------------------------

/** A transfer id made here: 16 random bytes as 32 lowercase hex digits. */
export function newTransferId() {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * Pays with the payer's signature over the text protocol's text `<payer>#<amount>#<payee>#<id>`.
 * Retrying with the same id is always safe: a payment applies once.
 */
export async function pay(token, payer, entry, { target, amount, id }) {
  const text = `${payer}#${amount}#${target}#${id}`;
  const signature = await sign(entry, new TextEncoder().encode(text));
  return call('POST', '/transfers', {
    token, json: { target, amount, id, signature: toBase64(signature) },
  });
}

export const account = (token, name) => call('GET', `/accounts/${encodeURIComponent(name)}`, { token });

export const history = (token, name, limit) =>
  call('GET', `/transfers?account=${encodeURIComponent(name)}&limit=${limit}`, { token });

// ---- the live channel --------------------------------------------------------------------------

/**
 * Opens GET /ws, authenticates with the session token and hands every message to `onMessage`;
 * `onClose(event)` when it closes. Answers the WebSocket.
 */
export function live(token, { onMessage, onClose, onOpen }) {
  const ws = new WebSocket(`wss://${location.host}/ws`);
  ws.onopen = () => {
    ws.send(JSON.stringify({ type: 'auth', token }));
    onOpen?.();
  };
  ws.onmessage = (event) => {
    let message;
    try { message = JSON.parse(event.data); } catch { return; }
    onMessage(message);
  };
  ws.onclose = (event) => onClose(event);
  return ws;
}
