// The article body editor: a tall auto-growing textarea, a small Markdown toolbar with keyboard
// shortcuts, and a live preview rendered by the server's own pipeline (news/preview.py) beside it.
(function () {
  "use strict";
  var DELAY = 400;

  function label(config, name) { return config.dataset["label" + name] || name; }

  function csrfToken(textarea) {
    var input = textarea.form && textarea.form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function grow(textarea) {
    // Grow with the text, never shrink below the rows the server asked for.
    textarea.style.height = "auto";
    textarea.style.height = Math.max(textarea.scrollHeight + 4, textarea.clientHeight) + "px";
  }

  // Replaces the selection with before + (selection or placeholder) + after, placeholder selected.
  function wrap(textarea, before, after, placeholder) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var chosen = textarea.value.slice(start, end) || placeholder;
    textarea.setRangeText(before + chosen + after, start, end, "end");
    textarea.setSelectionRange(start + before.length, start + before.length + chosen.length);
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function lineStart(textarea, prefix) {
    var start = textarea.value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    textarea.setRangeText(prefix, start, start, "end");
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function insertBlock(textarea, block) {
    var start = textarea.selectionStart;
    var before = textarea.value.slice(0, start);
    var gap = !before || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    textarea.setRangeText(gap + block + "\n", start, textarea.selectionEnd, "end");
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function commands(config) {
    var column = label(config, "Column");
    return {
      heading: function (t) { lineStart(t, "## "); },
      bold: function (t) { wrap(t, "**", "**", label(config, "BoldText")); },
      italic: function (t) { wrap(t, "*", "*", label(config, "ItalicText")); },
      link: function (t) { wrap(t, "[", "](https://)", label(config, "LinkText")); },
      image: function (t) { wrap(t, "![", "](media/)", label(config, "AltText")); },
      table: function (t) {
        insertBlock(t, "| " + column + " 1 | " + column + " 2 |\n| --- | --- |\n|  |  |");
      },
      code: function (t) {
        if (t.selectionStart === t.selectionEnd || t.value.slice(t.selectionStart, t.selectionEnd).indexOf("\n") !== -1) {
          wrap(t, "```\n", "\n```", "");
        } else {
          wrap(t, "`", "`", "");
        }
      },
    };
  }

  var SHORTCUTS = { b: "bold", i: "italic", k: "link", e: "code" };

  function toolbar(config, textarea, actions) {
    var bar = document.createElement("div");
    bar.className = "md-toolbar";
    bar.setAttribute("role", "toolbar");
    [["heading", "H", "Heading"], ["bold", "B", "Bold"], ["italic", "I", "Italic"], ["link", "[ ]( )", "Link"],
     ["image", "![ ]( )", "Image"], ["table", "| |", "Table"], ["code", "</>", "Code"]].forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button md-" + item[0];
      button.textContent = item[1];
      button.title = label(config, item[2]);
      button.setAttribute("aria-label", label(config, item[2]));
      button.addEventListener("click", function () { actions[item[0]](textarea); });
      bar.appendChild(button);
    });
    return bar;
  }

  function frameDocument(config, language, html, missing) {
    var links = config.dataset.stylesheets.split(" ").map(function (href) {
      return '<link rel="stylesheet" href="' + href + '">';
    }).join("");
    var warning = "";
    if (missing.length) {
      var items = missing.map(function (ref) {
        var span = document.createElement("code");
        span.textContent = ref;
        return "<li>" + span.outerHTML + "</li>";
      }).join("");
      warning = '<div class="notice">' + label(config, "Missing") + "<ul>" + items + "</ul></div>";
    }
    return '<!doctype html><html lang="' + language + '"><head><meta charset="utf-8">' + links +
      '</head><body class="markdown-preview"><main><article class="article"><div class="article-body">' +
      warning + html + "</div></article></main></body></html>";
  }

  function setup(config, textarea, actions) {
    var holder = document.createElement("div");
    holder.className = "md-editor";
    textarea.parentNode.insertBefore(holder, textarea);
    var writing = document.createElement("div");
    writing.className = "md-writing";
    writing.appendChild(toolbar(config, textarea, actions));
    writing.appendChild(textarea);
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "md-toggle";
    toggle.textContent = label(config, "ShowPreview");
    toggle.setAttribute("aria-expanded", "false");
    var pane = document.createElement("div");
    pane.className = "md-preview";
    var heading = document.createElement("div");
    heading.className = "md-preview-title";
    heading.textContent = label(config, "Preview");
    var frame = document.createElement("iframe");
    frame.className = "md-preview-frame";
    frame.title = label(config, "Preview");
    frame.setAttribute("sandbox", "allow-same-origin");
    var status = document.createElement("p");
    status.className = "md-preview-status";
    status.setAttribute("role", "status");
    pane.append(heading, status, frame);
    holder.append(writing, toggle, pane);

    toggle.addEventListener("click", function () {
      var open = holder.classList.toggle("md-show-preview");
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = label(config, open ? "HidePreview" : "ShowPreview");
    });

    var language = textarea.dataset.markdownEditor;
    var title = document.getElementById(textarea.id.replace(/^id_body_/, "id_title_"));
    var timer = null, sent = 0;
    function refresh() {
      var body = new FormData();
      body.append("text", textarea.value);
      body.append("language", language);
      body.append("title", title ? title.value : "");
      var number = ++sent;
      fetch(config.dataset.previewUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea) },
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (data) {
        if (number !== sent) { return; }  // an older answer arriving late
        status.textContent = "";
        frame.srcdoc = frameDocument(config, textarea.getAttribute("lang") || "", data.html, data.missing);
        textarea.dispatchEvent(new CustomEvent("markdown-preview", { detail: data, bubbles: true }));
      }).catch(function () {
        status.textContent = label(config, "PreviewFailed");
      });
    }
    frame.addEventListener("load", function () {
      var doc = frame.contentDocument;
      if (doc) { frame.style.height = Math.max(300, doc.documentElement.scrollHeight + 20) + "px"; }
    });
    textarea.addEventListener("input", function () {
      grow(textarea);
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY);
    });
    if (title) {
      title.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, DELAY); });
    }
    textarea.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) { return; }
      var name = SHORTCUTS[event.key.toLowerCase()];
      if (name) { event.preventDefault(); actions[name](textarea); }
    });
    var notes = document.createElement("p");
    notes.className = "md-notes help";
    notes.setAttribute("aria-live", "polite");
    // Translators cannot add images: no hint for them, and a dropped file does nothing.
    notes.textContent = config.dataset.uploadUrl ? label(config, "DropHint") : (config.dataset.saved ? "" : label(config, "SaveFirst"));
    writing.appendChild(notes);
    images(config, textarea, notes);
    grow(textarea);
    refresh();
  }

  // Images dropped or pasted into the body are uploaded, and their references typed where the cursor was.
  function images(config, textarea, notes) {
    function upload(files, at) {
      files = Array.prototype.filter.call(files, function (file) { return file.type.indexOf("image/") === 0 || !file.type; });
      if (!files.length) { return; }
      if (!config.dataset.uploadUrl) {
        if (!config.dataset.saved) { notes.textContent = label(config, "SaveFirst"); notes.classList.add("md-error"); }
        return;
      }
      var body = new FormData();
      files.forEach(function (file) { body.append("image", file, file.name || "image.png"); });
      body.append("language", "");
      notes.classList.remove("md-error");
      notes.textContent = label(config, "Uploading");
      fetch(config.dataset.uploadUrl, {
        method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken(textarea) },
      }).then(function (response) { return response.json(); }).then(function (data) {
        if (data.error) { throw new Error(data.error); }
        var inserted = [], refused = [];
        data.images.forEach(function (item) {
          if (item.reference) {
            var alt = item.name.replace(/\.[^.]*$/, "").replace(/[\[\]]/g, "");
            inserted.push("![" + alt + "](" + item.reference + ")");
          } else {
            refused.push(item.error);
          }
        });
        if (inserted.length) {
          textarea.setRangeText(inserted.join("\n\n"), at, at, "end");
          textarea.focus();
          textarea.dispatchEvent(new Event("input", { bubbles: true }));
        }
        var uploaded = data.images.filter(function (item) { return item.reference; }).map(function (item) { return item.reference; });
        notes.textContent = (uploaded.length ? label(config, "Uploaded") + " " + uploaded.join(", ") + " " : "") + refused.join(" ");
        notes.classList.toggle("md-error", refused.length > 0);
      }).catch(function (error) {
        notes.textContent = error.message || label(config, "PreviewFailed");
        notes.classList.add("md-error");
      });
    }
    textarea.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1) {
        event.preventDefault();
        textarea.classList.add("md-dropping");
      }
    });
    textarea.addEventListener("dragleave", function () { textarea.classList.remove("md-dropping"); });
    textarea.addEventListener("drop", function (event) {
      textarea.classList.remove("md-dropping");
      if (!event.dataTransfer || !event.dataTransfer.files.length) { return; }
      event.preventDefault();
      upload(event.dataTransfer.files, textarea.selectionStart);
    });
    textarea.addEventListener("paste", function (event) {
      var files = event.clipboardData && event.clipboardData.files;
      if (files && files.length) {
        event.preventDefault();
        upload(files, textarea.selectionStart);
      }
    });
  }

  // The banner as list cards (16:9) and social cards (1.91:1) will crop it.
  function bannerCrops(config) {
    var input = document.getElementById("id_banner");
    if (!input) { return; }
    var current = input.closest("div, p").parentNode.querySelector("a[href]");
    var box = document.createElement("div");
    box.className = "banner-crops";
    var frames = [["Card", "banner-crop-card"], ["Social", "banner-crop-social"]].map(function (item) {
      var figure = document.createElement("figure");
      figure.className = "banner-crop " + item[1];
      var image = document.createElement("img");
      image.alt = "";
      var caption = document.createElement("figcaption");
      caption.textContent = label(config, item[0]);
      figure.append(image, caption);
      box.appendChild(figure);
      return image;
    });
    function show(url) {
      box.hidden = !url;
      frames.forEach(function (image) { if (url) { image.src = url; } });
    }
    input.parentNode.appendChild(box);
    show(current && /\.(jpe?g|png|gif|webp)$/i.test(current.getAttribute("href")) ? current.href : "");
    input.addEventListener("change", function () {
      if (input.files && input.files[0]) { show(URL.createObjectURL(input.files[0])); }
    });
  }

  // Each image row: a button copying the Markdown that shows it.
  function copyButtons(config) {
    document.querySelectorAll("input[name^='images-'][name$='-reference']").forEach(function (input) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button md-copy";
      button.textContent = label(config, "Copy");
      button.addEventListener("click", function () {
        var text = "![](" + input.value + ")";
        var done = function () { button.textContent = label(config, "Copied"); };
        if (navigator.clipboard) { navigator.clipboard.writeText(text).then(done, function () {}); }
        else { input.select(); document.execCommand("copy"); done(); }
      });
      input.after(button);
    });
  }

  // The image rows as the form has them now: reference (else the chosen file's name) and language.
  function imageRows(form) {
    var rows = [];
    form.querySelectorAll("input[name^='images-'][name$='-reference']").forEach(function (input) {
      var prefix = input.name.slice(0, -"reference".length);
      if (prefix.indexOf("__prefix__") !== -1) { return; }
      var deleted = form.querySelector("input[name='" + prefix + "DELETE']");
      if (deleted && deleted.checked) { return; }
      var file = form.querySelector("input[name='" + prefix + "image']");
      var chosen = file && file.files && file.files[0] ? file.files[0].name : "";
      var saved = form.querySelector("input[name='" + prefix + "id']");
      var reference = input.value.trim() || chosen;
      if (!reference || (!chosen && !(saved && saved.value))) { return; }  // an empty row saves nothing
      var language = form.querySelector("[name='" + prefix + "language']");
      rows.push([reference, language ? language.value : ""]);
    });
    return rows;
  }

  // The warnings a save would give about images (news/admin_editor.py), shown live as the form changes.
  function imageWarnings(config) {
    var form = document.getElementById("article_form");
    if (!form || !config.dataset.checkUrl) { return; }
    var box = document.createElement("ul");
    box.className = "image-warnings";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    var group = document.getElementById("images-group");
    (group || form.querySelector("fieldset") || form).before(box);
    var timer = null, sent = 0;
    function check() {
      var body = new FormData();
      form.querySelectorAll("textarea[name^='body_']").forEach(function (textarea) {
        body.append(textarea.name, textarea.value);
      });
      imageRows(form).forEach(function (row) { body.append("reference", row[0]); body.append("language", row[1]); });
      var number = ++sent;
      fetch(config.dataset.checkUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "" },
      }).then(function (response) { return response.json(); }).then(function (data) {
        if (number !== sent) { return; }
        box.replaceChildren.apply(box, (data.warnings || []).map(function (text) {
          var item = document.createElement("li");
          item.className = "warning";
          item.textContent = text;
          return item;
        }));
      }).catch(function () {});
    }
    function later() { clearTimeout(timer); timer = setTimeout(check, DELAY); }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    document.addEventListener("formset:added", later);
    document.addEventListener("formset:removed", later);
    check();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var config = document.getElementById("markdown-editor-config");
    if (!config) { return; }
    var actions = commands(config);
    imageWarnings(config);
    copyButtons(config);
    bannerCrops(config);
    document.querySelectorAll("textarea[data-markdown-editor]").forEach(function (textarea) {
      if (!textarea.readOnly && !textarea.disabled) { setup(config, textarea, actions); }
    });
  });
})();
