/* The catalog browser: facets, text filter, sort and URL state over the home page's list.
 * Plain JavaScript over the JSON embedded in the page; no framework, no request.
 * Facet counts: OR within a facet, AND across facets (and with the text filter); a value's
 * count is how many papers would show if it were added to its facet's selection. */
(function () {
  "use strict";

  var FACETS = ["keyword", "venue", "year"];
  // Entries shown at once (default; the page may set data-page-size); "Show more" adds as
  // many. Only the shown entries stay in the document: with Material's stylesheet, every
  // entry in the page, even hidden, costs style and paint time on each click.
  var PAGE = 100;
  var PARAM = { keyword: "kw", venue: "venue", year: "year", text: "text", sort: "sort" };

  function initBrowser() {
    var root = document.getElementById("catalog-browser");
    var source = document.getElementById("catalog-data");
    if (!root || !source || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    // A <template> (Material re-runs scripts on instant navigation): its text is in .content.
    var data = JSON.parse((source.content || source).textContent);
    var list = root.querySelector("[data-papers]");
    var items = Array.prototype.slice.call(list.children);
    var rows = data.papers;
    var n = rows.length;
    if (items.length !== n) {
      console.warn("catalog: list and data disagree; filters disabled");
      return;
    }

    var names = data.facets;
    var titles = new Array(n);
    var hay = new Array(n);
    var order = [];
    for (var o = 0; o < n; o++) order.push(o);
    var pageSize = parseInt(root.getAttribute("data-page-size"), 10) || PAGE;
    var limit = pageSize;
    for (var i = 0; i < n; i++) {
      var row = rows[i];
      var title = items[i].querySelector(".cf-title").textContent;
      titles[i] = title.toLowerCase();
      var words = [title, names.venue[row[0]]];
      for (var j = 3; j < row.length; j++) words.push(names.keyword[row[j]]);
      hay[i] = words.join(" \u0000 ").toLowerCase();
    }

    var buttons = {};
    var counters = {};
    var lastCount = {};
    var index = {};
    FACETS.forEach(function (facet) {
      buttons[facet] = new Array(names[facet].length);
      counters[facet] = new Array(names[facet].length);
      lastCount[facet] = new Int32Array(names[facet].length).fill(-1);
      index[facet] = {};
      names[facet].forEach(function (name, k) { index[facet][name] = k; });
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-facet]"), function (button) {
      var facet = button.getAttribute("data-facet");
      var k = index[facet][button.getAttribute("data-value")];
      if (k === undefined) return;
      buttons[facet][k] = button;
      counters[facet][k] = button.querySelector(".cf-count");
    });

    var input = root.querySelector('input[data-filter="text"]');
    var sortSelect = root.querySelector("[data-sort]");
    var status = root.querySelector("[data-status]");
    var empty = root.querySelector("[data-empty]");
    var more = root.querySelector('[data-action="more"]');
    var state = readUrl();
    var currentOrder = "newest";

    function emptyState() {
      return { keyword: new Set(), venue: new Set(), year: new Set(), text: "", sort: "newest" };
    }

    function readUrl() {
      var s = emptyState();
      var params = new URLSearchParams(window.location.search);
      FACETS.forEach(function (facet) {
        params.getAll(PARAM[facet]).forEach(function (value) {
          var k = index[facet][value];
          if (k !== undefined) s[facet].add(k);
        });
      });
      s.text = params.get(PARAM.text) || "";
      var sort = params.get(PARAM.sort);
      if (sort === "oldest" || sort === "title") s.sort = sort;
      return s;
    }

    function writeUrl() {
      var params = new URLSearchParams(window.location.search);
      Object.keys(PARAM).forEach(function (key) { params.delete(PARAM[key]); });
      FACETS.forEach(function (facet) {
        Array.from(state[facet]).sort(function (a, b) { return a - b; }).forEach(function (k) {
          params.append(PARAM[facet], names[facet][k]);
        });
      });
      if (state.text) params.set(PARAM.text, state.text);
      if (state.sort !== "newest") params.set(PARAM.sort, state.sort);
      var query = params.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", url);
      }
    }

    function anyOf(row, from, selected) {
      for (var j = from; j < row.length; j++) if (selected.has(row[j])) return true;
      return false;
    }

    function apply() {
      var terms = state.text.toLowerCase().split(/\s+/).filter(Boolean);
      var selK = state.keyword, selV = state.venue, selY = state.year;
      var useK = selK.size > 0, useV = selV.size > 0, useY = selY.size > 0;
      var kc = new Int32Array(names.keyword.length);
      var vc = new Int32Array(names.venue.length);
      var yc = new Int32Array(names.year.length);
      var matched = 0;
      var shownItems = [];
      for (var p = 0; p < n; p++) {
        var i = order[p];
        var row = rows[i];
        var mt = true;
        for (var t = 0; t < terms.length; t++) {
          if (hay[i].indexOf(terms[t]) < 0) { mt = false; break; }
        }
        if (!mt) continue;
        var mk = !useK || anyOf(row, 3, selK);
        var mv = !useV || selV.has(row[0]);
        var my = !useY || selY.has(row[1]);
        if (mv && my) for (var j = 3; j < row.length; j++) kc[row[j]]++;
        if (mk && my) vc[row[0]]++;
        if (mk && mv) yc[row[1]]++;
        if (mk && mv && my && ++matched <= limit) shownItems.push(items[i]);
      }
      show(shownItems);
      paintCounts("keyword", kc);
      paintCounts("venue", vc);
      paintCounts("year", yc);
      var shown = Math.min(matched, limit);
      status.textContent = (matched === n ? n : matched + " of " + n) + " papers" +
        (shown < matched ? ", first " + shown + " shown" : "");
      empty.hidden = matched !== 0;
      more.hidden = shown >= matched;
      more.textContent = "Show " + Math.min(pageSize, matched - shown) + " more";
      if (sortSelect.value !== state.sort) sortSelect.value = state.sort;
      if (input.value !== state.text) input.value = state.text;
      writeUrl();
    }

    function show(next) {
      var current = list.children;
      var same = current.length === next.length;
      for (var j = 0; same && j < next.length; j++) same = current[j] === next[j];
      if (!same) list.replaceChildren.apply(list, next);
    }

    function update() {
      limit = pageSize;
      if (currentOrder !== state.sort) reorder();
      apply();
    }

    function paintCounts(facet, counts) {
      var last = lastCount[facet];
      var selected = state[facet];
      for (var k = 0; k < counts.length; k++) {
        var button = buttons[facet][k];
        if (!button) continue;
        var pressed = selected.has(k);
        if (button.getAttribute("aria-pressed") !== String(pressed)) {
          button.setAttribute("aria-pressed", String(pressed));
        }
        if (last[k] === counts[k]) continue;
        last[k] = counts[k];
        counters[facet][k].textContent = counts[k];
        button.classList.toggle("cf-zero", counts[k] === 0);
      }
    }

    function reorder() {
      order = [];
      for (var i = 0; i < n; i++) order.push(i);
      if (state.sort === "title") {
        order.sort(function (a, b) {
          return titles[a] < titles[b] ? -1 : titles[a] > titles[b] ? 1 : a - b;
        });
      } else if (state.sort === "oldest") {
        // The page comes newest first (year, then date added); oldest is the same keys upward.
        order.sort(function (a, b) {
          var ra = rows[a], rb = rows[b];
          var ya = +names.year[ra[1]], yb = +names.year[rb[1]];
          if (ya !== yb) return ya - yb;
          if (ra[2] !== rb[2]) return ra[2] - rb[2];
          return a - b;
        });
      }
      currentOrder = state.sort;
    }

    root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-facet]");
      if (button && root.contains(button)) {
        var facet = button.getAttribute("data-facet");
        var k = index[facet][button.getAttribute("data-value")];
        if (k === undefined) return;
        if (state[facet].has(k)) state[facet].delete(k); else state[facet].add(k);
        update();
        return;
      }
      var toggle = event.target.closest('[data-action="toggle-facets"]');
      if (toggle) {
        var open = root.querySelector(".cf-facets").classList.toggle("cf-open");
        toggle.setAttribute("aria-expanded", String(open));
        return;
      }
      if (event.target.closest('[data-action="clear"]')) {
        state = emptyState();
        update();
        return;
      }
      if (event.target.closest('[data-action="more"]')) {
        limit += pageSize;
        apply();
      }
    });
    input.addEventListener("input", function () { state.text = input.value; update(); });
    sortSelect.addEventListener("change", function () { state.sort = sortSelect.value; update(); });
    update();
    root.classList.add("cf-live");
  }

  function initCopy() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      if (button.getAttribute("data-ready")) return;
      button.setAttribute("data-ready", "1");
      button.addEventListener("click", function () {
        var code = button.parentNode.querySelector("[data-bibtex]");
        if (!code) return;
        var text = code.textContent;
        var done = function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { selectAndCopy(code); done(); });
        } else {
          selectAndCopy(code);
          done();
        }
      });
    });
  }

  function selectAndCopy(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { document.execCommand("copy"); } catch (e) { /* the text stays selected */ }
  }

  function init() {
    initBrowser();
    initCopy();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
