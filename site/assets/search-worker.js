/* The site search's worker, in place of Material's lunr one (Material lets a site bring its
 * own worker: it speaks Material's messages SETUP 0, READY 1, QUERY 2, RESULT 3). Material
 * sends a stub index on start-up; the catalog's index and search-core.js are fetched on the
 * first query, so a page where nobody searches loads neither. */
(function () {
  "use strict";

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var LIMIT = 50;
  var index = null;  // made on the first query with words

  function loadIndex() {
    if (!index) {
      importScripts("search-core.js");
      index = new CatalogSearch.Index(new URL("../search/", self.location.href));
    }
    return index;
  }
  var latest = 0;

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function answer(query, number) {
    var terms = {};
    var words = [];
    if (query.trim()) {  // Material asks for "" on start-up: no reason to fetch anything
      loadIndex();
      words = CatalogSearch.queryWords(query);
    }
    words.forEach(function (w) { terms[w] = true; });
    if (!words.length) {
      self.postMessage({ type: RESULT, data: { items: [], total: 0 } });
      return;
    }
    index.ranked(query, LIMIT).then(function (ranked) {
      return index.documents(ranked.map(function (r) { return r[0]; })).then(function (rows) {
        if (number !== latest) return;
        var items = rows.map(function (row, k) {
          return [{
            location: row[0],
            title: escapeHtml(row[1]),
            text: row[2] ? "<p>" + escapeHtml(row[2]) + "</p>" : "",
            score: ranked[k][1],
            terms: terms
          }];
        });
        self.postMessage({ type: RESULT, data: { items: items, total: items.length } });
      });
    }).catch(function (error) {
      console.warn("catalog search: " + error);
      if (number === latest) self.postMessage({ type: RESULT, data: { items: [], total: 0 } });
    });
  }

  self.addEventListener("message", function (event) {
    var message = event.data;
    if (message.type === SETUP) {
      self.postMessage({ type: READY });
    } else if (message.type === QUERY) {
      latest += 1;
      answer(message.data || "", latest);
    }
  });
})();
