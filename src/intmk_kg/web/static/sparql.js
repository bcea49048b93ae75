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

  // A link to /sparql?query=... has opened (and run) its own tab; otherwise show the first example.
  var linked = yasgui.getTab() !== undefined;
  tabs.forEach(function (tab, i) {
    yasgui.addTab(!linked && i === 0, {
      name: tab.name,
      yasqe: { value: tab.query },
      requestConfig: { endpoint: endpoint },
    });
  });
})();
