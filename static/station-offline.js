// Scan station queue: every scan gets a scan id made here and is kept in IndexedDB until the
// server has decided it. Scans are sent one at a time, in scan order; when the server cannot
// be reached they stay "pendiente", the operator is told to set the envelope aside at the
// next position, and they are sent again (same ids: the server decides each id once) as soon
// as it answers. The list #pending shows every envelope set aside, its position and, once
// the server is back, its verdict.
(function () {
  "use strict";
  var DB = "pep-station", STORE = "scans", RETRY_MS = 1500;
  var dbp = null, pumping = false, retry = null, seq = 0, latest = null;
  var TIMEOUT_MS = 5000;
  var list = document.getElementById("pending");
  var section = document.getElementById("pending-section");
  var clear = document.getElementById("pending-clear");
  var summary = document.getElementById("pending-summary");

  function open() {
    if (dbp) return dbp;
    dbp = new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "scan_id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
    return dbp;
  }

  function tx(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), out;
        t.oncomplete = function () { resolve(out); };
        t.onerror = function () { reject(t.error); };
        out = fn(t.objectStore(STORE));
      });
    });
  }

  function all() {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var req = db.transaction(STORE, "readonly").objectStore(STORE).getAll();
        req.onsuccess = function () {
          resolve(req.result.sort(function (a, b) { return a.seq - b.seq; }));
        };
        req.onerror = function () { reject(req.error); };
      });
    });
  }

  function put(rec) { return tx("readwrite", function (s) { s.put(rec); }); }
  function del(id) { return tx("readwrite", function (s) { s["delete"](id); }); }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  function cell(text) {
    var td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function verdictText(r) {
    if (!r) return "";
    return r.label + (r.mec ? " · MEC " + r.entity + "-" + r.mec : "") +
      (r.sequence ? " · folio " + r.sequence : "");
  }

  // Repaints the list of envelopes set aside (offline scans), in order.
  function render() {
    return all().then(function (recs) {
      var aside = recs.filter(function (r) { return r.position; });
      section.hidden = aside.length === 0;
      list.replaceChildren.apply(list, aside.map(function (r) {
        var tr = document.createElement("tr");
        tr.dataset.scanId = r.scan_id;
        tr.className = r.result ? "p-decided v-" + r.result.outcome : "p-pending";
        var state = r.result ? r.result.label : (r.error ? "error: " + r.error : "pendiente");
        [String(r.position), r.code, new Date(r.scanned_at).toLocaleTimeString("es-MX"), state,
         verdictText(r.result)].forEach(function (t) { tr.appendChild(cell(t)); });
        return tr;
      }));
      var waiting = aside.filter(function (r) { return !r.result; }).length;
      summary.textContent = waiting
        ? waiting + " sobre(s) pendiente(s): consérvelos apartados en orden"
        : "Todos los sobres apartados ya tienen veredicto: búsquelos por su posición";
    });
  }

  function csrf() { return document.querySelector("#scan input[name=csrf]").value; }

  function send(rec) {
    var body = new URLSearchParams({ csrf: csrf(), station: rec.station, code: rec.code,
                                     scan_id: rec.scan_id, scanned_at: rec.scanned_at });
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort && setTimeout(function () { abort.abort(); }, TIMEOUT_MS);
    return fetch("/station/scan", { method: "POST", body: body, credentials: "same-origin",
                                    headers: { "Accept": "application/json" },
                                    signal: abort ? abort.signal : undefined })
      .then(function (resp) {
        clearTimeout(timer);
        if (resp.status >= 500) throw new TypeError("HTTP " + resp.status); // try again
        return resp.json().then(function (j) { return { ok: resp.ok, body: j }; });
      });
  }

  // Sets aside every scan still waiting: each gets the next position, the operator is told.
  function setAside(recs) {
    var next = recs.reduce(function (m, r) { return Math.max(m, r.position || 0); }, 0);
    var todo = recs.filter(function (r) { return !r.position && !r.result; });
    return Promise.all(todo.map(function (r) { r.position = ++next; return put(r); }))
      .then(function () {
        var mine = todo.filter(function (r) { return r.scan_id === latest; })[0];
        if (mine) window.PepStation.pending(mine);
      });
  }

  function pump() {
    if (pumping) return Promise.resolve();
    pumping = true;
    clearTimeout(retry);
    function step() {
      return all().then(function (recs) {
        var head = recs.filter(function (r) { return !r.result && !r.error; })[0];
        if (!head) return render();
        return send(head).then(function (answer) {
          if (!answer.ok) head.error = answer.body.error || "rechazado";
          else head.result = answer.body;
          var done = head.position ? put(head) : del(head.scan_id);
          return done.then(function () {
            if (head.scan_id === latest && !head.position) {
              if (answer.ok) window.PepStation.paint(answer.body);
              else window.PepStation.fail(head.error + " — el sobre NO quedó registrado; escanee de nuevo");
            }
            return render().then(step);
          });
        }, function () {
          return setAside(recs).then(render).then(function () {
            retry = setTimeout(pump, RETRY_MS);
          });
        });
      });
    }
    return step().then(function () { pumping = false; }, function (e) {
      pumping = false;
      window.PepStation.fail("almacenamiento local: " + e);
    });
  }

  // Takes one scan: kept first, then sent in order behind any scan still waiting.
  function scan(code, station) {
    var rec = { scan_id: newId(), seq: Date.now() * 1000 + (seq++ % 1000), code: code,
                station: station, scanned_at: new Date().toISOString() };
    latest = rec.scan_id;
    return put(rec).then(function () {
      if (pumping) {
        return all().then(function (recs) {
          var waiting = recs.some(function (r) { return r.position && !r.result; });
          if (waiting) return setAside(recs).then(render);
        });
      }
      return pump();
    });
  }

  clear.addEventListener("click", function () {
    all().then(function (recs) {
      return Promise.all(recs.filter(function (r) { return r.result || r.error; })
        .map(function (r) { return del(r.scan_id); }));
    }).then(render);
  });
  window.addEventListener("online", function () { pump(); });

  window.PepQueue = { scan: scan, pump: pump, all: all };
  if (window.indexedDB) render().then(function () { pump(); });
})();
