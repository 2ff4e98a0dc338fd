/*
 * Konten Sehat embed script. Add it once, anywhere on the page:
 *   <script src="https://API/v1/embed.js" async></script>
 * and mark where content goes, now or later (placeholders added at any time are rendered):
 *   <div data-kse-embed="kram-otot-betis#penyebab"></div>   (a section)
 *   <div data-kse-embed="kram-otot-betis"></div>            (the whole article)
 *   optional: data-kse-locale="en"
 * (data-kram-embed and data-kram-locale, the first names, still work.)
 *
 * For frameworks: window.KontenSehat.render(element) renders one placeholder,
 * window.KontenSehat.renderAll(root) every placeholder under root. Each renders once.
 *
 * Each placeholder gets a Shadow DOM, so the page's CSS and ours do not meet; theme it with the
 * CSS custom properties and ::part() names listed in embed.css. Content is fetched as JSON and
 * written with textContent only: nothing received is ever parsed as HTML or run as code.
 *
 * The same script sizes oEmbed iframes: a frame page of this API posts its height
 * ({type: "kse:height", id, height}) and the iframe it came from is set to that height.
 *
 * Whenever it shows an article (a placeholder, a frame page, an oEmbed snippet's text stand-in), it asks the
 * API for the article's status, past any copy the browser kept: a withdrawn article is replaced by a notice
 * with the editors' reason and the date, and a corrected one is shown as it is now, with its corrections.
 */
(function () {
  "use strict";
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var PREFIXES = ["data-kse-", "data-kram-"];
  var SELECTOR = "[data-kse-embed], [data-kram-embed]";
  var FALLBACK = "blockquote[data-kse-fallback]";
  var MESSAGES = {
    id: {
      unavailable: "Konten ini tidak dapat dimuat saat ini.",
      notFound: "Konten ini tidak ditemukan.",
      retracted: "Artikel ini telah ditarik oleh redaksi.",
      retractedOn: "Ditarik pada",
      reason: "Alasan:",
      readArticle: "Baca artikelnya",
      tryArticle: "Buka artikel"
    },
    en: {
      unavailable: "This content cannot be loaded right now.",
      notFound: "This content was not found.",
      retracted: "This article was withdrawn by its editors.",
      retractedOn: "Withdrawn on",
      reason: "Reason:",
      readArticle: "Read the article",
      tryArticle: "Open the article"
    }
  };
  var PARTS = {
    "kse-title": "title", "kse-heading": "heading", "kse-paragraph": "paragraph",
    "kse-list": "list", "kse-item": "item"
  };
  // Where this script came from is where the API is; a module or a late copy has no currentScript,
  // so look for the tag (a page that proxies the API on its own origin needs neither).
  var script = document.currentScript || document.querySelector('script[src*="/v1/embed.js"]');
  var base = script ? script.src.replace(/\/v1\/embed\.js(?:[?#].*)?$/, "") : "";
  var apiOrigin = base ? new URL(base, location.href).origin : "";

  // --- inside a frame page of this API: report the page's height to the page that frames it -------
  function reportHeights() {
    var last = 0;
    var pending = false;
    function send() {
      pending = false;
      var height = Math.ceil(document.body.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      window.parent.postMessage({ type: "kse:height", id: window.name, height: height }, "*");
    }
    function schedule() {
      if (pending) return;
      pending = true;
      (window.requestAnimationFrame || setTimeout)(send);
    }
    schedule();
    window.addEventListener("load", schedule);
    window.addEventListener("resize", schedule);
    if (window.ResizeObserver) new ResizeObserver(schedule).observe(document.body);
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(schedule);
    Array.prototype.forEach.call(document.images, function (image) { image.addEventListener("load", schedule); });
  }

  if (window.parent !== window && document.body && document.body.classList.contains("kse-frame")) {
    reportHeights();
    checkFrame();
    return;
  }

  // --- on a partner's page ------------------------------------------------------------------------
  if (window.KontenSehat) return;  // each oEmbed snippet brings the script along; one copy does the work

  // Size the oEmbed iframes of this API.
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== apiOrigin || !data || data.type !== "kse:height") return;
    var height = Number(data.height);
    if (!(height > 0 && height < 100000)) return;
    Array.prototype.forEach.call(document.getElementsByTagName("iframe"), function (frame) {
      if (frame.contentWindow !== event.source) return;
      frame.style.height = height + "px";
      frame.setAttribute("height", String(height));
      // The frame's own stand-in is the blockquote just before it (the same piece may be embedded twice).
      var fallback = frame.previousElementSibling;
      if (fallback && fallback.getAttribute("data-kse-fallback") === frame.name && frame.name === data.id) {
        fallback.hidden = true;  // the frame shows; its text stand-in can go
      }
    });
  });

  // --- rendering placeholders ------------------------------------------------------------------------
  function attr(host, name) {
    for (var i = 0; i < PREFIXES.length; i++) {
      var value = host.getAttribute(PREFIXES[i] + name);
      if (value !== null) return value;
    }
    return null;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
      var part = PARTS[className.split(" ")[0]];
      if (part) node.setAttribute("part", part);
    }
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function safeLink(href, className, text) {
    var link = el("a", className, text);
    try {
      var url = new URL(href, base || location.href);
      if (url.protocol === "https:" || url.protocol === "http:") link.href = url.href;
    } catch (error) { /* leave the link without an href */ }
    link.rel = "noopener";
    link.target = "_blank";
    return link;
  }

  // The article as a page to read, whatever the client accepts (its own URL, as the API links it).
  function articlePage(slug, locale) {
    return base + "/v1/articles/" + slug + ".html" + (locale === "id" ? "" : "?locale=" + locale);
  }

  function embedJson(slug, section, locale) {
    return base + "/v1/embed/" + slug + (section ? "/" + section : "") + "?format=json&locale=" + locale;
  }

  // The article's status now: "no-cache" makes the browser revalidate any copy it kept (a 304 when unchanged,
  // answered by the CDN, which the API purges on every change) instead of trusting it for its max-age.
  function current(slug, section, locale) {
    return fetch(embedJson(slug, section, locale), { mode: "cors", credentials: "omit", cache: "no-cache" });
  }

  function render(root, data, styled) {
    var box = el("div", "kse-embed");
    box.lang = data.locale;
    if (data.whole_article) box.appendChild(el("h2", "kse-title", data.article.title));
    data.sections.forEach(function (section) {
      var part = el("section", "kse-section");
      part.appendChild(el(data.whole_article ? "h3" : "h2", "kse-heading", section.heading));
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
    if (data.corrections && data.corrections.length) box.appendChild(corrections(data));
    var footer = el("footer", "kse-footer");
    var disclaimer = el("p", "kse-disclaimer");
    disclaimer.setAttribute("role", "note");
    disclaimer.appendChild(el("strong", "kse-label", data.labels.disclaimer));
    disclaimer.appendChild(document.createTextNode(" " + data.disclaimer));
    footer.appendChild(disclaimer);
    var review = data.review;
    footer.appendChild(el("p", "kse-review", review.status === "not-reviewed" ? data.labels.not_reviewed
      : data.labels.reviewed_by + " " + review.reviewed_by.name + " (" + review.reviewed_by.qualification + "), "
        + review.reviewed_at + "." + (review.status === "overdue" ? " " + data.labels.review_overdue : "")));
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
    // Judged once our stylesheet applies: before it, the box shows the page's inherited colours.
    styled.then(function () { keepReadable(box); });
  }

  // The editors' corrections to what is shown, as the fragments and frame pages show them.
  function corrections(data) {
    var details = el("details", "kse-corrections");
    details.appendChild(el("summary", null, data.labels.corrections + " (" + data.corrections.length + ")"));
    var list = el("ul");
    data.corrections.forEach(function (correction) {
      var item = el("li", "kse-correction");
      item.appendChild(el("del", null, correction.original));
      item.appendChild(document.createTextNode(" \u2192 "));
      item.appendChild(el("ins", null, correction.corrected));
      item.appendChild(document.createTextNode(": " + correction.reason));
      list.appendChild(item);
    });
    details.appendChild(list);
    return details;
  }

  // A theme may change the look, never make the text unreadable: below WCAG AA contrast (4.5:1) or
  // under 12px, it is ignored and the default look used. The disclaimer does not follow themes at all.
  // [r, g, b, alpha] of a computed colour; null for a notation this script does not read (then the
  // default look is used, as for an unreadable theme).
  function rgba(color) {
    var found = /^rgba?\(([^)]+)\)$/.exec(color || "");
    if (!found) return null;
    var parts = found[1].split(/[\s,\/]+/).filter(Boolean).map(function (part) { return parseFloat(part); });
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  }

  function over(top, bottom) {
    return top.slice(0, 3).map(function (value, i) { return value * top[3] + bottom[i] * (1 - top[3]); });
  }

  // What the text is really drawn on: the first background that is not see-through, from the box
  // out through the partner's page (across the shadow boundary), with what lies above blended in.
  function backdrop(node) {
    var layers = [];
    while (node && node.nodeType === 1) {
      var layer = rgba(getComputedStyle(node).backgroundColor);
      if (!layer) return null;
      if (layer[3] > 0) layers.push(layer);
      if (layer[3] >= 1) break;
      node = node.parentElement || (node.getRootNode && node.getRootNode().host) || null;
    }
    return layers.reduceRight(function (below, layer) { return over(layer, below); }, [255, 255, 255]);
  }

  function luminance(rgb) {
    var linear = rgb.map(function (value) {
      var c = value / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  }

  function contrast(foreground, background) {
    var a = luminance(foreground), b = luminance(background);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }

  function keepReadable(box) {
    var style = getComputedStyle(box);
    var background = backdrop(box), color = rgba(style.color);
    var text = color && background ? over(color, background) : null;
    var unreadable = !text || !background || contrast(text, background) < 4.5 || parseFloat(style.fontSize) < 12;
    if (unreadable) box.classList.add("kse-default-theme");
    box.setAttribute("data-kse-theme", unreadable ? "ignored" : "applied");
  }

  function notice(root, message, href, label) {
    var box = el("p", "kse-fallback", message + (href ? " " : ""));
    box.setAttribute("role", "status");
    if (href) box.appendChild(safeLink(href, "kse-canonical", label));
    root.appendChild(box);
  }

  function notFound(root, slug, section, locale) {
    var words = MESSAGES[locale];
    if (!section) return notice(root, words.notFound);
    // A section that is gone: point to its article, if that is still there.
    fetch(embedJson(slug, "", locale), { mode: "cors", credentials: "omit" })
      .then(function (response) { if (!response.ok) throw new Error("HTTP " + response.status); return response.json(); })
      .then(function (data) { notice(root, words.notFound, data.article.url, words.readArticle + ": " + data.article.title); })
      .catch(function () { notice(root, words.notFound); });
  }

  // A withdrawn article: say so, when and why, rather than "not found" (the problem carries the editors' reason
  // and the date).
  function retracted(root, problem, locale) {
    var words = MESSAGES[locale];
    var box = el("p", "kse-fallback kse-retracted", words.retracted);
    box.setAttribute("role", "status");
    var day = typeof problem.retracted_at === "string" ? problem.retracted_at.slice(0, 10) : "";
    if (/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      var when = el("span", "kse-notice-date", words.retractedOn + " ");
      var time = el("time", null, day);
      time.setAttribute("datetime", day);
      when.appendChild(time);
      when.appendChild(document.createTextNode("."));
      box.appendChild(document.createTextNode(" "));
      box.appendChild(when);
    }
    if (typeof problem.reason === "string" && problem.reason) {
      box.appendChild(document.createTextNode(" "));
      box.appendChild(el("span", "kse-notice-reason", words.reason + " " + problem.reason));
    }
    root.appendChild(box);
  }

  function withProblem(response, then) {
    return response.json().then(then, function () { then({}); });
  }

  // --- a frame page of this API: replace what it shows when the article changed since it was rendered ------
  function checkFrame() {
    var shown = document.querySelector(".kse-embed[data-kse-article]");
    if (!shown) return;  // an error page: it already says what happened
    var slug = shown.getAttribute("data-kse-article"), section = shown.getAttribute("data-kse-section") || "";
    var locale = MESSAGES[shown.lang] ? shown.lang : "id";
    current(slug, section, locale)
      .then(function (response) {
        if (response.status === 410 || response.status === 404) {
          var holder = el("main", "kse-embed kse-error");
          holder.setAttribute("data-kse-status", String(response.status));
          shown.replaceWith(holder);
          if (response.status === 404) return notice(holder, MESSAGES[locale].notFound);
          return withProblem(response, function (problem) { retracted(holder, problem, locale); });
        }
        if (!response.ok) return;  // keep what the page shows
        return response.json().then(function (data) {
          if (data.version === shown.getAttribute("data-kse-version")) return;
          var fresh = document.createElement("div");
          render(fresh, data, Promise.resolve());
          var box = fresh.firstChild;
          box.setAttribute("data-kse-article", slug);
          box.setAttribute("data-kse-version", data.version);
          if (section) box.setAttribute("data-kse-section", section);
          shown.replaceWith(box);
        });
      })
      .catch(function () { /* the page as rendered stays */ });
  }

  function load(host) {
    var parts = (attr(host, "embed") || "").split("#");
    var slug = parts[0], section = parts[1] || "";
    var locale = attr(host, "locale") === "en" ? "en" : "id";
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = el("link");
    var styled = new Promise(function (resolve) { style.onload = style.onerror = resolve; });
    style.rel = "stylesheet";
    style.href = base + "/v1/embed.css";
    root.appendChild(style);
    if (!SLUG.test(slug) || (section && !SLUG.test(section))) {
      notice(root, MESSAGES[locale].notFound);
      return;
    }
    current(slug, section, locale)
      .then(function (response) {
        if (response.status === 404) return notFound(root, slug, section, locale);
        if (response.status === 410) return withProblem(response, function (problem) { retracted(root, problem, locale); });
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json().then(function (data) { render(root, data, styled); });
      })
      .catch(function () {
        notice(root, MESSAGES[locale].unavailable, articlePage(slug, locale), MESSAGES[locale].tryArticle);
      });
  }

  // An oEmbed snippet's text stand-in was copied onto the partner's page when the article was embedded: if the
  // article has been withdrawn since, its text gives way to the notice (the frame beside it says so too).
  function checkFallback(quote) {
    if (quote.hasAttribute("data-kse-checked")) return;
    quote.setAttribute("data-kse-checked", "");
    var named = /^kse-([a-z0-9-]+?)(?:--([a-z0-9-]+))?$/.exec(quote.getAttribute("data-kse-fallback") || "");
    if (!named || !SLUG.test(named[1]) || (named[2] && !SLUG.test(named[2]))) return;
    var locale = MESSAGES[quote.lang] ? quote.lang : "id";
    current(named[1], named[2] || "", locale)
      .then(function (response) {
        if (response.status !== 410) return;
        return withProblem(response, function (problem) {
          while (quote.firstChild) quote.removeChild(quote.firstChild);
          quote.setAttribute("data-kse-status", "retracted");
          retracted(quote, problem, locale);
        });
      })
      .catch(function () { /* the stand-in stays */ });
  }

  function renderOne(host) {
    if (!host || host.nodeType !== 1 || host.hasAttribute("data-kse-rendered") || host.shadowRoot) return;
    if (attr(host, "embed") === null) return;
    host.setAttribute("data-kse-rendered", "");
    load(host);
  }

  function renderAll(root) {
    root = root || document;
    if (root.nodeType === 1 && root.matches(SELECTOR)) renderOne(root);
    if (root.querySelectorAll) Array.prototype.forEach.call(root.querySelectorAll(SELECTOR), renderOne);
    if (root.nodeType === 1 && root.matches(FALLBACK)) checkFallback(root);
    if (root.querySelectorAll) Array.prototype.forEach.call(root.querySelectorAll(FALLBACK), checkFallback);
  }

  window.KontenSehat = { render: renderOne, renderAll: renderAll };

  function start() {
    renderAll(document);
    if (!window.MutationObserver) return;
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "attributes") renderOne(change.target);
        Array.prototype.forEach.call(change.addedNodes, function (node) { if (node.nodeType === 1) renderAll(node); });
      });
    }).observe(document.documentElement, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["data-kse-embed", "data-kram-embed"]
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
