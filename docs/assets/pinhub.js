/* PinHub's only script, after the theme's own.
   Sortable tables: every table inside .pinhub-sortable sorts by a column when its heading is pressed.
   Numbers with units ("15.4 k", "1.2 M", "0.42 s") sort by value; "—" (no value) sorts last.
   Named search dialog: Material for MkDocs 9 gives its search dialog no accessible name (Zensical does). */
(function () {
  var SCALE = { k: 1e3, M: 1e6, G: 1e9 }

  function value(cell) {
    var text = cell.textContent.trim()
    var match = /^([+-]?\d+(?:\.\d+)?)\s*([kMG])?\b/.exec(text)
    if (match) return { number: parseFloat(match[1]) * (SCALE[match[2]] || 1), text: text }
    return { number: null, text: text === "—" ? "" : text.toLowerCase() }
  }

  function compare(a, b, ascending) {
    if (a.text === "" || b.text === "") return (a.text === "") - (b.text === "")
    var order = a.number !== null && b.number !== null ? a.number - b.number : a.text.localeCompare(b.text)
    return ascending ? order : -order
  }

  function sortBy(table, column, heading) {
    var ascending = heading.getAttribute("aria-sort") !== "ascending"
    var body = table.tBodies[0]
    var rows = Array.prototype.slice.call(body.rows)
    rows.sort(function (x, y) { return compare(value(x.cells[column]), value(y.cells[column]), ascending) })
    rows.forEach(function (row) { body.appendChild(row) })
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort") })
    heading.setAttribute("aria-sort", ascending ? "ascending" : "descending")
  }

  function enhance(table) {
    if (!table.tHead || table.dataset.sortable === "on") return
    table.dataset.sortable = "on"
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (heading, column) {
      var button = document.createElement("button")
      button.type = "button"
      button.className = "pinhub-sort"
      while (heading.firstChild) button.appendChild(heading.firstChild)
      heading.appendChild(button)
      button.addEventListener("click", function () { sortBy(table, column, heading) })
    })
  }

  function nameDialogs() {
    document.querySelectorAll('[role="dialog"]:not([aria-label]):not([aria-labelledby])').forEach(function (dialog) {
      var input = dialog.querySelector("input[aria-label]")
      if (input) dialog.setAttribute("aria-label", input.getAttribute("aria-label"))
    })
  }

  function setup() {
    document.querySelectorAll(".pinhub-sortable table").forEach(enhance)
    nameDialogs()
  }

  // Pages load in full (no instant navigation), and this script comes after the content.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup)
  else setup()
})()
