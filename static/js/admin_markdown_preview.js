// Markdown preview for admin textareas marked with data-markdown-preview.
// Progressive: without JavaScript the textarea is a plain textarea.
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(textarea) {
    if (textarea.dataset.previewAttached) return;
    textarea.dataset.previewAttached = "1";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button kb-preview-button";
    button.textContent = document.documentElement.lang.indexOf("zh") === 0 ? "预览" : "Preview";
    var output = document.createElement("div");
    output.className = "kb-preview";
    output.setAttribute("aria-live", "polite");
    output.hidden = true;
    textarea.insertAdjacentElement("afterend", output);
    textarea.insertAdjacentElement("afterend", button);

    button.addEventListener("click", function () {
      var body = new URLSearchParams();
      body.set("text", textarea.value);
      fetch(textarea.dataset.markdownPreview, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
        body: body,
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          output.hidden = false;
          if (data.error) {
            output.textContent = data.error;
          } else {
            // The server sanitized this HTML with the same allowlist readers get.
            output.innerHTML = data.html;
          }
        })
        .catch(function () {
          output.hidden = false;
          output.textContent = "Preview unavailable.";
        });
    });
  }

  function scan() {
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", scan);
  // Inline rows added with "Add another" get their button too.
  document.addEventListener("formset:added", scan);
})();
