/* The catalog browser: facets, the text filter, year range, "with code", sort, active
 * filters as chips, exports of the selection, and the state in the URL, over the home
 * page's list. Plain JavaScript, no framework. The page renders its first entries and
 * embeds the data of its first chunk of papers and each facet value's count; the other
 * chunks come from home/<n>.json once the reader asks something of the whole list (touches
 * or focuses a control, comes to the end of what is loaded, or opens a filtered URL): a
 * reader who only looks at the newest papers fetches none.
 * The text filter asks the site search's index (search-core.js), so it finds what the
 * site search finds. Facet counts: OR within a facet, AND across facets and with the other
 * filters; a value's count is how many papers would show if it were added to its facet. */
(function () {
  "use strict";

  var PAGE = 30;  // entries shown at once, unless the page sets data-page-size
  var URL_DELAY = 300;  // ms: typed text reaches the URL once typing pauses this long
  var PARAM = { topic: "topic", keyword: "kw", venue: "venue", year: "year" };
  var OTHER = ["text", "sort", "code", "from", "to"];
  var LINK_KINDS = ["paper", "code", "project"];
  var CITE = ["doi", "arxiv", "published"];  // catalog/render/home.py's CITE_FIELDS
  var TITLES = { topic: "Topic", keyword: "Keyword", venue: "Venue", year: "Year" };
  var FOLDERS = { topic: "topics", keyword: "keywords", venue: "venues", year: "years" };

  /* 6097 -> "6,097", as catalog/render/numbers.py writes the counts the server renders. */
  function thousands(number) {
    var text = String(number);
    return number < 1000 ? text : text.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function siteBase() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  function initBrowser() {
    var root = document.getElementById("catalog-browser");
    var source = document.getElementById("catalog-data");
    if (!root || !source || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    var data = JSON.parse((source.content || source).textContent);
    var list = root.querySelector("[data-papers]");
    var FACETS = data.order;
    var names = data.facets;
    var n = data.count;
    var loaded = 0;
    var ids = [], titles = [], authors = [], added = [], links = {}, values = {}, cite = {};
    var lowerTitles = [], years = [];
    LINK_KINDS.forEach(function (k) { links[k] = []; });
    CITE.forEach(function (k) { cite[k] = []; });
    FACETS.forEach(function (f) { values[f] = []; });
    var multi = { topic: true, keyword: true };
    // Per facet by position, for the loops that visit every paper.
    var columns = FACETS.map(function (f) { return values[f]; });
    var isMulti = FACETS.map(function (f) { return !!multi[f]; });
    var labels = data.labels || {};
    function label(facet, k) { return labels[facet] ? labels[facet][k] : names[facet][k]; }

    function take(chunk) {
      var day = 0;
      for (var j = 0; j < chunk.ids.length; j++) {
        var i = chunk.start + j;
        ids[i] = chunk.ids[j];
        titles[i] = chunk.titles[j];
        lowerTitles[i] = chunk.titles[j].toLowerCase();
        authors[i] = chunk.authors[j];
        day += chunk.added[j];
        added[i] = day;
        LINK_KINDS.forEach(function (k) { links[k][i] = chunk.links[k][j]; });
        CITE.forEach(function (k) { cite[k][i] = chunk.cite[k][j]; });
        FACETS.forEach(function (f) { values[f][i] = chunk.values[f][j]; });
        years[i] = +names.year[chunk.values.year[j]];
      }
      loaded += chunk.ids.length;
    }
    take(data.first);

    // The page renders the first entries itself; the others are made from the data.
    var items = [];
    Array.prototype.forEach.call(list.children, function (li, k) {
      if (li.getAttribute("data-paper-id") === ids[k]) items[k] = li;
    });

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
      li.appendChild(link("papers/" + ids[i] + "/", titles[i], "cf-title"));
      var names_i = authors[i] || [];
      if (names_i.length) {  // the first authors, as facts_view.short_authors writes them
        var by = document.createElement("div");
        by.className = "cf-authors";
        by.textContent = names_i.slice(0, 3).join(", ") + (names_i.length > 3 ? " et al." : "");
        li.appendChild(by);
      }
      var meta = document.createElement("div");
      meta.className = "cf-meta";
      var year = names.year[values.year[i]];
      meta.appendChild(link("years/" + year + "/", year));
      meta.appendChild(document.createTextNode(" \u00b7 "));
      var venue = values.venue[i];
      meta.appendChild(link("venues/" + data.slugs.venue[venue] + "/", names.venue[venue]));
      LINK_KINDS.forEach(function (kind) {
        var url = links[kind][i];
        if (!url) return;
        meta.appendChild(document.createTextNode(" \u00b7 "));
        meta.appendChild(link(url, kind, "cf-link"));
      });
      li.appendChild(meta);
      var topics = values.topic ? values.topic[i] : [];
      var keywords = values.keyword ? values.keyword[i] : [];
      if (topics.length || keywords.length) {
        var chips = document.createElement("div");
        chips.className = "cf-chips";
        topics.forEach(function (k) {
          chips.appendChild(link("topics/" + data.slugs.topic[k] + "/", label("topic", k), "cf-chip cf-topic"));
        });
        keywords.forEach(function (k) {
          chips.appendChild(link("keywords/" + data.slugs.keyword[k] + "/", names.keyword[k], "cf-chip"));
        });
        li.appendChild(chips);
      }
      items[i] = li;
      return li;
    }

    var index = {}, buttons = {}, counters = {}, lastCount = {};
    var totals = data.totals;  // papers per facet value, in names' order
    FACETS.forEach(function (facet) {
      index[facet] = {};
      names[facet].forEach(function (name, k) { index[facet][name] = k; });
      buttons[facet] = [];
      counters[facet] = [];
      lastCount[facet] = [];
    });

    function register(button) {
      var facet = button.getAttribute("data-facet");
      var k = index[facet] && index[facet][button.getAttribute("data-value")];
      if (k === undefined) return;
      buttons[facet][k] = button;
      var counter = button.parentNode.querySelector(".cf-count");
      counters[facet][k] = counter;
      // The count the server rendered: painting the same number again is no work.
      var shown = counter ? counter.textContent.replace(/,/g, "") : "";
      lastCount[facet][k] = /^\d+$/.test(shown) ? +shown : -1;
    }
    Array.prototype.forEach.call(root.querySelectorAll("[data-facet]"), register);

    var input = root.querySelector('input[data-filter="text"]');
    var codeBox = root.querySelector('input[data-filter="code"]');
    var fromSelect = root.querySelector('[data-year="from"]');
    var toSelect = root.querySelector('[data-year="to"]');
    var sortSelect = root.querySelector("[data-sort]");
    var status = root.querySelector("[data-status]");
    var empty = root.querySelector("[data-empty]");
    var more = root.querySelector('[data-action="more"]');
    var active = root.querySelector("[data-active]");
    var exportCount = root.querySelector("[data-export-count]");
    var yearsSorted = names.year.map(Number).sort(function (a, b) { return a - b; });
    var minYear = yearsSorted[0], maxYear = yearsSorted[yearsSorted.length - 1];
    var searchIndex = window.CatalogSearch
      ? new window.CatalogSearch.Index(new URL("search/", siteBase())) : null;
    var textScores = null;  // doc -> score for the current text, or null for no text
    var textFor = "";
    var pageSize = parseInt(root.getAttribute("data-page-size"), 10) || PAGE;
    var limit = pageSize;
    var order = [];
    var currentOrder = null;
    var matchedRows = [];
    var complete = null;  // the promise of every chunk (loadAll), once asked for
    var state = readUrl();

    function emptyState() {
      var s = { text: "", sort: "newest", code: false, from: minYear, to: maxYear };
      FACETS.forEach(function (f) { s[f] = new Set(); });
      return s;
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
      s.text = params.get("text") || "";
      var sort = params.get("sort");
      if (sort === "oldest" || sort === "title") s.sort = sort;
      s.code = params.get("code") === "1";
      var from = parseInt(params.get("from"), 10), to = parseInt(params.get("to"), 10);
      if (from >= minYear && from <= maxYear) s.from = from;
      if (to >= minYear && to <= maxYear) s.to = to;
      return s;
    }

    /* The state goes to the URL at once after a click or choice; typed text once typing
     * pauses (each same-document navigation costs the browser a history entry update and a
     * favicon request, on the keystroke's frame). Meanwhile the browser carries
     * data-url-pending. */
    var urlTimer = 0;
    function scheduleUrl(typing) {
      if (urlTimer) clearTimeout(urlTimer);
      urlTimer = 0;
      if (!typing) {
        flushUrl();
        return;
      }
      if (!root.hasAttribute("data-url-pending")) root.setAttribute("data-url-pending", "");
      urlTimer = setTimeout(flushUrl, URL_DELAY);
    }

    function flushUrl() {
      if (urlTimer) clearTimeout(urlTimer);
      urlTimer = 0;
      writeUrl();
      if (root.hasAttribute("data-url-pending")) root.removeAttribute("data-url-pending");
    }

    function writeUrl() {
      var params = new URLSearchParams(window.location.search);
      FACETS.forEach(function (f) { params.delete(PARAM[f]); });
      OTHER.forEach(function (key) { params.delete(key); });
      FACETS.forEach(function (facet) {
        Array.from(state[facet]).sort(function (a, b) { return a - b; }).forEach(function (k) {
          params.append(PARAM[facet], names[facet][k]);
        });
      });
      if (state.text) params.set("text", state.text);
      if (state.sort !== "newest") params.set("sort", state.sort);
      if (state.code) params.set("code", "1");
      if (state.from !== minYear) params.set("from", String(state.from));
      if (state.to !== maxYear) params.set("to", String(state.to));
      var query = params.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", url);
      }
    }

    /* Which papers have a value selected in facet f: 1 per paper, or null when nothing in
     * it is selected (every paper passes). */
    function matcher(f) {
      var selected = state[FACETS[f]];
      if (!selected.size) return null;
      var column = columns[f], hit = new Uint8Array(loaded);
      for (var i = 0; i < loaded; i++) {
        var v = column[i];
        if (!isMulti[f]) { hit[i] = selected.has(v) ? 1 : 0; continue; }
        for (var j = 0; j < v.length; j++) if (selected.has(v[j])) { hit[i] = 1; break; }
      }
      return hit;
    }

    function countValues(f, i, counts) {
      var v = columns[f][i];
      if (!isMulti[f]) { counts[v]++; return; }
      for (var j = 0; j < v.length; j++) counts[v[j]]++;
    }

    /* One pass over the papers in order: the matches, and each facet value's count as if it
     * were added to its facet (a paper that misses one facet counts for that facet only). */
    function apply(typing) {
      scheduleUrl(typing);  // first: replaceState measured slower after the DOM changes
      if (loaded < n && (limit > loaded || !isDefault())) loadAll();
      var F = FACETS.length, counts = [], hits = [];
      for (var f = 0; f < F; f++) {
        counts.push(new Int32Array(names[FACETS[f]].length));
        hits.push(matcher(f));
      }
      var matched = 0;
      var shownItems = [];
      matchedRows = [];
      // While a new text's answer is on its way, the last answer stands (no flash of all).
      var scores = state.text ? textScores : null;
      var code = state.code, from = state.from, to = state.to;
      for (var p = 0; p < order.length; p++) {
        var i = order[p];
        if (scores && !(scores[i] > 0)) continue;
        if (code && !links.code[i]) continue;
        if (years[i] < from || years[i] > to) continue;
        var misses = 0, missed = -1;
        for (f = 0; f < F; f++) {
          if (hits[f] !== null && hits[f][i] === 0) { misses++; missed = f; }
        }
        if (misses > 1) continue;
        if (misses === 1) { countValues(missed, i, counts[missed]); continue; }
        for (f = 0; f < F; f++) countValues(f, i, counts[f]);
        matchedRows.push(i);
        if (++matched <= limit) shownItems.push(entry(i));
      }
      show(shownItems);
      // Unfiltered, every paper matches and each value counts its papers (the embedded
      // totals), whether or not the other chunks have come.
      var unfiltered = isDefault();
      for (f = 0; f < F; f++) paintCounts(FACETS[f], unfiltered ? totals[FACETS[f]] : counts[f]);
      if (unfiltered) matched = n;
      var shown = shownItems.length;
      var waiting = (state.text && textFor !== state.text) ||
        (loaded < n && (!unfiltered || limit > loaded));
      status.textContent = (matched === n ? thousands(n) : thousands(matched) + " of " + thousands(n)) +
        " papers" + (shown < matched ? ", first " + thousands(shown) + " shown" : "") +
        (waiting ? " (loading…)" : "");
      empty.hidden = matched !== 0 || waiting;
      more.hidden = Math.min(limit, matched) >= matched;
      more.textContent = "Show " + thousands(Math.min(pageSize, matched - Math.min(limit, matched))) + " more";
      exportCount.textContent = matched === 1 ? "this paper" : "these " + thousands(matched) + " papers";
      if (sortSelect.value !== state.sort) sortSelect.value = state.sort;
      if (input.value !== state.text) input.value = state.text;
      if (codeBox.checked !== state.code) codeBox.checked = state.code;
      if (fromSelect.value !== String(state.from)) fromSelect.value = String(state.from);
      if (toSelect.value !== String(state.to)) toSelect.value = String(state.to);
      paintChips();
    }

    /* The list becomes `next` by moving only what changed: an entry that stays where it was
     * is not touched, so the browser restyles and lays out only the new ones. */
    function show(next) {
      var keep = new Set(next);
      for (var node = list.firstChild; node;) {
        var after = node.nextSibling;
        if (!keep.has(node)) list.removeChild(node);
        node = after;
      }
      var at = list.firstChild;
      for (var j = 0; j < next.length; j++) {
        if (next[j] === at) at = at.nextSibling;
        else list.insertBefore(next[j], at);
      }
    }

    function paintCounts(facet, counts) {
      var last = lastCount[facet];
      var selected = state[facet];
      for (var k = 0; k < counts.length; k++) {
        var button = buttons[facet][k];
        if (!button) continue;
        var pressed = String(selected.has(k));
        if (button.getAttribute("aria-pressed") !== pressed) button.setAttribute("aria-pressed", pressed);
        if (last[k] === counts[k]) continue;
        last[k] = counts[k];
        counters[facet][k].textContent = thousands(counts[k]);
        button.parentNode.classList.toggle("cf-zero", counts[k] === 0);
      }
    }

    var chipsByLabel = new Map();  // the chips shown, reused while their filter stays
    var chipActions = new WeakMap();  // chip -> what removes its filter
    function chip(label, remove) {
      var known = chipsByLabel.get(label);
      if (known) { chipActions.set(known, remove); return known; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cf-active-chip";
      button.textContent = label;
      button.setAttribute("aria-label", "Remove filter " + label);
      chipActions.set(button, remove);
      button.addEventListener("click", function () { chipActions.get(button)(); update(); });
      return button;
    }

    function paintChips() {
      var chips = [];
      FACETS.forEach(function (facet) {
        state[facet].forEach(function (k) {
          chips.push(chip(TITLES[facet] + ": " + label(facet, k), function () { state[facet].delete(k); }));
        });
      });
      if (state.text) chips.push(chip("Text: " + state.text, function () { state.text = ""; }));
      if (state.code) chips.push(chip("With code", function () { state.code = false; }));
      if (state.from !== minYear || state.to !== maxYear) {
        chips.push(chip("Years " + state.from + "–" + state.to, function () {
          state.from = minYear; state.to = maxYear;
        }));
      }
      chipsByLabel = new Map(chips.map(function (c) { return [c.textContent, c]; }));
      var current = active.children, same = current.length === chips.length;
      for (var j = 0; same && j < chips.length; j++) same = current[j] === chips[j];
      if (!same) active.replaceChildren.apply(active, chips);
    }

    function reorder() {
      order = [];
      for (var i = 0; i < loaded; i++) order.push(i);
      if (state.sort === "title") {
        order.sort(function (a, b) {
          return lowerTitles[a] < lowerTitles[b] ? -1 : lowerTitles[a] > lowerTitles[b] ? 1 : a - b;
        });
      } else if (state.sort === "oldest") {
        // The page comes newest first (year, then date added); oldest is the same keys upward.
        order.sort(function (a, b) {
          return years[a] - years[b] || added[a] - added[b] || a - b;
        });
      }
      currentOrder = state.sort + ":" + loaded;
    }

    function update(typing) {
      limit = pageSize;
      if (state.from > state.to) { var t = state.from; state.from = state.to; state.to = t; }
      if (state.text !== textFor) lookUp(state.text);
      if (currentOrder !== state.sort + ":" + loaded) reorder();
      apply(typing);
    }

    function isDefault() {
      return !state.text && !state.code && state.sort === "newest" && state.from === minYear &&
        state.to === maxYear && FACETS.every(function (f) { return state[f].size === 0; });
    }

    /* The text's scores per paper: at once when the index's shards for its words are in
     * memory (every keystroke after the first few), else once they have come. */
    function lookUp(text) {
      var now = searchIndex ? searchIndex.searchNow(text) : null;
      if (now !== undefined) {
        textFor = text;
        textScores = now;  // null: no word of two letters or more, no text filter
        return;
      }
      searchIndex.search(text).then(function (scores) {
        if (state.text !== text) return;
        textFor = text;
        textScores = scores;
        apply(true);
      }, function (error) {
        console.warn("catalog: " + error);
      });
    }

    function showAll(facet, button) {
      var box = root.querySelector('[data-facet-group="' + facet + '"]');
      var all = names[facet].map(function (name, k) { return k; });
      var total = totals[facet];
      all.sort(function (a, b) {
        return total[b] - total[a] || label(facet, a).toLowerCase().localeCompare(label(facet, b).toLowerCase());
      });
      var rows = all.map(function (k) {
        if (buttons[facet][k]) return buttons[facet][k].parentNode;
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        b.className = "cf-facet";
        b.setAttribute("data-facet", facet);
        b.setAttribute("data-value", names[facet][k]);
        b.setAttribute("aria-pressed", "false");
        b.textContent = label(facet, k);
        var count = document.createElement("span");
        count.className = "cf-count";
        li.appendChild(b);
        li.appendChild(count);
        register(b);
        return li;
      });
      box.replaceChildren.apply(box, rows);
      box.classList.add("cf-all");
      button.hidden = true;
      button.setAttribute("aria-expanded", "true");
      var find = root.querySelector('[data-facet-filter="' + facet + '"]');
      if (find) find.hidden = false;
      apply();
    }

    function filterValues(facet, text) {
      var needle = text.trim().toLowerCase();
      buttons[facet].forEach(function (button) {
        if (!button) return;
        button.parentNode.hidden = needle !== "" &&
          button.textContent.toLowerCase().indexOf(needle) < 0;
      });
    }

    function selection() {
      return matchedRows.slice();
    }

    function download(name, type, text) {
      var blob = new Blob([text], { type: type });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = name;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    }

    function exportAs(kind) {
      loadAll().then(function (all) { if (all) exportRows(kind, selection()); });
    }

    function exportRows(kind, rows) {
      if (kind === "json") {
        download("papers.json", "application/json", window.CatalogExport.json(rows, table()));
      } else if (kind === "csv") {
        download("papers.csv", "text/csv", window.CatalogExport.csv(rows, table()));
      } else {
        download("papers.bib", "application/x-bibtex", window.CatalogExport.bibtex(rows, table()));
      }
    }

    function table() {
      return {
        ids: ids, titles: titles, authors: authors, years: years, links: links, cite: cite,
        venue: function (i) { return names.venue[values.venue[i]]; },
        venueInfo: function (i) { return data.venueInfo[values.venue[i]]; },
        keywords: function (i) {
          return (values.keyword ? values.keyword[i] : []).map(function (k) { return names.keyword[k]; });
        },
        topics: function (i) {
          return (values.topic ? values.topic[i] : []).map(function (k) { return label("topic", k); });
        }
      };
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
      var target = event.target.closest("[data-action], [data-export]");
      if (!target) return;
      var action = target.getAttribute("data-action");
      if (target.hasAttribute("data-export")) exportAs(target.getAttribute("data-export"));
      else if (action === "toggle-facets") {
        var open = root.querySelector(".cf-facets").classList.toggle("cf-open");
        target.setAttribute("aria-expanded", String(open));
      } else if (action === "show-all") showAll(target.getAttribute("data-facet-more"), target);
      else if (action === "clear") { state = emptyState(); update(); }
      else if (action === "more") { limit += pageSize; apply(); }
    });
    root.addEventListener("input", function (event) {
      var facet = event.target.getAttribute("data-facet-filter");
      if (facet) filterValues(facet, event.target.value);
    });
    input.addEventListener("input", function () { state.text = input.value; update(true); });
    window.addEventListener("pagehide", function () { if (urlTimer) flushUrl(); });
    codeBox.addEventListener("change", function () { state.code = codeBox.checked; update(); });
    fromSelect.addEventListener("change", function () { state.from = +fromSelect.value; update(); });
    toSelect.addEventListener("change", function () { state.to = +toSelect.value; update(); });
    sortSelect.addEventListener("change", function () { state.sort = sortSelect.value; update(); });

    // A value chosen in the URL but beyond a facet's first values: show all of that facet.
    FACETS.forEach(function (facet) {
      var hidden = Array.from(state[facet]).some(function (k) { return !buttons[facet][k]; });
      var toggle = root.querySelector('[data-facet-more="' + facet + '"]');
      if (hidden && toggle) showAll(facet, toggle);
    });
    update();
    root.classList.add("cf-live");

    /* Every other chunk, fetched at once and taken in order, one per task (the page stays
     * responsive); the list and counts follow as they come when the reader filtered or
     * asked for more entries than were in. Once: later calls get the same promise, which
     * resolves when all are in (false if a fetch failed; the next call tries again). */
    function loadAll() {
      if (!complete) complete = loaded >= n ? Promise.resolve(true) : fetchAll();
      return complete;
    }

    function fetchChunk(number) {
      return fetch(new URL("home/" + number + ".json", siteBase())).then(function (response) {
        if (!response.ok) throw new Error("home/" + number + ".json: " + response.status);
        return response.json();
      });
    }

    function fetchAll() {
      var chain = Promise.resolve();
      for (var c = 1; c < data.chunks; c++) {
        chain = chain.then(takeWhenIn(fetchChunk(c)));
      }
      return chain.then(function () {
        root.classList.add("cf-complete");
        refresh();
        return true;
      }, function (error) {
        console.warn("catalog: " + error);
        complete = null;
        return false;
      });
    }

    function takeWhenIn(coming) {
      return function () {
        return coming.then(function (chunk) {
          var wanted = !isDefault() || limit > loaded;
          take(chunk);
          if (wanted && loaded < n) refresh();
          return new Promise(function (resolve) { setTimeout(resolve, 0); });
        });
      };
    }

    /* The list again with the papers loaded since, keeping how many entries are shown. */
    function refresh() {
      if (currentOrder !== state.sort + ":" + loaded) reorder();
      apply(root.hasAttribute("data-url-pending"));
    }

    // A reader about to filter, sort or export, or near the end of the entries loaded.
    function wantsAll(event) {
      if (event.target.closest(".cf-controls, .cf-facets, .cf-active, .cf-export")) loadAll();
    }
    root.addEventListener("pointerdown", wantsAll);
    root.addEventListener("focusin", wantsAll);
    if (loaded < n && window.IntersectionObserver) {
      new IntersectionObserver(function (seen) {
        if (seen.some(function (e) { return e.isIntersecting; }) && limit + pageSize > loaded) loadAll();
      }, { rootMargin: "0px 0px 600px 0px" }).observe(more.parentNode);
    }
    if (loaded >= n) root.classList.add("cf-complete");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initBrowser);
  } else {
    initBrowser();
  }
})();
