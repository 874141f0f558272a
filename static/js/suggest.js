/* Search suggestions while typing, and recording which result was opened.
 *
 * Progressive: without this file the search box is a plain GET form and result
 * links are plain links. Any form with data-suggest-url gets suggestions (the
 * search page's box and the header box on every page); each says whether it is
 * an issue or an error code (data-label-<type>) and marks what matched. They come
 * from /api/search/ (debounced, stale responses dropped); arrows move through
 * them, Enter opens one, Escape closes. A click on a result is reported with
 * navigator.sendBeacon and the page's signed click token; the link itself is the
 * real URL and navigates as usual. A suggestion picked is reported the same way,
 * with the token its response carried; the next request of the same typing
 * session sends that token back, so the log keeps one row per session holding
 * its last query. The filters fold away on a phone; on a wide
 * screen they are opened.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 200;
  var MIN_CHARS = 2;
  var LIMIT = 6;

  var WIDE = "(min-width: 48rem)";
  var forms = 0;

  // A form without its own list (the header box) gets one, wired as a combobox.
  function ensureList(form, input) {
    var list = form.querySelector("[role=listbox]");
    if (list) return list;
    forms += 1;
    list = document.createElement("ul");
    list.id = "search-suggestions-" + forms;
    list.className = "search-box__suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    form.classList.add("search-box--suggesting");
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    return list;
  }

  function initSuggest(form) {
    var input = form.querySelector("input[name=q]");
    var url = form.getAttribute("data-suggest-url");
    if (!input || !url || !window.fetch) return;
    var list = ensureList(form, input);
    var status = form.querySelector("[aria-live]");
    var prefix = list.id + "-";

    var timer = null;
    var controller = null;
    var active = -1;
    var latest = 0;
    var pick = { token: "", url: "" }; // from the last response: where to report a pick

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", items[active].id);
    }

    function render(data) {
      pick = { token: data.click_token || pick.token, url: data.pick_url || pick.url };
      list.textContent = "";
      (data.results || []).forEach(function (result, i) {
        var item = document.createElement("li");
        item.id = prefix + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var link = document.createElement("a");
        link.href = result.url;
        link.tabIndex = -1;
        appendPieces(link, result.title_pieces || [[result.title, false]]);
        item.appendChild(link);
        var kind = form.getAttribute("data-label-" + result.type);
        if (kind) {
          var label = document.createElement("span");
          label.className = "search-box__kind search-box__kind--" + result.type;
          label.textContent = kind;
          item.insertBefore(label, link); // beside the link: the link's text stays the title
        }
        if (result.snippet) {
          var snippet = document.createElement("span");
          snippet.className = "search-box__snippet";
          snippet.textContent = result.snippet;
          item.appendChild(snippet);
        }
        list.appendChild(item);
      });
      var count = options().length;
      list.hidden = count === 0;
      input.setAttribute("aria-expanded", count ? "true" : "false");
      if (status) status.textContent = count ? count + " ↓" : "";
      active = -1;
    }

    // Text nodes and <mark> elements only: API text is never parsed as HTML.
    function appendPieces(parent, pieces) {
      pieces.forEach(function (piece) {
        var node = piece[1] ? document.createElement("mark") : document.createTextNode(piece[0]);
        if (piece[1]) node.textContent = piece[0];
        parent.appendChild(node);
      });
    }

    // The typing session's first request, until its token arrives: later keystrokes wait
    // for it instead of racing it, so a session is one log row even on a slow server.
    var first = null;
    var waiting = false;

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query.length < MIN_CHARS) {
        close();
        return;
      }
      if (!pick.token && first) {
        if (!waiting) {
          waiting = true;
          first.then(function () {
            waiting = false;
            fetchSuggestions();
          });
        }
        return;
      }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var ticket = ++latest;
      var params = new URLSearchParams({ q: query, limit: String(LIMIT), suggest: "1" });
      if (pick.token) params.set("token", pick.token);
      var request = fetch(url + "?" + params.toString(), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (!pick.token && data.click_token) {
            pick = { token: data.click_token, url: data.pick_url || pick.url };
          }
          if (ticket === latest) render(data);
        })
        .catch(function () {
          /* aborted or offline: the form still works */
        });
      if (!pick.token) {
        first = request.then(function () {
          first = null;
        });
      }
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        follow(options()[active].querySelector("a"), active);
      } else if (event.key === "Escape") {
        close();
      }
    });

    list.addEventListener("mousedown", function (event) {
      // Keep focus handling simple: follow the link before the input's blur closes the list.
      var item = event.target.closest("[role=option]");
      var link = item && item.querySelector("a");
      if (link) follow(link, Array.prototype.indexOf.call(options(), item));
    });

    // Report the pick (a beacon survives the navigation), then go.
    function follow(link, index) {
      if (pick.token && pick.url && navigator.sendBeacon) {
        var body = new FormData();
        body.append("token", pick.token);
        body.append("url", link.getAttribute("href"));
        body.append("position", String(index + 1));
        navigator.sendBeacon(pick.url, body);
      }
      window.location.assign(link.href);
    }

    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  function initClickBeacon(page) {
    var endpoint = page.getAttribute("data-click-url");
    var token = page.getAttribute("data-click-token");
    var csrf = page.getAttribute("data-csrf");
    if (!endpoint || !token || !navigator.sendBeacon) return;
    page.addEventListener("click", function (event) {
      var link = event.target.closest("a.search-result__link");
      if (!link) return;
      var body = new FormData();
      body.append("token", token);
      body.append("url", link.getAttribute("href"));
      body.append("position", link.getAttribute("data-position") || "");
      body.append("csrfmiddlewaretoken", csrf);
      navigator.sendBeacon(endpoint, body);
    });
  }

  function initFilters(details) {
    if (window.matchMedia && window.matchMedia(WIDE).matches) details.open = true;
  }

  function init() {
    document.querySelectorAll("form[data-suggest-url]").forEach(initSuggest);
    document.querySelectorAll(".search-page[data-click-url]").forEach(initClickBeacon);
    document.querySelectorAll("details[data-open-wide]").forEach(initFilters);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
