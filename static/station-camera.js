// Scan station camera: reads return-envelope QR codes with the device camera, continuously.
// Uses the browser's BarcodeDetector where it reads QR codes, otherwise jsQR shipped with the
// app (static/vendor/jsQR.js). After each read it pauses, and the same code is not read again
// while it stays in view (one envelope is not read twice in a row).
(function () {
  "use strict";
  var PAUSE_MS = 1500, SAME_MS = 4000, EVERY_MS = 120, MAX_W = 800;
  var button = document.getElementById("camera-toggle");
  var video = document.getElementById("camera");
  var status = document.getElementById("camera-status");
  if (!button || !video) return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    button.disabled = true;
    status.textContent = "Este navegador no permite usar la cámara aquí (se requiere HTTPS).";
    return;
  }
  var stream = null, detector = null, timer = null, busy = false;
  var last = null, lastSeen = 0, pausedUntil = 0;
  var canvas = document.createElement("canvas");
  var g = canvas.getContext("2d", { willReadFrequently: true });

  function useDetector() {
    if (!("BarcodeDetector" in window)) return Promise.resolve(null);
    return window.BarcodeDetector.getSupportedFormats().then(function (f) {
      return f.indexOf("qr_code") >= 0 ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    }, function () { return null; });
  }

  function decode() {
    if (detector) {
      return detector.detect(video).then(function (codes) {
        return codes.length ? codes[0].rawValue : null;
      });
    }
    var w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) return Promise.resolve(null);
    var scale = Math.min(1, MAX_W / w);
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    g.drawImage(video, 0, 0, canvas.width, canvas.height);
    var img = g.getImageData(0, 0, canvas.width, canvas.height);
    var qr = window.jsQR(img.data, img.width, img.height, { inversionAttempts: "attemptBoth" });
    return Promise.resolve(qr ? qr.data : null);
  }

  function read(text) {
    var now = Date.now();
    if (!text) return;
    if (text === last && now - lastSeen < SAME_MS) { lastSeen = now; return; }
    last = text;
    lastSeen = now;
    pausedUntil = now + PAUSE_MS;
    status.textContent = "Código leído; pausa breve antes del siguiente sobre.";
    window.PepStation.submit(text);
  }

  function tick() {
    if (!stream || busy || Date.now() < pausedUntil) return;
    busy = true;
    decode().then(read, function () { /* a frame that cannot be read: try the next */ })
      .then(function () { busy = false; });
  }

  function start() {
    return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        return video.play();
      })
      .then(useDetector)
      .then(function (d) {
        detector = d;
        if (!detector && !window.jsQR) throw new Error("sin lector de QR");
        button.textContent = "Detener cámara";
        button.setAttribute("aria-pressed", "true");
        status.textContent = "Cámara activa" + (detector ? "" : " (lector jsQR)") +
          ": acerque el código QR del sobre.";
        timer = setInterval(tick, EVERY_MS);
      })
      .catch(function (e) { stop(); status.textContent = "No se pudo usar la cámara: " + e.message; });
  }

  function stop() {
    clearInterval(timer);
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    button.textContent = "Usar cámara";
    button.setAttribute("aria-pressed", "false");
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); status.textContent = "Cámara detenida."; } else start();
  });
})();
