/* The BibTeX "Copy" button of a paper page (CSS shows it only where JavaScript runs).
 * The home page's browser is assets/catalog.js, which only the home page loads. */
(function () {
  "use strict";

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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initCopy);
  } else {
    initCopy();
  }
})();
