'use strict';
// The dashboard page: one event stream from the server, cards updated in place, no polling.
// Everything the server sends is put into the page as text (textContent), never as HTML.
(function () {
  const csrf = document.querySelector('meta[name="dashboard-csrf"]').content;
  const GROUP_ORDER = ['NEEDS_INPUT', 'CI_RED', 'CONFLICT', 'READY', 'WORKING', 'DONE'];
  const GROUP_TITLES = { NEEDS_INPUT: 'Waiting for you', CI_RED: 'CI red', CONFLICT: 'Conflict', READY: 'Ready to merge',
    WORKING: 'Working', DONE: 'Done or stopped' };
  const FEED_MAX = 60;
  const TRANSCRIPT_MAX_LINES = 5000;
  const RESUMABLE = ['STOPPED', 'FAILED', 'INTERRUPTED', 'WAITING_FOR_INPUT', 'IDLE', 'READY_TO_MERGE'];
  const STOPPABLE = ['QUEUED', 'CREATING_WORKTREE', 'RUNNING', 'WAITING_FOR_INPUT', 'IDLE', 'TESTING', 'READY_TO_MERGE', 'FAILED', 'INTERRUPTED'];
  const CI_RUNNABLE = ['IDLE', 'READY_TO_MERGE'];
  // What Session.HANDED_OVER puts before the reason a person holds a session (Orchestrator.hold, attach).
  const HANDED_OVER = /^held: handed over:\s*/;
  // The names the server's merge action takes, and what the page calls them.
  const STRATEGIES = [['merge', 'merge commit'], ['squash', 'squash'], ['ff-only', 'fast-forward'], ['rebase', 'rebase']];

  const sessions = new Map();    // name -> latest session JSON
  const cards = new Map();       // name -> card (overview)
  let detail = null;             // {name, card, stream, start}
  let groups = null;
  let capabilities = {};
  let connected = false;
  let source = null;
  let retryTimer = null;

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function age(iso) {
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (seconds < 60) return seconds + 's';
    if (seconds < 3600) return Math.floor(seconds / 60) + 'm';
    if (seconds < 86400) return Math.floor(seconds / 3600) + 'h ' + Math.floor((seconds % 3600) / 60) + 'm';
    return Math.floor(seconds / 86400) + 'd';
  }

  function clock(iso) {
    const d = new Date(iso);
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  // ---- the live stream -------------------------------------------------------------------

  function connect() {
    clearTimeout(retryTimer);
    source = new EventSource('/dashboard/events');
    source.onopen = function () { setConnection(true); };
    source.onmessage = function (message) { receive(JSON.parse(message.data)); };
    source.onerror = function () {
      setConnection(false);
      // The browser retries by itself while the stream is CONNECTING; a CLOSED one (refused, or
      // answered with an error while the server restarts) is opened again here, and the server
      // starts it with a snapshot.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        retryTimer = setTimeout(connect, 1000);
      }
    };
  }

  function setConnection(live) {
    connected = live;
    const status = document.getElementById('connection');
    status.className = 'connection ' + (live ? 'live' : 'reconnecting');
    status.textContent = live ? 'Live' : 'Disconnected, reconnecting…';
    updateAttention();
  }

  function receive(message) {
    if (message.type === 'snapshot') {
      applySnapshot(message);
    } else if (message.type === 'event') {
      if (message.session) {
        upsert(message.session);
      } else if (message.event.kind === 'SessionRemoved') {
        removeSession(message.event.session);
      }
      if (message.others) message.others.forEach(upsert);
      if (message.forecast) renderForecast(message.forecast);
      if (message.mergeQueue) renderMergeQueue(message.mergeQueue);
      addToFeed(message.event);
      if (detail && detail.name === message.event.session && message.event.kind === 'StateChanged') {
        loadDiff(detail.name);
      }
    } else if (message.type === 'cards') {
      // Cards whose facts changed without an event of their own: a diff stat counted, a conflict found.
      message.sessions.forEach(upsert);
      if (message.forecast) renderForecast(message.forecast);
      if (message.mergeQueue) renderMergeQueue(message.mergeQueue);
      if (detail && message.sessions.some(function (s) { return s.name === detail.name; })) loadDiff(detail.name);
    }
    updateAttention();
  }

  function applySnapshot(snapshot) {
    groups = snapshot.groups;
    capabilities = snapshot.capabilities || {};
    document.getElementById('repo').textContent = snapshot.repository || '';
    ensureGroups();
    GROUP_ORDER.forEach(function (key) {
      const heading = document.querySelector('#group-' + key + ' > h2 .title');
      if (heading && groups[key]) heading.textContent = groups[key].title;
    });
    const names = new Set(snapshot.sessions.map(function (s) { return s.name; }));
    Array.from(sessions.keys()).forEach(function (name) { if (!names.has(name)) removeSession(name); });
    snapshot.sessions.forEach(upsert);
    const feed = document.getElementById('feed-list');
    feed.textContent = '';
    (snapshot.recent || []).forEach(addToFeed);
    renderForecast(snapshot.forecast);
    renderMergeQueue(snapshot.mergeQueue);
    if (detail) showDetail(detail.name, true);
  }

  // ---- groups and cards ------------------------------------------------------------------

  function ensureGroups() {
    const container = document.getElementById('groups');
    GROUP_ORDER.forEach(function (key) {
      if (document.getElementById('group-' + key)) return;
      const info = groups && groups[key] ? groups[key]
        : { title: GROUP_TITLES[key], needsAttention: ['NEEDS_INPUT', 'CI_RED', 'CONFLICT'].indexOf(key) >= 0 };
      const section = el('section', 'group' + (info.needsAttention ? ' attention' : ''));
      section.id = 'group-' + key;
      const heading = el('h2');
      heading.append(el('span', 'title', info.title), el('span', 'count', '0'));
      section.appendChild(heading);
      const list = el('div', 'cards');
      list.id = 'cards-' + key;
      section.appendChild(list);
      container.appendChild(section);
    });
  }

  function upsert(session) {
    sessions.set(session.name, session);
    let card = cards.get(session.name);
    if (!card) {
      card = buildCard(session.name);
      cards.set(session.name, card);
    }
    updateCard(card, session);
    const list = document.getElementById('cards-' + session.group);
    if (list && card.root.parentNode !== list) list.appendChild(card.root);
    if (detail && detail.name === session.name) updateCard(detail.card, session);
    updateCounts();
  }

  function removeSession(name) {
    sessions.delete(name);
    const card = cards.get(name);
    if (card) {
      card.root.remove();
      cards.delete(name);
    }
    if (detail && detail.name === name) {
      detail.card.result.textContent = 'This session was removed.';
    }
    updateCounts();
  }

  function updateCounts() {
    GROUP_ORDER.forEach(function (key) {
      const section = document.getElementById('group-' + key);
      if (!section) return;
      const n = document.getElementById('cards-' + key).children.length;
      section.querySelector('.count').textContent = String(n);
      section.classList.toggle('empty-group', n === 0);
    });
    document.getElementById('no-sessions').hidden = sessions.size !== 0;
  }

  function buildCard(name) {
    const c = {};
    c.root = el('article', 'card');
    c.root.dataset.session = name;
    const head = el('div', 'card-head');
    c.name = el('a', 'name', name);
    c.name.href = '#/session/' + encodeURIComponent(name);
    c.state = el('span', 'state');
    c.heldBadge = el('span', 'held-badge', 'held by a person');
    c.heldBadge.hidden = true;
    c.age = el('span', 'age');
    head.append(c.name, c.state, c.heldBadge, c.age);
    c.prompt = el('p', 'prompt-text');
    c.message = el('p', 'message');
    c.held = el('p', 'held-line');
    c.held.hidden = true;
    const progressRow = el('div', 'progress-row');
    c.progress = el('progress');
    c.progress.max = 1;
    c.progressText = el('span', 'progress-text');
    progressRow.append(c.progress, c.progressText);
    c.doing = el('p', 'doing');
    c.question = el('p', 'question');
    c.ci = el('div', 'ci');
    c.conflict = el('p', 'conflict-line');
    c.changes = el('p', 'changes');
    c.meta = el('p', 'meta');

    c.form = el('form', 'prompt-form');
    c.text = el('textarea');
    c.text.name = 'prompt';
    c.text.rows = 1;
    c.text.placeholder = 'Send a prompt or answer…';
    c.send = el('button', 'send', 'Send');
    c.send.type = 'submit';
    c.form.append(c.text, c.send);
    c.form.addEventListener('submit', function (event) {
      event.preventDefault();
      const text = c.text.value.trim();
      if (!text) {
        showResult(c, false, 'Type a prompt first.');
        return;
      }
      act(c, 'prompt', { session: name, text: text }, function () { c.text.value = ''; });
    });

    const actions = el('div', 'actions');
    c.stop = button('Stop', 'stop', function () { act(c, 'stop', { session: name }); });
    c.resume = button('Resume', 'resume', function () {
      act(c, 'resume', { session: name, text: c.text.value.trim() }, function () { c.text.value = ''; });
    });
    c.runCi = button('Run CI', 'ci', function () { act(c, 'ci', { session: name }); });
    // A person works in the session by hand; Release lets the agent go on, the prompts that waited first.
    c.release = button('Release', 'release', function () { act(c, 'release', { session: name }); });
    c.release.hidden = true;
    // The text in the box, if any, is the reason the card shows while it is held.
    c.hold = button('Hold', 'hold', function () {
      act(c, 'hold', { session: name, text: c.text.value.trim() }, function () { c.text.value = ''; });
    });
    c.strategy = el('select', 'strategy');
    c.strategy.setAttribute('aria-label', 'Merge strategy');
    STRATEGIES.forEach(function (s) {
      const option = el('option', null, s[1]);
      option.value = s[0];
      c.strategy.appendChild(option);
    });
    c.merge = button('Merge', 'merge', function () {
      act(c, 'merge', { session: name, strategy: c.strategy.value });
    });
    c.remove = button('Remove', 'remove danger', function () {
      // Two clicks: the first arms the button, the second (within five seconds) removes.
      if (!c.remove.classList.contains('confirm')) {
        c.remove.classList.add('confirm');
        c.remove.textContent = 'Confirm remove';
        setTimeout(function () { c.remove.classList.remove('confirm'); c.remove.textContent = 'Remove'; }, 5000);
        return;
      }
      c.remove.classList.remove('confirm');
      c.remove.textContent = 'Remove';
      // The branch stays: a button on a web page should not be able to throw away unmerged work.
      act(c, 'remove', { session: name, keepBranch: true });
    });
    const mergeGroup = el('span', 'merge-group');
    mergeGroup.append(c.strategy, c.merge);
    actions.append(c.release, c.stop, c.resume, c.hold, c.runCi, mergeGroup, c.remove);
    c.result = el('p', 'result');
    c.result.setAttribute('role', 'status');
    c.root.append(head, c.prompt, c.message, c.held, progressRow, c.doing, c.question, c.ci, c.conflict, c.changes, c.meta,
      c.form, actions, c.result);
    return c;
  }

  function button(label, action, onClick) {
    const b = el('button', 'action ' + action, label);
    b.type = 'button';
    b.dataset.action = action.split(' ')[0];
    b.addEventListener('click', onClick);
    return b;
  }

  function updateCard(c, s) {
    c.root.className = 'card g-' + s.group;
    c.root.dataset.state = s.state;
    c.root.dataset.group = s.group;
    c.state.className = 'state s-' + s.state;
    c.state.textContent = s.state.replace(/_/g, ' ').toLowerCase();
    c.age.dataset.since = s.createdAt;
    c.age.textContent = age(s.createdAt);
    c.age.title = 'added ' + s.createdAt + ', last activity ' + s.lastActivityAt;
    c.prompt.textContent = s.prompt;
    c.prompt.title = s.prompt;
    c.message.textContent = s.message;
    c.message.hidden = !s.message;

    const p = s.progress;
    c.progress.value = p.total ? p.fraction : 0;
    c.progressText.textContent = p.total ? p.completed + '/' + p.total + (p.currentTask ? ' · ' + p.currentTask : '') : 'no task list yet';

    c.doing.textContent = '';
    c.doing.append(el('span', 'label', 'Now: '));
    if (s.doing.tool) {
      c.doing.append(el('span', 'tool', s.doing.tool), document.createTextNode(' ' + s.doing.detail));
      c.doing.title = s.doing.tool + ' ' + s.doing.detail;
    } else {
      c.doing.append(document.createTextNode(s.doing.said || (s.settled ? '—' : 'starting…')));
      c.doing.title = s.doing.said || '';
    }
    c.question.hidden = !(s.doing.question && s.state === 'WAITING_FOR_INPUT');
    c.question.textContent = s.doing.question ? 'Asks: ' + s.doing.question : '';

    c.ci.textContent = '';
    if (s.ci) {
      c.ci.className = 'ci ' + (s.ci.green ? 'green' : 'red');
      c.ci.append(el('span', 'label', 'CI: '), el('span', 'badge', s.ci.status),
        document.createTextNode(' ' + s.ci.passed + ' passed, ' + s.ci.failed + ' failed, ' + s.ci.skipped + ' skipped'));
      if (s.ci.failures && s.ci.failures.length) {
        const list = el('ul', 'failures');
        s.ci.failures.slice(0, 8).forEach(function (f) {
          list.appendChild(el('li', null, f.name + (f.message ? ': ' + f.message : '')));
        });
        c.ci.append(list);
      } else if (!s.ci.green && s.ci.summary) {
        const lines = s.ci.summary.trim().split('\n');
        c.ci.append(el('span', 'ci-summary', lines.slice(-2).join('\n')));
        c.ci.title = s.ci.summary;
      }
    } else {
      c.ci.className = 'ci';
      c.ci.append(el('span', 'label', 'CI: '), document.createTextNode('not run yet'));
    }

    c.conflict.hidden = !s.conflict;
    c.conflict.textContent = '';
    if (s.conflict) {
      c.conflict.append(el('span', 'label', s.conflict.mergeRefused ? 'Merge refused: ' : 'Would conflict: '),
        document.createTextNode('with ' + s.conflict.base + (s.conflict.paths.length ? ' in ' + s.conflict.paths.join(', ') : '')));
      c.conflict.title = s.conflict.mergeRefused ? 'The last merge was refused for this conflict.'
        : 'The conflict forecast says merging into ' + s.conflict.base + ' would conflict.';
    }

    const ch = s.changes;
    if (ch && ch.available) {
      c.changes.textContent = '';
      const stat = el('span', 'stat');
      if (ch.filesChanged === 0) {
        stat.textContent = 'no changes yet';
        stat.title = 'no commits since the merge base with ' + s.baseBranch;
      } else if (ch.filesChanged !== undefined) {
        stat.append(document.createTextNode(ch.filesChanged + (ch.filesChanged === 1 ? ' file ' : ' files ')),
          el('span', 'added', '+' + ch.linesAdded), document.createTextNode(' '), el('span', 'removed', '−' + ch.linesRemoved));
        stat.title = 'against the merge base with ' + s.baseBranch;
      } else {
        // A session merged before this dashboard started was never counted (its branch is in its base now).
        stat.textContent = ch.diffStatUnavailable ? 'diff stat unavailable' : (s.state === 'MERGED' ? 'merged' : 'counting changes…');
        stat.title = ch.diffStatUnavailable || '';
      }
      const overlaps = ch.overlaps || [];
      const conflicting = ch.conflictsWith || [];
      let text = overlaps.length
        ? 'overlaps ' + overlaps.map(function (o) { return o.session + ' (' + o.files.join(', ') + ')'; }).join('; ')
        : 'no overlaps';
      if (conflicting.length) {
        text += ' · would conflict with ' + conflicting.map(function (o) { return o.session + ' (' + o.paths.join(', ') + ')'; }).join('; ');
      }
      c.changes.append(stat, document.createTextNode(' · ' + text));
      c.changes.className = 'changes' + (overlaps.length || conflicting.length ? ' overlapping' : '');
    } else {
      c.changes.textContent = 'Files changed, overlaps: not available yet';
    }
    c.message.title = s.attention || '';
    // A session a person holds is with that person already: the held line says so instead of "Needs you".
    if (s.attention && !s.handedOver) c.message.textContent = 'Needs you: ' + s.attention + (s.message ? ' · ' + s.message : '');
    updateHeld(c, s);

    c.meta.textContent = '$' + s.costUsd.toFixed(2) + ' · ' + s.turns + ' turns · ' + s.agent + ' · ' + s.branch
      + (s.pendingPrompts ? ' · ' + s.pendingPrompts + ' prompt(s) waiting' : '');

    c.stop.disabled = STOPPABLE.indexOf(s.state) < 0;
    c.resume.disabled = RESUMABLE.indexOf(s.state) < 0;
    c.send.disabled = s.state === 'MERGED' || s.state === 'MERGING';
    disableUnlessCapable(c.runCi, capabilities.runCi && CI_RUNNABLE.indexOf(s.state) >= 0,
      capabilities.runCi ? 'CI runs on request for a session that is idle or ready to merge.' : 'Running CI from the dashboard is not available yet.');
    disableUnlessCapable(c.merge, capabilities.merge && s.state === 'READY_TO_MERGE',
      capabilities.merge ? 'Only a session that is ready to merge can be merged.' : 'Merging is not available yet: the engine has no merge queue.');
    c.strategy.disabled = c.merge.disabled;
  }

  function updateHeld(c, s) {
    c.heldBadge.hidden = !s.handedOver;
    c.heldBadge.title = s.handedOver ? s.attention : '';
    c.held.hidden = !s.handedOver;
    c.held.textContent = '';
    c.held.title = s.handedOver ? s.attention : '';
    if (s.handedOver) {
      c.held.append(el('span', 'label', 'Held by a person: '), document.createTextNode(s.attention.replace(HANDED_OVER, '')));
      const n = s.pendingPrompts;
      if (n) c.held.append(el('span', 'waiting', n + (n === 1 ? ' prompt waits' : ' prompts wait') + ' for the release'));
    }
    c.release.hidden = !s.handedOver;
    c.hold.hidden = s.handedOver;
    const holdable = s.settled && s.state !== 'MERGED';
    c.hold.disabled = !holdable;
    c.hold.title = holdable ? 'Hand the session to a person: no agent turn starts until it is released (the box\'s text is the reason).'
      : 'Only a session whose agent is not working, and that is not merged, can be held.';
  }

  function disableUnlessCapable(b, capable, why) {
    b.disabled = !capable;
    b.title = capable ? '' : why;
  }

  function act(c, verb, body, onSuccess) {
    showResult(c, true, '…');
    fetch('/dashboard/actions/' + verb, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Dashboard-CSRF': csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, error: 'HTTP ' + response.status }; })
        .then(function (json) { return { status: response.status, json: json }; });
    }).then(function (r) {
      if (r.json.ok) {
        showResult(c, true, r.json.message || 'Done.');
        if (onSuccess) onSuccess();
        if (r.json.sessionState) upsert(r.json.sessionState);
      } else {
        showResult(c, false, r.json.error || ('HTTP ' + r.status));
      }
    }).catch(function (e) {
      showResult(c, false, 'Could not reach the dashboard: ' + e.message);
    });
  }

  function showResult(c, ok, text) {
    c.result.className = 'result ' + (ok ? 'ok' : 'error');
    c.result.textContent = text;
  }

  // ---- services, feed, attention -----------------------------------------------------------

  function renderForecast(forecast) {
    const body = document.getElementById('forecast-body');
    body.textContent = '';
    if (!forecast || !forecast.available) {
      body.appendChild(el('p', 'unavailable', forecast ? forecast.reason : 'Not available yet.'));
      return;
    }
    const names = forecast.sessions;
    if (!names.length) {
      body.appendChild(el('p', 'empty', 'No live sessions to forecast.'));
      return;
    }
    const cells = new Map();
    forecast.cells.forEach(function (cell) { cells.set(cell.a + '\u0000' + cell.b, cell); cells.set(cell.b + '\u0000' + cell.a, cell); });
    const table = el('table', 'matrix');
    const head = el('tr');
    head.appendChild(el('th'));
    names.forEach(function (n) { head.appendChild(el('th', null, n)); });
    table.appendChild(head);
    names.forEach(function (a) {
      const row = el('tr');
      row.appendChild(el('th', null, a));
      names.forEach(function (b) {
        row.appendChild(a === b ? el('td', 'self', '—') : forecastCell(cells.get(a + '\u0000' + b)));
      });
      table.appendChild(row);
    });
    const base = el('tr', 'base');
    base.appendChild(el('th', null, 'into base'));
    const byName = new Map((forecast.base || []).map(function (cell) { return [cell.session, cell]; }));
    names.forEach(function (n) { base.appendChild(forecastCell(byName.get(n))); });
    table.appendChild(base);
    body.appendChild(table);
  }

  /** One matrix cell: red with the conflicting paths when CONFLICT, a tick when clean, ? when unknown. */
  function forecastCell(cell) {
    if (!cell) return el('td', null, '');
    if (cell.conflict) {
      const td = el('td', 'conflict');
      td.append(el('span', 'mark', '✗ '), el('span', 'paths', cell.paths.join(', ')));
      td.title = 'Merging would conflict in:\n' + cell.paths.join('\n');
      return td;
    }
    if (cell.outcome === 'UNKNOWN') {
      const td = el('td', 'unknown', '?');
      td.title = cell.reason || 'unknown';
      return td;
    }
    const td = el('td', 'clean', '✓');
    td.title = 'merges cleanly';
    return td;
  }

  function renderMergeQueue(queue) {
    const body = document.getElementById('merge-queue-body');
    body.textContent = '';
    const mergeAll = document.getElementById('merge-all');
    const ready = queue && queue.available ? queue.entries.filter(function (e) { return e.state === 'READY_TO_MERGE'; }).length : 0;
    mergeAll.disabled = ready === 0;
    mergeAll.title = ready ? 'Merges every session that is ready, one at a time, in this order (mergeAll)' : 'Nothing is ready to merge.';
    if (!queue || !queue.available) {
      body.appendChild(el('p', 'unavailable', queue ? queue.reason : 'Not available yet.'));
      return;
    }
    if (!queue.entries.length) {
      body.appendChild(el('p', 'empty', 'Nothing is waiting to merge.'));
      return;
    }
    const list = el('ol');
    queue.entries.forEach(function (e) { list.appendChild(el('li', null, e.session + ': ' + e.state + (e.detail ? ' · ' + e.detail : ''))); });
    body.appendChild(list);
  }

  function addToFeed(event) {
    const list = document.getElementById('feed-list');
    const item = el('li');
    item.append(el('span', 'when', clock(event.at)), el('span', 'who', event.session), document.createTextNode(event.text));
    item.title = event.text;
    list.insertBefore(item, list.firstChild);
    while (list.children.length > FEED_MAX) list.removeChild(list.lastChild);
  }

  function updateAttention() {
    let attention = 0;
    sessions.forEach(function (s) { if (s.needsAttention) attention++; });
    let working = 0;
    sessions.forEach(function (s) { if (s.group === 'WORKING') working++; });
    let cost = 0;
    sessions.forEach(function (s) { cost += s.costUsd; });
    document.getElementById('summary').textContent = sessions.size + ' sessions · ' + working + ' working · '
      + attention + ' need you · $' + cost.toFixed(2);
    let title = 'agent-orchestrator';
    if (attention) title = '(' + attention + ') need you · ' + title;
    if (!connected) title = 'disconnected · ' + title;
    document.title = title;
    document.getElementById('favicon').href = '/dashboard/assets/' + (attention ? 'favicon-alert.svg' : 'favicon.svg');
  }

  // ---- the session page --------------------------------------------------------------------

  function route() {
    const match = /^#\/session\/(.+)$/.exec(location.hash);
    if (match) {
      showDetail(decodeURIComponent(match[1]), false);
    } else {
      closeDetail();
      document.getElementById('overview').hidden = false;
      document.getElementById('detail').hidden = true;
    }
  }

  function showDetail(name, refresh) {
    if (detail && detail.name === name && !refresh) return;
    if (detail && detail.name !== name) closeDetail();
    document.getElementById('overview').hidden = true;
    document.getElementById('detail').hidden = false;
    const holder = document.getElementById('detail-card');
    if (!detail) {
      holder.textContent = '';
      detail = { name: name, card: buildCard(name), stream: null, start: 0 };
      holder.appendChild(detail.card.root);
      document.getElementById('transcript').textContent = '';
      followTranscript(name);
      loadDiff(name);
    }
    const s = sessions.get(name);
    if (s) updateCard(detail.card, s);
  }

  function closeDetail() {
    if (!detail) return;
    if (detail.stream) detail.stream.close();
    detail = null;
  }

  function followTranscript(name) {
    const status = document.getElementById('transcript-status');
    const stream = new EventSource('/dashboard/transcript/stream?session=' + encodeURIComponent(name) + '&lines=200');
    detail.stream = stream;
    stream.onmessage = function (message) {
      const data = JSON.parse(message.data);
      if (!detail || detail.stream !== stream) return;
      const box = document.getElementById('transcript');
      if (data.type === 'page' || data.type === 'restart') {
        box.textContent = '';
        detail.start = data.start;
      }
      const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 20;
      data.lines.forEach(function (line) { box.appendChild(transcriptLine(line)); });
      while (box.children.length > TRANSCRIPT_MAX_LINES) box.removeChild(box.firstChild);
      if (atBottom) box.scrollTop = box.scrollHeight;
      document.getElementById('older').disabled = detail.start === 0;
      status.textContent = 'following live';
    };
    stream.onerror = function () { status.textContent = 'reconnecting…'; };
  }

  function transcriptLine(line) {
    const div = el('div', line.startsWith('# ') ? 'note' : (line.startsWith('stderr: ') ? 'err' : null), line);
    return div;
  }

  function loadOlder() {
    if (!detail || detail.start === 0) return;
    const name = detail.name;
    fetch('/dashboard/transcript?session=' + encodeURIComponent(name) + '&before=' + detail.start + '&lines=200',
      { credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (page) {
        if (!detail || detail.name !== name || page.ok === false) return;
        const box = document.getElementById('transcript');
        const first = box.firstChild;
        page.lines.forEach(function (line) { box.insertBefore(transcriptLine(line), first); });
        detail.start = page.start;
        document.getElementById('older').disabled = detail.start === 0;
      });
  }

  function loadDiff(name) {
    fetch('/dashboard/diff?session=' + encodeURIComponent(name), { credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (diff) {
        if (!detail || detail.name !== name) return;
        const stat = document.getElementById('diff-stat');
        const patch = document.getElementById('diff');
        if (diff.ok === false || !diff.available) {
          stat.textContent = diff.error || diff.reason || 'Not available.';
          patch.textContent = '';
          return;
        }
        stat.textContent = diff.range + '\n' + (diff.stat || 'No changes yet.');
        patch.textContent = diff.patch + (diff.truncated ? '\n… (cut: the diff is too long to show whole)' : '');
      });
  }

  // ---- start -------------------------------------------------------------------------------

  document.getElementById('older').addEventListener('click', loadOlder);
  document.getElementById('merge-all').addEventListener('click', function () {
    act({ result: document.getElementById('merge-all-result') }, 'merge-all', {});
  });
  window.addEventListener('hashchange', route);
  setInterval(function () {
    document.querySelectorAll('.age[data-since]').forEach(function (a) { a.textContent = age(a.dataset.since); });
  }, 15000);
  ensureGroups();
  updateCounts();
  route();
  connect();
})();
