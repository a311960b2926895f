// The Paywire browser console (docs/console.md): register, log in, balance, who is online, pay,
// history, live. Plain ES modules, no framework, nothing loaded from elsewhere.
import * as api from './api.js';
import { createKey, findKey, importKey, listKeys, removeKey, saveKey } from './keys.js';

const $ = (id) => document.getElementById(id);
const SESSION = 'paywire.session'; // sessionStorage: this tab's login, so a reload resumes it
const HISTORY_ROWS = 20;
const RECONNECT_MILLIS = [1000, 2000, 5000, 10000];

const state = {
  settings: { enrollment: false, sessionTokenSeconds: 900, maxPageSize: 100 },
  session: null, // {name, token, expiresAt}
  entry: null, // this account's key entry
  ws: null,
  leaving: false,
  reconnects: 0,
  refreshTimer: 0,
  online: new Map(), // name -> via
  onlineBeyondPage: 0,
  payment: null, // {target, amount, id} of the payment in progress or to retry
  backupPem: null,
};

// ---- messages ----------------------------------------------------------------------------------

/** A status message, read out politely by screen readers. */
function say(text) {
  $('status').textContent = text;
}

/** A refusal or failure: an alert, read out at once, until dismissed or replaced. */
function alarm(text, { retry = false } = {}) {
  $('alert-text').textContent = text;
  $('pay-retry').hidden = !retry;
  $('alert').hidden = false;
  say('');
}

function clearAlarm() {
  $('alert').hidden = true;
  $('alert-text').textContent = '';
  $('pay-retry').hidden = true;
}

/** What a refusal means, in words; the server's code stays visible for support. */
function explain(error, context = {}) {
  const who = context.target ? `“${context.target}”` : 'that account';
  const words = {
    INSUFFICIENT_FUNDS: 'Not enough funds: your balance is lower than this amount.',
    UNKNOWN_ACCOUNT: `There is no account named ${who}.`,
    SELF_TRANSFER: 'You cannot pay yourself.',
    AMOUNT_NOT_POSITIVE: 'The amount must be a whole number of minor units above zero.',
    AMOUNT_ABOVE_MAXIMUM: 'The amount is larger than one payment may be.',
    ID_REUSED: 'This payment id was already used for a different payment. Start a new payment.',
    BAD_SIGNATURE: 'The server did not accept this browser’s signature: is the key kept here this account’s key?',
    AUTH_FAIL: 'Login failed: there is no such account, or the key kept in this browser is not its key.',
    ALREADY_ONLINE: 'This account is online through another connection; log out there first.',
    ALREADY_LOGGED_IN: 'This account is already logged in here.',
    REGISTRATION_REFUSED: 'Registration was refused: the name may be taken or not allowed, the one-time password wrong, or the deposit out of range.',
    RATE_LIMITED: 'Too many attempts from this address. Wait a minute and try again.',
    UNAVAILABLE: 'The server cannot take this right now. Try again shortly.',
    OVERLOADED: 'The server is busy. Try again shortly.',
    UNAUTHORIZED: 'Your session has ended. Log in again.',
    NO_ANSWER: 'The server did not answer. Check your connection.',
  }[error.code];
  return `${words ?? error.message} (${error.code})`;
}

// ---- views -------------------------------------------------------------------------------------

function show(view) {
  $('signed-out').hidden = view !== 'signed-out';
  $('signed-in').hidden = view !== 'signed-in';
  $('who').hidden = view !== 'signed-in';
}

function setLiveState(text, live) {
  $('live-state').textContent = text;
  $('live-state').classList.toggle('live', live);
}

async function renderKeys() {
  const keys = await listKeys();
  const list = $('keys');
  list.replaceChildren();
  const known = $('known-accounts');
  known.replaceChildren();
  for (const key of keys.sort((a, b) => a.name.localeCompare(b.name))) {
    const item = document.createElement('li');
    const label = document.createElement('span');
    const name = document.createElement('strong');
    name.textContent = key.name;
    const detail = document.createElement('span');
    detail.className = 'hint';
    detail.textContent = ` ${key.type === 'EC' ? 'EC P-256' : 'RSA'} · ${key.address.slice(0, 16)}…`;
    label.append(name, detail);
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'link';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove the key of ${key.name} from this browser`);
    remove.addEventListener('click', async () => {
      if (!confirm(`Remove the key of ${key.name}? Without a backup the account cannot be used again.`)) return;
      await removeKey(key.name);
      say(`Removed the key of ${key.name} from this browser.`);
      renderKeys();
    });
    item.append(label, remove);
    list.append(item);
    const option = document.createElement('option');
    option.value = key.name;
    known.append(option);
  }
  $('keys-empty').hidden = keys.length > 0;
}

function renderOnline() {
  const list = $('online');
  list.replaceChildren();
  const names = [...state.online.keys()].sort((a, b) => a.localeCompare(b));
  const options = $('online-names');
  options.replaceChildren();
  for (const name of names) {
    const item = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = name;
    const via = document.createElement('span');
    via.className = 'badge';
    via.textContent = state.online.get(name);
    item.append(label, via);
    if (name.toLowerCase() === state.session?.name.toLowerCase()) {
      const you = document.createElement('span');
      you.className = 'hint';
      you.textContent = '(you)';
      item.append(you);
    } else {
      const option = document.createElement('option');
      option.value = name;
      options.append(option);
    }
    list.append(item);
  }
  const total = names.length + state.onlineBeyondPage;
  $('online-count').textContent = `(${total})`;
  if (state.onlineBeyondPage > 0) {
    const more = document.createElement('li');
    more.className = 'hint';
    more.textContent = `and ${state.onlineBeyondPage} more`;
    list.append(more);
  }
}

function setBalance(balance) {
  if (typeof balance === 'number') $('balance').textContent = balance.toLocaleString('en');
}

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

async function loadHistory() {
  const { token, name } = state.session;
  const page = await api.history(token, name, HISTORY_ROWS);
  const rows = $('history-rows');
  rows.replaceChildren();
  for (const t of page.transfers) {
    const out = t.source.toLowerCase() === name.toLowerCase();
    const row = document.createElement('tr');
    row.dataset.id = t.id;
    const cells = [
      time.format(new Date(t.timeMillis)),
      out ? `to ${t.target}` : `from ${t.source}`,
      `${out ? '−' : '+'}${t.amount.toLocaleString('en')}`,
      t.id,
      String(t.block),
    ];
    cells.forEach((text, i) => {
      const cell = document.createElement('td');
      if (i === 3) {
        const code = document.createElement('code');
        code.textContent = text;
        cell.append(code);
      } else {
        cell.textContent = text;
      }
      if (i === 2 || i === 4) cell.className = 'num';
      if (i === 2) cell.classList.add(out ? 'out' : 'in');
      if (i === 4) cell.classList.add('block');
      row.append(cell);
    });
    rows.append(row);
  }
  $('history').hidden = page.transfers.length === 0;
  $('history-empty').hidden = page.transfers.length > 0;
}

// ---- session -----------------------------------------------------------------------------------

function remember(session) {
  state.session = session;
  sessionStorage.setItem(SESSION, JSON.stringify(session));
  $('who-name').textContent = session.name;
  scheduleRefresh();
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  const left = state.session.expiresAt * 1000 - Date.now();
  state.refreshTimer = setTimeout(async () => {
    try {
      const renewed = await api.refresh(state.session.token);
      remember({ name: renewed.name, token: renewed.token, expiresAt: renewed.expiresAt });
    } catch (e) {
      if (e.status === 401) ended('expired');
      else scheduleRefresh(); // try again shortly
    }
  }, Math.max(2000, Math.min(left / 3 * 2, left - 5000)));
}

async function begin(session, { resumed = false } = {}) {
  const entry = await findKey(session.name);
  if (!entry) {
    sessionStorage.removeItem(SESSION);
    return false;
  }
  state.entry = entry;
  state.leaving = false;
  state.reconnects = 0;
  remember(session);
  $('address').textContent = entry.address;
  show('signed-in');
  newPayment();
  connect();
  if (!resumed) $('pay-to').focus();
  return true;
}

function connect() {
  setLiveState('Connecting…', false);
  state.ws = api.live(state.session.token, {
    onMessage: received,
    onClose: (event) => closed(event),
  });
}

function received(message) {
  switch (message.type) {
    case 'ready':
      state.reconnects = 0;
      setLiveState('Live', true);
      setBalance(message.balance);
      state.online = new Map(message.online.map((u) => [u.name, u.via]));
      state.onlineBeyondPage = Math.max(0, message.total - message.online.length);
      renderOnline();
      loadHistory().catch((e) => alarm(explain(e)));
      break;
    case 'presence':
      if (message.op === 'online') state.online.set(message.name, message.via);
      else state.online.delete(message.name);
      renderOnline();
      break;
    case 'transfer': {
      const t = message.transfer;
      setBalance(message.balance);
      if (t.target.toLowerCase() === state.session.name.toLowerCase()) {
        say(`Received ${t.amount.toLocaleString('en')} from ${t.source}.`);
      } else if (state.payment?.id === t.id && !$('alert').hidden) {
        // The payment whose outcome we did not know: the ledger says it went through.
        clearAlarm();
        say(`Payment ${t.id} went through after all: paid ${t.amount.toLocaleString('en')} to ${t.target}.`);
        $('pay-form').reset();
        newPayment();
      }
      loadHistory().catch(() => { /* the next event or reload catches up */ });
      break;
    }
    case 'error':
      if (message.reason) ended(message.reason);
      break;
    default:
      break;
  }
}

function closed(event) {
  state.ws = null;
  if (state.leaving || !state.session) return;
  if (event.code === 1008) {
    ended('ended'); // refused or ended by the server: the token is no good any more
    return;
  }
  // The network or the server went away: the token may still be good; come back.
  const wait = RECONNECT_MILLIS[Math.min(state.reconnects, RECONNECT_MILLIS.length - 1)];
  state.reconnects++;
  setLiveState('Reconnecting…', false);
  setTimeout(() => { if (state.session && !state.ws) connect(); }, wait);
}

/** The server ended the session (logout elsewhere, expiry, a newer login, stopping). */
function ended(reason) {
  if (!state.session) return;
  const words = {
    replaced: 'You logged in again somewhere else, so this session ended.',
    expired: 'Your session expired.',
    logout: 'You were logged out.',
    stopping: 'The server is restarting.',
    disconnected: 'You were disconnected for too long.',
  }[reason] ?? 'Your session ended.';
  leave();
  alarm(`${words} Log in again to continue.`);
}

function leave() {
  state.leaving = true;
  clearTimeout(state.refreshTimer);
  state.ws?.close(1000, 'logout');
  state.ws = null;
  state.session = null;
  state.entry = null;
  state.online.clear();
  sessionStorage.removeItem(SESSION);
  show('signed-out');
  renderKeys();
}

// ---- actions -----------------------------------------------------------------------------------

/** Runs an action with its button busy, so a double click cannot send twice. */
async function busy(button, work) {
  if (button.disabled) return;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const WHOLE = /^[0-9]{1,18}$/;

async function onLogin(event) {
  event.preventDefault();
  clearAlarm();
  const name = $('login-name').value.trim();
  if (!NAME.test(name)) {
    alarm('Enter the account name: letters, digits, dot, dash and underscore.');
    $('login-name').focus();
    return;
  }
  await busy($('login-submit'), async () => {
    const entry = await findKey(name);
    if (!entry) {
      alarm(`This browser keeps no key for ${name}. Import it under “Keys in this browser”, or register.`);
      return;
    }
    say(`Logging in as ${name}…`);
    try {
      const session = await api.login(name, entry);
      await begin({ name: session.name, token: session.token, expiresAt: session.expiresAt });
      say(`Logged in as ${session.name}.`);
    } catch (e) {
      alarm(explain(e));
    }
  });
}

async function onRegister(event) {
  event.preventDefault();
  clearAlarm();
  const name = $('register-name').value.trim();
  const depositText = $('register-deposit').value.trim();
  if (!NAME.test(name)) {
    alarm('Choose a name of 1 to 64 letters, digits, dots, dashes or underscores.');
    $('register-name').focus();
    return;
  }
  if (depositText && !WHOLE.test(depositText)) {
    alarm('The opening deposit must be a whole number of minor units (cents, say).');
    $('register-deposit').focus();
    return;
  }
  await busy($('register-submit'), async () => {
    let entry = await findKey(name);
    let backupPem = null;
    if (!entry) {
      say('Making a new key…');
      ({ entry, backupPem } = await createKey(name));
    }
    say(`Registering ${name}…`);
    try {
      const account = await api.register(name, entry, {
        password: $('register-password').value,
        deposit: depositText ? Number(depositText) : undefined,
      });
      await saveKey({ ...entry, name: account.name });
      $('register-form').reset();
      $('login-name').value = account.name;
      await renderKeys();
      if (backupPem) {
        state.backupPem = { name: account.name, pem: backupPem };
        $('backup').hidden = false;
      }
      say(`Registered ${account.name} with a balance of ${account.balance}. Logging in…`);
      await loginAfterRegistering(account);
    } catch (e) {
      alarm(explain(e)); // the new key is dropped: no account has it
    }
  });
}

/** Logs the new account in with the key just stored; on failure the Log in card still can. */
async function loginAfterRegistering(account) {
  try {
    const session = await api.login(account.name, await findKey(account.name));
    await begin({ name: session.name, token: session.token, expiresAt: session.expiresAt });
    say(`Registered ${account.name} with a balance of ${account.balance}, and logged in.`);
  } catch (e) {
    alarm(`Registered ${account.name}, but logging in failed: ${explain(e)}`);
  }
  $(state.backupPem ? 'backup-download' : (state.session ? 'pay-to' : 'login-submit')).focus();
}

function onBackup(download) {
  if (download && state.backupPem) {
    const blob = new Blob([state.backupPem.pem], { type: 'application/x-pem-file' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${state.backupPem.name}.key`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    say(`Saved ${state.backupPem.name}.key. Keep it safe: it is the only copy outside this browser.`);
  } else {
    say('No backup made. The key stays in this browser only.');
  }
  state.backupPem = null; // one download: the PEM is forgotten now
  $('backup').hidden = true;
  $(state.session ? 'pay-to' : 'login-submit').focus();
}

async function onImport(event) {
  event.preventDefault();
  clearAlarm();
  const name = $('import-name').value.trim();
  if (!NAME.test(name)) {
    alarm('Enter the account name this key belongs to.');
    $('import-name').focus();
    return;
  }
  await busy($('import-submit'), async () => {
    let pem = $('import-pem').value;
    const file = $('import-file').files[0];
    if (!pem.trim() && file) pem = await file.text();
    try {
      const entry = await importKey(name, pem);
      await saveKey(entry);
      $('import-form').reset();
      $('import').open = false;
      $('login-name').value = name;
      await renderKeys();
      say(`Imported the ${entry.type === 'EC' ? 'EC P-256' : 'RSA'} key of ${name}. You can log in now.`);
      $('login-submit').focus();
    } catch (e) {
      alarm(e.message);
    }
  });
}

function newPayment() {
  state.payment = null;
  $('pay-id').textContent = api.newTransferId();
}

async function onPay(event) {
  event.preventDefault();
  clearAlarm();
  const target = $('pay-to').value.trim();
  const amountText = $('pay-amount').value.trim();
  if (!NAME.test(target)) {
    alarm('Enter the name of the account to pay.');
    $('pay-to').focus();
    return;
  }
  if (!WHOLE.test(amountText) || Number(amountText) < 1) {
    alarm('The amount must be a whole number of minor units above zero.');
    $('pay-amount').focus();
    return;
  }
  const payment = { target, amount: Number(amountText), id: $('pay-id').textContent };
  // A changed payment needs a new id: one id is one payment.
  if (state.payment && (state.payment.target !== target || state.payment.amount !== payment.amount)
      && state.payment.id === payment.id) {
    payment.id = api.newTransferId();
    $('pay-id').textContent = payment.id;
  }
  state.payment = payment;
  await send(payment);
}

async function send(payment) {
  await busy($('pay-submit'), async () => {
    say(`Paying ${payment.amount} to ${payment.target}…`);
    try {
      const receipt = await api.pay(state.session.token, state.session.name, state.entry, payment);
      setBalance(receipt.balance);
      say(receipt.duplicate
        ? `Payment ${payment.id} had already gone through; nothing was paid twice.`
        : `Paid ${payment.amount.toLocaleString('en')} to ${receipt.transfer.target}. Transfer ${receipt.transfer.id}.`);
      $('pay-form').reset();
      newPayment();
      loadHistory().catch(() => {});
    } catch (e) {
      if (e.code === 'UNKNOWN_OUTCOME' || e.code === 'NO_ANSWER') {
        alarm(`We do not know whether payment ${payment.id} went through. Retry with the same id: `
          + 'it is paid at most once.', { retry: true });
      } else {
        alarm(explain(e, payment));
        if (e.code === 'UNAUTHORIZED') ended('ended');
      }
    }
  });
}

async function onLogout() {
  const session = state.session;
  leave();
  say('Logged out.');
  try {
    await api.logout(session.token);
  } catch { /* the session ends anyway when its socket is gone */ }
  $('login-name').focus();
}

// ---- start -------------------------------------------------------------------------------------

async function start() {
  $('login-form').addEventListener('submit', onLogin);
  $('register-form').addEventListener('submit', onRegister);
  $('import-form').addEventListener('submit', onImport);
  $('pay-form').addEventListener('submit', onPay);
  $('pay-new-id').addEventListener('click', () => { newPayment(); say('New payment id.'); });
  $('pay-retry').addEventListener('click', () => { clearAlarm(); if (state.payment) send(state.payment); });
  $('alert-close').addEventListener('click', clearAlarm);
  $('logout').addEventListener('click', onLogout);
  $('backup-download').addEventListener('click', () => onBackup(true));
  $('backup-skip').addEventListener('click', () => onBackup(false));
  try {
    state.settings = await api.settings();
  } catch { /* defaults */ }
  $('register-password-field').hidden = !state.settings.enrollment;
  await renderKeys();
  const saved = sessionStorage.getItem(SESSION);
  if (saved && await begin(JSON.parse(saved), { resumed: true })) return;
  show('signed-out');
  document.body.dataset.ready = 'true';
}

start().catch((e) => alarm(`The console could not start: ${e.message}`)).finally(() => {
  document.body.dataset.ready = 'true';
});
