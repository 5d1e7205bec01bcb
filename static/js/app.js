// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // The sidebar collapsed to icons (from 1200 px up) is remembered in this browser. app.js is loaded
  // without defer, so the class is on <html> before the page is drawn.
  var COLLAPSED = "pc.sidebar.collapsed";
  var root = document.documentElement;
  function remembered() {
    try { return window.localStorage.getItem(COLLAPSED) === "1"; } catch (e) { return false; }
  }
  function remember(value) {
    try { window.localStorage.setItem(COLLAPSED, value ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  if (remembered()) { root.classList.add("sidebar-collapsed"); }

  function applySidebar(collapsed) {
    root.classList.toggle("sidebar-collapsed", collapsed);
    var toggle = document.getElementById("sidebar-collapse");
    if (toggle) { toggle.setAttribute("aria-pressed", collapsed ? "true" : "false"); }
    // Collapsed, the labels are visually hidden (still the links' names): show them on hover.
    document.querySelectorAll("#sidebar [data-label]").forEach(function (el) {
      if (collapsed) { el.setAttribute("title", el.dataset.label); } else { el.removeAttribute("title"); }
    });
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.classList && el.classList.contains("js-autosubmit") && el.form) { el.form.submit(); }
    // "Select all on this page": ticks the row checkboxes that belong to the named form.
    if (el.classList && el.classList.contains("js-check-all")) {
      document.querySelectorAll('input[type="checkbox"][form="' + el.dataset.form + '"][name="' + el.dataset.name + '"]')
        .forEach(function (box) { box.checked = el.checked; });
      // The same list's other select-all box (a phone's above its cards, a laptop's in the header row).
      document.querySelectorAll('.js-check-all[data-form="' + el.dataset.form + '"][data-name="' + el.dataset.name + '"]')
        .forEach(function (box) { box.checked = el.checked; });
    }
  });
  // The select-all boxes do nothing without this script, so they (and .js-script-only controls) are
  // hidden until it runs (and after htmx swaps a table in).
  function showCheckAll() {
    document.querySelectorAll(".js-check-all[hidden], .js-script-only[hidden]").forEach(function (el) { el.hidden = false; });
  }
  document.addEventListener("htmx:afterSettle", showCheckAll);
  // Lists marked .table-stack become one card per row on a phone (app.css): each cell is labelled with
  // its column's header. Without this script they stay tables that scroll inside their region.
  function stackTables() {
    document.querySelectorAll("table.table-stack").forEach(function (table) {
      var labels = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        var text = th.textContent.replace(/\s+/g, " ").trim();
        var hidden = th.querySelector(".visually-hidden");  // e.g. "Actions": the buttons speak for themselves
        return hidden && hidden.textContent.replace(/\s+/g, " ").trim() === text ? "" : text;
      });
      table.querySelectorAll("tbody > tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (labels[index] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", labels[index]); }
        });
      });
      table.setAttribute("data-stacked", "");
    });
  }
  document.addEventListener("htmx:afterSettle", stackTables);
  // Duration presets with a custom number of days beside them (GDAP requests and role templates): typing
  // the days chooses the "custom" radio named by data-duration-custom.
  document.addEventListener("input", function (event) {
    var el = event.target;
    var name = el.dataset ? el.dataset.durationCustom : undefined;
    if (!name || !el.form || !el.value.trim()) { return; }
    var radio = el.form.querySelector('input[type="radio"][name="' + name + '"][value="custom"]');
    if (radio) { radio.checked = true; }
  });
  // "Back to the previous page" on error pages: the browser's history when there is one, else the link.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".js-history-back") : null;
    if (link && window.history.length > 1) { event.preventDefault(); window.history.back(); }
  });

  function draftText() {
    var subject = document.getElementById("id_subject");
    var body = document.getElementById("id_body");
    return { subject: subject ? subject.value : "", body: body ? body.value : "" };
  }

  function refreshMailto() {
    var link = document.getElementById("open-in-email");
    if (!link) { return; }
    var d = draftText();
    link.href = "mailto:" + encodeURIComponent(link.dataset.to || "").replace(/%40/g, "@") +
      "?subject=" + encodeURIComponent(d.subject) + "&body=" + encodeURIComponent(d.body);
  }

  document.addEventListener("DOMContentLoaded", function () {
    stackTables();
    var sidebar = document.getElementById("sidebar");
    if (sidebar) {
      applySidebar(root.classList.contains("sidebar-collapsed"));
      document.getElementById("sidebar-collapse").addEventListener("click", function () {
        var collapsed = !root.classList.contains("sidebar-collapsed");
        remember(collapsed);
        applySidebar(collapsed);
      });
      // Below 1200 px the sidebar is an off-canvas dialog: named by its title while it is open.
      sidebar.addEventListener("show.bs.offcanvas", function () { sidebar.setAttribute("aria-labelledby", "sidebar-title"); });
      sidebar.addEventListener("hidden.bs.offcanvas", function () { sidebar.removeAttribute("aria-labelledby"); });
    }
    showCheckAll();
    refreshMailto();
    var form = document.getElementById("draft-form");
    if (form) { form.addEventListener("input", refreshMailto); }
    var copy = document.getElementById("copy-to-clipboard");
    if (copy) {
      copy.addEventListener("click", function () {
        var d = draftText();
        var status = document.getElementById("copy-status");
        var text = d.subject + "\n\n" + d.body;
        var done = function () { status.textContent = copy.dataset.copied; };
        var fail = function () { status.textContent = copy.dataset.failed; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, fail);
        } else {
          var area = document.getElementById("id_body");
          area.select();
          try { document.execCommand("copy") ? done() : fail(); } catch (e) { fail(); }
        }
      });
    }
    document.querySelectorAll("form .js-once").forEach(function (button) {
      button.form.addEventListener("submit", function () {
        if (!button.form.checkValidity()) { return; }
        button.disabled = true;
        button.textContent = button.dataset.busy || button.textContent;
      });
    });
  });
})();
