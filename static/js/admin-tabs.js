/* The change form's language tabs (drawn by modeltranslation): language names in the admin's language,
   a mark for empty / filled / has errors, and the article's source language (or the first error) open. */
(function () {
  "use strict";

  function config() {
    var element = document.getElementById("language-tabs-config");
    if (!element) return null;
    try {
      return JSON.parse(element.getAttribute("data-tabs"));
    } catch (error) {
      return null;
    }
  }

  // The language a tab's panel holds, from modeltranslation's class "mt-field-<field>-<suffix>".
  function suffixOf(anchor) {
    var panel = document.getElementById((anchor.getAttribute("href") || "").replace(/^#/, ""));
    var field = panel && panel.querySelector("[class*='mt-field-']");
    if (!field) return null;
    var match = /(?:^|\s)mt-field-[^\s]+?-([a-z_]+)(?:\s|$)/.exec(field.className);
    return match ? match[1] : null;
  }

  function label(anchor, language) {
    anchor.textContent = language.name + " ";
    var mark = document.createElement("span");
    mark.className = "tab-state tab-state-" + language.state;
    mark.textContent = "(" + language.state_label + ")";
    anchor.appendChild(mark);
    anchor.setAttribute("title", language.name + " — " + language.state_label);
    anchor.parentNode.classList.add("language-tab", "language-tab-" + language.state);
    anchor.setAttribute("data-language", language.code);
  }

  function start() {
    var settings = config();
    if (!settings) return;
    var bySuffix = {};
    settings.languages.forEach(function (language) {
      bySuffix[language.suffix] = language;
    });
    var toOpen = [];
    document.querySelectorAll(".ui-tabs-nav a[href^='#tab_']").forEach(function (anchor) {
      var language = bySuffix[suffixOf(anchor)];
      if (!language) return;
      label(anchor, language);
      if (language.code === settings.active) toOpen.push(anchor);
    });
    toOpen.forEach(function (anchor) {
      anchor.click();
    });
    var select = document.getElementById("modeltranslation-main-switch");
    if (select) {
      Array.prototype.forEach.call(select.options, function (option) {
        var language = settings.languages.find(function (item) {
          return item.code === option.textContent.trim() || item.suffix === option.textContent.trim();
        });
        if (language) option.textContent = language.name;
      });
      var index = settings.languages.findIndex(function (item) { return item.code === settings.active; });
      if (index >= 0) select.value = String(index);
    }
  }

  // modeltranslation draws every tab in one go when the document is ready; a mutation observer's
  // callback runs after that script has finished, so all of them are there by then.
  function whenTabsDrawn(callback) {
    if (document.querySelector(".ui-tabs-nav")) {
      callback();
      return;
    }
    var observer = new MutationObserver(function () {
      if (document.querySelector(".ui-tabs-nav")) {
        observer.disconnect();
        callback();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  }

  document.addEventListener("DOMContentLoaded", function () {
    whenTabsDrawn(start);
  });
})();
