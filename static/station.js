// Scan station: submit without reloading, paint the verdict, keep the scanner's focus.
(function () {
  "use strict";
  var form = document.getElementById("scan");
  var code = document.getElementById("code");
  var station = document.getElementById("station");
  var verdict = document.getElementById("verdict");
  var countdown = document.getElementById("countdown");

  if (!station.value && window.localStorage) station.value = localStorage.getItem("pep-station") || "";
  station.addEventListener("change", function () {
    if (window.localStorage) localStorage.setItem("pep-station", station.value);
  });
  if (!station.value) station.focus(); else code.focus();

  function el(cls, text) {
    var d = document.createElement("div");
    d.className = cls;
    d.textContent = text;
    return d;
  }

  function paint(r) {
    verdict.className = "verdict v-" + r.outcome;
    verdict.replaceChildren(
      el("v-label", r.label),
      el("v-mec", r.mec ? "MEC " + r.entity + "-" + r.mec : ""),
      el("v-reason", r.reason),
      el("v-meta", [r.pep_id, r.sequence ? "folio " + r.sequence : null, r.received_local]
        .filter(Boolean).join(" · "))
    );
    var n = document.querySelector('.n[data-outcome="' + r.outcome + '"]');
    if (n) n.textContent = String(parseInt(n.textContent, 10) + 1);
  }

  function fail(message) {
    verdict.className = "verdict v-invalid";
    verdict.replaceChildren(el("v-label", "ERROR"), el("v-reason", message));
  }

  form.addEventListener("submit", function (ev) {
    if (!window.fetch) return; // plain form post
    ev.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    code.value = "";
    code.focus();
    fetch("/station/scan", { method: "POST", body: body, credentials: "same-origin",
                             headers: { "Accept": "application/json" } })
      .then(function (resp) {
        return resp.json().then(function (j) {
          if (!resp.ok) throw new Error(j.error || ("HTTP " + resp.status));
          return j;
        });
      })
      .then(paint)
      .catch(function (e) { fail(e.message + " — el sobre NO quedó registrado; escanee de nuevo"); });
  });

  // The countdown runs on the server's clock (simulated in demos and drills): the page gives
  // the server's now and speed; elapsed real time since loading moves it forward.
  var serverNow = Number(countdown.dataset.serverNow), speed = Number(countdown.dataset.speed);
  var loadedAt = performance.now();
  function now() { return serverNow + (performance.now() - loadedAt) * speed; }

  function tick() {
    var left = Date.parse(countdown.dataset.cutoff) - now();
    if (isNaN(left)) return;
    if (left <= 0) { countdown.textContent = "corte vencido: los sobres son extemporáneos"; return; }
    var s = Math.floor(left / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
        m = Math.floor(s % 3600 / 60);
    countdown.textContent = "faltan " + d + " d " + h + " h " + m + " min " + (s % 60) + " s";
  }
  tick();
  setInterval(tick, 1000);
})();
