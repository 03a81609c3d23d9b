// The issue page without reloads: a ticked checklist item is saved at once.
// Every form works without this file; it only posts the same form with fetch.
(function () {
  "use strict";

  var queue = Promise.resolve();

  function setVersion(version) {
    document.querySelectorAll('input[name="version"]').forEach(function (input) {
      input.value = version;
    });
  }

  function save(form) {
    var status = form.querySelector("[data-tick-status]");
    status.textContent = "Saving…";
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "X-CSRFToken": form.querySelector('input[name="csrfmiddlewaretoken"]').value
      }
    }).then(function (response) {
      if (!response.ok) {
        // Refused (e.g. changed by someone else): the reloaded page says why.
        window.location.reload();
        return null;
      }
      return response.json();
    }).then(function (data) {
      if (!data) return;
      setVersion(data.version);
      form.querySelector("[data-progress]").textContent = data.done + " of " + data.total + " done";
      status.textContent = "Saved.";
    });
  }

  document.querySelectorAll("form.js-checklist").forEach(function (form) {
    form.querySelector("[data-save-ticks]").hidden = true;
    form.addEventListener("change", function (event) {
      // One request at a time, each with the version the previous one returned; ticks
      // made while a request waits are sent together by it.
      if (event.target.name !== "done" || form.dataset.queued) return;
      form.dataset.queued = "yes";
      queue = queue.then(function () {
        delete form.dataset.queued;
        return save(form);
      }).catch(function () {
        window.location.reload();
      });
    });
  });
})();
