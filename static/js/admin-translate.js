// The segment editor: live progress, Tab to the next segment, Ctrl+Enter to save, "Use" fills a suggestion.
(function () {
  "use strict";

  function ready(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  ready(function () {
    var form = document.getElementById("translate-form");
    if (!form) {
      return;
    }
    var inputs = Array.prototype.slice.call(form.querySelectorAll("textarea.translate-input"));
    var bar = document.getElementById("translate-progress");
    var label = document.getElementById("translate-progress-text");

    function updateProgress() {
      var done = inputs.filter(function (input) { return input.value.trim() !== ""; }).length;
      if (bar) {
        bar.value = done;
      }
      if (label) {
        label.textContent = done + " / " + inputs.length;
      }
    }

    function save() {
      var button = form.querySelector("input[name=_save]");
      if (!button) {
        return;
      }
      if (form.requestSubmit) {
        form.requestSubmit(button);
      } else {
        button.click();
      }
    }

    inputs.forEach(function (input, index) {
      input.addEventListener("input", updateProgress);
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          save();
        } else if (event.key === "Tab" && !event.shiftKey && !event.altKey && !event.ctrlKey && index + 1 < inputs.length) {
          event.preventDefault();
          inputs[index + 1].focus();
        } else if (event.key === "Tab" && event.shiftKey && index > 0) {
          event.preventDefault();
          inputs[index - 1].focus();
        }
      });
    });

    form.addEventListener("click", function (event) {
      var button = event.target.closest("button.translate-use");
      if (!button) {
        return;
      }
      var input = document.getElementById(button.getAttribute("data-target"));
      if (input && !input.readOnly) {
        input.value = button.getAttribute("data-text");
        input.focus();
        updateProgress();
      }
    });

    updateProgress();
  });
})();
