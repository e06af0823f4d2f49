// The service worker: the filing form and the app's own files stay available without a
// network. Pages come from the network first; a copy of the empty filing form is kept so
// that a monitor who goes offline can still open it. Nothing typed is stored here: the
// outbox (static/offline.js) keeps filled forms in IndexedDB until they are sent.
"use strict";
var CACHE = "aryz-shell-v1";
var FORM = "/complaints/new";
var SHELL = ["/static/app.css", "/static/app.js", "/static/filing.css", "/static/filing.js",
             "/static/offline.js", "/static/vendor/pico-2.1.1.min.css", "/static/icon-192.png"];

function keepForm(cache) {
  // The signed-in monitor's empty filing form; a visitor sent to the login page keeps nothing.
  return fetch(FORM, { credentials: "same-origin" }).then(function (response) {
    if (response.ok && !response.redirected) { return cache.put(FORM, response); }
  }).catch(function () {});
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(SHELL).then(function () { return keepForm(cache); });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function offlinePage() {
  return new Response("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" " +
    "content=\"width=device-width, initial-scale=1\"><title>Offline</title><link rel=\"stylesheet\" " +
    "href=\"/static/vendor/pico-2.1.1.min.css\"></head><body><main class=\"container\"><h1>Offline</h1>" +
    "<p>This page needs the network. <a href=\"" + FORM + "\">The filing form</a> works offline: what you " +
    "file is kept on this phone and sent when the network returns.</p></main></body></html>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
      return hit || fresh;
    }));
    return;
  }
  if (request.mode !== "navigate") { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (url.pathname === FORM && !url.search && response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(FORM, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(url.pathname === FORM ? FORM : request).then(function (hit) {
      return hit || offlinePage();
    });
  }));
});

self.addEventListener("message", function (event) {
  // Logging out forgets the kept filing form (it names the account).
  if (event.data === "forget") { event.waitUntil(caches.delete(CACHE)); }
});
