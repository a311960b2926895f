// A Gradecoin student client written only with Node's own crypto and https, as a student would:
// the independent side of GradecoinNetworkTest. Each command prints one JSON line
// {"status": N, "body": "..."} (or the values it made) and exits 0.
//
//   node student.mjs keygen <private.pem> <public.pem> [bits] [pkcs1|spki] [oneline]
//   node student.mjs register <url> <gradecoin.pub> <student_id> <passwd> <public.pem>
//   node student.mjs fingerprint <public.pem>
//   node student.mjs transaction <url> <private.pem> <source> <target> <amount> <timestamp> [thaTimestamp]
//   node student.mjs mine <url> <private.pem> <zeros> <count> <timestamp>
//   node student.mjs block <url> <private.pem> <zeros> <timestamp> <id,id,...> [tha]
//   node student.mjs sealed <url> <gradecoin.pub> <plaintext>   (any P_AR text, sealed as register does)
//   node student.mjs get <url> <path> [accept]
//   node student.mjs raw <url> <path> <method> <content-type|-> <body> [authorization]
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';

const ca = process.env.GRADECOIN_CA ? fs.readFileSync(process.env.GRADECOIN_CA) : undefined;

function request(url, path, method, headers, body) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const req = https.request(
      { host: u.hostname, port: u.port, path: u.pathname, method, headers, ca, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, type: res.headers['content-type'] || '',
                    body: Buffer.concat(chunks).toString('utf8') }));
      });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const b64url = (b) => Buffer.from(b).toString('base64url');

// GRADECOIN_TOKEN_LIFETIME: seconds from now to exp (negative: an expired token).
function jwt(privatePem, tha, lifetime = Number(process.env.GRADECOIN_TOKEN_LIFETIME || 3600)) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256' }));
  const claims = b64url(JSON.stringify({ tha, iat: now, exp: now + lifetime }));
  const signature = crypto.createSign('RSA-SHA256').update(`${head}.${claims}`).sign(privatePem);
  return `${head}.${claims}.${b64url(signature)}`;
}

const md5 = (s) => crypto.createHash('md5').update(s).digest('hex');
const sha256 = (s) => crypto.createHash('sha256').update(s).digest('hex');
const blake2s = (s) => crypto.createHash('blake2s256').update(s).digest('hex');

const [command, ...args] = process.argv.slice(2);
const out = (value) => console.log(JSON.stringify(value));

if (command === 'keygen') {
  const [privatePath, publicPath, bits = '2048', type = 'spki', oneline] = args;
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: Number(bits),
    publicKeyEncoding: { type, format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  fs.writeFileSync(privatePath, privateKey);
  fs.writeFileSync(publicPath, oneline ? publicKey.replace(/\n/g, '') : publicKey);
  out({ ok: true });
} else if (command === 'fingerprint') {
  out({ fingerprint: sha256(fs.readFileSync(args[0], 'utf8')) });
} else if (command === 'register' || command === 'sealed') {
  const [url, serverPub] = args;
  const p_ar = command === 'sealed' ? args[2] : JSON.stringify(
    { student_id: args[2], passwd: args[3], public_key: fs.readFileSync(args[4], 'utf8') });
  const k = crypto.randomBytes(16);
  const iv = crypto.randomBytes(16);
  const aes = crypto.createCipheriv('aes-128-cbc', k, iv);
  const c = Buffer.concat([aes.update(p_ar, 'utf8'), aes.final()]);
  const key = crypto.publicEncrypt(
    { key: fs.readFileSync(serverPub, 'utf8'), padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256' }, k);
  const body = JSON.stringify({ c: c.toString('base64'), iv: iv.toString('base64'), key: key.toString('base64') });
  out(await request(url, 'register', 'POST', { 'Content-Type': 'application/json' }, body));
} else if (command === 'transaction') {
  const [url, privatePath, source, target, amount, timestamp, thaTimestamp] = args;
  const tx = { source, target, amount: Number(amount), timestamp };
  const tha = md5(JSON.stringify({ ...tx, timestamp: thaTimestamp || timestamp }));
  const token = jwt(fs.readFileSync(privatePath, 'utf8'), tha);
  const body = JSON.stringify(tx);
  const answer = await request(url, 'transaction', 'POST',
    { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body);
  out({ ...answer, token, sent: body });
} else if (command === 'mine') {
  const [url, privatePath, zeros, count, timestamp] = args;
  const pool = JSON.parse((await request(url, 'transaction', 'GET', {})).body);
  const transaction_list = Object.keys(pool).slice(0, Number(count));
  let nonce = 0;
  let hash;
  for (;; nonce++) {
    hash = blake2s(JSON.stringify({ transaction_list, nonce, timestamp }));
    if (hash.startsWith('0'.repeat(Number(zeros)))) break;
  }
  const token = jwt(fs.readFileSync(privatePath, 'utf8'), hash);
  const body = JSON.stringify({ transaction_list, nonce, timestamp, hash });
  const answer = await request(url, 'block', 'POST',
    { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body);
  out({ ...answer, token, sent: body, hash });
} else if (command === 'block') {
  const [url, privatePath, zeros, timestamp, ids, tha] = args;
  const transaction_list = ids.split(',');
  let nonce = 0;
  let hash;
  // GRADECOIN_NOT_ZEROS: find a hash that does NOT start with the zeros;
  // GRADECOIN_BAD_HASH: send the nonce after the one the hash was made with.
  const wanted = (h) => h.startsWith('0'.repeat(Number(zeros))) !== Boolean(process.env.GRADECOIN_NOT_ZEROS);
  for (;; nonce++) {
    hash = blake2s(JSON.stringify({ transaction_list, nonce, timestamp }));
    if (wanted(hash)) break;
  }
  if (process.env.GRADECOIN_BAD_HASH) nonce++;
  const token = jwt(fs.readFileSync(privatePath, 'utf8'), tha || hash);
  const body = JSON.stringify({ transaction_list, nonce, timestamp, hash });
  const answer = await request(url, 'block', 'POST',
    { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body);
  out({ ...answer, token, sent: body, hash });
} else if (command === 'get') {
  const [url, path, accept] = args;
  out(await request(url, path, 'GET', accept ? { Accept: accept } : {}));
} else if (command === 'raw') {
  const [url, path, method, type, body, authorization] = args;
  const headers = {};
  if (type !== '-') headers['Content-Type'] = type;
  if (authorization) headers.Authorization = authorization;
  out(await request(url, path, method, headers, body));
} else {
  console.error(`unknown command ${command}`);
  process.exit(2);
}
