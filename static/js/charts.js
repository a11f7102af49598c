/* Charts of the dashboard and the commune / cluster pages (Chart.js 4, vendored).
 * A chart is <canvas data-chart="line|bar" data-source="ID">, where ID is a json_script
 * element holding {labels: [...], datasets: [{label, data}], y_title, x_title}.
 * Every chart's numbers are also in a table next to it; point shapes and dash patterns vary
 * so lines can be told apart without colour. Panels loaded by htmx are drawn after the swap. */
(function () {
  "use strict";
  var PALETTE = ["#a4161a", "#1d4e89", "#2a9d8f", "#e9c46a", "#6d597a", "#f4a261", "#264653",
    "#8ab17d", "#b56576", "#3a86ff", "#6c757d", "#9c6644"];
  var SHAPES = ["circle", "rect", "triangle", "rectRot", "star", "crossRot", "cross", "rectRounded"];
  var DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

  function styleDataset(ds, i, kind) {
    var colour = PALETTE[i % PALETTE.length];
    ds.borderColor = colour;
    ds.backgroundColor = kind === "bar" ? colour : colour;
    if (kind === "line") {
      ds.pointStyle = SHAPES[i % SHAPES.length];
      ds.pointRadius = 4;
      ds.borderDash = DASHES[Math.floor(i / PALETTE.length) % DASHES.length];
      ds.borderWidth = 2;
      ds.spanGaps = true;
      ds.fill = false;
      ds.clip = 8; // points on the top line (19/19) stay whole
    }
    return ds;
  }

  function draw(canvas) {
    if (typeof Chart === "undefined" || Chart.getChart(canvas)) { return; }
    var source = document.getElementById(canvas.dataset.source);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var kind = canvas.dataset.chart || "line";
    var datasets = (spec.datasets || []).map(function (ds, i) { return styleDataset(ds, i, kind); });
    new Chart(canvas, {
      type: kind,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: "vi-VN",
        interaction: { mode: "nearest", intersect: false },
        plugins: {
          legend: { display: datasets.length > 1 && datasets.length <= 30, position: "bottom",
                    labels: { usePointStyle: true, boxWidth: 10 } },
        },
        scales: {
          // Whole-number ticks: the dashboard's charts count units, criteria and millions of
          // đồng, never "0,4 đơn vị".
          y: { beginAtZero: true, max: spec.y_max || undefined, ticks: { precision: 0 },
               title: { display: !!spec.y_title, text: spec.y_title || "" } },
          x: { title: { display: !!spec.x_title, text: spec.x_title || "" } },
        },
      },
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  // Loaded inside an htmx panel, Chart.js may not be on the page yet: fetch it once, then draw.
  var me = document.currentScript;
  var loading = null;
  function ensureChart(then) {
    if (typeof Chart !== "undefined") { then(); return; }
    if (!loading) {
      loading = document.createElement("script");
      loading.src = (me && me.dataset.chartjs) || "/static/vendor/chartjs/chart.umd.min.js";
      document.head.appendChild(loading);
    }
    loading.addEventListener("load", then);
  }
  function start(root) {
    if (!(root || document).querySelector("canvas[data-chart]")) { return; }
    ensureChart(function () { drawAll(root); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  } else {
    start(document);
  }
  document.addEventListener("htmx:afterSettle", function (evt) { start(evt.target); });
})();
