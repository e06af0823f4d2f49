// The outbox: a complaint filed without a network is kept on the phone (IndexedDB: the
// form's fields and files, keyed by the form's own key) and sent when the network comes
// back, to the same web endpoint, with a fresh CSRF token and the same form key, so a
// resend can never make a second case. Once the receipt is in, nothing of it is kept.
(function () {
  "use strict";
  var script = document.currentScript;
  var DB = "aryz-outbox", STORE = "outbox";
  var messages = {};
  try { messages = JSON.parse(document.getElementById("outbox-messages").textContent); } catch (e) { /* English below */ }
  var user = script ? script.getAttribute("data-user") : "";

  function text(name, values) {
    var out = messages[name] || name;
    Object.keys(values || {}).forEach(function (k) { out = out.split("%(" + k + ")s").join(values[k]); });
    return out;
  }
  function waitingText(n) {
    var forms = messages.waiting || [];
    var t = forms[Math.min(n, forms.length) - 1] || (n + " complaint(s) waiting to be sent");
    return t.replace(/%\(num\)d/, String(n)).replace(/^\d+/, String(n));
  }

  if ("serviceWorker" in navigator && script && script.getAttribute("data-sw")) {
    navigator.serviceWorker.register(script.getAttribute("data-sw"), { scope: "/" }).catch(function () {});
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }
  function all() {
    return tx("readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).filter(function (r) { return r.user === user; });
    });
  }
  function put(entry) { return tx("readwrite", function (s) { s.put(entry); }); }
  function remove(key) { return tx("readwrite", function (s) { s.delete(key); }); }

  // --------------------------------------------------------------- the status line
  function box() {
    var el = document.getElementById("outbox");
    if (!el) {
      el = document.createElement("div");
      el.id = "outbox";
      el.className = "outbox";
      el.setAttribute("role", "status");
      el.setAttribute("aria-live", "polite");
      var waiting = document.createElement("p");
      waiting.className = "outbox-waiting";
      el.appendChild(waiting);
      var sent = document.createElement("ul");
      sent.className = "outbox-sent";
      el.appendChild(sent);
      var main = document.getElementById("main") || document.body;
      main.insertBefore(el, main.firstChild);
    }
    return el;
  }
  function showWaiting(n, note) {
    var el = document.getElementById("outbox");
    if (!n && !note && !el) { return; }
    el = box();
    var line = el.querySelector(".outbox-waiting");
    line.textContent = (n ? waitingText(n) + ". " : "") + (note || "");
    line.hidden = !line.textContent;
  }
  function showSent(number, code, href) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = href;
    link.textContent = code ? text("sent", { number: number, code: code }) : text("sent_no_code", { number: number });
    li.appendChild(link);
    box().querySelector(".outbox-sent").appendChild(li);
  }
  function refresh(note) {
    return all().then(function (rows) { showWaiting(rows.length, note); return rows; });
  }

  // --------------------------------------------------------------- keeping a form
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID().replace(/-/g, ""); }
    return String(Date.now()) + String(Math.random()).slice(2, 18);
  }

  function keep(form, submitter) {
    var data = new FormData(form, submitter);
    var entries = [];
    data.forEach(function (value, name) { entries.push([name, value]); });
    var key = data.get("form_key") || newKey();
    return put({ key: key, user: user, action: form.getAttribute("action") || location.pathname,
                 entries: entries, kept: Date.now() }).then(function () {
      form.reset();
      var field = form.querySelector("[name=form_key]");
      if (field) { field.value = newKey(); }
      window.scrollTo(0, 0);
      return refresh(text("kept"));
    });
  }

  function watchForms() {
    document.querySelectorAll("form.filing-form").forEach(function (form) {
      var field = form.querySelector("[name=form_key]");
      var draft = form.querySelector("[name=draft_id]");
      // A page served from the phone's copy must not reuse another form's key.
      if (field && (!draft || !draft.value) && !form.querySelector(".field-error")) { field.value = newKey(); }
      form.addEventListener("submit", function (ev) {
        var submitter = ev.submitter;
        if (navigator.onLine !== false || !submitter || submitter.name !== "submit") { return; }
        ev.preventDefault();
        keep(form, submitter);
      });
    });
  }

  // --------------------------------------------------------------- sending
  var sending = false;

  function freshToken(action) {
    return fetch(action, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (r) {
      if (r.redirected && /\/login/.test(new URL(r.url).pathname)) { throw new Error("login"); }
      if (!r.ok) { throw new Error("http " + r.status); }
      return r.text();
    }).then(function (html) {
      var input = new DOMParser().parseFromString(html, "text/html").querySelector("input[name=csrf_token]");
      if (!input) { throw new Error("no token"); }
      return input.value;
    });
  }

  function body(entry, token) {
    var data = new FormData();
    entry.entries.forEach(function (pair) {
      if (pair[0] === "csrf_token") { return; }
      if (pair[1] instanceof Blob) { data.append(pair[0], pair[1], pair[1].name || ""); }
      else { data.append(pair[0], pair[1]); }
    });
    data.append("csrf_token", token);
    return data;
  }

  // The form as a page: the monitor sees what the commission's form says about it.
  function openAsPage(entry, token) {
    var form = document.createElement("form");
    form.method = "post";
    form.enctype = "multipart/form-data";
    form.action = entry.action;
    form.hidden = true;
    var files = {};
    entry.entries.forEach(function (pair) {
      if (pair[0] === "csrf_token") { return; }
      if (pair[1] instanceof Blob) {
        (files[pair[0]] = files[pair[0]] || new DataTransfer()).items.add(pair[1]);
        return;
      }
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    Object.keys(files).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "file";
      input.name = name;
      input.multiple = true;
      input.files = files[name].files;
      form.appendChild(input);
    });
    var csrf = document.createElement("input");
    csrf.type = "hidden"; csrf.name = "csrf_token"; csrf.value = token;
    form.appendChild(csrf);
    document.body.appendChild(form);
    return remove(entry.key).then(function () { form.submit(); });
  }

  function sendOne(entry) {
    return freshToken(entry.action).then(function (token) {
      return fetch(entry.action, { method: "POST", body: body(entry, token), credentials: "same-origin" })
        .then(function (r) {
          var path = new URL(r.url).pathname;
          var match = /^\/cases\/([^/]+)\/receipt$/.exec(path);
          if (r.ok && match) {
            return r.text().then(function (html) {
              var doc = new DOMParser().parseFromString(html, "text/html");
              var code = doc.getElementById("tracking-code");
              return remove(entry.key).then(function () {
                showSent(decodeURIComponent(match[1]), code ? code.textContent.trim() : "", path);
                return true;
              });
            });
          }
          if (r.status >= 500 || r.status === 429) { throw new Error("http " + r.status); }
          // Refused as it is (a missing field, the late-filing question): show the form itself.
          showWaiting(0, text("check"));
          return openAsPage(entry, token).then(function () { return false; });
        });
    });
  }

  function flush() {
    if (sending || navigator.onLine === false) { return Promise.resolve(); }
    sending = true;
    var run = function () {
      return all().then(function (rows) {
        if (!rows.length) { return; }
        showWaiting(rows.length, text("sending"));
        return rows.reduce(function (chain, entry) {
          return chain.then(function (goOn) { return goOn === false ? false : sendOne(entry); });
        }, Promise.resolve(true)).then(function () { return refresh(""); });
      }).catch(function (err) {
        return refresh(err && err.message === "login" ? text("login") : "");
      });
    };
    // One sender at a time across the tabs of this browser.
    var done = navigator.locks ? navigator.locks.request("aryz-outbox", run) : run();
    return Promise.resolve(done).then(function () { sending = false; }, function () { sending = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.indexedDB) { return; }
    watchForms();
    refresh("").then(flush);
    window.addEventListener("online", flush);
    window.addEventListener("offline", function () { refresh(""); });
    // Logging out forgets the phone's copy of the filing form.
    var logout = location.pathname === "/logout" ? document.querySelector("main form[method=post]") : null;
    if (logout && navigator.serviceWorker && navigator.serviceWorker.controller) {
      logout.addEventListener("submit", function () { navigator.serviceWorker.controller.postMessage("forget"); });
    }
  });
})();
