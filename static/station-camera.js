// Scan station camera: reads return-envelope QR codes with the device camera, continuously.
// Uses the browser's BarcodeDetector where it reads QR codes, otherwise jsQR shipped with the
// app (static/vendor/jsQR.js). With several envelopes in view the code nearest the centre of
// the picture (where the operator aims) is read. After each read it pauses, and the same code
// is not read again while it stays in view (one envelope is not read twice in a row).
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

  // The detected code whose box lies nearest the centre of the picture.
  function nearest(codes) {
    var cx = video.videoWidth / 2, cy = video.videoHeight / 2, best = null, bestD = Infinity;
    codes.forEach(function (c) {
      var b = c.boundingBox, d = Math.hypot(b.x + b.width / 2 - cx, b.y + b.height / 2 - cy);
      if (d < bestD) { best = c; bestD = d; }
    });
    return best ? best.rawValue : null;
  }

  // jsQR over one region of the frame (scaled down to at most MAX_W wide).
  function jsqrIn(sx, sy, sw, sh) {
    var scale = Math.min(1, MAX_W / sw);
    canvas.width = Math.round(sw * scale);
    canvas.height = Math.round(sh * scale);
    g.drawImage(video, sx, sy, sw, sh, 0, 0, canvas.width, canvas.height);
    var img = g.getImageData(0, 0, canvas.width, canvas.height);
    var qr = window.jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
    return qr ? qr.data : null;
  }

  function decode() {
    if (detector) return detector.detect(video).then(nearest);
    var w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) return Promise.resolve(null);
    // jsQR reads one code per picture and finds none when a neighbouring envelope's code is
    // also in view: a frame it cannot read is read again on its centre, where the operator aims.
    return Promise.resolve(jsqrIn(0, 0, w, h) || jsqrIn(w / 4, h / 4, w / 2, h / 2));
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
      .then(function () { busy = false; }, function () { busy = false; });
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
        video.dataset.reader = detector ? "BarcodeDetector" : "jsQR";
        if (!detector && !window.jsQR) throw new Error("sin lector de QR");
        button.textContent = "Detener cámara";
        button.setAttribute("aria-pressed", "true");
        status.textContent = "Cámara activa" + (detector ? "" : " (lector jsQR)") +
          ": acerque el código QR del sobre al centro de la imagen.";
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
