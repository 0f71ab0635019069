// The semconv page: live (data from the server's JSON API, updates over server-sent events)
// or a report file (data embedded in a JSON block). Telemetry is hostile input: every string
// from the data is put in the page as text (textContent / text nodes), never as markup.
(function () {
  'use strict';

  var embedded = document.getElementById('report-data');
  var REPORT = embedded ? JSON.parse(embedded.textContent) : null;
  var TOKEN = new URLSearchParams(location.hash.slice(1)).get('token');
  var PER_PAGE = 50;

  var state = { tab: 'traces', page: 0, filter: {}, trace: null, detail: null, span: null, rows: [] };

  // ---- DOM helpers (text only) ----
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, kids) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (kids !== undefined && kids !== null) add(e, kids);
    return e;
  }
  function add(parent, kids) {
    if (!Array.isArray(kids)) kids = [kids];
    kids.forEach(function (k) {
      if (k === null || k === undefined) return;
      parent.appendChild(typeof k === 'object' ? k : document.createTextNode(String(k)));
    });
    return parent;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function markBadge(mark) {
    var sym = { ok: '\u2713', info: 'i', improvement: '~', violation: '\u2717' }[mark] || '?';
    var b = el('span', 'mark mark-' + mark, sym);
    b.title = mark;
    return b;
  }
  function fmtMs(ms) {
    if (ms === null || ms === undefined) return '';
    if (ms >= 1000) return (ms / 1000).toFixed(2) + ' s';
    if (ms >= 10) return ms.toFixed(0) + ' ms';
    return ms.toFixed(1) + ' ms';
  }
  function fmtInt(n) { return (n || 0).toLocaleString('en-US'); }
  function fmtUsd(x) {
    if (x === null || x === undefined) return 'n/a';
    if (x === 0) return '$0';
    return '$' + (x < 0.01 ? x.toFixed(6) : x.toFixed(4));
  }
  function td(text, cls) { return el('td', cls, text); }

  // ---- data: the server's API, or the embedded report ----
  function api(path) {
    var headers = {};
    if (TOKEN) headers['X-Semconv-Token'] = TOKEN;
    return fetch(path, { headers: headers, credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) throw new Error(path + ': ' + r.status);
        return r.json();
      });
  }
  function rowText(r) {
    var parts = [r.id, r.root, r.service].concat(r.agents, r.models);
    var d = REPORT.details[r.id];
    if (d) d.spans.forEach(function (s) { parts.push(s.name); });
    return parts.join('\n').toLowerCase();
  }
  function localTraces(q) {
    var f = q.filter, facets = { agents: {}, models: {}, services: {} };
    var rows = REPORT.rows.filter(function (r) {
      r.agents.forEach(function (a) { facets.agents[a] = 1; });
      r.models.forEach(function (m) { facets.models[m] = 1; });
      if (r.service) facets.services[r.service] = 1;
      if (f.violations && !r.violations) return false;
      if (f.agent && r.agents.indexOf(f.agent) < 0) return false;
      if (f.model && r.models.indexOf(f.model) < 0) return false;
      if (f.service && r.service !== f.service) return false;
      if (f.q && rowText(r).indexOf(f.q.toLowerCase()) < 0) return false;
      return true;
    });
    return Promise.resolve({
      rows: rows.slice(q.page * PER_PAGE, (q.page + 1) * PER_PAGE), page: q.page, per_page: PER_PAGE,
      matching: rows.length, held: REPORT.rows.length,
      facets: { agents: Object.keys(facets.agents).sort(), models: Object.keys(facets.models).sort(),
        services: Object.keys(facets.services).sort() }
    });
  }
  var data = {
    summary: function () { return REPORT ? Promise.resolve(REPORT.summary) : api('/api/summary'); },
    traces: function (q) {
      if (REPORT) return localTraces(q);
      var p = new URLSearchParams({ page: q.page, per_page: PER_PAGE });
      Object.keys(q.filter).forEach(function (k) { if (q.filter[k]) p.set(k, q.filter[k] === true ? '1' : q.filter[k]); });
      return api('/api/traces?' + p.toString());
    },
    trace: function (id) {
      if (REPORT) return REPORT.details[id] ? Promise.resolve(REPORT.details[id]) : Promise.reject(new Error('not in report'));
      return api('/api/traces/' + encodeURIComponent(id));
    },
    metrics: function () { return REPORT ? Promise.resolve(REPORT.metrics) : api('/api/metrics'); },
    insights: function () { return REPORT ? Promise.resolve(REPORT.insights) : api('/api/insights'); },
    logs: function () { return REPORT ? Promise.resolve(REPORT.logs) : api('/api/logs'); }
  };

  // ---- header ----
  function renderSummary(s) {
    var c = clear($('counts'));
    add(c, fmtInt(s.traces) + ' traces \u00b7 ' + fmtInt(s.spans) + ' spans \u00b7 ' + fmtInt(s.logs) +
      ' logs \u00b7 ' + fmtInt(s.metrics) + ' metrics \u00b7 ');
    var v = el('span', null, fmtInt(s.levels[0]) + ' violations');
    v.id = 'count-violations';
    add(c, [v, ' \u00b7 ' + fmtInt(s.levels[1]) + ' improvements \u00b7 ' + s.registry]);
    if (state.tab === 'findings') renderFindings(s);
  }

  // ---- trace list ----
  function fillSelect(sel, values, label) {
    var current = sel.value;
    clear(sel);
    var o = el('option', null, label); o.value = ''; sel.appendChild(o);
    values.forEach(function (v) { var x = el('option', null, v); x.value = v; sel.appendChild(x); });
    if (current && values.indexOf(current) < 0) { var k = el('option', null, current); k.value = current; sel.appendChild(k); }
    sel.value = current;
  }
  function renderList(p) {
    state.rows = p.rows;
    fillSelect($('f-agent'), p.facets.agents, 'any agent');
    fillSelect($('f-model'), p.facets.models, 'any model');
    fillSelect($('f-service'), p.facets.services, 'any service');
    var body = clear($('traces').tBodies[0]);
    if (!p.rows.length) {
      var r = el('tr'); var c = el('td', 'empty', REPORT ? 'No trace matches.' : 'Waiting for telemetry\u2026 (send OTLP to this port)');
      c.colSpan = 10; r.appendChild(c); body.appendChild(r);
    }
    p.rows.forEach(function (row) {
      var tr = el('tr', 'trace-row' + (row.id === state.trace ? ' sel' : ''));
      tr.setAttribute('data-id', row.id);
      var agent = row.agents.join(', ');
      add(tr, [
        add(el('td'), markBadge(row.mark)),
        td(row.root || '(no root yet)', 'root'), td(row.service), td(agent),
        td(fmtMs(row.duration_ms), 'num'), td(fmtInt(row.spans), 'num'), td(fmtInt(row.llm_calls), 'num'),
        td(fmtInt(row.input_tokens) + ' / ' + fmtInt(row.output_tokens), 'num'),
        td(fmtUsd(row.cost_usd) + (row.unpriced_calls ? ' +' + row.unpriced_calls + ' unpriced' : ''), 'num cost'),
        td(row.violations ? row.violations + ' violations' : fmtInt(row.findings), 'num')
      ]);
      tr.addEventListener('click', function () { openTrace(row.id); });
      body.appendChild(tr);
    });
    var pages = Math.max(1, Math.ceil(p.matching / p.per_page));
    clear($('pageinfo'));
    add($('pageinfo'), 'page ' + (p.page + 1) + ' of ' + pages + ' \u00b7 ' + fmtInt(p.matching) + ' matching of ' + fmtInt(p.held) + ' held');
    $('prev').disabled = p.page === 0;
    $('next').disabled = p.page + 1 >= pages;
    if (state.detail) {
      var mine = p.rows.filter(function (r) { return r.id === state.trace; })[0];
      if (mine && (mine.spans !== state.detail.row.spans || mine.findings !== state.detail.row.findings)) openTrace(state.trace, true);
    }
  }
  function loadList() {
    return data.traces({ page: state.page, filter: state.filter }).then(renderList).catch(showError);
  }

  // ---- trace detail ----
  function chip(label, value, id) {
    var c = el('span', 'chip', [label + ' ', el('b', null, value)]);
    if (id) c.id = id;
    return c;
  }
  function openTrace(id, keepSpan) {
    state.trace = id;
    return data.trace(id).then(function (d) {
      state.detail = d;
      renderDetail(d, keepSpan ? state.span : null);
      Array.prototype.forEach.call(document.querySelectorAll('tr.trace-row'), function (tr) {
        tr.classList.toggle('sel', tr.getAttribute('data-id') === id);
      });
    }).catch(showError);
  }
  function renderDetail(d, spanId) {
    $('detail').hidden = false;
    var r = d.row;
    clear($('d-title'));
    add($('d-title'), [markBadge(r.mark), ' ', r.root || '(no root yet)', ' ', el('span', 'muted', 'trace ' + r.id)]);
    add(clear($('d-meta')), [
      chip('service', r.service || '-'), chip('duration', fmtMs(r.duration_ms)), chip('spans', fmtInt(r.spans)),
      chip('LLM calls', fmtInt(r.llm_calls)), chip('tool calls', fmtInt(r.tool_calls) + (r.tool_errors ? ' (' + r.tool_errors + ' failed)' : '')),
      chip('tokens', fmtInt(r.input_tokens) + ' in / ' + fmtInt(r.output_tokens) + ' out'),
      chip('cost', fmtUsd(r.cost_usd) + (r.unpriced_calls ? ' (' + r.unpriced_calls + ' calls unpriced)' : ''), 'd-cost'),
      chip('findings', r.violations + ' violations, ' + r.findings + ' in all')
    ]);
    if (d.spans_not_shown) $('d-meta').appendChild(chip('not shown', d.spans_not_shown + ' spans past the limit'));
    var wf = clear($('waterfall'));
    var total = Math.max(r.duration_ms, 0.001);
    d.spans.forEach(function (s) {
      var row = el('div', 'wf-row');
      row.setAttribute('data-span', s.id);
      var name = el('div', 'wf-name', s.name);
      name.style.paddingLeft = (s.depth * 16) + 'px';
      if (s.tree_note) name.appendChild(el('span', 'tree-note', '(' + s.tree_note + ')'));
      var track = el('div', 'wf-track');
      var bar = el('div', 'wf-bar' + (s.status === 'error' ? ' err' : ''));
      bar.style.left = Math.min(100, (s.offset_ms / total) * 100) + '%';
      bar.style.width = Math.max(0.3, Math.min(100, (s.duration_ms / total) * 100)) + '%';
      track.appendChild(bar);
      add(row, [markBadge(s.mark), name, el('div', 'wf-kind', s.kind), el('div', 'wf-def', s.definition || '(no definition)'), track, el('div', 'wf-dur', fmtMs(s.duration_ms))]);
      row.title = s.name + ' \u00b7 ' + s.findings.length + ' findings';
      row.addEventListener('click', function () { selectSpan(s.id); });
      wf.appendChild(row);
    });
    var initial = spanId || (d.spans.filter(function (s) { return s.mark === 'violation'; })[0] || d.spans[0] || {}).id;
    if (initial) selectSpan(initial); else clear($('span-panel'));
  }
  function findingList(findings) {
    if (!findings.length) return el('div', 'muted', 'No finding.');
    var box = el('div', 'findings');
    var rank = { violation: 0, improvement: 1, information: 2 };
    findings.slice().sort(function (a, b) { return rank[a.level] - rank[b.level]; }).forEach(function (f) {
      box.appendChild(el('div', 'finding', [el('span', 'lvl lvl-' + f.level, f.level), el('span', 'fid', f.id), el('span', 'msg', f.message)]));
    });
    return box;
  }
  function attrTable(attrs) {
    var t = el('table', 'grid attrs');
    t.appendChild(el('thead', null, el('tr', null, [el('th', null, 'key'), el('th', null, 'value'), el('th', null, 'type'), el('th', null, 'registry')])));
    var b = el('tbody');
    attrs.forEach(function (a) {
      var tr = el('tr', 'attr' + (a.flag ? ' flag-' + a.flag : ''));
      tr.setAttribute('data-key', a.key);
      var key = el('td', 'key', a.key);
      if (a.flag) key.appendChild(el('span', 'flag', a.flag.replace(/_/g, ' ')));
      var brief = el('td', 'brief');
      if (a.doc) {
        add(brief, a.doc.brief);
        var req = (a.doc.requirement ? a.doc.requirement.replace(/_/g, ' ') : 'not listed by this definition') +
          ' \u00b7 ' + a.doc.type + (a.doc.condition ? ' \u00b7 ' + a.doc.condition : '') +
          (a.doc.deprecated ? ' \u00b7 deprecated (' + a.doc.deprecated + ')' : '');
        brief.appendChild(el('span', 'req', req));
      } else {
        brief.appendChild(el('span', 'unreg', 'not in the registry'));
      }
      add(tr, [key, el('td', 'value', a.value), el('td', null, a.value_type), brief]);
      b.appendChild(tr);
    });
    t.appendChild(b);
    return t;
  }
  function conversation(messages) {
    var box = el('div', 'conversation');
    messages.forEach(function (m) {
      var msg = el('div', 'cmsg role-' + m.role.replace(/[^a-z_]/gi, ''));
      msg.appendChild(el('div', 'role', m.role + ' \u00b7 ' + m.source + (m.finish_reason ? ' \u00b7 ' + m.finish_reason : '')));
      m.parts.forEach(function (p) {
        var label = p.kind === 'tool_call' ? 'tool call ' + (p.name || '') + ': ' : p.kind === 'tool_call_response' ? 'tool result: ' : '';
        msg.appendChild(el('div', 'part ' + p.kind.replace(/[^a-z_]/gi, ''), label + p.text));
      });
      box.appendChild(msg);
    });
    return box;
  }
  function selectSpan(id) {
    state.span = id;
    Array.prototype.forEach.call(document.querySelectorAll('.wf-row'), function (r) {
      r.classList.toggle('sel', r.getAttribute('data-span') === id);
    });
    var s = state.detail.spans.filter(function (x) { return x.id === id; })[0];
    var panel = clear($('span-panel'));
    if (!s) return;
    var meta = s.kind + ' \u00b7 ' + (s.definition || 'no definition matched') + ' \u00b7 ' + fmtMs(s.duration_ms) + ' \u00b7 status ' + s.status +
      (s.status_message ? ' (' + s.status_message + ')' : '');
    add(panel, [el('h3', null, [markBadge(s.mark), ' ', s.name]), el('div', 'muted', meta)]);
    if (s.tokens) panel.appendChild(el('div', 'chips', [chip('tokens', fmtInt(s.tokens[0]) + ' in / ' + fmtInt(s.tokens[1]) + ' out'), chip('cost', fmtUsd(s.cost_usd), 'span-cost')]));
    add(panel, [el('h3', null, 'Findings'), findingList(s.findings), el('h3', null, 'Attributes'), attrTable(s.attributes)]);
    if (s.events.length) {
      panel.appendChild(el('h3', null, 'Events'));
      s.events.forEach(function (e) {
        add(panel, [el('div', null, [el('b', null, e.name), ' at +' + fmtMs(e.offset_ms)]), attrTable(e.attributes)]);
      });
    }
    var logs = state.detail.logs.filter(function (l) { return l.span === s.id; });
    if (logs.length) {
      panel.appendChild(el('h3', null, 'Log records'));
      logs.forEach(function (l) {
        add(panel, [el('div', null, [markBadge(l.mark), ' ', el('b', null, l.name || '(log)'), ' ' + l.severity + ' at +' + fmtMs(l.offset_ms) + ' ', el('span', 'muted', l.body)]),
          findingList(l.findings), attrTable(l.attributes)]);
        if (l.conversation.length) panel.appendChild(conversation(l.conversation));
      });
    }
    if (s.conversation.length) add(panel, [el('h3', null, 'Conversation'), conversation(s.conversation)]);
  }

  // ---- insights ----
  function card(title, kids) { return add(el('div', 'card'), [el('h3', null, title)].concat(kids)); }
  function dist(d, unit) {
    if (!d.count) return el('div', 'muted', 'no data');
    var f = unit === 'ms' ? fmtMs : function (x) { return String(x); };
    return el('div', null, 'p50 ' + f(d.p50) + ' \u00b7 p95 ' + f(d.p95) + ' \u00b7 max ' + f(d.max) + ' \u00b7 n=' + d.count);
  }
  function traceLink(id, text) {
    var a = el('span', 'link', text);
    a.addEventListener('click', function () { showTab('traces'); openTrace(id); });
    return a;
  }
  function renderInsights(v) {
    var box = clear($('tab-insights'));
    var cards = el('div', 'cards');
    var top = el('table', 'grid');
    top.appendChild(el('tr', null, [el('th', null, 'trace'), el('th', 'num', 'tokens'), el('th', 'num', 'cost')]));
    v.top_traces.forEach(function (t) {
      top.appendChild(el('tr', null, [add(el('td'), traceLink(t.id, t.root || t.id)), td(fmtInt(t.tokens), 'num'), td(fmtUsd(t.cost_usd), 'num')]));
    });
    var costBig = el('div', 'big', fmtUsd(v.cost_usd));
    costBig.id = 'insights-cost';
    cards.appendChild(card('Tokens and cost', [costBig,
      el('div', null, fmtInt(v.tokens[0]) + ' input \u00b7 ' + fmtInt(v.tokens[1]) + ' output tokens over ' + fmtInt(v.traces) + ' traces' +
        (v.unpriced_calls ? ' \u00b7 ' + v.unpriced_calls + ' calls without a known price' : '')),
      el('div', 'muted', 'prices: ' + v.prices), top]));
    var hist = el('div');
    var maxN = Math.max.apply(null, [1].concat(v.llm_calls_histogram.map(function (h) { return h[1]; })));
    v.llm_calls_histogram.forEach(function (h) {
      var bar = el('div', 'hist-bar'); bar.style.width = (h[1] / maxN * 100) + '%';
      hist.appendChild(el('div', 'hist-row', [el('span', null, h[0] + ' calls'), el('div', null, bar), el('span', 'num', fmtInt(h[1]))]));
    });
    cards.appendChild(card('LLM calls per request', [dist(v.llm_calls), hist]));
    var tools = el('table', 'grid');
    tools.appendChild(el('tr', null, ['tool', 'calls', 'errors', 'error rate', 'p50', 'p95'].map(function (h, i) { return el('th', i ? 'num' : null, h); })));
    v.tools.forEach(function (t) {
      tools.appendChild(el('tr', null, [td(t.name), td(fmtInt(t.calls), 'num'), td(fmtInt(t.errors), 'num'),
        td((t.error_rate * 100).toFixed(1) + '%', 'num'), td(fmtMs(t.latency_ms.p50), 'num'), td(fmtMs(t.latency_ms.p95), 'num')]));
    });
    cards.appendChild(card('Tools', v.tools.length ? tools : el('div', 'muted', 'no tool call')));
    cards.appendChild(card('Time to first token', dist(v.time_to_first_token_ms, 'ms')));
    var loops = el('div');
    v.loops.forEach(function (l) {
      loops.appendChild(el('div', 'finding', [el('span', 'lvl lvl-' + l.finding.level, l.finding.level), traceLink(l.trace, l.span_name), el('span', 'msg', l.finding.message)]));
    });
    cards.appendChild(card('Loops and budgets', v.loops.length ? loops : el('div', 'muted', 'none found')));
    box.appendChild(cards);
  }

  // ---- metrics and findings ----
  function renderMetrics(list) {
    var box = clear($('tab-metrics'));
    if (!list.length) { box.appendChild(el('div', 'empty', 'No metric received.')); return; }
    var t = el('table', 'grid');
    t.appendChild(el('tr', null, ['', 'metric', 'definition', 'unit', 'kind', 'points', 'recent points', 'findings'].map(function (h) { return el('th', null, h); })));
    list.forEach(function (m) {
      var recent = el('div');
      m.recent.slice(-5).forEach(function (p) { recent.appendChild(el('div', 'muted', (p.attributes ? p.attributes + ': ' : '') + p.value)); });
      var def = el('td', null, m.definition || '(no definition)');
      if (m.brief) def.appendChild(el('span', 'req', m.brief));
      t.appendChild(el('tr', null, [add(el('td'), markBadge(m.mark)), td(m.name), def, td(m.unit), td(m.kind),
        td(fmtInt(m.points) + ' in ' + fmtInt(m.batches) + ' batches', 'num'), add(el('td'), recent), add(el('td'), findingList(m.findings))]));
    });
    box.appendChild(t);
  }
  function renderFindings(s) {
    var box = clear($('tab-findings'));
    box.appendChild(el('div', null, fmtInt(s.levels[0]) + ' violations \u00b7 ' + fmtInt(s.levels[1]) + ' improvements \u00b7 ' + fmtInt(s.levels[2]) + ' information'));
    var t = el('table', 'grid');
    t.appendChild(el('tr', null, [el('th', null, 'finding'), el('th', 'num', 'count')]));
    s.by_id.forEach(function (p) { t.appendChild(el('tr', null, [td(p[0], 'fid'), td(fmtInt(p[1]), 'num')])); });
    box.appendChild(t);
    data.logs().then(function (logs) {
      if (!logs.length) return;
      box.appendChild(el('h3', null, 'Log records without a trace'));
      logs.forEach(function (l) {
        add(box, [el('div', null, [markBadge(l.mark), ' ', el('b', null, l.name || '(log)'), ' ' + l.severity + ' ', el('span', 'muted', l.body)]), findingList(l.findings)]);
      });
    }).catch(showError);
  }

  // ---- tabs, filters, live updates ----
  function showTab(name) {
    state.tab = name;
    ['traces', 'insights', 'metrics', 'findings'].forEach(function (t) { $('tab-' + t).hidden = t !== name; });
    Array.prototype.forEach.call(document.querySelectorAll('nav.tabs button'), function (b) {
      b.classList.toggle('on', b.getAttribute('data-tab') === name);
    });
    refreshTab();
  }
  function refreshTab() {
    if (state.tab === 'insights') data.insights().then(renderInsights).catch(showError);
    if (state.tab === 'metrics') data.metrics().then(renderMetrics).catch(showError);
    if (state.tab === 'findings') data.summary().then(renderFindings).catch(showError);
  }
  function refreshAll() {
    data.summary().then(renderSummary).catch(showError);
    if (state.tab === 'traces') loadList(); else refreshTab();
  }
  function showError(e) { clear($('conn')); add($('conn'), String(e && e.message || e)); }
  function readFilters() {
    state.filter = { violations: $('f-violations').checked, agent: $('f-agent').value, model: $('f-model').value, service: $('f-service').value, q: $('f-q').value.trim() };
    state.page = 0;
    loadList();
  }

  Array.prototype.forEach.call(document.querySelectorAll('nav.tabs button'), function (b) {
    b.addEventListener('click', function () { showTab(b.getAttribute('data-tab')); });
  });
  ['f-violations', 'f-agent', 'f-model', 'f-service'].forEach(function (id) { $(id).addEventListener('change', readFilters); });
  var typing = null;
  $('f-q').addEventListener('input', function () { clearTimeout(typing); typing = setTimeout(readFilters, 250); });
  $('prev').addEventListener('click', function () { if (state.page > 0) { state.page--; loadList(); } });
  $('next').addEventListener('click', function () { state.page++; loadList(); });
  $('d-close').addEventListener('click', function () { $('detail').hidden = true; state.trace = null; state.detail = null; });

  if (REPORT) {
    add($('mode'), 'report');
    add($('conn'), 'self-contained report \u00b7 prices: ' + REPORT.summary.prices);
  } else {
    add($('mode'), 'live');
    $('clear').hidden = false;
    $('stop').hidden = false;
    var post = function (path) {
      var headers = {};
      if (TOKEN) headers['X-Semconv-Token'] = TOKEN;
      return fetch(path, { method: 'POST', headers: headers, credentials: 'same-origin' });
    };
    $('clear').addEventListener('click', function () { post('/api/clear').then(refreshAll); });
    $('stop').addEventListener('click', function () {
      if (confirm('Stop this live-check run and write its report?')) post('/stop');
    });
    var pending = false;
    var schedule = function () {
      if (pending) return;
      pending = true;
      // Coalesce: one refresh per half second at most, whatever the event rate.
      setTimeout(function () { pending = false; refreshAll(); }, 500);
    };
    var connect = function () {
      var es = new EventSource('/events' + (TOKEN ? '?token=' + encodeURIComponent(TOKEN) : ''));
      es.addEventListener('update', function () { clear($('conn')); add($('conn'), 'live \u00b7 connected'); schedule(); });
      es.onerror = function () { clear($('conn')); add($('conn'), 'disconnected; retrying\u2026'); };
    };
    connect();
  }
  refreshAll();
})();
