// "Request admin relationship": filter the role catalog as you type; typing a custom duration chooses
// "Custom". The page works without it (the filter box stays hidden).
(function () {
  "use strict";
  function normalise(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  document.addEventListener("DOMContentLoaded", function () {
    var filter = document.getElementById("role-filter");
    var list = document.getElementById("role-list");
    if (filter && list) {
      filter.closest(".role-filter").hidden = false;
      var items = Array.prototype.slice.call(list.querySelectorAll(".role-item"));
      items.forEach(function (item) { item.dataset.key = normalise(item.dataset.search); });
      var status = document.getElementById("role-filter-status");
      var apply = function () {
        var words = normalise(filter.value).split(/\s+/).filter(Boolean);
        var shown = 0;
        items.forEach(function (item) {
          var match = words.every(function (w) { return item.dataset.key.indexOf(w) !== -1; });
          // A ticked role stays visible: what will be requested is never hidden.
          var checkbox = item.querySelector("input[type=checkbox]");
          item.hidden = !(match || (checkbox && checkbox.checked));
          if (!item.hidden) { shown += 1; }
        });
        list.querySelectorAll(".role-group").forEach(function (group) {
          group.hidden = !group.querySelector(".role-item:not([hidden])");
        });
        if (status) {
          status.textContent = words.length === 0 ? "" :
            (shown === 0 ? status.dataset.none : status.dataset.template.replace("%(n)s", String(shown)));
        }
      };
      filter.addEventListener("input", apply);
      // Enter in the filter box must not submit the request.
      filter.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
    }
    var custom = document.getElementById("id_duration");
    if (custom) {
      custom.addEventListener("input", function () {
        var radio = document.querySelector("input[name=preset][value=custom]");
        if (radio && custom.value.trim()) { radio.checked = true; }
      });
    }
  });
})();
