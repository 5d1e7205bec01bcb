// The GDAP role picker (templates/gdap/_role_picker.html): search by name or description, a count of the
// checked roles, and pickers that offer only the roles checked in another one (data-subset-of). The
// partial may appear several times on a page and loads this file each time: it runs once.
(function () {
  "use strict";
  if (window.pcRolePicker) { return; }
  window.pcRolePicker = true;

  function options(picker) { return picker.querySelectorAll("[data-role-option]"); }

  function refreshGroups(picker) {
    var anyShown = false;
    picker.querySelectorAll("[data-role-group]").forEach(function (group) {
      var shown = Array.prototype.some.call(options(group), function (o) { return !o.hidden; });
      group.hidden = !shown;
      anyShown = anyShown || shown;
    });
    var empty = picker.querySelector(".role-picker-empty");
    if (empty) { empty.hidden = anyShown; }
  }

  function refreshCount(picker) {
    var count = picker.querySelector(".role-picker-count");
    if (!count) { return; }
    var n = picker.querySelectorAll("input[type=checkbox]:checked").length;
    count.textContent = n === 0 ? count.dataset.none : n === 1 ? count.dataset.one : count.dataset.many.replace("%(count)s", n);
  }

  function search(picker, term) {
    term = term.trim().toLowerCase();
    options(picker).forEach(function (o) {
      var checked = o.querySelector("input").checked;
      o.hidden = term !== "" && !checked && o.dataset.search.indexOf(term) === -1;
    });
    refreshGroups(picker);
  }

  // A subset picker shows the roles checked in its source, and any it holds itself (so a role outside the
  // source stays visible with the error the server puts beside it).
  function refreshSubset(picker) {
    var source = document.getElementById(picker.dataset.subsetOf);
    if (!source) { return; }
    var allowed = {};
    source.querySelectorAll("input[type=checkbox]:checked").forEach(function (i) { allowed[i.value] = true; });
    options(picker).forEach(function (o) {
      o.hidden = !allowed[o.dataset.roleId] && !o.querySelector("input").checked;
    });
    refreshGroups(picker);
  }

  function refreshSubsets() {
    document.querySelectorAll("[data-role-picker][data-subset-of]").forEach(refreshSubset);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-role-picker]").forEach(function (picker) {
      var tools = picker.querySelector(".role-picker-tools");
      if (tools) {
        tools.hidden = false;
        var input = tools.querySelector(".role-picker-search");
        input.addEventListener("input", function () { search(picker, input.value); });
        // Enter in the search box filters; it must not submit the form.
        input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } });
      }
      picker.addEventListener("change", function () { refreshCount(picker); refreshSubsets(); });
      refreshCount(picker);
    });
    refreshSubsets();
  });
}());
