// Draws the dashboard charts from their data-chart attributes and refreshes the
// figures every minute without reloading the page. Without this file the page
// still shows every number in its tables.
(function () {
  "use strict";
  var charts = [];
  var palette = ["#1d4ed8", "#b91c1c", "#15803d", "#a16207", "#7c3aed", "#0e7490", "#be185d", "#4b5563",
                 "#c2410c", "#4d7c0f", "#1e3a8a", "#831843", "#065f46", "#6b21a8"];
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function draw(root) {
    if (typeof window.Chart === "undefined") { return; }
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec;
      try { spec = JSON.parse(canvas.getAttribute("data-chart")); } catch (e) { return; }
      if (!spec.values || !spec.values.length) { return; }
      var doughnut = spec.type === "doughnut";
      charts.push(new window.Chart(canvas, {
        type: spec.type,
        data: {
          labels: spec.labels,
          datasets: [{ label: spec.label, data: spec.values,
                       backgroundColor: doughnut ? palette.slice(0, spec.values.length) : palette[0] }]
        },
        options: {
          animation: reduceMotion ? false : { duration: 300 },
          maintainAspectRatio: false,
          indexAxis: (!doughnut && spec.labels.length > 8 && spec.labels[0].length > 6) ? "y" : "x",
          plugins: { legend: { display: doughnut } }
        }
      }));
    });
  }

  function refresh(live) {
    var url = window.location.href;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById(live.id);
        if (!fresh) { return; }
        // Keep focus and scroll where they are: replace the contents, not the page.
        // What the reader unfolded stays unfolded.
        var opened = Array.prototype.map.call(live.querySelectorAll("details"), function (d) { return d.open; });
        live.innerHTML = fresh.innerHTML;
        live.querySelectorAll("details").forEach(function (d, i) { if (opened[i]) { d.open = true; } });
        draw(live);
      })
      .catch(function () { /* keep the figures we have; try again next time */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var live = document.getElementById("stats-live");
    if (!live) { return; }
    draw(live);
    var seconds = parseInt(live.getAttribute("data-refresh"), 10);
    if (seconds > 0 && window.fetch && window.DOMParser) {
      window.setInterval(function () {
        if (!document.hidden) { refresh(live); }
      }, seconds * 1000);
    }
  });
})();
