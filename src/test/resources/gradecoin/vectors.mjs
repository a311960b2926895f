// Independent vectors for io.paywire.gradecoin tests, made with Node's crypto (no Paywire code).
// Run by GradecoinVectors (ProcessBuilder "node vectors.mjs"); prints one JSON object.
import crypto from 'node:crypto';

const b64u = (b) => Buffer.from(b).toString('base64url');
const hex = (alg, s) => crypto.createHash(alg).update(Buffer.from(s, 'utf8')).digest('hex');
function jwt(header, claims, privateKey) {
  const input = b64u(JSON.stringify(header)) + '.' + b64u(JSON.stringify(claims));
  const sig = crypto.createSign('RSA-SHA256').update(input).sign(privateKey);
  return input + '.' + b64u(sig);
}
const rsa = (bits) => crypto.generateKeyPairSync('rsa', { modulusLength: bits });

const tx = { source: 'a1\n"\\\u0001é', target: 'b2', amount: 3, timestamp: '2021-04-13T20:55:30.120' };
const block = { transaction_list: ['id1', 'id2'], nonce: 42, timestamp: '2021-04-13T20:55:30' };
const emptyBlock = { nonce: 7, timestamp: '2022-04-11T20:45:00' };
const main = rsa(2048);
const other = rsa(2048);
const odd = rsa(2047);
const spki = main.publicKey.export({ type: 'spki', format: 'pem' });
const now = 1_700_000_000;
const noIat = { tha: 'x', exp: now + 60 };
const noIatJson = JSON.stringify(noIat);

console.log(JSON.stringify({
  txJson: JSON.stringify(tx), txMd5: hex('md5', JSON.stringify(tx)), tx,
  blockJson: JSON.stringify(block), blockHash: crypto.createHash('blake2s256').update(JSON.stringify(block)).digest('hex'), block,
  emptyBlockJson: JSON.stringify(emptyBlock), emptyBlockHash: crypto.createHash('blake2s256').update(JSON.stringify(emptyBlock)).digest('hex'),
  spki, spkiSha256: hex('sha256', spki),
  spkiOneLine: spki.replace(/\n(?!$)/g, ''),
  pkcs1: main.publicKey.export({ type: 'pkcs1', format: 'pem' }),
  odd2047: odd.publicKey.export({ type: 'spki', format: 'pem' }),
  oddModulusHex: odd.publicKey.export({ format: 'jwk' }).n,
  now,
  valid: jwt({ alg: 'RS256', typ: 'JWT' }, { tha: 'abc', iat: now - 10, exp: now, extra: true }, main.privateKey),
  validOdd: jwt({ alg: 'RS256', typ: 'JWT' }, { tha: 'abc', iat: now - 10, exp: now + 60 }, odd.privateKey),
  expired: jwt({ alg: 'RS256', typ: 'JWT' }, { tha: 'abc', iat: now - 10, exp: now - 1 }, main.privateKey),
  hs256: jwt({ alg: 'HS256', typ: 'JWT' }, { tha: 'abc', iat: now, exp: now + 60 }, main.privateKey),
  badSignature: jwt({ alg: 'RS256', typ: 'JWT' }, { tha: 'abc', iat: now, exp: now + 60 }, other.privateKey),
  missingIat: jwt({ alg: 'RS256', typ: 'JWT' }, noIat, main.privateKey),
  missingIatColumn: Buffer.byteLength(noIatJson.slice(0, noIatJson.lastIndexOf('}'))),
}));
