// The filing form, enhanced: add respondent/allegation rows inline, narrow district and
// precinct by region, search the respondent registry as you type, show only the fields
// that apply, and warn before a late filing. The form works fully without this file.
(function () {
  "use strict";

  function renumber(row, index) {
    row.querySelectorAll("[name], [id], label[for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) { el.setAttribute(attr, v.replace(/^(\w+)-\d+-/, "$1-" + index + "-").replace(/ (\w+)-\d+-/g, " $1-" + index + "-")); }
      });
    });
    var title = row.querySelector(".row-title");
    if (title) { title.textContent = title.textContent.replace(/\d+\s*$/, String(index + 1)); }
  }

  function addRow(button) {
    var group = document.getElementById(button.getAttribute("data-add-row"));
    var rows = group.querySelectorAll("[data-row]");
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    copy.querySelectorAll(".field-error, .typeahead-input, datalist").forEach(function (el) { el.remove(); });
    copy.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    copy.querySelectorAll("input, textarea, select").forEach(function (el) {
      if (el.tagName === "SELECT") { el.selectedIndex = 0; } else { el.value = ""; }
    });
    renumber(copy, rows.length);
    last.parentNode.insertBefore(copy, last.nextSibling);
    copy.querySelectorAll("select[data-typeahead]").forEach(typeahead);
    var first = copy.querySelector("select, input, textarea");
    if (first) { first.focus(); }
    if (rows.length + 1 >= 20) { button.hidden = true; }
  }

  function narrow(select, attr, parentValue) {
    if (!select._all) { select._all = Array.prototype.slice.call(select.options); }
    var current = select.value;
    while (select.options.length) { select.remove(0); }
    select._all.forEach(function (opt) {
      var owner = opt.getAttribute(attr);
      if (!opt.value || !parentValue || owner === parentValue) { select.add(opt); }
    });
    select.value = current;
    if (select.value !== current) { select.selectedIndex = 0; }
  }

  function places(form) {
    var region = form.querySelector("[data-place=region]");
    var district = form.querySelector("[data-place=district]");
    var precinct = form.querySelector("[data-place=precinct]");
    if (!region || !district || !precinct) { return; }
    function update() {
      narrow(district, "data-region", region.value);
      // With no district chosen, the precincts of the region's districts.
      if (district.value) {
        narrow(precinct, "data-district", district.value);
      } else if (region.value) {
        var ids = district._all.filter(function (o) { return o.getAttribute("data-region") === region.value; })
          .map(function (o) { return o.value; });
        if (!precinct._all) { precinct._all = Array.prototype.slice.call(precinct.options); }
        var current = precinct.value;
        while (precinct.options.length) { precinct.remove(0); }
        precinct._all.forEach(function (o) {
          if (!o.value || ids.indexOf(o.getAttribute("data-district")) >= 0) { precinct.add(o); }
        });
        precinct.value = current;
      } else {
        narrow(precinct, "data-district", "");
      }
    }
    region.addEventListener("change", update);
    district.addEventListener("change", update);
    update();
  }

  var counter = 0;
  function typeahead(select) {
    var form = select.form;
    var url = form && form.getAttribute("data-search-url");
    if (!url) { return; }
    counter += 1;
    var list = document.createElement("datalist");
    list.id = "respondent-suggestions-" + counter;
    var input = document.createElement("input");
    input.type = "search";
    input.className = "typeahead-input";
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-label", (select.labels && select.labels[0] ? select.labels[0].textContent.trim() : "Respondent") + ": search");
    input.placeholder = "…";
    select.parentNode.insertBefore(input, select);
    select.parentNode.insertBefore(list, select);
    var found = {};
    var timer = null;
    input.addEventListener("input", function () {
      var label = input.value;
      if (found[label]) {
        var id = String(found[label]);
        var has = Array.prototype.some.call(select.options, function (o) { return o.value === id; });
        if (!has) { select.add(new Option(label, id)); }
        select.value = id;
        return;
      }
      clearTimeout(timer);
      if (label.length < 2) { return; }
      timer = setTimeout(function () {
        var election = form.querySelector("[name=election_id]");
        var q = url + "?q=" + encodeURIComponent(label) + (election && election.value ? "&election=" + encodeURIComponent(election.value) : "");
        fetch(q, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (rows) {
            list.innerHTML = "";
            rows.forEach(function (row) {
              found[row.label] = row.id;
              var opt = document.createElement("option");
              opt.value = row.label;
              list.appendChild(opt);
            });
          })
          .catch(function () { /* the select still works */ });
      }, 200);
    });
  }

  function toggles(form) {
    form.querySelectorAll("[data-toggles]").forEach(function (box) {
      var target = document.getElementById(box.getAttribute("data-toggles"));
      if (!target) { return; }
      var hasErrors = target.querySelector(".field-error");
      function update() { target.hidden = !box.checked && !hasErrors; }
      box.addEventListener("change", function () { hasErrors = null; update(); });
      update();
    });
    var kinds = form.querySelectorAll("input[data-kind]");
    function kind() {
      var chosen = "violation";
      kinds.forEach(function (r) { if (r.checked) { chosen = r.value; } });
      form.querySelectorAll("[data-kind-only]").forEach(function (el) {
        el.hidden = el.getAttribute("data-kind-only") !== chosen;
      });
      return chosen;
    }
    kinds.forEach(function (r) { r.addEventListener("change", function () { kind(); late(); }); });
    kind();

    var days = parseInt(form.getAttribute("data-filing-days") || "", 10);
    var hint = document.getElementById("late-hint");
    // The late-filing reason is asked for only when the dates make the complaint late.
    var lateBox = document.getElementById("late-box");
    var keep = lateBox && lateBox.hasAttribute("data-keep");
    function late() {
      if (!hint || !days) { return; }
      var field = form.querySelector(kind() === "appeal" ? "[name=act_date]" : "[name=awareness_at]");
      var isLate = false;
      if (field && field.value) {
        // The value is Bishkek time (UTC+6, no daylight saving).
        var v = field.value.replace(" ", "T");
        if (v.length === 16) { v += ":00"; }
        var start = Date.parse(v + "+06:00");
        isLate = !isNaN(start) && Date.now() > start + days * 86400000;
      }
      hint.hidden = !isLate;
      if (lateBox) { lateBox.hidden = !isLate && !keep; }
    }
    form.querySelectorAll("[name=awareness_at], [name=act_date]").forEach(function (el) {
      el.addEventListener("change", late);
      el.addEventListener("input", late);
    });
    late();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.filing-form").forEach(function (form) {
      form.querySelectorAll("[data-add-row]").forEach(function (button) {
        button.addEventListener("click", function (ev) { ev.preventDefault(); addRow(button); });
      });
      places(form);
      form.querySelectorAll("select[data-typeahead]").forEach(typeahead);
      toggles(form);
    });
  });
})();
