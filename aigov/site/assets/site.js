/* Search and filters for the list of instruments (index.html). Plain JavaScript, no library, no network.
   Every row carries data-kind, data-year, data-binding, data-issuers (the ids of every issuer of the
   instrument, a joint one has several, and of every body each belongs to, space-separated) and data-text
   (its searchable text, lower-cased); a row is shown when it matches every filter and every word of the search.
   The form can be pre-filled from the address: index.html?q=bletchley&kind=declaration&issuer=chn */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("instruments");
  if (!form || !table) {
    return;
  }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var count = document.getElementById("count");
  var none = document.getElementById("none");
  var names = ["q", "kind", "year", "issuer", "binding"];

  function normalise(text) {
    return (text || "").normalize("NFKC").toLowerCase();
  }

  function apply() {
    var words = normalise(form.elements.q.value).split(/\s+/).filter(Boolean);
    var wanted = {};
    ["kind", "year", "binding"].forEach(function (name) {
      wanted[name] = form.elements[name].value;
    });
    var issuer = form.elements.issuer.value;
    var shown = 0;
    rows.forEach(function (row) {
      var data = row.dataset;
      var ok = Object.keys(wanted).every(function (name) {
        return !wanted[name] || data[name] === wanted[name];
      }) && (!issuer || data.issuers.split(" ").indexOf(issuer) !== -1) && words.every(function (word) {
        return data.text.indexOf(word) !== -1;
      });
      row.hidden = !ok;
      if (ok) {
        shown += 1;
      }
    });
    count.textContent = shown === rows.length
      ? rows.length + " instruments"
      : shown + " of " + rows.length + " instruments shown";
    none.hidden = shown !== 0;
  }

  var params = new URLSearchParams(window.location.search);
  names.forEach(function (name) {
    var value = params.get(name);
    var field = form.elements[name];
    if (value !== null && field) {
      field.value = value;
    }
  });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  form.addEventListener("reset", function () {
    window.setTimeout(apply, 0);
  });
  document.getElementById("clear").addEventListener("click", function () {
    form.reset();  // resets the fields at once; the reset event above fires before that, hence its timer
    apply();  // so the list is whole when the click returns, not one tick later
    form.elements.q.focus();
  });
  apply();
}());
