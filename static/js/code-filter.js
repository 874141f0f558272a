// Progressive filter for the error-code index: narrows the rows as the reader types.
// Without JavaScript the same form filters on the server (GET ?q=).
(function () {
  "use strict";
  var form = document.querySelector("[data-code-filter]");
  if (!form) return;
  var input = form.querySelector("input[type=search]");
  var status = form.querySelector("[data-filter-status]");
  var empty = document.querySelector("[data-filter-empty]");
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-filter-group]"));

  function normalise(text) {
    // Full-width digits and signs (－１０１９) count as their ASCII forms, as on the server.
    return (text || "").normalize("NFKC").toLowerCase().trim();
  }

  function apply() {
    var query = normalise(input.value);
    var shown = 0;
    groups.forEach(function (group) {
      var groupShown = 0;
      group.querySelectorAll("[data-filter-row]").forEach(function (row) {
        var match = !query || normalise(row.getAttribute("data-filter-text")).indexOf(query) !== -1;
        row.hidden = !match;
        if (match) groupShown += 1;
      });
      group.hidden = groupShown === 0;
      shown += groupShown;
    });
    if (empty) empty.hidden = shown !== 0;
    if (status) status.textContent = query ? form.getAttribute("data-count-template").replace("{count}", shown) : "";
  }

  input.addEventListener("input", apply);
})();
