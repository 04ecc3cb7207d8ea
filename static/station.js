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
    if (window.PepSound) window.PepSound.play(r.outcome);
  }

  function fail(message) {
    verdict.className = "verdict v-invalid";
    verdict.replaceChildren(el("v-label", "ERROR"), el("v-reason", message));
    if (window.PepSound) window.PepSound.play("error");
  }

  // A scan set aside while the server cannot be reached (static/station-offline.js).
  function pending(rec) {
    verdict.className = "verdict v-pending";
    verdict.replaceChildren(
      el("v-label", "PENDIENTE · SIN CONEXIÓN"),
      el("v-mec", "Aparte el sobre en orden: posición " + rec.position),
      el("v-reason", "Se registrará en cuanto el servidor responda; la lista de abajo mostrará su veredicto."),
      el("v-meta", rec.code)
    );
    if (window.PepSound) window.PepSound.play("pending");
  }

  // One scan, from the scanner, the keyboard or the camera: queued and sent in order.
  function submitCode(text) {
    if (!text.trim()) return;
    if (!station.value.trim()) { fail("escriba el nombre de la estación"); station.focus(); return; }
    window.PepQueue.scan(text, station.value.trim());
  }

  window.PepStation = { paint: paint, fail: fail, pending: pending, submit: submitCode };

  form.addEventListener("submit", function (ev) {
    if (!window.fetch || !window.PepQueue || !window.indexedDB) return; // plain form post
    ev.preventDefault();
    var text = code.value;
    code.value = "";
    code.focus();
    submitCode(text);
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
