// The guided form, a little smoother: add and remove Milestones rows without a reload.
// Without JavaScript the same buttons post the step. (The cursor starts in the first field
// with an error, or the first field: the autofocus attribute, issues/forms/focus.py.)
(function () {
  "use strict";

  var container = document.getElementById("milestones");
  if (!container) {
    return;
  }
  var form = container.closest("form");
  var total = form.querySelector("[name=milestones-TOTAL_FORMS]");
  var initial = form.querySelector("[name=milestones-INITIAL_FORMS]");
  var addButton = form.querySelector("button[name=action][value=add_milestone]");

  function rows() {
    return Array.prototype.slice.call(container.querySelectorAll("fieldset.milestone-row"));
  }

  // Give every row the index of its place: names, ids, labels, legend, remove button.
  function renumber() {
    rows().forEach(function (row, index) {
      var prefix = "milestones-" + index + "-";
      row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) {
            el.setAttribute(attr, value.replace(/milestones-\d+-/g, prefix));
          }
        });
      });
      row.querySelector("legend").textContent = "Milestone " + (index + 1);
      var remove = row.querySelector("button[name=remove_milestone]");
      remove.value = String(index);
      remove.textContent = "Remove milestone " + (index + 1);
    });
    total.value = String(rows().length);
    // Every row is now a plain extra row for the server, as after a reload.
    initial.value = "0";
  }

  function blankRow(from) {
    var row = from.cloneNode(true);
    row.querySelectorAll("input").forEach(function (input) {
      input.value = "";
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
    });
    row.querySelectorAll(".invalid-feedback").forEach(function (error) {
      error.remove();
    });
    return row;
  }

  addButton.addEventListener("click", function (event) {
    event.preventDefault();
    var all = rows();
    var row = blankRow(all[all.length - 1]);
    all[all.length - 1].after(row);
    renumber();
    row.querySelector("input").focus();
  });

  container.addEventListener("click", function (event) {
    var remove = event.target.closest("button[name=remove_milestone]");
    if (!remove) {
      return;
    }
    event.preventDefault();
    var row = remove.closest("fieldset.milestone-row");
    var next = row.nextElementSibling;
    if (rows().length === 1) {
      row.after(blankRow(row));
      next = row.nextElementSibling;
    }
    row.remove();
    renumber();
    if (next && next.matches("fieldset.milestone-row")) {
      next.querySelector("input").focus();
    } else {
      addButton.focus();
    }
  });
})();
