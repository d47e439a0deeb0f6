// telenb Call log widget (anywidget ES module, no build step): a sortable table of calls;
// clicking a row asks the kernel for that call's timeline and recording.

const COLUMNS = [
  ["sid", "call"], ["from", "from"], ["to", "to"], ["direction", "direction"],
  ["status", "status"], ["start_time", "start"], ["duration", "duration"],
];

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function cell(key, value) {
  if (value === null || value === undefined) return "";
  if (key === "sid") return value.slice(0, 10);
  if (typeof value === "number") return value.toFixed(3);
  return String(value);
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return a < b ? -1 : 1;
}

function render({ model, el: root }) {
  root.classList.add("telenb-log");
  const summary = el("div", "tl-summary");
  const table = el("table", "tl-table");
  const thead = el("thead");
  const tbody = el("tbody");
  table.append(thead, tbody);
  const detail = el("div", "tl-detail");
  root.append(summary, table, detail);
  let sortKey = "start_time";
  let ascending = true;
  let audioUrl = null;

  const headRow = el("tr");
  for (const [key, label] of COLUMNS) {
    const th = el("th", "", label);
    th.dataset.key = key;
    th.addEventListener("click", () => {
      ascending = sortKey === key ? !ascending : true;
      sortKey = key;
      showRows();
    });
    headRow.append(th);
  }
  thead.append(headRow);

  function showRows() {
    const rows = [...model.get("rows")];
    rows.sort((a, b) => (ascending ? 1 : -1) * compare(a[sortKey], b[sortKey]));
    tbody.replaceChildren();
    for (const row of rows) {
      const tr = el("tr");
      tr.dataset.sid = row.sid;
      tr.dataset.status = row.status || "";
      if (row.sid === model.get("selected")) tr.classList.add("tl-selected");
      for (const [key] of COLUMNS) tr.append(el("td", "", cell(key, row[key])));
      tr.addEventListener("click", () => {
        model.set("selected", row.sid);
        model.save_changes();
      });
      tbody.append(tr);
    }
    for (const th of headRow.children) {
      const mark = th.dataset.key === sortKey ? (ascending ? " ▲" : " ▼") : "";
      th.textContent = COLUMNS.find(([k]) => k === th.dataset.key)[1] + mark;
    }
    const total = model.get("total");
    summary.textContent = `${total} call leg${total === 1 ? "" : "s"}` +
      (total > rows.length ? ` (newest ${rows.length} shown)` : "");
    root.dataset.rows = String(rows.length);
  }

  function showDetail() {
    const d = model.get("detail");
    detail.replaceChildren();
    if (audioUrl) URL.revokeObjectURL(audioUrl);
    audioUrl = null;
    if (!d || !d.sid) {
      delete detail.dataset.sid;
      return;
    }
    detail.dataset.sid = d.sid;
    detail.append(el("div", "tl-header", d.header));
    const wav = model.get("recording");
    if (wav && wav.byteLength) {
      const bytes = wav.buffer.slice(wav.byteOffset, wav.byteOffset + wav.byteLength);
      audioUrl = URL.createObjectURL(new Blob([bytes], { type: "audio/wav" }));
      const player = el("audio", "tl-player");
      player.controls = true;
      player.src = audioUrl;
      detail.append(player);
    } else if (d.note) {
      detail.append(el("div", "tl-note", d.note));
    }
    for (const rec of d.recordings || []) detail.append(el("div", "tl-recording", rec));
    const timeline = el("table", "tl-timeline");
    for (const [t, sid, kind, text] of d.events) {
      const tr = el("tr");
      tr.dataset.kind = kind;
      tr.append(el("td", "", `${t.toFixed(3)}s`), el("td", "", sid), el("td", "", kind),
        el("td", "", text));
      timeline.append(tr);
    }
    detail.append(timeline);
  }

  model.on("change:rows", showRows);
  model.on("change:total", showRows);
  model.on("change:selected", showRows);
  model.on("change:detail", showDetail);
  showRows();
  showDetail();
  return () => { if (audioUrl) URL.revokeObjectURL(audioUrl); };
}

export default { render };
