/* teikit web edition: footnote previews and the offline search. Copied beside the pages as
   edition.js. Everything works without it: a footnote marker is a link to its note, the search
   page says it needs JavaScript. No libraries, nothing fetched but the edition's own files. */
(function () {
  "use strict";

  /* ---------- footnote preview: hover or keyboard focus on a marker shows the note ---------- */

  var preview = null;
  var owner = null;
  var hideTimer = null;

  function notePreview() {
    if (!preview) {
      preview = document.createElement("div");
      preview.id = "fn-preview";
      preview.className = "fn-preview";
      preview.setAttribute("role", "tooltip");
      preview.hidden = true;
      preview.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
      preview.addEventListener("mouseleave", scheduleHide);
      document.body.appendChild(preview);
    }
    return preview;
  }

  function show(link) {
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    var note = document.getElementById(id);
    if (!note) return;
    var body = note.querySelector(".fn-body") || note;
    var box = notePreview();
    clearTimeout(hideTimer);
    box.textContent = "";
    var label = document.createElement("span");
    label.className = "fn-preview-label";
    label.textContent = link.textContent + ". ";
    box.appendChild(label);
    var copy = body.cloneNode(true);
    copy.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
    copy.querySelectorAll("a.backref").forEach(function (e) { e.remove(); });
    /* the preview is read, not navigated: its links stay out of the tab order */
    copy.querySelectorAll("a[href]").forEach(function (e) { e.setAttribute("tabindex", "-1"); });
    box.appendChild(copy);
    box.hidden = false;
    owner = link;
    link.setAttribute("aria-describedby", box.id);
    var r = link.getBoundingClientRect();
    var width = box.offsetWidth;
    var left = Math.max(8, Math.min(r.left + window.scrollX - 24,
      document.documentElement.clientWidth + window.scrollX - width - 8));
    box.style.left = left + "px";
    box.style.top = (r.bottom + window.scrollY + 6) + "px";
  }

  function hide() {
    if (preview) preview.hidden = true;
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 250);
  }

  function initNotes() {
    document.querySelectorAll("a.noteref").forEach(function (link) {
      link.addEventListener("mouseenter", function () { show(link); });
      link.addEventListener("mouseleave", scheduleHide);
      link.addEventListener("focus", function () { show(link); });
      link.addEventListener("blur", scheduleHide);
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && owner) hide();
    });
  }

  /* ---------- search: search/docs.json + search/t-XX.json (see writers/html.py) ---------- */

  function fold(text) {
    return text.toLowerCase().replace(/ß/g, "ss").normalize("NFKD").replace(/\p{M}/gu, "");
  }

  function words(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

  function hex(text) {
    return Array.from(new TextEncoder().encode(text), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  var cache = {};
  function load(name) {
    if (!cache[name]) {
      cache[name] = fetch("search/" + name).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + r.statusText);
        return r.json();
      });
    }
    return cache[name];
  }

  /* documents holding a word: every indexed word that starts with it (one-letter words: exactly it) */
  function docsFor(word, meta) {
    var shard = hex(Array.from(word)[0]);
    if (meta.shards.indexOf(shard) < 0) return Promise.resolve(new Set());
    return load("t-" + shard + ".json").then(function (terms) {
      var found = new Set();
      Object.keys(terms).forEach(function (t) {
        if (t === word || (word.length > 1 && t.startsWith(word))) {
          terms[t].forEach(function (d) { found.add(d); });
        }
      });
      return found;
    });
  }

  function search(query, status, list) {
    var ws = Array.from(new Set(words(query)));
    list.textContent = "";
    if (!ws.length) { status.textContent = ""; return Promise.resolve(); }
    status.textContent = "Searching…";
    return load("docs.json").then(function (meta) {
      return Promise.all([meta.docs].concat(ws.map(function (w) { return docsFor(w, meta); })));
    }).then(function (all) {
      var docs = all[0];
      var hits = all.slice(1).reduce(function (a, b) {
        return new Set(Array.from(a).filter(function (d) { return b.has(d); }));
      });
      var sorted = Array.from(hits).sort(function (a, b) { return a - b; });
      var shown = sorted.slice(0, 200);
      shown.forEach(function (i) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = docs[i][0];
        a.textContent = docs[i][1];
        li.appendChild(a);
        if (docs[i][2]) {
          var date = document.createElement("span");
          date.className = "docdate";
          date.textContent = " " + docs[i][2];
          li.appendChild(date);
        }
        list.appendChild(li);
      });
      var q = "“" + query.trim() + "”";
      status.textContent = sorted.length === 0 ? "No document contains " + q + "."
        : (sorted.length === 1 ? "1 document contains " : sorted.length + " documents contain ") + q
          + (sorted.length > shown.length ? "; the first " + shown.length + " are listed." : ".");
    }).catch(function (err) {
      status.textContent = "The search index could not be loaded (" + err.message +
        "). Search needs the edition to be served over http(s), not opened as files.";
    });
  }

  function initSearch() {
    var form = document.getElementById("search");
    if (!form) return;
    var input = form.querySelector("input[name=q]");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var q = new URLSearchParams(window.location.search).get("q") || "";
    input.value = q;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var url = new URL(window.location.href);
      url.searchParams.set("q", input.value);
      window.history.replaceState(null, "", url);
      search(input.value, status, list);
    });
    if (q) search(q, status, list);
  }

  function init() {
    initNotes();
    initSearch();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
