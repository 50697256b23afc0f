// Live updates for the newsroom pages (the stories list, a story, the alerts list's first page): one EventSource;
// on a `story` or `alert` event the part of the page it concerns is fetched again as server-rendered (escaped) HTML
// and swapped in (on the alerts page, a `story` event only for an alert still waiting for its report). No inline script.
(function () {
  "use strict";
  var region = document.querySelector("[data-live]");
  var status = document.getElementById("live-status");
  if (!region || !window.EventSource) { return; }
  var kind = region.getAttribute("data-live");
  var fragment = region.getAttribute("data-fragment");
  var storyId = region.getAttribute("data-story");
  var rule = region.getAttribute("data-rule");  // the alerts page of one rule: only its alerts concern it
  var pending = false, busy = false, fresh = 0;

  function say(text) { if (status) { status.textContent = text; } }

  function refresh() {
    if (busy) { pending = true; return; }
    busy = true; pending = false;
    fetch(fragment, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var focused = document.activeElement && region.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
        var keep = kind === "story" ? openDetails() : null;
        var doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
        var heading = region.querySelector("h2.visually-hidden");
        region.replaceChildren.apply(region, (heading ? [heading] : []).concat(Array.prototype.slice.call(doc.body.childNodes)));
        if (keep) { restoreDetails(keep); }
        // The story this page shows may have been merged into another (the fragment is that one's): follow it.
        var shown = kind === "story" ? region.querySelector("[data-story-id]") : null;
        if (shown && shown.getAttribute("data-story-id") !== storyId) {
          storyId = shown.getAttribute("data-story-id");
          fragment = "/fragments/story/" + encodeURIComponent(storyId);
          region.setAttribute("data-story", storyId);
        }
        if (focused) { var again = region.querySelector('a[href="' + CSS.escape(focused) + '"]'); if (again) { again.focus(); } }
        region.setAttribute("data-updated", String(Date.now()));
        if (fresh) { say(fresh + " new update" + (fresh === 1 ? "" : "s")); fresh = 0; }
      })
      .catch(function () { say("Live updates paused; retrying"); })
      .then(function () { busy = false; if (pending) { setTimeout(refresh, 250); } });
  }

  function openDetails() {
    return Array.prototype.map.call(region.querySelectorAll("details[open]"), function (d) {
      var li = d.closest("[data-article]"); return li ? li.getAttribute("data-article") : "timeline";
    });
  }
  function restoreDetails(ids) {
    Array.prototype.forEach.call(region.querySelectorAll("details"), function (d) {
      var li = d.closest("[data-article]"); var id = li ? li.getAttribute("data-article") : "timeline";
      if (ids.indexOf(id) >= 0) { d.open = true; }
    });
  }

  // From the last event before this page was rendered: a write that lands before the connection is not lost.
  var since = region.getAttribute("data-live-since");
  var source = new EventSource(/^\d+$/.test(since || "") ? "/events?last=" + since : "/events");
  // An alert listed before its report was stored shows its title without a language; when that report's story gets a
  // report, the list is fetched again so the title is marked up in its language (not counted as a new update).
  function awaitsReport(id) {
    return Array.prototype.some.call(region.querySelectorAll("li[data-awaits-report]"), function (li) {
      return li.getAttribute("data-story") === id;
    });
  }
  function onEvent(e) {
    var data; try { data = JSON.parse(e.data); } catch (err) { return; }
    if (kind === "story" && data.story_id !== storyId) { return; }
    if (kind === "alerts" && e.type === "story") {
      if (awaitsReport(data.story_id)) { refresh(); }
      return;
    }
    if (kind === "alerts" && (e.type !== "alert" || (rule && data.rule_id !== rule))) { return; }
    fresh += 1;
    refresh();
  }
  source.addEventListener("story", onEvent);
  source.addEventListener("alert", onEvent);
  source.addEventListener("resync", function () { fresh += 1; refresh(); });
  source.addEventListener("open", function () { region.setAttribute("data-live-connected", "1"); say("Live"); });
  source.addEventListener("error", function () { say("Reconnecting…"); });
})();
