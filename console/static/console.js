/* The console's only script (served from /console/static, allowed by the CSP as 'self'):
   SLA countdowns in Astana time, and live updates over server-sent events without a reload. */
/* global document, window, EventSource, DOMParser */
(function () {
  'use strict';
  var labels = document.body.dataset;
  function two(n) {
    return (n < 10 ? '0' : '') + n;
  }
  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400);
    var h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60);
    return (d > 0 ? d + 'd ' : '') + two(h) + ':' + two(m) + ':' + two(s % 60);
  }
  function tick() {
    var els = document.querySelectorAll('[data-due]');
    var now = Date.now();
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var left = Date.parse(el.getAttribute('data-due')) - now;
      el.textContent = left >= 0 ? span(left) : (labels.overdue || '-') + ' ' + span(left);
      el.classList.toggle('overdue', left < 0);
    }
  }
  tick();
  setInterval(tick, 1000);

  var live = document.querySelectorAll('[data-live]');
  if (live.length === 0 || typeof EventSource === 'undefined') return;
  var busy = false;
  function refresh(ev) {
    var stamp = '';
    try {
      stamp = JSON.parse(ev.data).at || '';
    } catch {
      stamp = '';
    }
    if (busy) return;
    busy = true;
    fetch(window.location.href, { headers: { 'x-console-live': '1' }, credentials: 'same-origin' })
      .then(function (r) {
        return r.ok ? r.text() : '';
      })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var parts = document.querySelectorAll('[data-live]');
        for (var i = 0; i < parts.length; i++) {
          var fresh = doc.getElementById(parts[i].id);
          if (fresh) parts[i].innerHTML = fresh.innerHTML;
        }
        var at = document.getElementById('live-at');
        if (at && stamp) at.textContent = stamp;
        tick();
      })
      .catch(function () {
        return undefined;
      })
      .then(function () {
        busy = false;
      });
  }
  var es = new EventSource('/console/events');
  es.addEventListener('change', refresh);
})();
