// YASGUI on /sparql: this endpoint only, one tab per example query, nothing fetched from other hosts.
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  var endpoint = new URL(root.getAttribute("data-endpoint"), window.location.href).href;
  var tabs = JSON.parse(document.getElementById("intmk-tabs").textContent);

  // "class" and "property" completions would ask lov.linkeddata.es; prefixes come from the bundle.
  Yasgui.defaults.yasqe.autocompleters = ["prefixes", "variables"];
  // A new tab opens with a query that declares its prefixes (it runs on any endpoint as it is).
  Yasgui.defaults.yasqe.value = JSON.parse(document.getElementById("intmk-new-tab").textContent);
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    copyEndpointOnNewTab: true,
    persistenceId: null, // the tabs always show the current example queries
    autoAddOnInit: tabs.length === 0,
  });

  // YASGUI's markup, made accessible (labels, ARIA that points at what exists); it re-renders tabs, so
  // this runs again whenever the editor's DOM changes.
  function tidy() {
    root.querySelectorAll("textarea:not([aria-label])").forEach(function (el) { el.setAttribute("aria-label", "SPARQL query"); });
    root.querySelectorAll("input.autocomplete:not([aria-label])").forEach(function (el) { el.setAttribute("aria-label", "Endpoint"); });
    root.querySelectorAll(".tab input:not([aria-label])").forEach(function (el) { el.setAttribute("aria-label", "Tab name"); });
    root.querySelectorAll("a[role=tab]:not([title])").forEach(function (el) { el.setAttribute("title", el.textContent.replace("✖", "").trim()); });
    root.querySelectorAll("select.tableSizer:not([aria-label])").forEach(function (el) { el.setAttribute("aria-label", "Rows per page"); });
    root.querySelectorAll(".CodeMirror-scroll:not([tabindex='0'])").forEach(function (el) { el.setAttribute("tabindex", "0"); });
    root.querySelectorAll("a[role=tab][aria-controls]").forEach(function (el) {
      if (!document.getElementById(el.getAttribute("aria-controls"))) el.removeAttribute("aria-controls");
    });
    // A tablist may hold tabs only: YASGUI's own "add tab" button inside it is hidden (CSS), and this
    // button after the list does the same.
    var list = root.querySelector(".tabsList");
    if (list && !root.querySelector("button.intmk-addtab")) {
      var add = document.createElement("button");
      add.type = "button";
      add.className = "intmk-addtab";
      add.textContent = "+";
      add.setAttribute("aria-label", "Add a new tab");
      add.title = "Add a new tab";
      add.addEventListener("click", function () { yasgui.addTab(true); });
      list.parentNode.insertBefore(add, list.nextSibling);
    }
    root.querySelectorAll(".tabsList[role=tablist]:not([aria-label])").forEach(function (el) { el.setAttribute("aria-label", "Queries"); });
  }
  new MutationObserver(tidy).observe(root, { childList: true, subtree: true });

  // A link to /sparql?query=... has opened (and run) its own tab; otherwise show the first example.
  var linked = yasgui.getTab() !== undefined;
  tabs.forEach(function (tab, i) {
    yasgui.addTab(!linked && i === 0, {
      name: tab.name,
      yasqe: { value: tab.query },
      requestConfig: { endpoint: endpoint },
    });
  });
  tidy();
})();
