// Keyboard shortcuts (README "Keyboard shortcuts"): c, /, g i, ?; never while typing in a
// field. Ctrl+Enter (or Cmd+Enter) submits the form being typed in. Also: the leave-page
// warning for forms marked data-warn-unsaved, and the Write/Preview tabs of Markdown fields.
(function () {
  "use strict";

  var dialog = document.getElementById("shortcuts-dialog");
  var pendingG = false;
  var search = document.querySelector("[data-list-search], #id_q");
  if (search && window.location.hash === "#search") {
    search.focus();
  }

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && event.target.form) {
      var form = event.target.form;
      var button = form.querySelector("[data-submit-default]");
      event.preventDefault();
      form.requestSubmit(button || undefined);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    if (dialog.open) {
      return;
    }
    var key = event.key;
    if (pendingG) {
      pendingG = false;
      if (key === "i") {
        event.preventDefault();
        window.location.href = document.body.dataset.listUrl;
      }
      return;
    }
    if (key === "g") {
      pendingG = true;
      window.setTimeout(function () { pendingG = false; }, 1500);
    } else if (key === "c") {
      event.preventDefault();
      window.location.href = document.body.dataset.quickUrl;
    } else if (key === "/") {
      event.preventDefault();
      if (search) {
        search.focus();
      } else {
        window.location.href = document.body.dataset.listUrl + "#search";
      }
    } else if (key === "?") {
      event.preventDefault();
      dialog.showModal();
    }
  });

  // Leaving a page whose form changed and was not saved asks first.
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var saved = new FormData(form);
    var submitting = false;
    function changed() {
      var now = new FormData(form);
      var keys = new Set(Array.from(saved.keys()).concat(Array.from(now.keys())));
      return Array.from(keys).some(function (key) {
        return saved.getAll(key).join("\u0000") !== now.getAll(key).join("\u0000");
      });
    }
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && changed()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });

  // Write/Preview tabs: the preview is rendered by the server, as the issue page renders it.
  document.querySelectorAll("[data-markdown-preview]").forEach(function (box) {
    var textarea = document.getElementById(box.dataset.markdownPreview);
    var tabs = box.querySelectorAll("[role=tab]");
    var output = box.querySelector("[data-preview-output]");
    box.hidden = false;
    box.parentNode.querySelectorAll("[data-preview-button]").forEach(function (button) {
      button.hidden = true;
    });
    function show(which) {
      tabs.forEach(function (tab) {
        var selected = tab.dataset.tab === which;
        tab.setAttribute("aria-selected", selected ? "true" : "false");
        tab.classList.toggle("active", selected);
        tab.tabIndex = selected ? 0 : -1;
      });
      textarea.hidden = which === "preview";
      output.hidden = which !== "preview";
      if (which !== "preview") {
        return;
      }
      output.textContent = "Loading preview…";
      var body = new FormData();
      body.append("text", textarea.value);
      fetch(box.dataset.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": box.dataset.csrf }
      }).then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      }).then(function (html) {
        output.innerHTML = html;
      }).catch(function () {
        output.textContent = "The preview could not be loaded.";
      });
    }
    tabs.forEach(function (tab) {
      tab.addEventListener("click", function () { show(tab.dataset.tab); });
      tab.addEventListener("keydown", function (event) {
        if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
          var other = tab.dataset.tab === "write" ? "preview" : "write";
          show(other);
          box.querySelector("[data-tab=" + other + "]").focus();
        }
      });
    });
  });
})();
