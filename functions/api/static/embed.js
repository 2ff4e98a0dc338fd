/*
 * Konten Sehat embed script. Add it once:
 *   <script src="https://API/v1/embed.js" async></script>
 * and mark where content goes:
 *   <div data-kram-embed="kram-otot-betis#penyebab"></div>   (a section)
 *   <div data-kram-embed="kram-otot-betis"></div>            (the whole article)
 *   optional: data-kram-locale="en"
 *
 * Each placeholder gets a Shadow DOM, so the page's CSS and ours do not meet. Content is
 * fetched as JSON and written with textContent only: nothing received is ever parsed as
 * HTML or run as code. When the API cannot be reached, a readable link is shown instead.
 */
(function () {
  "use strict";
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var script = document.currentScript;
  var base = script ? script.src.replace(/\/v1\/embed\.js(?:[?#].*)?$/, "") : "";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function safeLink(href, className, text) {
    var link = el("a", className, text);
    try {
      var url = new URL(href, base);
      if (url.protocol === "https:" || url.protocol === "http:") link.href = url.href;
    } catch (error) { /* leave the link without an href */ }
    link.rel = "noopener";
    link.target = "_blank";
    return link;
  }

  function render(root, data) {
    var box = el("div", "kse-embed");
    box.lang = data.locale;
    if (data.whole_article) box.appendChild(el("h1", "kse-title", data.article.title));
    data.sections.forEach(function (section) {
      var part = el("section", "kse-section");
      part.appendChild(el("h2", "kse-heading", section.heading));
      section.blocks.forEach(function (block) {
        if (block.type === "paragraph") {
          part.appendChild(el("p", "kse-paragraph", block.text));
        } else if (block.type === "list") {
          var list = el(block.ordered ? "ol" : "ul", "kse-list" + (block.ordered ? " kse-list--ordered" : ""));
          block.items.forEach(function (item) { list.appendChild(el("li", "kse-item", item)); });
          part.appendChild(list);
        }
      });
      box.appendChild(part);
    });
    var footer = el("footer", "kse-footer");
    var disclaimer = el("p", "kse-disclaimer");
    disclaimer.setAttribute("role", "note");
    disclaimer.appendChild(el("strong", "kse-label", data.labels.disclaimer));
    disclaimer.appendChild(document.createTextNode(" " + data.disclaimer));
    footer.appendChild(disclaimer);
    var attribution = el("p", "kse-attribution", data.labels.source + " ");
    attribution.appendChild(data.source.url ? safeLink(data.source.url, "kse-source", data.source.name)
                                            : el("span", "kse-source", data.source.name));
    attribution.appendChild(document.createTextNode(". "));
    attribution.appendChild(safeLink(data.article.url, "kse-canonical", data.labels.read_more + ": " + data.article.title));
    var provider = el("span", "kse-provider", data.labels.provided_by + " ");
    provider.appendChild(safeLink(data.provider.url, null, data.provider.name));
    attribution.appendChild(provider);
    footer.appendChild(attribution);
    box.appendChild(footer);
    root.appendChild(box);
  }

  function fallback(root, slug, locale) {
    var box = el("p", "kse-fallback", locale === "en"
      ? "This content cannot be loaded right now. "
      : "Konten ini tidak dapat dimuat saat ini. ");
    box.appendChild(safeLink(base + "/v1/frame/" + slug, "kse-canonical",
      locale === "en" ? "Read it on the source site" : "Baca di situs sumber"));
    root.appendChild(box);
  }

  function embed(host) {
    if (host.shadowRoot || host.getAttribute("data-kram-embedded")) return;
    host.setAttribute("data-kram-embedded", "true");
    var parts = (host.getAttribute("data-kram-embed") || "").split("#");
    var slug = parts[0], section = parts[1] || "";
    var locale = host.getAttribute("data-kram-locale") === "en" ? "en" : "id";
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = el("link");
    style.rel = "stylesheet";
    style.href = base + "/v1/embed.css";
    root.appendChild(style);
    if (!SLUG.test(slug) || (section && !SLUG.test(section))) {
      fallback(root, SLUG.test(slug) ? slug : "", locale);
      return;
    }
    var url = base + "/v1/embed/" + slug + (section ? "/" + section : "") + "?format=json&locale=" + locale;
    fetch(url, { mode: "cors", credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) { render(root, data); })
      .catch(function () { fallback(root, slug, locale); });
  }

  function embedAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-kram-embed]"), embed);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", embedAll);
  else embedAll();
})();
