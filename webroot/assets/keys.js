// Keys of the browser console (docs/console.md, "How keys are kept").
//
// A key pair is made here with WebCrypto (ECDSA P-256), or imported from a PKCS#8 PEM file (RSA
// or EC P-256, e.g. from `paywire keygen` or `openssl genpkey`). The private key is kept in this
// browser's IndexedDB as a non-extractable CryptoKey: scripts can sign with it but never read
// it. The PKCS#8 PEM of a key made here exists only until its one backup download.

const DB_NAME = 'paywire-console';
const DB_VERSION = 1;
const STORE = 'keys';

/** The WebCrypto algorithms a key of each type signs with, as the server verifies them. */
const SIGNING = {
  EC: { name: 'ECDSA', hash: 'SHA-256' }, // r||s (IEEE P1363); the server accepts it
  RSA: { name: 'RSASSA-PKCS1-v1_5' }, // SHA256withRSA
};
const IMPORT = {
  EC: { name: 'ECDSA', namedCurve: 'P-256' },
  RSA: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
};

// ---- encodings ---------------------------------------------------------------------------------

export function toBase64(bytes) {
  let text = '';
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text);
}

export function fromBase64(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

export function toHex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function toPem(label, der) {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER inside a PEM block with this label; a clear error for anything else. */
export function fromPem(text, label) {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text ?? '');
  if (!match) throw new Error('This is not a PEM file: it has no "-----BEGIN …-----" line.');
  if (match[1] !== label) {
    const hint = {
      'EC PRIVATE KEY': 'convert it with: openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key',
      'RSA PRIVATE KEY': 'convert it with: openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key',
      'ENCRYPTED PRIVATE KEY': 'remove its passphrase with: openssl pkcs8 -in old.key -out new.key',
      CERTIFICATE: 'a certificate holds no private key; choose the .key file',
      'PUBLIC KEY': 'a public key cannot sign; choose the private key',
    }[match[1]];
    throw new Error(`Expected "${label}" (PKCS#8), found "${match[1]}"${hint ? `: ${hint}` : ''}.`);
  }
  try {
    return fromBase64(match[2].replace(/\s+/g, ''));
  } catch {
    throw new Error('The PEM block is not valid base64.');
  }
}

// ---- IndexedDB ---------------------------------------------------------------------------------

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`This browser's key store cannot be opened: ${request.error}`));
  });
}

async function inStore(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('key store transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** Account names compare without case, as the ledger's do. */
const idOf = (name) => name.toLowerCase();

/** Every key kept here: [{id, name, type, publicKeyPem, address, created, privateKey}]. */
export function listKeys() {
  return inStore('readonly', (store) => store.getAll());
}

export function findKey(name) {
  return inStore('readonly', (store) => store.get(idOf(name)));
}

export function saveKey(entry) {
  return inStore('readwrite', (store) => store.put({ ...entry, id: idOf(entry.name) }));
}

export function removeKey(name) {
  return inStore('readwrite', (store) => store.delete(idOf(name)));
}

// ---- making and importing keys -----------------------------------------------------------------

/** The account address the server shows: hex SHA-256 of the public key's SPKI DER. */
async function address(spki) {
  return toHex(await crypto.subtle.digest('SHA-256', spki));
}

/** Re-imports PKCS#8 as non-extractable: what is stored can sign, and never be read back. */
function storable(type, pkcs8) {
  return crypto.subtle.importKey('pkcs8', pkcs8, IMPORT[type], false, ['sign']);
}

/**
 * A new ECDSA P-256 key: {entry (to store once the account exists), backupPem (the PKCS#8 PEM,
 * for the one download)}.
 */
export async function createKey(name) {
  const pair = await crypto.subtle.generateKey(IMPORT.EC, true, ['sign', 'verify']);
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', pair.privateKey);
  const spki = await crypto.subtle.exportKey('spki', pair.publicKey);
  const entry = {
    name, type: 'EC', publicKeyPem: toPem('PUBLIC KEY', spki), address: await address(spki),
    created: Date.now(), privateKey: await storable('EC', pkcs8),
  };
  return { entry, backupPem: toPem('PRIVATE KEY', pkcs8) };
}

/** Imports a PKCS#8 PEM private key (EC P-256 or RSA); answers the entry to store. */
export async function importKey(name, pem) {
  const pkcs8 = fromPem(pem, 'PRIVATE KEY');
  for (const type of ['EC', 'RSA']) {
    let extractable;
    try {
      extractable = await crypto.subtle.importKey('pkcs8', pkcs8, IMPORT[type], true, ['sign']);
    } catch {
      continue; // not this type
    }
    // WebCrypto cannot derive a public key from a private one; its JWK holds the public part.
    const jwk = await crypto.subtle.exportKey('jwk', extractable);
    const publicJwk = type === 'EC'
      ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true }
      : { kty: 'RSA', n: jwk.n, e: jwk.e, alg: 'RS256', ext: true };
    const publicKey = await crypto.subtle.importKey('jwk', publicJwk, IMPORT[type], true, ['verify']);
    const spki = await crypto.subtle.exportKey('spki', publicKey);
    return {
      name, type, publicKeyPem: toPem('PUBLIC KEY', spki), address: await address(spki),
      created: Date.now(), privateKey: await storable(type, pkcs8),
    };
  }
  throw new Error('Only RSA and EC P-256 private keys can be imported.');
}

/** Signs bytes with a stored key, as the server verifies them for its type. */
export async function sign(entry, bytes) {
  return new Uint8Array(await crypto.subtle.sign(SIGNING[entry.type], entry.privateKey, bytes));
}
