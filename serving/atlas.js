// The atlas page's script: draws the models, datasets and requests of the JSON payload with plotly (WebGL
// scatter), re-colours on demand, finds a name, and focuses the one named by the URL's '#focus=<name>'.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("atlas-data").textContent);
  const M = data.models, D = data.datasets, R = data.requests;
  const gd = document.getElementById("map");
  const PALETTE = data.palette, REST = data.rest;  // the largest groups; the rest and 'unknown' are grey
  const esc = (s) => String(s).replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" }[c]));

  function params(p) {
    if (p === null) return "parameters unknown";
    const units = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]];
    for (const [v, u] of units) if (p >= v) return (p / v).toFixed(1) + u + " parameters";
    return p + " parameters";
  }
  function modelText(i) {
    return "<b>" + esc(M.model_id[i]) + "</b><br>family: " + esc(M.family[i]) + " · " + params(M.params[i]) +
      "<br>" + M.records[i] + " records · " + esc(M.modality[i]) + " / " + esc(M.task[i]) +
      "<br>best on: " + esc(M.best[i] || "–");
  }
  function datasetText(i) {
    return "<b>dataset " + esc(D.dataset_id[i]) + "</b><br>" + esc(D.modality[i]) + " / " + esc(D.task[i]) +
      " · " + esc(D.source_family[i]) + "<br>" + D.records[i] + " records<br>best: " + esc(D.best[i] || "–");
  }
  function topGroups(values) {
    const counts = new Map();
    for (const v of values) if (v !== "unknown") counts.set(v, (counts.get(v) || 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, PALETTE.length).map((e) => e[0]);
  }

  let highlightTrace = 0;
  // a focused point is shown in a window a twentieth of the map wide (a loop: spreading 300,000 values into
  // Math.max overflows the call stack)
  const span = (v) => v.reduce(([lo, hi], t) => [Math.min(lo, t), Math.max(hi, t)], [Infinity, -Infinity]);
  const [DX, DY] = [M.x, M.y].map((v) => { const [lo, hi] = span(v); return (hi - lo) / 20; });

  function traces(colour) {
    const top = topGroups(M[colour]);
    const colourOf = new Map(top.map((g, i) => [g, PALETTE[i]]));
    const group = (v) => (colourOf.has(v) || v === "unknown" ? v : "other");
    const groups = [...top, "other", "unknown"];
    const out = [];
    const showDatasets = document.getElementById("show-datasets").checked;
    for (const g of groups) {
      const idx = [];
      M[colour].forEach((v, i) => { if (group(v) === g) idx.push(i); });
      if (!idx.length) continue;
      out.push({
        type: "scattergl", mode: "markers", name: g + " (" + idx.length + ")", legendgroup: g, meta: "models",
        x: idx.map((i) => M.x[i]), y: idx.map((i) => M.y[i]), text: idx.map(modelText),
        hovertemplate: "%{text}<extra></extra>",
        marker: { color: colourOf.get(g) || REST, opacity: 0.6,
          size: idx.map((i) => 3 + 1.5 * Math.log1p(M.records[i])) },
      });
    }
    for (const g of groups) {
      const idx = [];
      D[colour].forEach((v, i) => { if (group(v) === g) idx.push(i); });
      if (!idx.length) continue;
      out.push({
        type: "scattergl", mode: "markers", name: "datasets: " + g, legendgroup: g, showlegend: false,
        meta: "datasets", visible: showDatasets,
        x: idx.map((i) => D.x[i]), y: idx.map((i) => D.y[i]), text: idx.map(datasetText),
        hovertemplate: "%{text}<extra></extra>",
        marker: { symbol: "diamond", color: colourOf.get(g) || REST, opacity: 0.8, size: 5,
          line: { color: "#333", width: 0.5 } },
      });
    }
    const rows = new Map(M.model_id.map((m, i) => [m, i]));
    R.name.forEach((name, r) => {
      const members = R.pool[r].filter((m) => rows.has(m)).map((m) => rows.get(m));
      const lx = [], ly = [];
      for (const i of members) lx.push(R.x[r], M.x[i], null), ly.push(R.y[r], M.y[i], null);
      out.push({ type: "scatter", mode: "lines", x: lx, y: ly, hoverinfo: "skip", showlegend: false,
        line: { color: "crimson", width: 1 } });
      out.push({ type: "scatter", mode: "markers", name: "pool of " + name, x: members.map((i) => M.x[i]),
        y: members.map((i) => M.y[i]), text: members.map(modelText), hovertemplate: "%{text}<extra></extra>",
        marker: { symbol: "circle-open", size: 14, color: "crimson", line: { width: 2 } } });
      out.push({ type: "scatter", mode: "markers", name: "request: " + name, x: [R.x[r]], y: [R.y[r]],
        text: [requestText(r)], hovertemplate: "%{text}<extra></extra>",
        marker: { symbol: "star", size: 20, color: "crimson", line: { color: "#000", width: 1 } } });
    });
    highlightTrace = out.length;
    out.push({ type: "scatter", mode: "markers", name: "found", x: [], y: [], text: [], showlegend: false,
      hovertemplate: "%{text}<extra></extra>",
      marker: { symbol: "circle-open", size: 26, color: "#000", line: { width: 3 } } });
    return out;
  }

  const layout = { margin: { l: 10, r: 10, t: 10, b: 10 }, hovermode: "closest", dragmode: "pan",
    xaxis: { showticklabels: false, zeroline: false }, yaxis: { showticklabels: false, zeroline: false },
    legend: { itemsizing: "constant" } };

  function draw() {
    const all = traces(document.getElementById("colour").value);
    return Plotly.react(gd, all, layout, { responsive: true, scrollZoom: true }).then(() => {
      const drawn = (meta) => gd._fullData.filter((t) => t.type === "scattergl" && t.meta === meta && t.visible === true)
        .reduce((n, t) => n + t._length, 0);
      gd.dataset.drawnModels = String(drawn("models"));
      gd.dataset.drawnDatasets = String(drawn("datasets"));
    });
  }

  function requestText(r) {
    return "<b>request " + esc(R.name[r]) + "</b><br>Top-" + R.pool[r].length + ": " +
      R.pool[r].slice(0, 5).map(esc).join(", ");
  }

  function focus(kind, i) {
    const table = { model: M, dataset: D, request: R }[kind];
    const x = table.x[i], y = table.y[i];
    const text = { model: modelText, dataset: datasetText, request: requestText }[kind](i);
    Plotly.restyle(gd, { x: [[x]], y: [[y]], text: [[text]] }, [highlightTrace]).then(() =>
      Plotly.relayout(gd, { "xaxis.range": [x - DX, x + DX], "yaxis.range": [y - DY, y + DY] })).then(() => {
      Plotly.Fx.hover(gd, [{ curveNumber: highlightTrace, pointNumber: 0 }]);
      gd.dataset.focused = { model: M.model_id, dataset: D.dataset_id, request: R.name }[kind][i];
    });
  }

  function find(text) {
    const q = text.trim().toLowerCase();
    if (!q) return [];
    const hits = [];
    for (const [kind, ids] of [["request", R.name], ["model", M.model_id], ["dataset", D.dataset_id]]) {
      ids.forEach((id, i) => { if (hits.length < 30 && id.toLowerCase().includes(q)) hits.push([kind, i, id]); });
    }
    return hits.sort((a, b) => (a[2].toLowerCase() === q ? -1 : 0) - (b[2].toLowerCase() === q ? -1 : 0));
  }

  const hits = document.getElementById("hits");
  document.getElementById("search").addEventListener("input", (e) => {
    hits.innerHTML = "";
    for (const [kind, i, id] of find(e.target.value)) {
      const row = document.createElement("div");
      row.textContent = kind + ": " + id;
      row.addEventListener("click", () => { hits.innerHTML = ""; focus(kind, i); });
      hits.appendChild(row);
    }
  });
  document.getElementById("colour").addEventListener("change", draw);
  document.getElementById("show-datasets").addEventListener("change", (e) => {
    const idx = gd.data.map((t, i) => (t.meta === "datasets" ? i : -1)).filter((i) => i >= 0);
    Plotly.restyle(gd, { visible: e.target.checked }, idx);
  });

  draw().then(() => {
    const hash = decodeURIComponent(location.hash.slice(1));
    if (!hash.startsWith("focus=")) return;
    const hit = find(hash.slice(6))[0];
    if (hit) focus(hit[0], hit[1]);
  });
})();
