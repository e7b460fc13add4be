/* Jinguo: small enhancements on top of htmx. The pages work without this file. */
(function () {
  "use strict";

  // The org-unit tree. The first click on a toggle loads the children in place (htmx,
  // hx-trigger="click once"); later clicks hide or show the rows already loaded.
  function rowsBelow(table, unitId) {
    return table.querySelectorAll('tr[data-parent-id="' + unitId + '"]');
  }

  function hideBranch(table, unitId) {
    rowsBelow(table, unitId).forEach(function (row) {
      row.classList.add("tree-row-hidden");
      hideBranch(table, row.dataset.unitId);
    });
  }

  function showBranch(table, unitId) {
    rowsBelow(table, unitId).forEach(function (row) {
      row.classList.remove("tree-row-hidden");
      var toggle = row.querySelector(".tree-toggle");
      if (toggle && toggle.getAttribute("aria-expanded") === "true") {
        showBranch(table, row.dataset.unitId);
      }
    });
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var toggle = event.detail.elt;
    if (toggle && toggle.classList && toggle.classList.contains("tree-toggle")) {
      if (event.detail.successful) {
        toggle.dataset.loaded = "1";
        toggle.setAttribute("aria-expanded", "true");
      }
    }
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".tree-toggle");
    if (!toggle || toggle.dataset.loaded !== "1") {
      return;
    }
    var row = toggle.closest("tr");
    var table = toggle.closest("table");
    if (!row || !table) {
      return;
    }
    if (toggle.getAttribute("aria-expanded") === "true") {
      hideBranch(table, row.dataset.unitId);
      toggle.setAttribute("aria-expanded", "false");
    } else {
      showBranch(table, row.dataset.unitId);
      toggle.setAttribute("aria-expanded", "true");
    }
  });

  // "Everyone listed": a header box that ticks or clears every box of its list; clearing one
  // box clears it again. Without this script the server reads the header box itself.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.type !== "checkbox" || !box.form) {
      return;
    }
    var name = box.getAttribute("data-select-all");
    if (name) {
      box.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(
        function (other) {
          other.checked = box.checked;
        }
      );
      return;
    }
    var all = box.form.querySelector('input[data-select-all="' + box.name + '"]');
    if (all && !box.checked) {
      all.checked = false;
    }
  });

  // Buttons that change something ask first, when they carry data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
