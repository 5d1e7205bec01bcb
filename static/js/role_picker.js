// The GDAP role picker (templates/gdap/_role_picker.html): search by name or description (every word,
// accents and case ignored: "sicherheit" finds "Sicherheitsadministrator"), a count of the checked roles,
// and pickers that offer only the roles checked in another one (data-subset-of). The partial may appear
// several times on a page and loads this file each time: it runs once.
(function () {
  "use strict";
  if (window.pcRolePicker) { return; }
  window.pcRolePicker = true;

  function options(picker) { return picker.querySelectorAll("[data-role-option]"); }

  // Hides the categories with no role shown; the "empty" note shows when `empty` (default: no role shown).
  function refreshGroups(picker, empty) {
    var anyShown = false;
    picker.querySelectorAll("[data-role-group]").forEach(function (group) {
      var shown = Array.prototype.some.call(options(group), function (o) { return !o.hidden; });
      group.hidden = !shown;
      anyShown = anyShown || shown;
    });
    var note = picker.querySelector(".role-picker-empty");
    if (note) { note.hidden = !(empty === undefined ? !anyShown : empty); }
  }

  function refreshCount(picker) {
    var count = picker.querySelector(".role-picker-count");
    if (!count) { return; }
    var n = picker.querySelectorAll("input[type=checkbox]:checked").length;
    count.textContent = n === 0 ? count.dataset.none : n === 1 ? count.dataset.one : count.dataset.many.replace("%(count)s", n);
  }

  function normalise(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  // A checked role stays visible whatever the search (what will be saved is never hidden); "No role
  // matches your search." shows when nothing else matches.
  function search(picker, term) {
    var words = normalise(term).split(/\s+/).filter(Boolean);
    var matches = 0;
    options(picker).forEach(function (o) {
      if (o.dataset.key === undefined) { o.dataset.key = normalise(o.dataset.search); }
      var match = words.every(function (w) { return o.dataset.key.indexOf(w) !== -1; });
      o.hidden = !match && !o.querySelector("input").checked;
      if (match) { matches += 1; }
    });
    refreshGroups(picker, words.length > 0 && matches === 0);
    var status = picker.querySelector(".role-picker-status");
    if (status) {
      status.textContent = words.length === 0 ? "" :
        matches === 0 ? status.dataset.none : status.dataset.shown.replace("%(count)s", String(matches));
    }
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
        if (input) {
          input.addEventListener("input", function () { search(picker, input.value); });
          // Enter in the search box filters; it must not submit the form.
          input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } });
        }
      }
      picker.addEventListener("change", function () { refreshCount(picker); refreshSubsets(); });
      refreshCount(picker);
    });
    refreshSubsets();
  });
}());
