// Load generator for a Gradecoin network (docs/benchmarks.md, "Gradecoin network (issue 24)").
// Independent of Paywire's code: Node 20's node:crypto and node:https only, the wire as
// src/test/resources/gradecoin/student.mjs speaks it (a student's client).
//
//   node docs/bench/gradecoin-load.mjs --url https://127.0.0.1:PORT/ --ca certs/ca.crt \
//     --pub gradecoin.pub --students students.csv [--users 60] [--connections 64] \
//     [--amount 1] [--warmup-rounds 1] [--blocks 2] [--server-pid PID]
//
// 1. Makes --users RSA-2048 keys and registers each with a line of students.csv (header skipped),
//    four registrations in flight (each costs the server an Argon2 hash).
// 2. Signs, before the clock starts, one POST /transaction from every user to every other
//    (users x (users - 1) requests; the pool holds one pending transaction per source and target,
//    so each is a new one): RS256 JWT with tha = MD5 of the compact transaction, iat, exp = now +
//    1 h. Pairs are ordered so that requests in flight have different sources.
// 3. A run: --connections keep-alive HTTPS connections (one agent), one request in flight
//    on each. Prints accepted (201) per second, other replies by status and text, latency p50/p99
//    from a request's write to its reply; with --server-pid the server's CPU per accepted
//    transaction (utime + stime of /proc/PID/stat before and after) and the server threads that
//    used the most CPU in the run (/proc/PID/task/*/stat; names from one jcmd Thread.print after
//    the run); the generator's own CPU;
//    the load average at both ends.
// 4. --blocks times: reads the pool (GET /transaction), takes as many of its first ids as fit in
//    one POST /block body (Gradecoin's body limit is 32 KiB: about 485 ids of 64 hex characters),
//    mines the nonce at the network's hash_zeros (GET /config), signs the JWT with the first
//    transaction's source's key (the proposer) and times POST /block from its write to the 201.
// Steps 2 to 4 run --warmup-rounds times first (the JIT compiles the server's path; their blocks
// empty the pool, so every pair may be pending again), then once measured with --blocks blocks.
// Every figure is printed as one "key=value" line group; exits 1 if a step fails.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import { execSync } from 'node:child_process';

const options = { users: '60', connections: '64', amount: '1', blocks: '2', 'warmup-rounds': '1' };
for (let i = 2; i < process.argv.length; i += 2) {
  options[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
for (const required of ['url', 'ca', 'pub', 'students']) {
  if (!options[required]) {
    console.error(`--${required} is required`);
    process.exit(2);
  }
}
const url = options.url.endsWith('/') ? options.url : `${options.url}/`;
const users = Number(options.users);
const connections = Number(options.connections);
const amount = Number(options.amount);
const serverPid = options['server-pid'];
const ca = fs.readFileSync(options.ca);
const serverPub = fs.readFileSync(options.pub, 'utf8');
const MAX_BODY_BYTES = 32 * 1024;

const agent = new https.Agent({ keepAlive: true, maxSockets: connections, ca });

function request(path, method, headers, body) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const started = process.hrtime.bigint();
    const req = https.request(
      { host: u.hostname, port: u.port, path: u.pathname, method, headers, agent },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            body: Buffer.concat(chunks).toString('utf8'),
            nanos: Number(process.hrtime.bigint() - started),
          }));
      });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const b64url = (b) => Buffer.from(b).toString('base64url');
const md5 = (s) => crypto.createHash('md5').update(s).digest('hex');
const sha256 = (s) => crypto.createHash('sha256').update(s).digest('hex');
const blake2s = (s) => crypto.createHash('blake2s256').update(s).digest('hex');
const JWT_HEAD = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256' }));

function jwt(privateKey, tha) {
  const now = Math.floor(Date.now() / 1000);
  const claims = b64url(JSON.stringify({ tha, iat: now, exp: now + 3600 }));
  const signature = crypto.createSign('RSA-SHA256').update(`${JWT_HEAD}.${claims}`).sign(privateKey);
  return `${JWT_HEAD}.${claims}.${b64url(signature)}`;
}

// chrono's NaiveDateTime as Gradecoin writes it: whole seconds carry no fraction.
const timestamp = () => new Date().toISOString().slice(0, 19);

// utime + stime in clock ticks of a process or thread, from its stat line (fields 14 and 15,
// counted after the command name, which may hold spaces and parentheses).
function ticks(statPath) {
  const stat = fs.readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim());
const TICK_US = 1e6 / CLK_TCK;

// Per thread of the server: thread id -> ticks.
function threadTicks(pid) {
  const byTid = new Map();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      byTid.set(tid, ticks(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread ended meanwhile
    }
  }
  return byTid;
}

// Thread id -> Java thread name, from one `jcmd PID Thread.print` (nid is the id in hex); the
// kernel's 15-character name where jcmd is not available.
function threadNames(pid) {
  const names = new Map();
  try {
    const dump = execSync(`jcmd ${pid} Thread.print`, { maxBuffer: 64 << 20 }).toString();
    for (const m of dump.matchAll(/^"([^"]+)".* nid=0x([0-9a-f]+)/gm)) {
      names.set(String(parseInt(m[2], 16)), m[1]);
    }
  } catch {
    // no jcmd: kernel names below
  }
  return (tid) => {
    if (names.has(tid)) return names.get(tid);
    try {
      return fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      return tid;
    }
  };
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const ms = (nanos) => (nanos / 1e6).toFixed(1);
const fail = (message) => {
  console.error(message);
  process.exit(1);
};

// ---- 1. keys and registration ------------------------------------------------------------------
console.log(`load_before=${load()} users=${users} connections=${connections} cpus=${os.cpus().length}`);
const students = fs.readFileSync(options.students, 'utf8').split('\n').slice(1)
  .map((line) => line.trim()).filter((line) => line && !line.startsWith('#'))
  .map((line) => line.split(',').map((f) => f.trim()));
if (students.length < users) fail(`${options.students} lists ${students.length} students, not ${users}`);

const generate = () => new Promise((resolve, reject) =>
  crypto.generateKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  }, (error, publicKey, privateKey) => (error ? reject(error) : resolve({ publicKey, privateKey }))));
const accounts = await Promise.all(Array.from({ length: users }, generate));
for (const account of accounts) {
  account.fingerprint = sha256(account.publicKey);
  account.privateKey = crypto.createPrivateKey(account.privateKey);
}

async function register(index) {
  const [studentId, passwd] = students[index];
  const k = crypto.randomBytes(16);
  const iv = crypto.randomBytes(16);
  const aes = crypto.createCipheriv('aes-128-cbc', k, iv);
  const pAr = JSON.stringify({ student_id: studentId, passwd, public_key: accounts[index].publicKey });
  const c = Buffer.concat([aes.update(pAr, 'utf8'), aes.final()]);
  const key = crypto.publicEncrypt(
    { key: serverPub, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, k);
  const body = JSON.stringify({ c: c.toString('base64'), iv: iv.toString('base64'), key: key.toString('base64') });
  const answer = await request('register', 'POST', { 'Content-Type': 'application/json' }, body);
  if (answer.status !== 201 || !answer.body.includes(accounts[index].fingerprint)) {
    fail(`registration of ${studentId}: ${answer.status} ${answer.body}`);
  }
}
const registrationStarted = Date.now();
let nextUser = 0;
await Promise.all(Array.from({ length: 4 }, async () => {
  while (nextUser < users) await register(nextUser++);
}));
console.log(`registered=${users} seconds=${((Date.now() - registrationStarted) / 1000).toFixed(1)}`);

// ---- 2. every transaction signed before the clock starts ---------------------------------------
// Round r's transactions are stamped r seconds apart from the other rounds', so that no token of
// one round equals one of another (a token is accepted once).
function signAll(round) {
  const signingStarted = Date.now();
  const requests = [];
  const stamp = new Date(Date.now() + round * 1000).toISOString().slice(0, 19);
  for (let offset = 1; offset < users; offset++) {
    for (let i = 0; i < users; i++) {
      const source = accounts[i];
      const target = accounts[(i + offset) % users];
      const body = JSON.stringify({
        source: source.fingerprint, target: target.fingerprint, amount, timestamp: stamp,
      });
      requests.push({
        body,
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${jwt(source.privateKey, md5(body))}`,
        },
      });
    }
  }
  console.log(`round ${round}: signed=${requests.length}`
    + ` seconds=${((Date.now() - signingStarted) / 1000).toFixed(1)}`);
  return requests;
}

// ---- 3. a run: every request sent, one in flight per connection --------------------------------
// One request per connection first, untimed, so that every connection's TLS handshake is done.
await Promise.all(Array.from({ length: connections }, () => request('version', 'GET', {})));

async function fire(round, requests) {
  const latencies = [];
  const refused = new Map();
  let accepted = 0;
  let next = 0;
  const serverBefore = serverPid ? ticks(`/proc/${serverPid}/stat`) : 0;
  const threadsBefore = serverPid ? threadTicks(serverPid) : new Map();
  const ownBefore = process.cpuUsage();
  const loadAtStart = load();
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (next < requests.length) {
      const { body, headers } = requests[next++];
      const answer = await request('transaction', 'POST', headers, body);
      latencies.push(answer.nanos);
      if (answer.status === 201) {
        accepted++;
      } else {
        const key = `${answer.status} ${answer.body}`;
        refused.set(key, (refused.get(key) || 0) + 1);
      }
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const serverAfter = serverPid ? ticks(`/proc/${serverPid}/stat`) : 0;
  const threadsAfter = serverPid ? threadTicks(serverPid) : new Map();
  const own = process.cpuUsage(ownBefore);

  latencies.sort((a, b) => a - b);
  console.log(`round ${round} transactions: sent=${requests.length} accepted=${accepted}`
    + ` seconds=${seconds.toFixed(2)} accepted_per_second=${(accepted / seconds).toFixed(0)}`
    + ` p50_ms=${ms(percentile(latencies, 0.5))} p99_ms=${ms(percentile(latencies, 0.99))}`
    + ` load_start=${loadAtStart} load_end=${load()}`);
  for (const [reply, count] of refused) console.log(`  not accepted: ${count} x ${reply}`);
  if (serverPid) {
    const serverUs = (serverAfter - serverBefore) * TICK_US;
    console.log(`round ${round} server_cpu: seconds=${(serverUs / 1e6).toFixed(2)}`
      + ` cores=${(serverUs / 1e6 / seconds).toFixed(2)}`
      + ` us_per_accepted=${(serverUs / Math.max(1, accepted)).toFixed(0)}`);
    const name = threadNames(serverPid);
    const used = [...threadsAfter].map(([tid, t]) => [name(tid), t - (threadsBefore.get(tid) || 0)])
      .filter(([, t]) => t > 0).sort((a, b) => b[1] - a[1]).slice(0, 12);
    console.log(`round ${round} server_threads (share of one core over the run):`
      + used.map(([n, t]) => ` "${n}"=${((t * TICK_US) / 1e4 / seconds).toFixed(0)}%`).join(''));
  }
  const ownUs = own.user + own.system;
  console.log(`round ${round} generator_cpu: cores=${(ownUs / 1e6 / seconds).toFixed(2)}`
    + ` us_per_request=${(ownUs / requests.length).toFixed(0)}`);
  if (accepted === 0) fail('no transaction accepted');
}

// ---- 4. blocks -----------------------------------------------------------------------------------
const config = JSON.parse((await request('config', 'GET', {})).body);
const zeros = '0'.repeat(config.hash_zeros);
const byFingerprint = new Map(accounts.map((a) => [a.fingerprint, a]));

// Mines up to `blocks` blocks of the pool's first ids (as many as fit a body), one at a time.
async function mine(label, blocks) {
  for (let b = 0; b < blocks; b++) {
    const pool = JSON.parse((await request('transaction', 'GET', {})).body);
    const ids = Object.keys(pool);
    const blockTimestamp = timestamp();
    // As many ids as fit the body limit, with room for a 10-digit nonce.
    let count = Math.min(ids.length, 1000);
    const size = (n) => JSON.stringify({
      transaction_list: ids.slice(0, n), nonce: 4294967295, timestamp: blockTimestamp, hash: '0'.repeat(64),
    }).length;
    while (count > 0 && size(count) > MAX_BODY_BYTES) count--;
    if (count < config.block_transaction_count) return;
    const transactionList = ids.slice(0, count);
    const proposer = byFingerprint.get(pool[transactionList[0]].source);
    const miningStarted = Date.now();
    let nonce = 0;
    let hash;
    for (;; nonce++) {
      hash = blake2s(JSON.stringify({ transaction_list: transactionList, nonce, timestamp: blockTimestamp }));
      if (hash.startsWith(zeros)) break;
    }
    const body = JSON.stringify({ transaction_list: transactionList, nonce, timestamp: blockTimestamp, hash });
    const answer = await request('block', 'POST', {
      'Content-Type': 'application/json', Authorization: `Bearer ${jwt(proposer.privateKey, hash)}`,
    }, body);
    console.log(`${label} block ${b}: transactions=${count} body_bytes=${body.length} status=${answer.status}`
      + ` ms=${ms(answer.nanos)} mined_ms=${Date.now() - miningStarted} pool_before=${ids.length}`
      + ` load=${load()} reply=${answer.body}`);
    if (answer.status !== 201) fail('block refused');
  }
}

// Warm-up rounds (the JIT compiles the server's path), each followed by blocks that empty the
// pool, so that every pair may be pending again; then the measured round and its blocks.
const warmups = Number(options['warmup-rounds']);
for (let round = 0; round <= warmups; round++) {
  await fire(round < warmups ? `${round} (warm-up)` : `${round} (measured)`, signAll(round));
  await mine(`round ${round}`, round < warmups ? 1000 : Number(options.blocks));
}
agent.destroy();
