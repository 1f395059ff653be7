// The page of `work serve`: overview, queues and dead jobs, with retry and
// delete. Plain browser JavaScript, served as it is: no framework, no build.
//
// Everything shown comes from Redis, so it is data, never markup: nodes are
// made with createElement and filled through append() and textContent, which
// never parse HTML. Nothing here writes HTML from a string.
/* global document, window, confirm, Node */

const TOKEN_KEY = 'work-serve-token';
const REFRESH_MS = 5000;
const PAGE_SIZE = 20;

const state = {
  view: 'overview',
  deadPage: 1,
  token: sessionStorage.getItem(TOKEN_KEY) ?? '',
  busy: false,
};

const $ = (id) => document.getElementById(id);

/** An element with attributes and children; strings become text nodes. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function table(titles, rows, empty) {
  if (rows.length === 0) return el('p', { class: 'empty' }, empty);
  return el('table', {}, el('thead', {}, el('tr', {}, titles.map((t) => el('th', {}, t)))), el('tbody', {}, rows));
}

const two = (n) => String(n).padStart(2, '0');

/** Epoch seconds as this browser's local date and time. */
function time(seconds) {
  if (!seconds) return '-';
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function age(seconds) {
  if (!seconds) return '-';
  const s = Math.max(0, Math.round(Date.now() / 1000 - seconds));
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

function shorten(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function say(text, kind = 'info') {
  const status = $('status');
  status.textContent = text;
  status.className = kind;
}

class NeedToken extends Error {}

/** Calls the API with the token, if one was given; a 401 asks for one. */
async function api(path, method = 'GET') {
  const headers = state.token ? { authorization: `Bearer ${state.token}` } : {};
  const response = await fetch(path, { method, headers });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) {
    askForToken(state.token ? body.error : '');
    throw new NeedToken();
  }
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

function askForToken(problem) {
  $('token-form').hidden = false;
  $('token-error').textContent = problem ?? '';
  $('token-input').focus();
}

// ---- views ----------------------------------------------------------------

function card(label, value, id) {
  return el('div', { class: 'card', 'data-count': id }, el('span', { class: 'value' }, String(value)), el('span', { class: 'label' }, label));
}

async function overview() {
  const [counts, queues, pools, busy] = await Promise.all([api('overview'), api('queues'), api('worker_pools'), api('busy_workers')]);
  const queued = queues.reduce((sum, q) => sum + q.count, 0);
  return [
    el(
      'section',
      { class: 'cards' },
      card('queued', queued, 'queued'),
      card('queues', queues.length, 'queues'),
      card('pools', pools.length, 'pools'),
      card('busy workers', busy.length, 'busy'),
      card('scheduled', counts.scheduled, 'scheduled'),
      card('retry', counts.retry, 'retry'),
      card('dead', counts.dead, 'dead'),
    ),
    el('h2', {}, 'Worker pools'),
    table(
      ['pool', 'host', 'pid', 'workers', 'jobs', 'heartbeat'],
      pools.map((p) =>
        el('tr', {}, el('td', { class: 'id' }, p.worker_pool_id), el('td', {}, p.host), el('td', {}, p.pid), el('td', {}, p.concurrency), el('td', {}, p.job_names.join(', ')), el('td', {}, age(p.heartbeat_at))),
      ),
      'No worker pools.',
    ),
    el('h2', {}, 'Busy workers'),
    table(
      ['worker', 'job', 'job id', 'started', 'check-in'],
      busy.map((w) =>
        el('tr', {}, el('td', { class: 'id' }, w.worker_id), el('td', {}, w.job_name), el('td', { class: 'id' }, w.job_id), el('td', {}, age(w.started_at)), el('td', {}, w.checkin)),
      ),
      'No busy workers.',
    ),
  ];
}

async function queuesView() {
  const queues = await api('queues');
  return [
    table(
      ['queue', 'queued', 'latency', 'running', 'max concurrency', 'priority', 'paused'],
      queues.map((q) =>
        el(
          'tr',
          { 'data-queue': q.job_name },
          el('td', {}, q.job_name),
          el('td', { class: 'num' }, q.count),
          el('td', { class: 'num' }, `${q.latency} s`),
          el('td', { class: 'num' }, q.running),
          el('td', { class: 'num' }, q.max_concurrency || '-'),
          el('td', { class: 'num' }, q.priority || '-'),
          el('td', {}, q.paused ? 'paused' : ''),
        ),
      ),
      'No queues yet: none of this namespace\'s job names is known.',
    ),
  ];
}

/** Runs a repair, says what it did, and redraws. */
async function act(question, path, done) {
  if (question && !confirm(question)) return;
  state.busy = true;
  try {
    say(done(await api(path, 'POST')), 'ok');
  } catch (error) {
    if (!(error instanceof NeedToken)) say(`failed: ${error.message}`, 'error');
  } finally {
    state.busy = false;
  }
  await show();
}

const bulkReport = (verb, n, r) =>
  `${verb} ${n} of ${r.total} dead jobs; ${r.left} left in dead (undecodable, or their queue key holds another type); ${r.changed} changed meanwhile`;

function deadRow(job) {
  if (job.invalid !== undefined) {
    return el('tr', { class: 'invalid' }, el('td', {}, time(job.died_at)), el('td', {}, '(not a job)'), el('td', {}), el('td', {}), el('td', { title: job.raw }, job.invalid), el('td', {}, shorten(job.raw, 80)), el('td', {}));
  }
  const path = `${job.died_at}/${encodeURIComponent(job.id)}`;
  const args = JSON.stringify(job.args);
  return el(
    'tr',
    { 'data-job-id': job.id },
    el('td', {}, time(job.died_at)),
    el('td', {}, job.name ?? ''),
    el('td', { class: 'id' }, job.id),
    el('td', { class: 'num' }, job.fails ?? 0),
    el('td', { title: job.err ?? '' }, shorten(job.err ?? '', 120)),
    el('td', { title: args, class: 'args' }, shorten(args, 80)),
    el(
      'td',
      { class: 'actions' },
      el('button', { type: 'button', onclick: () => act(undefined, `retry_dead_job/${path}`, () => `retried ${job.name} ${job.id}`) }, 'Retry'),
      el('button', { type: 'button', class: 'danger', onclick: () => act(`Delete dead job ${job.name} ${job.id}? This cannot be undone.`, `delete_dead_job/${path}`, () => `deleted ${job.name} ${job.id}`) }, 'Delete'),
    ),
  );
}

async function deadView() {
  let page = await api(`dead_jobs?page=${state.deadPage}`);
  const pages = Math.max(1, Math.ceil(page.count / PAGE_SIZE));
  if (state.deadPage > pages) {
    state.deadPage = pages;
    page = await api(`dead_jobs?page=${state.deadPage}`);
  }
  const turn = (to) => () => {
    state.deadPage = to;
    show();
  };
  return [
    el(
      'div',
      { class: 'toolbar' },
      el('span', { id: 'dead-count' }, `${page.count} dead job${page.count === 1 ? '' : 's'}`),
      el('button', { type: 'button', disabled: page.count === 0, onclick: () => act(`Retry all ${page.count} dead jobs?`, 'retry_all_dead_jobs', (r) => bulkReport('retried', r.retried, r)) }, 'Retry all'),
      el('button', { type: 'button', class: 'danger', disabled: page.count === 0, onclick: () => act(`Delete all ${page.count} dead jobs? This cannot be undone.`, 'delete_all_dead_jobs', (r) => bulkReport('deleted', r.deleted, r)) }, 'Delete all'),
    ),
    table(['died', 'name', 'id', 'fails', 'error', 'args', ''], page.jobs.map(deadRow), 'No dead jobs.'),
    el(
      'div',
      { class: 'pager' },
      el('button', { type: 'button', disabled: state.deadPage <= 1, onclick: turn(state.deadPage - 1) }, '‹ Newer'),
      el('span', {}, `page ${state.deadPage} of ${pages}`),
      el('button', { type: 'button', disabled: state.deadPage >= pages, onclick: turn(state.deadPage + 1) }, 'Older ›'),
    ),
  ];
}

const VIEWS = { overview, queues: queuesView, dead: deadView };

// ---- wiring ---------------------------------------------------------------

async function show() {
  const view = VIEWS[state.view] ? state.view : 'overview';
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('current', link.dataset.view === view);
  try {
    if (!$('namespace').textContent) $('namespace').textContent = `namespace ${(await api('overview')).namespace}`;
    const content = await VIEWS[view]();
    $('view').replaceChildren(...content);
    $('view').dataset.view = view;
    $('token-form').hidden = true;
    $('forget-token').hidden = !state.token;
    $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (!(error instanceof NeedToken)) say(`cannot load ${view}: ${error.message}`, 'error');
  }
}

function route() {
  state.view = window.location.hash.slice(1) || 'overview';
  show();
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  state.token = $('token-input').value.trim();
  sessionStorage.setItem(TOKEN_KEY, state.token);
  $('token-input').value = '';
  show();
});
$('forget-token').addEventListener('click', () => {
  state.token = '';
  sessionStorage.removeItem(TOKEN_KEY);
  $('view').replaceChildren();
  askForToken('');
});
$('refresh').addEventListener('click', () => show());
window.addEventListener('hashchange', route);
window.setInterval(() => {
  if (!state.busy && document.visibilityState === 'visible' && $('token-form').hidden) show();
}, REFRESH_MS);
route();
