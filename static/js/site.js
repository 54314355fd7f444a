// The header menu on narrow screens. Without JavaScript, css/nojs.css keeps
// the menu unfolded, so every link stays reachable.
(function () {
  "use strict";
  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (!toggle || !menu) return;

  function setOpen(open, returnFocus) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
    if (!open && returnFocus) toggle.focus();
  }

  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    setOpen(open, false);
    if (open) {
      var first = menu.querySelector("a, input, button");
      if (first) first.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") setOpen(false, true);
  });
  document.addEventListener("click", function (event) {
    if (toggle.getAttribute("aria-expanded") === "true" && !menu.contains(event.target) && !toggle.contains(event.target)) {
      setOpen(false, false);
    }
  });
})();

// Reading aids. Each one only adds to a page that already works without it.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (error) { done = false; }
      document.body.removeChild(area);
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  }

  // Copy buttons on code blocks; their labels come from the page, in its language.
  var body = document.querySelector(".article-body[data-copy-label]");
  if (body) {
    body.querySelectorAll("pre").forEach(function (pre) {
      // Long lines scroll sideways: keyboard users must be able to reach the scroller.
      if (!pre.hasAttribute("tabindex")) pre.tabIndex = 0;
      var holder = pre.parentElement && pre.parentElement.classList.contains("highlight") ? pre.parentElement : pre;
      var block = document.createElement("div");
      block.className = "code-block";
      holder.parentNode.insertBefore(block, holder);
      block.appendChild(holder);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "code-copy";
      button.textContent = body.dataset.copyLabel;
      button.addEventListener("click", function () {
        copyText(pre.innerText.replace(/\n$/, "")).then(function () {
          button.textContent = body.dataset.copiedLabel;
          setTimeout(function () { button.textContent = body.dataset.copyLabel; }, 2000);
        }, function () {});
      });
      block.appendChild(button);
    });
  }

  // "Copy link" needs a script, so it stays hidden without one.
  document.querySelectorAll(".share-copy").forEach(function (button) {
    var status = button.parentElement.querySelector(".share-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(button.dataset.url).then(
        function () { if (status) status.textContent = button.dataset.copied; },
        function () { if (status) status.textContent = button.dataset.failed; }
      );
    });
  });

  // The contents: open beside or above the text on wide screens, folded on phones.
  var toc = document.querySelector(".article-toc");
  var details = toc && toc.querySelector("details");
  if (details && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48rem)");
    var follow = function () { details.open = wide.matches; };
    follow();
    details.classList.add("is-managed");
    if (wide.addEventListener) wide.addEventListener("change", follow);
  }

  // The section being read is marked in the contents.
  if (toc && body && "IntersectionObserver" in window) {
    var links = {};
    toc.querySelectorAll("a[href^='#']").forEach(function (link) {
      links[decodeURIComponent(link.hash.slice(1))] = link;
    });
    var headings = Array.prototype.filter.call(body.querySelectorAll("h2[id], h3[id], h4[id]"), function (heading) {
      return links[heading.id];
    });
    var current = null;
    var mark = function () {
      var line = window.innerHeight * 0.3;
      var found = null;
      headings.forEach(function (heading) {
        if (heading.getBoundingClientRect().top <= line) found = heading;
      });
      var link = found ? links[found.id] : null;
      if (link === current) return;
      if (current) current.removeAttribute("aria-current");
      if (link) link.setAttribute("aria-current", "true");
      current = link;
    };
    var observer = new IntersectionObserver(mark, { rootMargin: "0px 0px -70% 0px" });
    headings.forEach(function (heading) { observer.observe(heading); });
    mark();
  }
})();
