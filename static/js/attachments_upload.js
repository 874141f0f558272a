// "Add image or file" beside admin Markdown text boxes: uploads the chosen file to the
// attachments app and inserts the Markdown it returns at the cursor.
// Progressive: without JavaScript, upload under Attachments and paste the Markdown shown.
(function () {
  "use strict";

  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var TEXT = {
    button: zh ? "添加图片或文件" : "Add image or file",
    uploading: zh ? "正在上传…" : "Uploading…",
    done: zh ? "已插入：" : "Inserted: ",
    failed: zh ? "上传失败：" : "Upload failed: ",
    alt: zh ? "图片内容的文字说明（供看不到图片的读者）：" : "Describe the image for readers who cannot see it:",
  };

  function uploadUrl() {
    // The admin's root: everything before the app segment of this page's path.
    var match = location.pathname.match(/^(.*?\/)(issues|attachments)\//);
    return (match ? match[1] : "/admin/") + "attachments/attachment/upload/";
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart || 0;
    var end = textarea.selectionEnd || 0;
    var before = textarea.value.slice(0, start);
    var gap = before && !/\n$/.test(before) ? "\n\n" : "";
    textarea.value = before + gap + text + "\n" + textarea.value.slice(end);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
  }

  function attach(textarea) {
    if (textarea.dataset.attachmentsAttached) return;
    textarea.dataset.attachmentsAttached = "1";
    var input = document.createElement("input");
    input.type = "file";
    input.hidden = true;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button kb-attachment-button";
    button.textContent = TEXT.button;
    var status = document.createElement("span");
    status.className = "kb-attachment-status";
    status.setAttribute("aria-live", "polite");
    // One line under the text box: the button, then what happened.
    var tools = document.createElement("div");
    tools.className = "kb-attachment-tools";
    tools.append(button, input, status);
    textarea.insertAdjacentElement("afterend", tools);

    button.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () {
      var file = input.files[0];
      if (!file) return;
      var body = new FormData();
      body.append("file", file);
      if (/^image\//.test(file.type)) {
        body.append("alt", window.prompt(TEXT.alt, file.name.replace(/\.[^.]+$/, "")) || "");
      }
      status.textContent = TEXT.uploading;
      fetch(uploadUrl(), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
        body: body,
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.error) {
            status.textContent = TEXT.failed + data.error;
          } else {
            insertAtCursor(textarea, data.markdown);
            status.textContent = TEXT.done + data.name;
          }
        })
        .catch(function () { status.textContent = TEXT.failed; })
        .then(function () { input.value = ""; });
    });
  }

  function scan() {
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("formset:added", scan);
})();
