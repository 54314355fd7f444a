// Suggests existing tags while an editor types in the comma-separated tag field.
// A tag is found by its name or by its label in any language; choosing it types its name.
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
        var cut = input.value.lastIndexOf(",") + 1;
        var typed = input.value.slice(cut);
        var term = typed.trim();
        // Browsers show an option when its value or label contains what is typed, so both
        // start with the text before the term exactly as the editor typed it.
        var before = input.value.slice(0, cut) + typed.match(/^\s*/)[0];
        var chosen = input.value.slice(0, cut).split(",").map(function (p) { return p.trim(); }).filter(Boolean);
        if (!term) { list.replaceChildren(); return; }
        fetch(input.dataset.suggestionsUrl + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { tags: [], labels: [] }; })
          .then(function (data) {
            var options = [];
            data.tags.forEach(function (name, index) {
              if (chosen.indexOf(name) !== -1) { return; }
              var option = document.createElement("option");
              option.value = before + name;
              option.label = before + (data.labels[index] || name) + " (" + name + ")";
              options.push(option);
            });
            list.replaceChildren.apply(list, options);
          });
      }, 150);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggestions-url]").forEach(setup);
  });
})();
