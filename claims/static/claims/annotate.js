// The annotated article: turn a text selection into a new claim's span.
// Offsets are UTF-16 code units, as the browser counts; the server converts them to code points.
(function () {
  "use strict";
  var article = document.getElementById("cb-article");
  var button = document.getElementById("cb-new-claim");
  var info = document.getElementById("cb-selection");
  if (!article || !button) {
    return;
  }

  function selectionOffsets() {
    var selection = window.getSelection();
    if (!selection.rangeCount) {
      return null;
    }
    var range = selection.getRangeAt(0);
    if (range.collapsed || !article.contains(range.startContainer) || !article.contains(range.endContainer)) {
      return null;
    }
    var before = document.createRange();
    before.setStart(article, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var start = before.toString().length;
    var text = range.toString();
    return { start: start, end: start + text.length, text: text };
  }

  document.addEventListener("selectionchange", function () {
    var offsets = selectionOffsets();
    button.disabled = !offsets || !offsets.text.trim();
    info.textContent = offsets
      ? "Selected: \u201c" + (offsets.text.length > 80 ? offsets.text.slice(0, 79) + "\u2026" : offsets.text) + "\u201d"
      : "Select text in the article to quote it in a new claim.";
  });

  button.addEventListener("click", function () {
    var offsets = selectionOffsets();
    if (!offsets) {
      return;
    }
    var url = new URL(button.dataset.addUrl, window.location.href);
    url.searchParams.set("source", button.dataset.source);
    url.searchParams.set("utf16_start", String(offsets.start));
    url.searchParams.set("utf16_end", String(offsets.end));
    window.location.assign(url.toString());
  });
})();
