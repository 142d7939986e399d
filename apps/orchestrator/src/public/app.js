// Orchestrator events dashboard: history from the REST endpoint, then the live SSE stream,
// resumed from the last event seen (so a server restart loses nothing).
(function () {
  'use strict';
  const API = '/api/v1';
  const FILTERS = ['task_id', 'run_id', 'event', 'level'];
  const MAX_ROWS = 500;
  const CORE = new Set([
    'timestamp',
    'level',
    'logger',
    'event',
    'event_id',
    'orch_id',
    'task_id',
    'run_id',
    'status',
    'message',
  ]);

  const $ = (id) => document.getElementById(id);
  const state = {
    lastId: undefined,
    source: undefined,
    retryTimer: undefined,
    retryMs: 1000,
    count: 0,
    jobs: new Map(),
    seen: new Set(),
  };

  function currentFilters() {
    const params = new URLSearchParams(location.search);
    const out = {};
    for (const key of FILTERS) if (params.get(key)) out[key] = params.get(key);
    return out;
  }

  function setConnection(kind, text) {
    const el = $('conn');
    el.className = 'conn conn-' + kind;
    el.dataset.state = kind;
    el.textContent = text;
  }

  function notice(text) {
    const el = $('notice');
    el.hidden = !text;
    el.textContent = text || '';
  }

  function cell(text, cls) {
    const td = document.createElement('td');
    if (cls) td.className = cls;
    td.textContent = text == null ? '' : String(text);
    return td;
  }

  function idLink(key, value) {
    const td = document.createElement('td');
    if (value) {
      const a = document.createElement('a');
      a.className = 'id';
      a.textContent = value;
      a.title = 'filter by ' + key;
      a.onclick = () => applyFilters(Object.assign(currentFilters(), { [key]: value }));
      td.appendChild(a);
    }
    return td;
  }

  // A readable one-line view of the extra fields: errors as "Name: message", long values cut.
  function show(value) {
    if (value && typeof value === 'object' && typeof value.message === 'string' && value.name) {
      return value.name + ': ' + value.message;
    }
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return text.length > 160 ? text.slice(0, 160) + '…' : text;
  }

  function details(e) {
    const parts = [];
    if (e.message) parts.push(e.message);
    for (const [key, value] of Object.entries(e)) {
      if (!CORE.has(key)) parts.push(key + '=' + show(value));
    }
    return parts.join('  ');
  }

  function addEvent(e, fresh) {
    if (state.seen.has(e.event_id)) return;
    state.seen.add(e.event_id);
    if (!state.lastId || e.event_id > state.lastId) state.lastId = e.event_id;
    const tr = document.createElement('tr');
    tr.dataset.eventId = e.event_id;
    tr.dataset.event = e.event;
    if (fresh) tr.className = 'fresh';
    tr.append(
      cell(e.timestamp.slice(11, 26), 'time'),
      cell(e.level, 'lvl-' + e.level),
      cell(e.event),
      idLink('task_id', e.task_id),
      idLink('run_id', e.run_id),
      cell(e.status, e.status ? 'st-' + e.status : ''),
      cell(details(e), 'details'),
    );
    const body = $('events');
    body.insertBefore(tr, body.firstChild);
    while (body.children.length > MAX_ROWS) body.removeChild(body.lastChild);
    state.count++;
    $('count').textContent = '(' + state.count + ')';
    if (e.orch_id) $('orch').textContent = e.orch_id;
    trackJob(e);
  }

  function trackJob(e) {
    if (!e.run_id || !/^job_/.test(e.event)) return;
    const job = state.jobs.get(e.run_id) || {
      run_id: e.run_id,
      task_id: e.task_id,
      status: 'running',
      step: 0,
      steps: e.steps,
    };
    if (e.event === 'job_step') job.step = e.step;
    if (e.steps) job.steps = e.steps;
    if (e.status) job.status = e.status;
    if (e.duration_ms != null) job.duration = e.duration_ms;
    state.jobs.set(e.run_id, job);
    renderJob(job);
  }

  function renderJob(job) {
    let tr = document.querySelector('#jobs tr[data-run-id="' + CSS.escape(job.run_id) + '"]');
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset.runId = job.run_id;
      $('jobs').insertBefore(tr, $('jobs').firstChild);
    }
    tr.dataset.status = job.status;
    tr.replaceChildren(
      idLink('run_id', job.run_id),
      idLink('task_id', job.task_id),
      cell(job.status, 'st-' + job.status),
      cell(job.steps ? job.step + '/' + job.steps : ''),
      cell(job.duration != null ? (job.duration / 1000).toFixed(2) + ' s' : ''),
    );
  }

  // The token (when the server has one) lives in sessionStorage: this tab only, gone when it closes.
  const TOKEN_KEY = 'orch_events_token';
  const token = () => sessionStorage.getItem(TOKEN_KEY) || '';

  function askForToken() {
    setConnection('error', 'token required');
    $('token-form').hidden = false;
    $('token-form').elements.token.focus();
  }

  async function loadHistory(filters) {
    const params = new URLSearchParams(Object.assign({ limit: '200' }, filters));
    const headers = token() ? { Authorization: 'Bearer ' + token() } : {};
    const res = await fetch(API + '/orchestrator/events?' + params, { headers });
    if (res.status === 401) {
      askForToken();
      throw new Error('a token is required');
    }
    if (!res.ok) throw new Error((await res.json()).message || res.statusText);
    const page = await res.json();
    for (const e of page.events) addEvent(e, false);
  }

  function connect() {
    clearTimeout(state.retryTimer);
    if (state.source) state.source.close();
    const params = new URLSearchParams(currentFilters());
    if (state.lastId) params.set('last_event_id', state.lastId);
    // EventSource cannot send headers: the token goes as a query parameter here only.
    if (token()) params.set('access_token', token());
    setConnection(state.count ? 'reconnecting' : 'connecting', 'connecting…');
    const source = new EventSource(API + '/orchestrator/events/stream?' + params);
    state.source = source;
    source.onopen = () => {
      state.retryMs = 1000;
      setConnection('live', 'live');
    };
    source.onmessage = (msg) => addEvent(JSON.parse(msg.data), true);
    source.addEventListener('heartbeat', () => setConnection('live', 'live'));
    source.addEventListener('reset', (msg) => {
      const data = JSON.parse(msg.data);
      notice(
        'Some events were rotated away while disconnected; history resumes at ' +
          data.oldest_event_id +
          '.',
      );
    });
    source.onerror = () => {
      // The browser retries by itself after network errors (sending Last-Event-ID); after an HTTP
      // error it gives up, so reconnect by hand from the last id seen.
      if (source.readyState === EventSource.CLOSED) {
        setConnection('error', 'disconnected, retrying');
        checkAuth();
        state.retryTimer = setTimeout(connect, state.retryMs);
        state.retryMs = Math.min(state.retryMs * 2, 15000);
      } else {
        setConnection('reconnecting', 'reconnecting…');
      }
    };
  }

  // EventSource hides the status of a refused stream: ask the REST endpoint whether it was a 401.
  async function checkAuth() {
    const headers = token() ? { Authorization: 'Bearer ' + token() } : {};
    const res = await fetch(API + '/orchestrator/events?limit=1', { headers }).catch(
      () => undefined,
    );
    if (res && res.status === 401) {
      clearTimeout(state.retryTimer);
      askForToken();
    }
  }

  $('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, ev.target.elements.token.value.trim());
    ev.target.elements.token.value = '';
    $('token-form').hidden = true;
    start();
  });

  async function start() {
    const filters = currentFilters();
    const form = $('filters');
    for (const key of FILTERS) form.elements[key].value = filters[key] || '';
    state.lastId = undefined;
    state.count = 0;
    state.seen.clear();
    state.jobs.clear();
    $('events').replaceChildren();
    $('jobs').replaceChildren();
    notice('');
    try {
      await loadHistory(filters);
    } catch (err) {
      notice('Could not load history: ' + err.message);
      if (!$('token-form').hidden) return;
    }
    connect();
  }

  function applyFilters(filters) {
    const params = new URLSearchParams();
    for (const key of FILTERS) if (filters[key]) params.set(key, filters[key]);
    const query = params.toString();
    history.replaceState(null, '', query ? '?' + query : location.pathname);
    start();
  }

  $('filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const form = ev.target;
    const filters = {};
    for (const key of FILTERS) filters[key] = form.elements[key].value.trim();
    applyFilters(filters);
  });
  $('clear-filters').addEventListener('click', () => applyFilters({}));

  $('new-job').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    const body = {};
    for (const key of ['steps', 'step_ms', 'fail_at_step']) {
      if (form.elements[key].value !== '') body[key] = Number(form.elements[key].value);
    }
    // Starting a job needs the token too when the server has one (the same token as the events).
    const headers = { 'Content-Type': 'application/json' };
    if (token()) headers.Authorization = 'Bearer ' + token();
    const res = await fetch(API + '/jobs', { method: 'POST', headers, body: JSON.stringify(body) });
    const data = await res.json().catch(() => ({ message: res.statusText }));
    if (res.status === 401) {
      notice('Job refused: a token is required');
      askForToken();
    } else if (!res.ok) notice('Job refused: ' + [].concat(data.message).join('; '));
    else notice('Started job ' + data.run_id + ' (task ' + data.task_id + ')');
  });

  start();
})();
