/* The catalog browser: facets, text filter, sort and URL state over the home page's list.
 * Plain JavaScript over the JSON embedded in the page; no framework, no request. The page
 * renders its first entries; this script renders any other from the data, with DOM calls.
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
    var ids = data.ids;
    var n = ids.length;
    var titleText = data.titles;
    var venueOf = data.venue;
    var yearOf = data.year;
    var keywordsOf = data.keywords;
    var names = data.facets;
    var columns = [titleText, venueOf, yearOf, keywordsOf, data.added];
    if (!list || columns.some(function (column) { return column.length !== n; })) {
      console.warn("catalog: the page's data is incomplete; filters disabled");
      return;
    }
    // The page renders the first entries itself; the others are made from the data when
    // first shown (see entry()) and kept for the next time.
    var items = new Array(n);
    Array.prototype.forEach.call(list.children, function (li, k) {
      if (k < n && li.getAttribute("data-paper-id") === ids[k]) items[k] = li;
    });

    var added = new Int32Array(n);  // days since 1970; the data has each as a difference
    var titles = new Array(n);
    var hay = new Array(n);
    var order = [];
    for (var o = 0; o < n; o++) order.push(o);
    var pageSize = parseInt(root.getAttribute("data-page-size"), 10) || PAGE;
    var limit = pageSize;
    for (var i = 0; i < n; i++) {
      added[i] = (i ? added[i - 1] : 0) + data.added[i];
      titles[i] = titleText[i].toLowerCase();
      var words = [titleText[i], names.venue[venueOf[i]]];
      keywordsOf[i].forEach(function (k) { words.push(names.keyword[k]); });
      hay[i] = words.join(" \u0000 ").toLowerCase();
    }

    function link(href, text, className) {
      var a = document.createElement("a");
      if (className) a.className = className;
      a.setAttribute("href", href);
      a.textContent = text;
      return a;
    }

    // The same markup as templates/site/entry.html.j2, built with DOM calls only: every
    // string from the data becomes text or an attribute value, never markup.
    function entry(i) {
      if (items[i]) return items[i];
      var li = document.createElement("li");
      li.className = "cf-paper";
      li.setAttribute("data-paper-id", ids[i]);
      li.appendChild(link("papers/" + ids[i] + "/", titleText[i], "cf-title"));
      var meta = document.createElement("div");
      meta.className = "cf-meta";
      var year = names.year[yearOf[i]];
      meta.appendChild(link("years/" + year + "/", year));
      meta.appendChild(document.createTextNode(" \u00b7 "));
      var venue = venueOf[i];
      meta.appendChild(link("venues/" + data.slugs.venue[venue] + "/", names.venue[venue]));
      data.links.forEach(function (kind) {
        var url = kind[1][i];
        if (!url) return;
        meta.appendChild(document.createTextNode(" \u00b7 "));
        meta.appendChild(link(url, kind[0], "cf-link"));
      });
      li.appendChild(meta);
      if (keywordsOf[i].length) {
        var chips = document.createElement("div");
        chips.className = "cf-chips";
        keywordsOf[i].forEach(function (k) {
          chips.appendChild(link("keywords/" + data.slugs.keyword[k] + "/", names.keyword[k], "cf-chip"));
        });
        li.appendChild(chips);
      }
      items[i] = li;
      return li;
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

    function anyOf(values, selected) {
      for (var j = 0; j < values.length; j++) if (selected.has(values[j])) return true;
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
        var mt = true;
        for (var t = 0; t < terms.length; t++) {
          if (hay[i].indexOf(terms[t]) < 0) { mt = false; break; }
        }
        if (!mt) continue;
        var ks = keywordsOf[i], v = venueOf[i], y = yearOf[i];
        var mk = !useK || anyOf(ks, selK);
        var mv = !useV || selV.has(v);
        var my = !useY || selY.has(y);
        if (mv && my) for (var j = 0; j < ks.length; j++) kc[ks[j]]++;
        if (mk && my) vc[v]++;
        if (mk && mv) yc[y]++;
        if (mk && mv && my && ++matched <= limit) shownItems.push(entry(i));
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

    // A value chosen before the page loaded (URL, reload, Back) may sit below its box's
    // fold: scroll each box, not the page, so its first selected value shows.
    function revealSelected() {
      FACETS.forEach(function (facet) {
        var button = root.querySelector('[data-facet="' + facet + '"][aria-pressed="true"]');
        var box = button && button.closest(".cf-facet-values");
        if (!box || !box.clientHeight) return;
        var top = button.getBoundingClientRect().top - box.getBoundingClientRect().top;
        if (top < 0 || top + button.offsetHeight > box.clientHeight) {
          box.scrollTop += top - (box.clientHeight - button.offsetHeight) / 2;
        }
      });
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
          var ya = +names.year[yearOf[a]], yb = +names.year[yearOf[b]];
          if (ya !== yb) return ya - yb;
          if (added[a] !== added[b]) return added[a] - added[b];
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
        if (open) revealSelected();
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
    revealSelected();
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
