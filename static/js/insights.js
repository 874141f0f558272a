// Draws the insights charts from the JSON the page carries (json_script: data, not code,
// so the strict CSP holds). Without JavaScript the numbers table under each chart remains.
(function () {
  "use strict";
  const source = document.getElementById("insights-data");
  if (!source || typeof Chart === "undefined") return;
  const charts = JSON.parse(source.textContent);
  const palette = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df"];
  for (const spec of charts) {
    const canvas = document.querySelector(`canvas[data-chart="${spec.name}"]`);
    if (!canvas || !spec.labels.length) continue;
    new Chart(canvas, {
      type: spec.kind,
      data: {
        labels: spec.labels,
        datasets: spec.series.map((series, n) => ({
          label: series.label,
          data: series.data,
          borderColor: palette[n % palette.length],
          backgroundColor: palette[n % palette.length] + (spec.kind === "bar" ? "cc" : "33"),
          tension: 0.2,
          pointRadius: spec.labels.length > 40 ? 0 : 2,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: spec.kind === "bar" ? "y" : "x",
        // Counts are whole numbers; rates are shares of 100 %, drawn against the whole scale.
        scales: {
          [spec.kind === "bar" ? "x" : "y"]: {
            beginAtZero: true,
            suggestedMax: spec.unit === "%" ? 100 : undefined,
            ticks: { precision: 0, callback: (v) => v + spec.unit },
          },
          // Long entry names are cut on the axis (the tooltip and the table keep them whole).
          ...(spec.kind === "bar" && {
            y: {
              ticks: {
                callback: function (value) {
                  const label = String(this.getLabelForValue(value));
                  const room = window.innerWidth < 600 ? 12 : 28;
                  return label.length > room ? label.slice(0, room - 1) + "…" : label;
                },
              },
            },
          }),
        },
        plugins: { legend: { display: spec.series.length > 1 } },
      },
    });
  }
})();
