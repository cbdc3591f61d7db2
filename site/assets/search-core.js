/* The catalog's one search, shared by the site search (search-worker.js) and the home
 * page's text filter (catalog.js), so the same words find the same papers. It reads the
 * index catalog/render/search.py writes under search/: manifest.json, then only the term
 * shards its words start with, each fetched once, on first use. The rules here (folding,
 * words, stems, field weights) are that module's; keep the two in step. */
(function (global) {
  "use strict";

  var SUFFIXES = ["ations", "ation", "ings", "ing", "ed", "es", "s", "e"];
  var MIN_STEM = 3;
  // Field bits (search.py) and their weights: title and ids first, the abstract last.
  var WEIGHTS = [[1, 10], [2, 10], [4, 6], [8, 5], [16, 4], [32, 1]];
  var PREFIX = 0.5;  // a word's prefix counts half as much as the word itself
  var PAGES = 0.2;   // a listing or hand-written page ranks below any paper
  var WORD = /[\p{L}\p{N}]+(?:\.[\p{L}\p{N}]+)*/gu;

  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }

  function stem(word) {
    if (word.length <= MIN_STEM || /ss$/.test(word) || /\p{N}$/u.test(word)) return word;
    for (var i = 0; i < SUFFIXES.length; i++) {
      var suffix = SUFFIXES[i];
      if (word.length - suffix.length >= MIN_STEM && word.slice(-suffix.length) === suffix) {
        return word.slice(0, -suffix.length);
      }
    }
    return word;
  }

  // What a reader pastes for an id (search.py's ID_FORMS): a DOI's or arXiv's address or
  // prefix goes, an arXiv id loses its version and .pdf.
  var ID_FORMS = [
    [/\bhttps?:\/\/(?:dx\.)?doi\.org\//gi, " "],
    [/\bhttps?:\/\/(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf)\//gi, " "],
    [/\b(?:doi|arxiv):\s*/gi, " "],
    [/\b(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?\b/g, "$1"]
  ];

  /* The words of a query worth looking up: two characters or more. */
  function queryWords(text) {
    ID_FORMS.forEach(function (form) { text = text.replace(form[0], form[1]); });
    return (fold(text).match(WORD) || []).filter(function (w) { return stem(w).length >= 2; });
  }

  function weight(bits) {
    var best = 0;
    for (var i = 0; i < WEIGHTS.length; i++) {
      if (bits & WEIGHTS[i][0] && WEIGHTS[i][1] > best) best = WEIGHTS[i][1];
    }
    return best;
  }

  var CACHED_WORDS = 32;  // the scores of the last words looked up (a keystroke repeats most)

  function Index(base) {
    this.base = base;  // a URL ending in search/
    this.manifest = null;  // a promise of manifest.json
    this.manifestNow = null;  // manifest.json once it is in
    this.shards = {};  // shard number -> promise of {terms, postings}
    this.shardsNow = {};  // shard number -> {terms, postings} once it is in
    this.chunks = {};
    this.words = new Map();  // word -> its scores (Float32Array, one slot per document)
  }

  Index.prototype.json = function (name) {
    return fetch(new URL(name, this.base)).then(function (response) {
      if (!response.ok) throw new Error("search index: " + name + ": " + response.status);
      return response.json();
    });
  };

  Index.prototype.ready = function () {
    var self = this;
    if (!this.manifest) {
      this.manifest = this.json("manifest.json").then(function (manifest) {
        self.manifestNow = manifest;
        return manifest;
      });
    }
    return this.manifest;
  };

  /* The shard holding the terms that start with `prefix` (>= 2 characters), as sorted
   * terms and their posting lists. */
  Index.prototype.shard = function (prefix) {
    var self = this;
    return this.ready().then(function (manifest) {
      var number = manifest.keys[prefix.slice(0, 2)];
      if (number === undefined) return { terms: [], postings: {} };
      if (!self.shards[number]) {
        self.shards[number] = self.json("t" + number + ".json").then(function (postings) {
          var shard = { terms: Object.keys(postings).sort(), postings: postings };
          self.shardsNow[number] = shard;
          return shard;
        });
      }
      return self.shards[number];
    });
  };

  /* The shard for `prefix` if it is already in memory; undefined if it must be fetched. */
  Index.prototype.shardNow = function (prefix) {
    var manifest = this.manifestNow;
    if (!manifest) return undefined;
    var number = manifest.keys[prefix.slice(0, 2)];
    if (number === undefined) return { terms: [], postings: {} };
    return this.shardsNow[number];
  };

  /* Scores per document for one word (0: no match): the best field of any term starting
   * with its stem. Dense arrays, not maps: a short prefix matches most of a large catalog. */
  Index.prototype.wordNow = function (word) {
    var cached = this.words.get(word);
    if (cached) {
      this.words.delete(word);  // most recently used goes last
      this.words.set(word, cached);
      return cached;
    }
    var s = stem(word);
    var shard = this.shardNow(s);
    if (!shard) return undefined;
    var scores = new Float32Array(this.manifestNow.docs);
    var terms = shard.terms;
    var lo = 0, hi = terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (terms[mid] < s) lo = mid + 1; else hi = mid;
    }
    for (var t = lo; t < terms.length && terms[t].lastIndexOf(s, 0) === 0; t++) {
      var factor = terms[t] === s || terms[t] === word ? 1 : PREFIX;
      var list = shard.postings[terms[t]];
      var doc = 0;
      for (var k = 0; k < list.length; k++) {
        var value = list[k];
        doc += Math.floor(value / 64);
        var score = weight(value & 63) * factor;
        if (score > scores[doc]) scores[doc] = score;
      }
    }
    this.words.set(word, scores);
    if (this.words.size > CACHED_WORDS) this.words.delete(this.words.keys().next().value);
    return scores;
  };

  /* The query's scores per document (0: not every word matches) if the shards it needs are
   * in memory, null for a query without words, undefined if shards must be fetched first. */
  Index.prototype.searchNow = function (text) {
    var words = queryWords(text);
    if (!words.length) return null;
    var arrays = [];
    for (var w = 0; w < words.length; w++) {
      var scores = this.wordNow(words[w]);
      if (!scores) return undefined;
      arrays.push(scores);
    }
    if (arrays.length === 1) return arrays[0];
    var result = new Float32Array(arrays[0].length);
    for (var doc = 0; doc < result.length; doc++) {
      var total = 0;
      for (var m = 0; m < arrays.length; m++) {
        var score = arrays[m][doc];
        if (score === 0) { total = 0; break; }
        total += score;
      }
      result[doc] = total;
    }
    return result;
  };

  /* Every document's score for the query's words (0: no match); null for no words. */
  Index.prototype.search = function (text) {
    var self = this;
    var words = queryWords(text);
    if (!words.length) return Promise.resolve(null);
    return Promise.all(words.map(function (w) { return self.shard(stem(w)); })).then(function () {
      return self.searchNow(text);
    });
  };

  /* Documents ranked: papers above pages, then by score, then in the home page's order. */
  Index.prototype.ranked = function (text, limit) {
    var self = this;
    return Promise.all([this.ready(), this.search(text)]).then(function (both) {
      var manifest = both[0], scores = both[1];
      if (!scores) return [];
      var ranked = [];
      for (var doc = 0; doc < scores.length; doc++) {
        var score = scores[doc];
        if (score > 0) ranked.push([doc, doc < manifest.papers ? score : score * PAGES]);
      }
      ranked.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      return ranked.slice(0, limit);
    });
  };

  /* The result line of each document: [location, title, teaser]. */
  Index.prototype.documents = function (numbers) {
    var self = this;
    return this.ready().then(function (manifest) {
      var wanted = {};
      numbers.forEach(function (n) { wanted[Math.floor(n / manifest.chunk)] = true; });
      return Promise.all(Object.keys(wanted).map(function (c) {
        if (!self.chunks[c]) self.chunks[c] = self.json("d" + c + ".json");
        return self.chunks[c];
      })).then(function () {
        return Promise.all(numbers.map(function (n) {
          return self.chunks[Math.floor(n / manifest.chunk)].then(function (rows) {
            return rows[n % manifest.chunk];
          });
        }));
      });
    });
  };

  global.CatalogSearch = { Index: Index, fold: fold, stem: stem, queryWords: queryWords };
})(typeof self !== "undefined" ? self : this);
