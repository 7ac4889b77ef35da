// gipr review page: renders the embedded JSON on demand (the list once, one report at a time).
"use strict";
(function () {
  performance.mark("gipr-script");
  const DATA = JSON.parse(document.getElementById("gipr-data").textContent);
  const L = DATA.layout;
  const REPORTS = DATA.reports;
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const FAULT_LABELS = { report: "报告填报问题", reading: "读取问题（工具未能读准，不是报告的错）", info: "提示" };
  const SEVERITY_LABELS = { error: "错误", warning: "警告", info: "提示" };
  const TEMPLATE_LABELS = { "2019": "2019年版模板", "2021": "2021年版模板", mixed: "表二与表三模板不一致" };
  const KIND_LABELS = {
    proactive_total: "主动公开信息总数", proactive_item: "主动公开（分项）", applications_received: "收到申请",
    applications_processed: "办结申请", applications_carried_over: "结转申请", reviews: "行政复议",
    lawsuits: "行政诉讼", reviews_and_lawsuits: "行政复议和诉讼",
  };
  const state = { filtered: [], current: -1, finding: -1, filter: { status: "", rule: "", body: "", q: "" } };

  // --- per-report summaries; the rest of a report is parsed when it is first shown -------
  for (const r of REPORTS) {
    r.nReport = r.n_report || 0;
    r.nReading = r.n_reading || 0;
    r.rules = new Set(r.rules || []);
    r.search = ((r.agency || "") + " " + (r.body || "") + " " + r.path).toLowerCase();
  }
  function full(id) {
    const r = REPORTS[id];
    if (r && !r.loaded) {
      const el = document.getElementById(`gipr-r-${id}`);
      Object.assign(r, el ? JSON.parse(el.textContent) : {}, { loaded: true });
      r.findings = r.findings || [];
      r.cells = r.cells || {};
    }
    return r;
  }

  // --- the list ----------------------------------------------------------------------
  function statusBadge(status) {
    return `<span class="badge s-${status}">${esc(L.status_labels[status])}</span>`;
  }

  function fillFilters() {
    const counts = {};
    for (const s of L.status_order) counts[s] = 0;
    const rules = new Map();
    const bodies = new Map();
    for (const r of REPORTS) {
      counts[r.status] += 1;
      for (const rule of r.rules) rules.set(rule, (rules.get(rule) || 0) + 1);
      if (r.body) bodies.set(r.body, (bodies.get(r.body) || 0) + 1);
    }
    $("status-counts").innerHTML =
      `<button type="button" data-status="" aria-pressed="true">全部 ${REPORTS.length}</button>` +
      L.status_order.map((s) => `<button type="button" data-status="${s}" aria-pressed="false">${statusBadge(s)} ${counts[s]}</button>`).join("");
    $("filter-status").insertAdjacentHTML("beforeend",
      L.status_order.map((s) => `<option value="${s}">${esc(L.status_labels[s])}（${counts[s]}）</option>`).join(""));
    $("filter-rule").insertAdjacentHTML("beforeend",
      [...rules].sort().map(([rule, n]) => `<option value="${esc(rule)}">${esc(L.rule_names[rule] || rule)} ${esc(rule)}（${n}份）</option>`).join(""));
    $("filter-body").insertAdjacentHTML("beforeend",
      [...bodies].sort((a, b) => a[0].localeCompare(b[0], "zh")).map(([b, n]) => `<option value="${esc(b)}">${esc(b)}（${n}）</option>`).join(""));
  }

  function applyFilters() {
    const f = state.filter;
    const q = f.q.trim().toLowerCase();
    state.filtered = REPORTS.filter((r) =>
      (!f.status || r.status === f.status) && (!f.rule || r.rules.has(f.rule)) &&
      (!f.body || r.body === f.body) && (!q || r.search.includes(q)));
    for (const b of $("status-counts").querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.status === f.status));
    $("filter-status").value = f.status;
    renderList();
    const keep = state.filtered.findIndex((r) => r.id === state.current);
    if (keep < 0) show(state.filtered.length ? state.filtered[0].id : -1);
    else markCurrent();
  }

  // The first screenful is drawn at once, the rest in chunks between frames, so a batch of
  // 1,000 is usable at once; filters and keys work on the data, not on drawn items.
  const FIRST_ITEMS = 80;
  const CHUNK_ITEMS = 250;
  let listJob = 0;

  function itemHTML(r) {
    const year = r.year != null ? `${r.year}年度` : "年度未识别";
    const tpl = r.template ? TEMPLATE_LABELS[r.template] || r.template : "";
    const counts = r.status === "failed" ? esc(r.reason) :
      [r.nReport ? `填报问题 ${r.nReport} 项` : "", r.nReading ? `读取问题 ${r.nReading} 项` : ""].filter(Boolean).join("，");
    return `<li><button type="button" class="item" data-id="${r.id}" aria-current="${r.id === state.current}">` +
      `<span>${statusBadge(r.status)} <span class="body">${esc(r.agency || r.body || r.file)}</span></span>` +
      `<span class="sub">${year} · ${esc(tpl)} · ${esc(r.file)}</span>` +
      (counts ? `<span class="sub">${counts}</span>` : "") + `</button></li>`;
  }

  function renderList() {
    const list = $("report-list");
    const items = state.filtered;
    const job = ++listJob;
    $("list-summary").textContent = `显示 ${items.length} / ${REPORTS.length} 份报告（需退回的排在前面）`;
    list.innerHTML = items.slice(0, FIRST_ITEMS).map(itemHTML).join("");
    list.dataset.complete = String(items.length <= FIRST_ITEMS);
    const more = (from) => {
      if (job !== listJob) return; // a newer filter replaced this list
      list.insertAdjacentHTML("beforeend", items.slice(from, from + CHUNK_ITEMS).map(itemHTML).join(""));
      if (from + CHUNK_ITEMS < items.length) setTimeout(() => more(from + CHUNK_ITEMS), 0);
      else { list.dataset.complete = "true"; window.giprListCompleteAt = performance.now(); markCurrent(); }
    };
    if (items.length > FIRST_ITEMS) setTimeout(() => more(FIRST_ITEMS), 0);
    else window.giprListCompleteAt = performance.now();
  }

  function markCurrent() {
    const list = $("report-list");
    const old = list.querySelector('[aria-current="true"]');
    if (old) old.setAttribute("aria-current", "false");
    const btn = list.querySelector(`[data-id="${state.current}"]`);
    if (btn) { btn.setAttribute("aria-current", "true"); btn.scrollIntoView({ block: "nearest" }); }
  }

  // --- one report --------------------------------------------------------------------
  function fmt(v) { return v === null || v === undefined ? "—" : String(v); }

  function cellHTML(r, key, value, missingRow, splitRow) {
    if (splitRow) return `<td class="split" data-key="${key}"><span class="lab">见分项</span></td>`;
    const rowKey = key.slice(0, key.lastIndexOf("."));
    const rowFindings = (r.rows || {})[rowKey];
    let c = r.cells[key];
    if ((value === null || value === undefined) && !(c && c.state) && rowFindings) {
      // a cell with no value in a row the tool could not read whole: unreadable, never a bare dash
      c = { state: "unreadable", findings: [...((c && c.findings) || []), ...rowFindings] };
    }
    if (missingRow) {
      const f = rowFindings ? ` data-findings="${rowFindings.join(",")}"` : "";
      return `<td class="missing${rowFindings ? " has-findings" : ""}" data-key="${key}"${f}><span class="lab">未读到</span></td>`;
    }
    const st = c && c.state;
    const attrs = `data-key="${key}"` + (c && c.findings.length ? ` data-findings="${c.findings.join(",")}"` : "");
    const cls = [st ? `st-${st}` : "", c && c.findings.length ? "has-findings" : ""].filter(Boolean).join(" ");
    let inner = `<span class="v">${esc(fmt(value))}</span>`;
    if (st === "error") {
      const stated = c.stated ?? value;
      inner = `<span class="v"><del>${esc(fmt(stated))}</del></span><span class="fix">应为 <b>${esc(fmt(c.likely))}</b></span>`;
    } else if (st === "mismatch" && c.expected != null) {
      inner += `<span class="fix">各项之和 ${esc(fmt(c.expected))}</span>`;
    } else if (st === "unreadable") {
      inner = `<span class="v">？</span>` + (c.implied != null ? `<span class="fix">推算 ${esc(fmt(c.implied))}</span>` : "");
    }
    if (c && c.raw != null && st !== "error") inner += `<span class="raw">原文「${esc(c.raw)}」</span>`;
    if (st) inner += `<span class="lab">${esc(L.cell_state_labels[st])}</span>`;
    return `<td class="${cls}" ${attrs}>${inner}</td>`;
  }

  function table3HTML(r) {
    const t = r.table3;
    if (!t) return `<p class="empty">未读到表三。</p>`;
    const tpl = t.template || r.template || "2021";
    const rows = L.table3_rows[tpl === "mixed" ? "2021" : tpl] || L.table3_rows["2021"];
    const cols = L.table3_columns;
    let html = `<table class="gtable t3" data-table="table3"><thead>` +
      `<tr><th colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th><th colspan="7">申请人情况</th></tr>` +
      `<tr><th rowspan="2">${esc(cols[0].label)}</th><th colspan="5">法人或其他组织</th><th rowspan="2">${esc(cols[6].label)}</th></tr>` +
      `<tr>${cols.slice(1, 6).map((c) => `<th>${esc(c.label)}</th>`).join("")}</tr></thead><tbody>`;
    const span = (i, depth) => {
      let n = 1;
      while (i + n < rows.length && rows[i + n].parts.length > depth && rows[i + n].parts[depth] === rows[i].parts[depth] &&
        rows[i + n].parts.slice(0, depth).join() === rows[i].parts.slice(0, depth).join()) n += 1;
      return n;
    };
    rows.forEach((row, i) => {
      const p = row.parts;
      let head = "";
      if (p.length === 1) head = `<th class="rowh" colspan="3" scope="row">${esc(p[0])}</th>`;
      else {
        if (i === 0 || rows[i - 1].parts[0] !== p[0]) head += `<th class="rowh" rowspan="${span(i, 0)}">${esc(p[0])}</th>`;
        if (p.length === 2) head += `<th class="rowh" colspan="2" scope="row">${esc(p[1])}</th>`;
        else {
          const prev = rows[i - 1];
          if (!prev || prev.parts.length < 3 || prev.parts[1] !== p[1]) head += `<th class="rowh" rowspan="${span(i, 1)}">${esc(p[1])}</th>`;
          head += `<th class="rowh" scope="row">${esc(p[2])}</th>`;
        }
      }
      const values = t.rows[row.row];
      html += `<tr data-row="${row.row}">${head}` +
        cols.map((c, j) => cellHTML(r, `table3.${row.row}.${c.column}`, values ? values[j] : null, !values)).join("") + `</tr>`;
    });
    return html + `</tbody></table>`;
  }

  function table4HTML(r) {
    const t = r.table4;
    if (!t) return `<p class="empty">未读到表四。</p>`;
    const cols = L.table4_columns;
    const groups = L.table4_groups;
    const colHeads = groups.map(() => cols.map((c) => `<th>${esc(c.label)}</th>`).join("")).join("");
    let html = `<table class="gtable t4" data-table="table4"><thead>` +
      `<tr><th colspan="5" rowspan="2">${esc(groups[0].label)}</th><th colspan="10">行政诉讼</th></tr>` +
      `<tr><th colspan="5">未经复议直接起诉</th><th colspan="5">复议后起诉</th></tr>` +
      `<tr>${colHeads}</tr></thead><tbody><tr>`;
    for (const g of groups) {
      const values = t.rows[g.group];
      for (const c of cols) html += cellHTML(r, `table4.${g.group}.${c.column}`, values ? values[c.column] : null, !values);
    }
    return html + `</tr></tbody></table>`;
  }

  function table2HTML(r) {
    const t = r.table2;
    if (!t) return `<p class="empty">未读到表二。</p>`;
    const layout = L.table2[t.template] || L.table2["2021"];
    let html = "";
    let i = 0;
    while (i < layout.length) {
      const cols = layout[i].columns;
      let j = i;
      while (j < layout.length && layout[j].columns.join() === cols.join()) j += 1;
      html += `<table class="gtable t2" data-table="table2"><thead><tr><th>信息内容</th>` +
        cols.map((c) => `<th>${esc(L.table2_columns[c] || c)}</th>`).join("") + `</tr></thead><tbody>`;
      for (const row of layout.slice(i, j)) {
        const values = t.rows[row.row];
        const split = !values && Object.keys((t.sub_rows || {})[row.row] || {}).length > 0;
        html += `<tr data-row="${row.row}"><th class="rowh" scope="row">${esc(row.label)}</th>` +
          cols.map((c) => {
            const unit = t.units[`${row.row}.${c}`];
            const note = t.notes[`${row.row}.${c}`];
            let cell = cellHTML(r, `table2.${row.row}.${c}`, values ? values[c] : null, !values, split);
            if (unit || note) cell = cell.replace(/<\/td>$/, `<span class="raw">${esc(unit ? "单位：" + unit : "")}${note ? " " + esc(note) : ""}</span></td>`);
            return cell;
          }).join("") + `</tr>`;
        for (const [label, sub] of Object.entries((t.sub_rows || {})[row.row] || {})) {
          html += `<tr><th class="rowh" scope="row">　其中：${esc(label)}</th>` +
            cols.map((c) => `<td><span class="v">${esc(fmt(sub[c]))}</span></td>`).join("") + `</tr>`;
        }
      }
      html += `</tbody></table>`;
      i = j;
    }
    return html;
  }

  function findingWhere(f) {
    const parts = [];
    if (f.table) parts.push(L.table_labels[f.table] || f.table);
    if (f.row_label) parts.push(`「${f.row_label}」`);
    if (f.column_label) parts.push(`「${f.column_label}」`);
    if (f.line) parts.push(`原文第${f.line}行`);
    return parts.join(" ");
  }

  // info is a hint whoever it concerns; a reading note stays with the reading problems
  const groupOf = (f) => (f.fault === "reading" ? "reading" : f.severity === "info" ? "info" : f.fault || "info");

  function findingHTML(f, i) {
    const kind = groupOf(f);
    const lf = f.likely_fix || {};
    let fix = "";
    if (lf.likely !== undefined && lf.likely !== null) {
      fix = lf.stated === null || lf.stated === undefined
        ? `<span class="fix">推算应为 ${esc(fmt(lf.likely))}（未自动填入）</span>`
        : `<span class="fix">填报 ${esc(fmt(lf.stated))} → 很可能应为 ${esc(fmt(lf.likely))}</span>`;
    }
    const raw = f.raw ? `<span class="rule">原文「${esc(f.raw)}」</span>` : "";
    return `<li><button type="button" class="finding f-${kind}" data-index="${i}" aria-pressed="false">` +
      `<span class="rule">${esc(SEVERITY_LABELS[f.severity])} · ${esc(f.rule_name || f.rule)}（${esc(f.rule)}）${findingWhere(f) ? " · " + esc(findingWhere(f)) : ""}</span>` +
      `<span class="msg">${esc(f.message)}</span>${fix}${raw}</button></li>`;
  }

  function findingsHTML(r) {
    if (!r.findings.length) return `<p>未发现问题。</p>`;
    let html = "";
    for (const kind of ["report", "reading", "info"]) {
      const items = r.findings.map((f, i) => [f, i]).filter(([f]) => groupOf(f) === kind);
      if (!items.length) continue;
      html += `<div class="fgroup g-${kind}"><h3>${FAULT_LABELS[kind]}（${items.length}）</h3>`;
      if (kind === "reading") html += `<p class="group-note">以下内容是工具读取时遇到的问题，请对照原件核实，不应作为退回理由。</p>`;
      html += `<ol>${items.map(([f, i]) => findingHTML(f, i)).join("")}</ol></div>`;
    }
    return html;
  }

  function factsOf(r) {
    const facts = [];
    const fx = r.facts || {};
    for (const c of fx.counts || []) {
      const approx = c.approximate ? "约" : "";
      facts.push({ text: `${KIND_LABELS[c.kind] || c.kind}${c.label ? "（" + c.label + "）" : ""}：${approx}${c.value}${c.unit || ""}`, quote: c.quote });
    }
    for (const [key, name] of [["problems", "问题"], ["measures", "改进措施"], ["initiatives", "工作亮点"]]) {
      for (const t of fx[key] || []) facts.push({ text: `${name}：${t.text}`, quote: t.quote });
    }
    if (fx.fee) facts.push({ text: fx.fee.collected ? `收取信息处理费${fx.fee.amount_yuan != null ? fx.fee.amount_yuan + "元" : ""}` : "未收取信息处理费", quote: fx.fee.quote });
    return facts;
  }

  function narrativeHTML(r) {
    const texts = r.narrative || {};
    const keys = Object.keys(texts);
    if (!keys.length) return `<p class="empty">未读到叙述部分。</p>`;
    const facts = factsOf(r);
    const marks = {}; // section -> [{start, end, facts: [i]}]
    facts.forEach((fact, i) => {
      fact.mark = null;
      if (!fact.quote) return;
      for (const k of keys) {
        const at = texts[k].indexOf(fact.quote);
        if (at < 0) continue;
        const list = (marks[k] = marks[k] || []);
        const overlap = list.find((m) => at < m.end && m.start < at + fact.quote.length);
        if (overlap) { overlap.facts.push(i); fact.mark = overlap; } else {
          const m = { start: at, end: at + fact.quote.length, facts: [i] };
          list.push(m); fact.mark = m;
        }
        break;
      }
    });
    let n = 0;
    let html = `<div class="narr">`;
    for (const k of keys) {
      const text = texts[k];
      const list = (marks[k] || []).sort((a, b) => a.start - b.start);
      let pos = 0;
      let body = "";
      for (const m of list) {
        m.id = `q-${r.id}-${n++}`;
        body += esc(text.slice(pos, m.start)) +
          `<mark id="${m.id}" tabindex="0" data-facts="${m.facts.join(",")}" title="对应事实：${esc(m.facts.map((i) => facts[i].text).join("；"))}">${esc(text.slice(m.start, m.end))}</mark>`;
        pos = m.end;
      }
      body += esc(text.slice(pos));
      html += `<h3>${esc(L.section_labels[k] || k)}</h3><p>${body}</p>`;
    }
    html += `</div><h3>叙述事实（${facts.length}条，${r.extractor === "llm" ? "大模型抽取" : "规则抽取"}）</h3><ol class="facts">`;
    facts.forEach((fact, i) => {
      const link = fact.mark ? `<a href="#${fact.mark.id}" data-mark="${fact.mark.id}">原文</a>` : `<span class="nf">（原文中未找到该引文）</span>`;
      html += `<li id="fact-${r.id}-${i}">${esc(fact.text)} ${link}<br><small>引文「${esc(fact.quote)}」</small></li>`;
    });
    return html + `</ol>`;
  }

  function conclusionHTML(r) {
    let text;
    if (r.status === "report") text = `发现 ${r.nReport} 处填报问题，请核实更正后重新报送。`;
    else if (r.status === "failed") text = "报送的文件无法读取，请重新报送可读的文件。";
    else if (r.status === "reading") text = `未发现填报错误；另有 ${r.nReading} 处内容工具未能读准，请对照原件核对。`;
    else text = "未发现填报错误。";
    return `<p class="conclusion"><strong>审核结论：</strong>${esc(text)}</p>`;
  }

  function reportHTML(r, forPrint) {
    const year = r.year != null ? `${r.year}年度` : "年度未识别";
    const tpl = r.template ? TEMPLATE_LABELS[r.template] || r.template : "模板未识别";
    const nav = forPrint ? "" : `<span class="nav"><button type="button" data-go="-1">上一份（K）</button><button type="button" data-go="1">下一份（J）</button><button type="button" data-print="1">打印审核意见</button></span>`;
    let html = `<article class="report-view" data-id="${r.id}"><p class="print-only">政府信息公开工作年度报告审核意见</p>` +
      `<div class="report-head"><h2>${esc(r.agency || r.body || r.file)}</h2>${statusBadge(r.status)}` +
      `<span class="meta">${year} · ${esc(tpl)} · 文件 ${esc(r.file)}${r.converted ? " · " + esc(r.converted) : ""}</span>${nav}</div>` +
      `<p class="meta">源文件：<code>${esc(r.path)}</code></p>` + conclusionHTML(r);
    if (r.status === "failed") return html + `<p><strong>未能读取：</strong>${esc(r.reason)}</p><p>请向报送单位索取可读的文件（文本、网页、DOCX 或可复制文字的 PDF）后重新审核。</p></article>`;
    const legend = `<ul class="legend" aria-label="图例">${Object.entries(L.cell_state_labels).map(([k, v]) => `<li class="st-${k}">${esc(v)}</li>`).join("")}</ul>`;
    html += `<div class="layout"><div class="tables">${legend}` +
      `<h3>${esc(L.section_labels.proactive)}（表二）</h3>${table2HTML(r)}` +
      `<h3>${esc(L.section_labels.applications)}（表三）</h3>${table3HTML(r)}` +
      `<h3>${esc(L.section_labels.review_litigation)}（表四）</h3>${table4HTML(r)}</div>` +
      `<section class="findings" aria-label="问题清单"><h3>问题清单</h3>${findingsHTML(r)}</section></div>` +
      `<section class="narrative no-print"><h3>叙述部分</h3>${narrativeHTML(r)}</section>` +
      `<p class="print-only sign">审核单位（盖章）：＿＿＿＿＿＿＿＿　　审核人：＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日</p></article>`;
    return html;
  }

  function show(id) {
    state.current = id;
    state.finding = -1;
    const r = full(id);
    $("detail").innerHTML = r ? reportHTML(r, false) : `<p class="empty">没有符合条件的报告。</p>`;
    $("detail").scrollTop = 0;
    if (r && history.replaceState) history.replaceState(null, "", `#r=${id}`);
    markCurrent();
  }

  // --- highlighting ------------------------------------------------------------------
  function clearHighlight() {
    for (const el of document.querySelectorAll("#detail .hl")) el.classList.remove("hl");
    for (const el of document.querySelectorAll('#detail .finding[aria-pressed="true"]')) el.setAttribute("aria-pressed", "false");
  }

  function cellsOf(key) {
    const [table, row, column] = key.split(".");
    const detail = $("detail");
    if (row === "*") return [...detail.querySelectorAll(`td[data-key^="${table}."][data-key$=".${column}"]`)];
    const el = detail.querySelector(`td[data-key="${key}"]`);
    return el ? [el] : [];
  }

  function selectFinding(i, focus) {
    const r = REPORTS[state.current];
    if (!r || i < 0 || i >= r.findings.length) return;
    clearHighlight();
    state.finding = i;
    const f = r.findings[i];
    const btn = $("detail").querySelector(`.finding[data-index="${i}"]`);
    if (btn) { btn.setAttribute("aria-pressed", "true"); if (focus) btn.focus({ preventScroll: true }); }
    let targets = f.cells.flatMap(cellsOf);
    if (!targets.length && f.table && f.row) targets = [...$("detail").querySelectorAll(`table[data-table="${f.table}"] tr[data-row="${f.row}"]`)];
    if (!targets.length && f.table) targets = [...$("detail").querySelectorAll(`table[data-table="${f.table}"]`)];
    for (const el of targets) el.classList.add("hl");
    if (targets.length) targets[0].scrollIntoView({ block: "center", behavior: "auto" });
  }

  function stepFinding(delta) {
    const r = REPORTS[state.current];
    if (!r || !r.findings.length) return;
    const n = r.findings.length;
    selectFinding(state.finding < 0 ? (delta > 0 ? 0 : n - 1) : (state.finding + delta + n) % n, true);
  }

  function stepReport(delta) {
    const at = state.filtered.findIndex((r) => r.id === state.current);
    const next = state.filtered[at + delta];
    if (next) show(next.id);
  }

  function flash(el) {
    el.classList.remove("hl");
    void el.offsetWidth; // restart the animation
    el.classList.add("hl");
    el.scrollIntoView({ block: "center" });
  }

  // --- tooltip: a cell's findings on hover ---------------------------------------------
  function showTip(td, x, y) {
    const r = REPORTS[state.current];
    const tip = $("tip");
    const ids = (td.dataset.findings || "").split(",").filter(Boolean).map(Number);
    if (!r || !ids.length) { tip.hidden = true; return; }
    tip.innerHTML = `<ul>${ids.map((i) => `<li>${esc(r.findings[i].message)}</li>`).join("")}</ul>`;
    tip.hidden = false;
    tip.style.left = Math.min(x + 12, window.innerWidth - 430) + "px";
    tip.style.top = Math.min(y + 12, window.innerHeight - tip.offsetHeight - 8) + "px";
  }

  // --- printing: the current report, or every filtered one, one per page ---------------
  function printReports(list) {
    $("print-area").innerHTML = list.map((r) => reportHTML(full(r.id), true)).join("");
    document.body.classList.add("print-batch");
    window.print();
  }
  window.addEventListener("afterprint", () => {
    document.body.classList.remove("print-batch");
    $("print-area").innerHTML = "";
  });

  // --- events ----------------------------------------------------------------------------
  function wire() {
    $("report-list").addEventListener("click", (e) => {
      const b = e.target.closest("button[data-id]");
      if (b) show(Number(b.dataset.id));
    });
    $("status-counts").addEventListener("click", (e) => {
      const b = e.target.closest("button[data-status]");
      if (b) { state.filter.status = b.dataset.status; applyFilters(); }
    });
    $("filter-status").addEventListener("change", (e) => { state.filter.status = e.target.value; applyFilters(); });
    $("filter-rule").addEventListener("change", (e) => { state.filter.rule = e.target.value; applyFilters(); });
    $("filter-body").addEventListener("change", (e) => { state.filter.body = e.target.value; applyFilters(); });
    $("search").addEventListener("input", (e) => { state.filter.q = e.target.value; applyFilters(); });
    $("print-filtered").addEventListener("click", () => printReports(state.filtered));
    const detail = $("detail");
    detail.addEventListener("click", (e) => {
      const f = e.target.closest(".finding");
      if (f) { selectFinding(Number(f.dataset.index), false); return; }
      const go = e.target.closest("[data-go]");
      if (go) { stepReport(Number(go.dataset.go)); return; }
      if (e.target.closest("[data-print]")) { printReports([full(state.current)]); return; }
      const a = e.target.closest("a[data-mark]");
      if (a) { e.preventDefault(); const m = document.getElementById(a.dataset.mark); if (m) flash(m); return; }
      const mark = e.target.closest("mark[data-facts]");
      if (mark) {
        const first = mark.dataset.facts.split(",")[0];
        const li = document.getElementById(`fact-${state.current}-${first}`);
        if (li) flash(li);
      }
    });
    detail.addEventListener("mouseover", (e) => {
      const td = e.target.closest("td[data-findings]");
      if (td) showTip(td, e.clientX, e.clientY); else $("tip").hidden = true;
    });
    detail.addEventListener("mouseleave", () => { $("tip").hidden = true; });
    document.addEventListener("keydown", (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
      if (e.key === "Escape") { if (typing) e.target.blur(); clearHighlight(); state.finding = -1; $("tip").hidden = true; return; }
      if (typing) return;
      const key = e.key.toLowerCase();
      if (key === "j") stepReport(1);
      else if (key === "k") stepReport(-1);
      else if (key === "n") stepFinding(1);
      else if (key === "p") stepFinding(-1);
      else if (e.key === "/") $("search").focus();
      else return;
      e.preventDefault();
    });
  }

  function start() {
    performance.mark("gipr-start");
    fillFilters();
    performance.mark("gipr-filters");
    wire();
    const wanted = /^#r=(\d+)$/.exec(location.hash);
    state.current = wanted && REPORTS[Number(wanted[1])] ? Number(wanted[1]) : -1;
    applyFilters();
    if (state.current >= 0 && !$("detail").querySelector(".report-view")) show(state.current);
    performance.mark("gipr-list");
    document.documentElement.dataset.ready = "1";
    window.giprReadyAt = performance.now();
  }
  start();
})();
