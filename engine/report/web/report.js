/* Loadwizard's report page: builds the tables and the uPlot charts from the JSON in
   #report-data (engine/report/src/reportdata.cpp writes it; docs/report.md describes the page). */
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('report-data').textContent);
  var root = document.getElementById('report');
  var compare = data.kind === 'compare';
  var runs = data.runs;
  var charts = [];
  var pendingDraws = [];
  var COLORS = ['#2563eb', '#16a34a', '#ea580c', '#9333ea', '#dc2626', '#0891b2', '#64748b'];
  var RUN_COLORS = ['#64748b', '#2563eb'];

  /* ---------- small helpers ---------- */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        if (key === 'text') node.textContent = attrs[key];
        else if (key === 'className') node.className = attrs[key];
        else node.setAttribute(key, attrs[key]);
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function add(parent, tag, attrs, children) {
    var node = el(tag, attrs, children);
    parent.appendChild(node);
    return node;
  }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function fmtMs(v) {
    if (!isNum(v)) return '–';
    if (v < 10) return v.toFixed(2);
    if (v < 100) return v.toFixed(1);
    return Math.round(v).toLocaleString('en-US');
  }
  function fmtInt(v) { return isNum(v) ? Math.round(v).toLocaleString('en-US') : '–'; }
  function fmtRate(v) {
    if (!isNum(v)) return '–';
    return v >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
  }
  function fmtPct(fraction, digits) {
    return isNum(fraction) ? (fraction * 100).toFixed(digits === undefined ? 2 : digits) + ' %' : '–';
  }
  function fmtBytes(v) {
    if (!isNum(v)) return '–';
    var units = ['B', 'KB', 'MB', 'GB', 'TB'];
    var i = 0;
    while (Math.abs(v) >= 1000 && i < units.length - 1) { v /= 1000; i++; }
    return (i === 0 ? Math.round(v) : v.toFixed(v < 10 ? 2 : 1)) + ' ' + units[i];
  }
  function fmtElapsed(seconds) {
    if (!isNum(seconds)) return '';
    var s = Math.round(seconds);
    if (s < 60) return s + 's';
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = (h ? String(m).padStart(2, '0') : String(m));
    return (h ? h + ':' : '') + mm + ':' + String(r).padStart(2, '0');
  }
  function fmtDuration(seconds) {
    if (!isNum(seconds)) return '–';
    if (seconds < 60) return seconds.toFixed(1) + ' s';
    var m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
    if (m < 60) return m + ' min ' + s + ' s';
    return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }
  function runLabel(i) { return compare ? (i === 0 ? 'A' : 'B') : ''; }
  function passed(run) { return run.verdict === 'passed'; }

  /* ---------- charts ---------- */

  function chartWidth(box) {
    return Math.max(320, Math.floor(box.clientWidth || 560));
  }
  /* A panel with a title, an optional select, and a uPlot chart that can be rebuilt. */
  function chartPanel(parent, title, build, choices) {
    var panel = add(parent, 'div', { className: 'panel chart' });
    var head = add(panel, 'div', { className: 'chart-head' }, [el('h3', { text: title })]);
    var box = add(panel, 'div', { className: 'chart-box' });
    var current = null;
    function draw(choice) {
      if (current) {
        charts.splice(charts.indexOf(current), 1);
        current.destroy();
        current = null;
      }
      var spec = build(choice);
      if (!spec) {
        box.textContent = '';
        add(box, 'p', { className: 'muted', text: 'No data.' });
        return;
      }
      box.textContent = '';
      var opts = spec.opts;
      opts.width = chartWidth(box);
      opts.height = opts.height || 240;
      current = new uPlot(opts, spec.data, box);
      charts.push(current);
    }
    if (choices && choices.length > 1) {
      var select = add(head, 'select', { 'aria-label': title });
      choices.forEach(function (c, i) { add(select, 'option', { value: String(i), text: c.label }); });
      select.addEventListener('change', function () { draw(choices[Number(select.value)].value); });
    }
    /* Drawn once every panel is in place, so that each chart gets its column's final width. */
    pendingDraws.push(function () { draw(choices && choices.length ? choices[0].value : undefined); });
    return panel;
  }

  function xAxis() {
    return {
      stroke: '#6b7280', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e5e7eb' },
      values: function (u, splits) { return splits.map(fmtElapsed); }
    };
  }
  function yAxis(label, format, side) {
    var axis = {
      label: label, stroke: '#6b7280', grid: { stroke: '#eef0f3', show: side !== 1 },
      ticks: { stroke: '#e5e7eb' }, labelSize: 18,
      values: function (u, splits) { return splits.map(format); },
      size: function (u, values) {
        var longest = (values || []).reduce(function (n, v) { return Math.max(n, String(v).length); }, 0);
        return Math.max(48, longest * 7 + 22);
      }
    };
    if (side === 1) { axis.side = 1; axis.scale = 'right'; }
    return axis;
  }
  function line(label, color, extra) {
    var s = { label: label, stroke: color, width: 1.5, spanGaps: false, points: { show: false } };
    Object.keys(extra || {}).forEach(function (k) { s[k] = extra[k]; });
    return s;
  }
  function timeOpts(series, axes, extra) {
    var opts = {
      series: [{ label: 'elapsed', value: function (u, v) { return fmtElapsed(v); } }].concat(series),
      axes: [xAxis()].concat(axes),
      scales: { x: { time: false } },
      cursor: { drag: { x: true, y: false } },
      legend: { live: true }
    };
    Object.keys(extra || {}).forEach(function (k) { opts[k] = extra[k]; });
    return opts;
  }
  function valueFmt(format) { return function (u, v) { return v === null || v === undefined ? '–' : format(v); }; }

  /* For a comparison: both runs' series on one time axis (uPlot.join aligns them). */
  function joined(getter) {
    var tables = runs.map(function (run) {
      if (!run.series) return null;
      var ys = getter(run);
      if (!ys) return null;
      return [run.series.t].concat(ys);
    }).filter(function (t) { return t; });
    if (!tables.length) return null;
    return tables.length === 1 ? tables[0] : uPlot.join(tables);
  }

  /* ---------- sections ---------- */

  function header() {
    var head = add(root, 'div', { className: 'header' });
    var left = add(head, 'div');
    if (compare) {
      add(left, 'h1', { text: 'Comparison: ' + (runs[0].manifest.project || 'run') + ' — A vs B' });
      runs.forEach(function (run, i) {
        var m = run.manifest;
        add(left, 'div', { className: 'subtitle' }, [
          el('span', { text: runLabel(i) + ': ' + (m.project || 'run') }),
          el('span', { text: m.started }),
          el('span', { text: fmtDuration(run.totals ? run.totals.duration_s : m.duration_s) }),
          el('span', { text: m.status_label }),
          el('span', { text: run.verdict || (run.killed ? 'no verdict' : '') })
        ]);
      });
      var worse = (data.comparison || []).some(function (row) {
        return row.marks && Object.keys(row.marks).some(function (k) { return row.marks[k] === 'worse'; });
      });
      var rules = data.rules || [];
      var broken = rules.filter(function (r) { return r.breaches.length; }).length;
      var text = rules.length ? (broken ? broken + ' of ' + rules.length + ' --fail-if rules broken'
                                        : 'every --fail-if rule holds')
                              : (worse ? 'B is worse somewhere' : 'B is no worse');
      add(head, 'span', { className: 'badge ' + ((rules.length ? broken : worse) ? 'bad' : 'good'), text: text });
      return;
    }
    var run = runs[0], m = run.manifest;
    add(left, 'h1', { text: (m.project || 'Run') + ' — load test report' });
    add(left, 'div', { className: 'subtitle' }, [
      el('span', { text: 'scenario ' + (m.scenario || '–') }),
      el('span', { text: m.started }),
      el('span', { text: fmtDuration(run.totals ? run.totals.duration_s : m.duration_s) +
                         (m.planned_duration_s ? ' of ' + fmtDuration(m.planned_duration_s) + ' planned' : '') }),
      el('span', { text: m.model + ' model' }),
      el('span', { text: m.host })
    ]);
    var badge;
    if (run.killed) badge = el('span', { className: 'badge warn', text: 'Crashed or killed' });
    else if (passed(run)) badge = el('span', { className: 'badge good', text: '✓ Passed' });
    else badge = el('span', { className: 'badge bad', text: '✗ ' + (run.verdict || 'Failed') });
    add(head, 'div', {}, [badge]);
  }

  function banners(run, label) {
    var prefix = label ? label + ': ' : '';
    if (run.killed) {
      var last = run.series && run.series.t.length ? run.series.t[run.series.t.length - 1] : 0;
      add(root, 'div', { className: 'banner warn',
        text: prefix + 'Crashed or killed: the run recorded no end and left no summary. The numbers ' +
              'below are rebuilt from its series and histograms up to its last interval (' +
              fmtElapsed(last) + ').' });
    } else if (run.manifest.status !== 'completed') {
      add(root, 'div', { className: 'banner warn',
        text: prefix + run.manifest.status_label + (run.manifest.reason ? ': ' + run.manifest.reason : '') });
    }
    if (run.incomplete) add(root, 'div', { className: 'banner bad', text: prefix + 'Incomplete: ' + run.incomplete });
    (run.warnings || []).forEach(function (w) {
      add(root, 'div', { className: 'banner warn', text: prefix + 'Reading the folder: ' + w });
    });
  }

  function cards(run) {
    var t = run.totals;
    var box = add(root, 'div', { className: 'cards' });
    function card(label, value, detail) {
      add(box, 'div', { className: 'card' }, [
        el('div', { className: 'label', text: label }),
        el('div', { className: 'value', text: value }),
        detail ? el('div', { className: 'detail', text: detail }) : null
      ]);
    }
    card('Requests', fmtInt(t.requests), fmtRate(t.rate) + ' /s');
    card('Errors', fmtPct(t.error_rate), fmtInt(t.request_errors) + ' requests');
    card('p95 latency', fmtMs(t.latency[4]) + ' ms', 'p50 ' + fmtMs(t.latency[2]) + ' · p99 ' + fmtMs(t.latency[5]));
    card('Iterations', fmtInt(t.iterations),
         fmtInt(t.iterations_failed) + ' failed · ' + fmtInt(t.iterations_interrupted) + ' interrupted');
    card('Peak vusers', fmtInt(t.vusers_max), t.iterations_dropped ? fmtInt(t.iterations_dropped) + ' arrivals dropped' : '');
    card('Data received', fmtBytes(t.bytes_in), fmtBytes(t.bytes_out) + ' sent');
    if (t.checks_passed + t.checks_failed > 0)
      card('Checks', fmtPct(t.checks_passed / (t.checks_passed + t.checks_failed)),
           fmtInt(t.checks_failed) + ' failed');
  }

  function thresholds(run, label) {
    var panel = add(root, 'div', { className: 'panel' });
    add(panel, 'h3', { text: (label ? label + ': ' : '') + 'Thresholds' });
    if (run.thresholds === null) {
      add(panel, 'p', { className: 'muted', text: run.killed
        ? 'Not evaluated: the run ended without a summary.' : 'No summary: thresholds unknown.' });
      return;
    }
    if (!run.thresholds.length) {
      add(panel, 'p', { className: 'muted', text: 'None set: the verdict only says whether requests succeeded (' +
        (run.verdict || '–') + ').' });
      return;
    }
    var table = add(panel, 'table');
    add(table, 'thead', {}, [el('tr', {}, [el('th', { text: 'threshold' }), el('th', { text: 'observed' }),
                                            el('th', { text: 'result' })])]);
    var body = add(table, 'tbody');
    run.thresholds.forEach(function (t) {
      add(body, 'tr', {}, [
        el('td', { className: 'name', text: t.expression + (t.abort ? '  (abort)' : '') }),
        el('td', { text: t.observed || '–' }),
        el('td', { className: t.ok ? 'ok' : 'fail', text: t.ok ? '✓ passed' : (t.aborted ? '✗ failed, aborted the run' : '✗ failed') })
      ]);
    });
  }

  /* A table whose columns sort on a click. rows: arrays of cell values; columns: {title, format, cls}. */
  function sortableTable(parent, columns, rows) {
    var table = add(parent, 'table');
    var headRow = add(add(table, 'thead'), 'tr');
    var body = add(table, 'tbody');
    var order = { column: -1, descending: false };
    function fill() {
      body.textContent = '';
      rows.forEach(function (row) {
        var tr = add(body, 'tr');
        columns.forEach(function (c, i) {
          var td = add(tr, 'td', { text: c.format ? c.format(row[i], row) : String(row[i]) });
          if (c.cls) td.className = typeof c.cls === 'function' ? c.cls(row[i], row) : c.cls;
          if (i === 0) td.title = String(row[i]);
        });
      });
    }
    columns.forEach(function (c, i) {
      var th = add(headRow, 'th', { className: 'sortable', text: c.title, title: 'Sort by ' + c.title });
      th.addEventListener('click', function () {
        order.descending = order.column === i ? !order.descending : i !== 0;
        order.column = i;
        rows.sort(function (a, b) {
          var x = a[i], y = b[i];
          var r = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
          return order.descending ? -r : r;
        });
        fill();
      });
    });
    fill();
    return table;
  }

  var LATENCY_COLUMNS = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'].map(function (n) {
    return { title: n + ' ms', format: fmtMs };
  });
  function nameColumns(first) {
    return [{ title: first, cls: 'name', format: String },
            { title: 'count', format: fmtInt }, { title: 'rate /s', format: fmtRate },
            { title: 'errors', format: fmtInt, cls: function (v) { return v > 0 ? 'fail' : ''; } },
            { title: 'error %', format: function (v, row) { return row[1] ? fmtPct(v) : '–'; } }]
      .concat(LATENCY_COLUMNS);
  }
  function withErrorRate(rows) {
    /* A computed column (error %) after errors: the rows get a placeholder so sorting works. */
    return rows.map(function (r) {
      return r.slice(0, 4).concat([r[1] ? r[3] / r[1] : 0]).concat(r.slice(4));
    });
  }

  function nameTables(run) {
    if (run.transactions.length) {
      var tp = add(root, 'div', { className: 'panel' });
      add(tp, 'h3', { text: 'Transactions' });
      sortableTable(tp, nameColumns('transaction'), withErrorRate(run.transactions));
    }
    var rp = add(root, 'div', { className: 'panel' });
    add(rp, 'h3', { text: 'Requests' });
    var t = run.totals;
    var columns = nameColumns('request').concat(['DNS', 'connect', 'TLS', 'TTFB'].map(function (n) {
      return { title: n + ' ms', format: fmtMs };
    }));
    var rows = withErrorRate(run.requests);
    sortableTable(rp, columns, rows);
    var total = el('p', { className: 'note', text: 'All requests: ' + fmtInt(t.requests) + ' (' + fmtRate(t.rate) +
      '/s), ' + fmtInt(t.request_errors) + ' errors; latency min ' + fmtMs(t.latency[0]) + ', mean ' + fmtMs(t.latency[1]) +
      ', p50 ' + fmtMs(t.latency[2]) + ', p90 ' + fmtMs(t.latency[3]) + ', p95 ' + fmtMs(t.latency[4]) +
      ', p99 ' + fmtMs(t.latency[5]) + ', max ' + fmtMs(t.latency[6]) + ' ms. Percentiles come from the merged ' +
      'histograms (3 significant digits); DNS, connect, TLS and TTFB are means from libcurl.' });
    rp.appendChild(total);
    if (run.checks.length) {
      var cp = add(root, 'div', { className: 'panel' });
      add(cp, 'h3', { text: 'Checks' });
      sortableTable(cp, [{ title: 'check', cls: 'name', format: String }, { title: 'passed', format: fmtInt },
                         { title: 'failed', format: fmtInt, cls: function (v) { return v > 0 ? 'fail' : ''; } },
                         { title: 'pass rate', format: function (v, row) {
                           return row[1] + row[2] ? fmtPct(row[1] / (row[1] + row[2])) : '–'; } }],
                    run.checks.map(function (c) { return c.concat([0]); }));
    }
  }

  function runCharts(run) {
    var s = run.series;
    var grid = add(root, 'div', { className: 'grid2' });
    /* Load: vusers against the plan; the open model adds the arrival rate. */
    chartPanel(grid, run.open ? 'Arrival rate and vusers' : 'Vusers', function () {
      if (run.open) {
        return { data: [s.t, s.arrivals_planned, s.arrivals_achieved, s.vusers],
                 opts: timeOpts([line('planned /s', COLORS[6], { dash: [6, 4], value: valueFmt(fmtRate) }),
                                 line('started /s', COLORS[0], { value: valueFmt(fmtRate) }),
                                 line('vusers', COLORS[2], { scale: 'right', value: valueFmt(fmtInt) })],
                                [yAxis('iterations /s', fmtRate), yAxis('vusers', fmtInt, 1)]) };
      }
      return { data: [s.t, s.planned_vusers, s.vusers],
               opts: timeOpts([line('planned', COLORS[6], { dash: [6, 4], value: valueFmt(fmtInt) }),
                               line('active', COLORS[0], { fill: 'rgba(37,99,235,0.08)', value: valueFmt(fmtInt) })],
                              [yAxis('vusers', fmtInt)]) };
    });
    chartPanel(grid, 'Throughput and errors', function () {
      return { data: [s.t, s.rps, s.iterations, s.errors],
               opts: timeOpts([line('requests /s', COLORS[0], { fill: 'rgba(37,99,235,0.06)', value: valueFmt(fmtRate) }),
                               line('iterations /s', COLORS[1], { value: valueFmt(fmtRate) }),
                               line('errors /s', COLORS[4], { scale: 'right', value: valueFmt(fmtRate) })],
                              [yAxis('per second', fmtRate), yAxis('errors /s', fmtRate, 1)]) };
    });
    chartPanel(grid, 'Latency, all requests', function () {
      var l = s.latency;
      return { data: [s.t, l.p50, l.p90, l.p95, l.p99, l.max],
               opts: timeOpts(latencySeries(), [yAxis('ms', fmtMs)]) };
    });
    var named = s.names.map(function (n) { return { label: n.kind + ': ' + n.name, value: n }; });
    chartPanel(grid, 'Latency per name', function (n) {
      if (!n) return null;
      return { data: [s.names_t, n.p50, n.p95, n.p99, n.max],
               opts: timeOpts(latencySeries(true), [yAxis('ms', fmtMs)]) };
    }, named);
    chartPanel(grid, 'Data transferred', function () {
      return { data: [s.t, s.bytes_in, s.bytes_out],
               opts: timeOpts([line('received /s', COLORS[0], { value: valueFmt(fmtBytes) }),
                               line('sent /s', COLORS[2], { value: valueFmt(fmtBytes) })],
                              [yAxis('bytes /s', fmtBytes)]) };
    });
    chartPanel(grid, 'Timing breakdown (means over requests)', function () {
      var t = s.timings;
      if (!t.ttfb.some(isNum)) return null;
      return { data: [s.t, t.dns, t.connect, t.tls, t.ttfb],
               opts: timeOpts([line('DNS', COLORS[3], { value: valueFmt(fmtMs) }),
                               line('connect', COLORS[2], { value: valueFmt(fmtMs) }),
                               line('TLS', COLORS[5], { value: valueFmt(fmtMs) }),
                               line('TTFB', COLORS[0], { value: valueFmt(fmtMs) })],
                              [yAxis('ms', fmtMs)]) };
    });
    if (s.names.length && s.names.length >= (run.charted_names || 10))
      add(root, 'p', { className: 'note', text: 'Charts per name show the ' + run.charted_names +
        ' busiest transactions and requests; the tables below list every name.' });
  }
  function latencySeries(withoutP90) {
    return [line('p50', COLORS[1], { value: valueFmt(fmtMs) })].concat(withoutP90 ? [] : [line('p90', COLORS[5], { value: valueFmt(fmtMs) })]).concat([
            line('p95', COLORS[0], { width: 2, value: valueFmt(fmtMs) }), line('p99', COLORS[3], { value: valueFmt(fmtMs) }),
            line('max', COLORS[4], { dash: [3, 3], width: 1, value: valueFmt(fmtMs) })]);
  }

  function distributions(run) {
    if (!run.distributions || !run.distributions.length) return;
    var grid = add(root, 'div', { className: 'grid2' });
    var choices = run.distributions.map(function (d) { return { label: d.kind + ': ' + d.name, value: d }; });
    chartPanel(grid, 'Latency distribution', function (d) {
      var x = d.counts.map(function (_, i) { return i; });
      var mid = d.counts.map(function (_, i) { return d.log ? Math.sqrt(d.edges[i] * d.edges[i + 1]) : (d.edges[i] + d.edges[i + 1]) / 2; });
      return { data: [x, d.counts],
               opts: { series: [{ label: 'latency', value: function (u, i) {
                                   return i === null || i === undefined ? '–' :
                                     fmtMs(d.edges[i]) + '–' + fmtMs(d.edges[i + 1]) + ' ms'; } },
                                { label: 'requests', fill: 'rgba(37,99,235,0.55)', stroke: COLORS[0], width: 1,
                                  paths: uPlot.paths.bars({ size: [0.92, 100] }), points: { show: false },
                                  value: valueFmt(fmtInt) }],
                       axes: [{ stroke: '#6b7280', grid: { show: false }, label: 'ms' + (d.log ? ' (log scale)' : ''),
                                labelSize: 18, splits: function () { return ticksFor(d.counts.length); },
                                values: function (u, splits) { return splits.map(function (i) { return fmtMs(mid[i]); }); } },
                              yAxis('count', fmtInt)],
                       scales: { x: { time: false, range: [-0.6, d.counts.length - 0.4] } },
                       legend: { live: true } } };
    }, choices);
    /* Percentile ladder: the same figures as the tables, for the chosen name. */
    var panel = add(grid, 'div', { className: 'panel' });
    add(panel, 'h3', { text: 'Percentiles per name (ms)' });
    var rows = run.transactions.map(function (r) { return ['transaction: ' + r[0]].concat(r.slice(4)); })
      .concat(run.requests.map(function (r) { return ['request: ' + r[0]].concat(r.slice(4, 11)); }));
    sortableTable(panel, [{ title: 'name', cls: 'name', format: String }].concat(LATENCY_COLUMNS), rows);
  }
  function ticksFor(n) {
    var step = Math.max(1, Math.ceil(n / 8));
    var out = [];
    for (var i = 0; i < n; i += step) out.push(i);
    return out;
  }

  function errors(run) {
    var e = run.errors;
    var grid = add(root, 'div', { className: 'grid2' });
    var classes = add(grid, 'div', { className: 'panel' });
    add(classes, 'h3', { text: 'Errors by class' });
    if (!e.classes.length) add(classes, 'p', { className: 'muted', text: 'No errors.' });
    else sortableTable(classes, [{ title: 'class', format: String }, { title: 'count', format: fmtInt }], e.classes.slice());
    var statuses = add(grid, 'div', { className: 'panel' });
    add(statuses, 'h3', { text: 'Errors by HTTP status' });
    if (!e.statuses.length) add(statuses, 'p', { className: 'muted', text: 'No unexpected HTTP status.' });
    else sortableTable(statuses, [{ title: 'status', format: String }, { title: 'count', format: fmtInt }], e.statuses.slice());
    if (e.messages.length) {
      var messages = add(root, 'div', { className: 'panel' });
      add(messages, 'h3', { text: 'Most frequent error messages' });
      sortableTable(messages, [{ title: 'message', cls: 'text', format: String }, { title: 'class', format: String },
                               { title: 'count', format: fmtInt }], e.messages.slice());
      if (e.messages_from_log)
        add(messages, 'p', { className: 'note', text: 'Counted from the saved log, which keeps at most a few hundred lines per second.' });
      var exchanges = e.messages.filter(function (m) { return m[3]; });
      if (exchanges.length) {
        var panel = add(root, 'div', { className: 'panel' });
        add(panel, 'h3', { text: 'A failed request of each message' });
        exchanges.forEach(function (m) {
          var details = add(panel, 'details');
          add(details, 'summary', { text: m[0] + ' (' + fmtInt(m[2]) + ')' });
          add(details, 'pre', { className: 'exchange', text: m[3] });
        });
      }
    }
    if (e.samples.length) {
      var samples = add(root, 'div', { className: 'panel' });
      add(samples, 'h3', { text: 'Samples from the log (first three of each message)' });
      sortableTable(samples, [{ title: 'at', format: fmtElapsed }, { title: 'class', format: String },
                              { title: 'vuser', format: String }, { title: 'message', cls: 'text', format: String }],
                    e.samples.slice());
    }
  }

  function settings(run, label) {
    var grid = add(root, 'div', { className: 'grid2' });
    var panel = add(grid, 'div', { className: 'panel' });
    add(panel, 'h3', { text: (label ? label + ': ' : '') + 'Run' });
    var m = run.manifest;
    var dl = add(panel, 'dl', { className: 'settings' });
    [['project', m.project], ['project file', m.project_file], ['scenario', m.scenario], ['model', m.model],
     ['groups', (m.groups || []).join(', ') || '–'], ['started', m.started], ['ended', m.ended || '–'],
     ['duration', fmtDuration(m.duration_s)], ['planned', fmtDuration(m.planned_duration_s)],
     ['status', m.status_label + (m.reason ? ' — ' + m.reason : '')], ['verdict', m.verdict || '–'],
     ['exit code', m.exit_code === null ? '–' : String(m.exit_code)], ['command line', m.command_line],
     ['host', m.host], ['run id', m.run_id], ['loadwizard', m.tool_version], ['folder', run.folder]]
      .forEach(function (kv) {
        add(dl, 'dt', { text: kv[0] });
        add(dl, 'dd', { text: kv[1] === undefined || kv[1] === null || kv[1] === '' ? '–' : String(kv[1]) });
      });
    var project = add(grid, 'div', { className: 'panel' });
    add(project, 'h3', { text: (label ? label + ': ' : '') + 'Project as run (project.yaml, secrets redacted)' });
    add(project, 'pre', { className: 'yaml', text: run.project_yaml || '(no project copy in the folder)' });
  }

  /* ---------- the comparison ---------- */

  function comparisonTable() {
    var panel = add(root, 'div', { className: 'panel' });
    add(panel, 'h3', { text: 'Change from A to B' });
    var metrics = [['rate', 'rate /s', fmtRate], ['error_rate', 'error %', function (v) { return fmtPct(v); }],
                   ['p50', 'p50 ms', fmtMs], ['p90', 'p90 ms', fmtMs], ['p95', 'p95 ms', fmtMs],
                   ['p99', 'p99 ms', fmtMs]];
    var table = add(panel, 'table');
    var head = add(add(table, 'thead'), 'tr');
    add(head, 'th', { text: 'name' });
    add(head, 'th', { text: 'count A → B' });
    metrics.forEach(function (m) { add(head, 'th', { text: m[1] + ' A → B' }); });
    var body = add(table, 'tbody');
    var onlyA = [], onlyB = [];
    data.comparison.forEach(function (row) {
      if (!row.a) { onlyB.push(row); return; }
      if (!row.b) { onlyA.push(row); return; }
      var tr = add(body, 'tr');
      add(tr, 'td', { className: 'name', text: (row.kind === 'total' ? '' : row.kind + ': ') + row.name, title: row.name });
      add(tr, 'td', { text: fmtInt(row.a.count) + ' → ' + fmtInt(row.b.count) });
      metrics.forEach(function (m) {
        var key = m[0], a = row.a[key], b = row.b[key], mark = row.marks[key];
        var change;
        if (key === 'error_rate') change = ((b - a) * 100 >= 0 ? '+' : '') + ((b - a) * 100).toFixed(2) + ' pp';
        else if (a > 0) change = ((b - a) / a * 100 >= 0 ? '+' : '') + ((b - a) / a * 100).toFixed(1) + ' %';
        else change = b > 0 ? 'new' : '0 %';
        var symbol = mark === 'better' ? '✓ ' : mark === 'worse' ? '✗ ' : '= ';
        add(tr, 'td', { className: mark, title: mark }, [
          el('div', { text: m[2](a) + ' → ' + m[2](b) }),
          el('div', { className: 'delta', text: symbol + change })]);
      });
    });
    add(panel, 'p', { className: 'note', text: '✓ better, ✗ worse, = the same: latency and rate within ±5 %, ' +
      'error rate within ±0.1 percentage point. Lower latency and error rate are better, a higher rate is. ' +
      'Percentiles come from each name\'s merged histograms.' });
    [['Only in A', onlyA, 'a'], ['Only in B', onlyB, 'b']].forEach(function (g) {
      if (!g[1].length) return;
      add(panel, 'p', { className: 'note', text: g[0] + ': ' + g[1].map(function (r) {
        return r.kind + ' ' + r.name + ' (' + fmtInt(r[g[2]].count) + ')'; }).join(', ') });
    });
  }

  function comparisonCharts() {
    var grid = add(root, 'div', { className: 'grid2' });
    function pair(label, getter, format, axisLabel) {
      chartPanel(grid, label, function () {
        var d = joined(function (run) { return [getter(run)]; });
        if (!d) return null;
        return { data: d, opts: timeOpts(runs.map(function (run, i) {
          return line(runLabel(i), RUN_COLORS[i], { width: i ? 2 : 1.5, dash: i ? undefined : [5, 3],
                                                  value: valueFmt(format) });
        }), [yAxis(axisLabel, format)]) };
      });
    }
    pair('Vusers, A and B', function (r) { return r.series.vusers; }, fmtInt, 'vusers');
    pair('Requests per second, A and B', function (r) { return r.series.rps; }, fmtRate, 'requests /s');
    pair('Errors per second, A and B', function (r) { return r.series.errors; }, fmtRate, 'errors /s');
    pair('p95 latency, all requests, A and B', function (r) { return r.series.latency.p95; }, fmtMs, 'ms');
    pair('p99 latency, all requests, A and B', function (r) { return r.series.latency.p99; }, fmtMs, 'ms');
    /* Per name: the names both runs charted. */
    var names = [];
    (runs[0].series ? runs[0].series.names : []).forEach(function (n) {
      var other = runs[1].series && runs[1].series.names.filter(function (m) { return m.kind === n.kind && m.name === n.name; })[0];
      if (other) names.push({ label: n.kind + ': ' + n.name, value: [n, other] });
    });
    chartPanel(grid, 'p95 latency per name, A and B', function (pairOfNames) {
      if (!pairOfNames) return null;
      var d = uPlot.join([[runs[0].series.names_t, pairOfNames[0].p95], [runs[1].series.names_t, pairOfNames[1].p95]]);
      return { data: d, opts: timeOpts([line('A', RUN_COLORS[0], { dash: [5, 3], value: valueFmt(fmtMs) }),
                                        line('B', RUN_COLORS[1], { width: 2, value: valueFmt(fmtMs) })],
                                       [yAxis('ms', fmtMs)]) };
    }, names);
  }

  /* ---------- the page ---------- */

  function render() {
    root.textContent = '';
    header();
    runs.forEach(function (run, i) { banners(run, runLabel(i)); });
    if (compare) {
      if (runs.some(function (r) { return r.empty; })) {
        add(root, 'div', { className: 'banner bad', text: 'A run recorded no interval: nothing to compare.' });
      } else {
        if ((data.rules || []).length) {
          add(root, 'h2', { text: 'Fail-if rules' });
          var panel = add(root, 'div', { className: 'panel' });
          data.rules.forEach(function (r) {
            var line = add(panel, 'div', { className: r.breaches.length ? 'fail' : 'pass',
                                           text: (r.breaches.length ? '✗ ' : '✓ ') + r.rule });
            r.breaches.forEach(function (b) { add(line, 'div', { className: 'muted', text: '    ' + b }); });
          });
        }
        add(root, 'h2', { text: 'Comparison' });
        comparisonTable();
        comparisonCharts();
      }
      add(root, 'h2', { text: 'Thresholds' });
      runs.forEach(function (run, i) { thresholds(run, runLabel(i)); });
      add(root, 'h2', { text: 'Settings' });
      runs.forEach(function (run, i) { settings(run, runLabel(i)); });
    } else {
      var run = runs[0];
      if (run.empty) {
        add(root, 'div', { className: 'banner bad', text: 'The run recorded no interval: nothing to show.' });
      } else {
        cards(run);
      }
      add(root, 'h2', { text: 'Verdict and thresholds' });
      thresholds(run, '');
      if (!run.empty) {
        add(root, 'h2', { text: 'Over time' });
        runCharts(run);
        add(root, 'h2', { text: 'Transactions and requests' });
        nameTables(run);
        add(root, 'h2', { text: 'Latency distribution' });
        distributions(run);
        add(root, 'h2', { text: 'Errors' });
        errors(run);
      }
      add(root, 'h2', { text: 'Settings' });
      settings(run, '');
    }
    add(root, 'footer', { text: 'Loadwizard ' + (runs[0].manifest.tool_version || '') +
      ' · a self-contained report: charts by uPlot (MIT), inlined · drag across a chart to zoom, double-click to reset' });
  }

  render();
  pendingDraws.forEach(function (draw) { draw(); });
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (u) {
        var box = u.root.parentNode;
        u.setSize({ width: chartWidth(box), height: u.height });
      });
    }, 100);
  });
  document.body.setAttribute('data-rendered', 'true');
})();
