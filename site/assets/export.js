/* "Export these N papers": the home page's current selection as BibTeX, JSON or CSV, made
 * in the browser from the page's data. The BibTeX follows catalog/render/exports.py's
 * bibtex_entry (entry types, escapes that keep braces balanced, percent-encoded URLs). */
(function () {
  "use strict";

  var TYPES = { conference: "inproceedings", workshop: "inproceedings", journal: "article" };
  var VENUE_FIELD = { inproceedings: "booktitle", article: "journal", misc: "howpublished" };
  var ESCAPES = {
    "\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}",
    "&": "\\&", "%": "\\%", "$": "\\$", "#": "\\#", "_": "\\_",
    "~": "\\textasciitilde{}", "^": "\\textasciicircum{}"
  };

  function bibEscape(text) {
    return String(text).replace(/[\\{}&%$#_~^]/g, function (c) { return ESCAPES[c]; })
      .split(/\s+/).filter(Boolean).join(" ");
  }

  function bibUrl(url) {
    return url.replace(/[^A-Za-z0-9:\/?#\[\]@!$&'()*+,;=%\-._~]/gu, function (c) {
      return encodeURIComponent(c);
    });
  }

  // A DOI or eprint id, read verbatim by biblatex: exports.py's bib_verbatim.
  function bibVerbatim(text) {
    return String(text).replace(/[{}\\% \t\n\r]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");
    });
  }

  function bibtex(rows, t) {
    return rows.map(function (i) {
      var info = t.venueInfo(i);
      var kind = TYPES[info[1]] || "misc";
      var fields = [["title", bibEscape(t.titles[i])]];
      if (t.authors[i].length) {
        fields.push(["author", t.authors[i].map(bibEscape).join(" and ")]);
      }
      fields.push([VENUE_FIELD[kind], bibEscape(info[0])]);
      fields.push(["year", String(t.years[i])]);
      if (t.links.paper[i]) fields.push(["url", bibUrl(t.links.paper[i])]);
      if (t.cite.doi[i]) fields.push(["doi", bibVerbatim(t.cite.doi[i])]);
      if (kind === "misc" && t.cite.arxiv[i]) {
        fields.push(["eprint", bibVerbatim(t.cite.arxiv[i])], ["archivePrefix", "arXiv"]);
      }
      var keywords = t.keywords(i);
      if (keywords.length) fields.push(["keywords", bibEscape(keywords.join(", "))]);
      return "@" + kind + "{" + t.ids[i] + ",\n" + fields.map(function (f) {
        return "  " + f[0] + " = {" + f[1] + "}";
      }).join(",\n") + "\n}\n";
    }).join("\n");
  }

  function record(i, t) {
    return {
      id: t.ids[i], title: t.titles[i], year: t.years[i], venue: t.venue(i),
      venue_full_name: t.venueInfo(i)[0], keywords: t.keywords(i), topics: t.topics(i),
      authors: t.authors[i],
      links: { paper: t.links.paper[i] || null, code: t.links.code[i] || null,
               project: t.links.project[i] || null },
      page: "papers/" + t.ids[i] + "/",
      doi: t.cite.doi[i] || null, arxiv_id: t.cite.arxiv[i] || null,
      published: t.cite.published[i] || null
    };
  }

  function json(rows, t) {
    var papers = rows.map(function (i) { return record(i, t); });
    return JSON.stringify({ count: papers.length, papers: papers }, null, 1) + "\n";
  }

  function cell(value) {
    var text = String(value);
    // A cell a spreadsheet would run as a formula is quoted as text.
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\n\r]/.test(text) || text !== String(value) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function csv(rows, t) {
    var header = ["id", "title", "authors", "year", "venue", "keywords", "topics", "paper", "code",
                  "project", "doi", "arxiv_id", "published"];
    var lines = [header.join(",")];
    rows.forEach(function (i) {
      lines.push([
        t.ids[i], t.titles[i], t.authors[i].join("; "), t.years[i], t.venue(i),
        t.keywords(i).join("; "), t.topics(i).join("; "),
        t.links.paper[i] || "", t.links.code[i] || "", t.links.project[i] || "",
        t.cite.doi[i], t.cite.arxiv[i], t.cite.published[i]
      ].map(cell).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }

  window.CatalogExport = { bibtex: bibtex, json: json, csv: csv };
})();
