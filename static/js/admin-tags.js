// Suggests existing tags while an editor types in the comma-separated tag field.
(function () {
  "use strict";
  function setup(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.after(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var parts = input.value.split(",");
        var term = parts.pop().trim();
        var chosen = parts.map(function (p) { return p.trim(); }).filter(Boolean);
        if (!term) { list.replaceChildren(); return; }
        fetch(input.dataset.suggestionsUrl + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { tags: [] }; })
          .then(function (data) {
            list.replaceChildren.apply(list, data.tags.filter(function (name) {
              return chosen.indexOf(name) === -1;
            }).map(function (name) {
              var option = document.createElement("option");
              option.value = chosen.concat([name]).join(", ");
              return option;
            }));
          });
      }, 150);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggestions-url]").forEach(setup);
  });
})();
