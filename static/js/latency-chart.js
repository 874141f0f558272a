// Draws a target's latency over time (templates/probes/target_history.html) from the JSON
// the page carries, with the Chart.js the insights page uses. Nothing inline, so the strict
// CSP holds; without JavaScript the results table under the chart lists every check.
(function () {
  "use strict";
  const source = document.getElementById("latency-data");
  const canvas = document.getElementById("latency-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        {
          label: canvas.dataset.labelOk,
          data: data.ok,
          borderColor: "#1a73e8",
          backgroundColor: "#1a73e8",
          spanGaps: true,
          tension: 0.2,
          pointRadius: data.labels.length > 60 ? 1 : 3,
        },
        {
          label: canvas.dataset.labelFailed,
          data: data.failed,
          borderColor: "#d93025",
          backgroundColor: "#d93025",
          showLine: false,
          pointRadius: 5,
          pointStyle: "crossRot",
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { callback: (v) => v + " ms" } } },
      plugins: {
        tooltip: { callbacks: { afterLabel: (item) => data.outcomes[item.dataIndex] } },
      },
    },
  });
})();
