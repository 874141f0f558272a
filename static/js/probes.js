// Probe run page: rows fill in as each check finishes.
// The server renders every row (also without JavaScript); this only polls the
// run's status endpoint and swaps in the rows it renders, until the run is done.
(function () {
  "use strict";

  var table = document.getElementById("probe-results");
  if (!table || !table.dataset.pollUrl) {
    return;
  }
  var url = table.dataset.pollUrl;
  var status = document.getElementById("run-status");
  var waiting = document.getElementById("run-waiting");
  var failure = document.getElementById("run-failure");
  var delay = 500;
  var maxDelay = 3000;

  function replaceRow(result) {
    var row = document.getElementById("result-" + result.id);
    if (!row || row.dataset.pending !== "true" || !result.outcome) {
      return;
    }
    var body = document.createElement("tbody");
    body.innerHTML = result.html.trim();
    var fresh = body.firstElementChild;
    if (fresh) {
      row.replaceWith(fresh);
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        data.results.forEach(replaceRow);
        if (status && data.status_label) {
          status.textContent = data.status_label;
          status.className = "run-status run-status--" + data.status;
        }
        if (waiting) {
          waiting.hidden = data.status !== "queued";
        }
        if (failure && data.failure) {
          failure.textContent = data.failure;
          failure.hidden = false;
        }
        if (data.done) {
          return;
        }
        delay = Math.min(delay * 1.5, maxDelay);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // A hiccup (server restart, network): try again, more slowly.
        delay = maxDelay;
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
