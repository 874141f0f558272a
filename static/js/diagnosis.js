// Guided diagnosis: a check step's rows fill in live while the server runs them,
// the walk moves on by itself when they are done, and the summary can be copied.
// Everything works without this file (plain forms, a meta refresh while checking).
(function () {
  "use strict";

  // Focus the step's heading after moving on, so keyboard and screen-reader users
  // start at the new question rather than at the top of the page.
  var heading = document.getElementById("step-title");
  if (heading && window.location.hash === "#step" && !document.querySelector("[autofocus]")) {
    heading.focus();
  }

  var copy = document.getElementById("copy-summary");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var text = document.getElementById(copy.dataset.copy);
      var status = document.getElementById("copy-status");
      navigator.clipboard.writeText(text.value).then(
        function () {
          if (status) {
            status.textContent = copy.dataset.copiedLabel;
          }
        },
        function () {
          text.focus();
          text.select();
        }
      );
    });
  }

  var run = document.getElementById("walk-run");
  if (!run || run.dataset.finished === "true") {
    return;
  }
  var url = run.dataset.statusUrl;
  var status = document.getElementById("walk-run-status");
  var delay = 500;
  var maxDelay = 3000;

  function fill(result) {
    var row = document.getElementById("walk-row-" + result.position);
    if (!row || !result.outcome || row.dataset.outcome) {
      return;
    }
    row.dataset.outcome = result.outcome;
    row.classList.add(result.outcome === "ok" ? "walk-result--ok" : "walk-result--bad");
    var cell = row.querySelector(".walk-result__outcome");
    if (cell) {
      cell.textContent = result.outcome_label;
      if (result.total_ms !== null && result.total_ms !== undefined) {
        var ms = document.createElement("span");
        ms.className = "meta";
        ms.textContent = " " + Math.round(result.total_ms) + " ms";
        cell.appendChild(ms);
      }
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
        data.results.forEach(fill);
        if (data.finished || data.moved) {
          if (status) {
            status.textContent = status.dataset.doneLabel;
          }
          // The server has chosen the next step: show it.
          window.location.hash = "step";
          window.location.reload();
          return;
        }
        delay = Math.min(delay * 1.5, maxDelay);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = maxDelay;
        window.setTimeout(poll, delay);
      });
  }

  // Without JavaScript a meta refresh reloads the page; with it, poll instead.
  window.setTimeout(poll, delay);
})();
