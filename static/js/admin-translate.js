// The segment editor: live progress, Tab to the next segment, Ctrl+Enter to save, "Use" fills a suggestion,
// "Suggest" asks the machine translation service for one segment.
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

    var suggestUrl = form.getAttribute("data-suggest-url");
    var SUGGEST_TIMEOUT_MS = 15000;

    function suggestionItem(targetId, suggestion) {
      var item = document.createElement("li");
      var use = document.createElement("button");
      use.type = "button";
      use.className = "button translate-use";
      use.setAttribute("data-target", targetId);
      use.setAttribute("data-text", suggestion.text);
      use.textContent = form.getAttribute("data-label-use");
      var text = document.createElement("span");
      text.className = "translate-suggestion";
      text.textContent = suggestion.text;
      var meta = document.createElement("small");
      meta.textContent = suggestion.score + "% · " + suggestion.origin;
      item.append(use, " ", text, " ", meta);
      return item;
    }

    function askService(button) {
      var box = button.closest(".translate-target");
      var status = box.querySelector(".translate-machine-status");
      var list = box.querySelector(".translate-machine-suggestions");
      var body = new FormData();
      body.append("key", button.getAttribute("data-key"));
      var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
      var controller = new AbortController();
      var timer = setTimeout(function () { controller.abort(); }, SUGGEST_TIMEOUT_MS);
      button.disabled = true;
      status.textContent = form.getAttribute("data-label-asking");
      fetch(suggestUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Accept": "application/json" },
        signal: controller.signal
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) {
            throw new Error(data.error || form.getAttribute("data-label-failed"));
          }
          return data;
        });
      }).then(function (data) {
        list.replaceChildren();
        (data.suggestions || []).forEach(function (suggestion) {
          list.appendChild(suggestionItem(button.getAttribute("data-target"), suggestion));
        });
        list.hidden = list.children.length === 0;
        status.textContent = list.hidden ? form.getAttribute("data-label-none") : "";
      }).catch(function (error) {
        status.textContent = error.name === "AbortError" || error.name === "TypeError"
          ? form.getAttribute("data-label-failed")
          : error.message;
      }).finally(function () {
        clearTimeout(timer);
        button.disabled = false;
      });
    }

    form.addEventListener("click", function (event) {
      var button = event.target.closest("button.translate-suggest");
      if (button && suggestUrl) {
        askService(button);
      }
    });

    updateProgress();
  });
})();
