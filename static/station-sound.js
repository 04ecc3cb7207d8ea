// Scan station sound: a short tone per verdict (WebAudio, no files). Accepted: one short high
// beep. Anything that needs the operator's hands (duplicate, late, voided, invalid, unknown,
// error): a low falling pair. Pending (no network, set the envelope aside): three quick mid
// beeps. The switch #sound turns it off; the choice is remembered in this browser.
(function () {
  "use strict";
  var KEY = "pep-station-sound";
  // [frequency Hz (0 = silence), seconds, waveform]
  var TONES = {
    accepted: [[1046, 0.12, "sine"]],
    attention: [[440, 0.18, "square"], [0, 0.06], [220, 0.32, "square"]],
    pending: [[660, 0.08, "triangle"], [0, 0.05], [660, 0.08, "triangle"], [0, 0.05],
              [660, 0.08, "triangle"]]
  };
  var ctx = null;
  var played = [];

  function enabled() {
    try { return localStorage.getItem(KEY) !== "off"; } catch (e) { return true; }
  }

  function kind(outcome) {
    if (outcome === "accepted") return "accepted";
    if (outcome === "pending") return "pending";
    return "attention";
  }

  function play(outcome) {
    if (!enabled()) return;
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    if (!ctx) ctx = new Ctx();
    if (ctx.state === "suspended" && ctx.resume) ctx.resume();
    var k = kind(outcome);
    var t = ctx.currentTime + 0.01;
    TONES[k].forEach(function (step) {
      if (step[0] > 0) {
        var osc = ctx.createOscillator();
        var gain = ctx.createGain();
        osc.type = step[2];
        osc.frequency.value = step[0];
        gain.gain.setValueAtTime(0.0001, t);
        gain.gain.exponentialRampToValueAtTime(0.25, t + 0.01);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + step[1]);
        osc.connect(gain).connect(ctx.destination);
        osc.start(t);
        osc.stop(t + step[1] + 0.02);
      }
      t += step[1];
    });
    played.push(k);
  }

  var toggle = document.getElementById("sound");
  if (toggle) {
    toggle.checked = enabled();
    toggle.addEventListener("change", function () {
      try { localStorage.setItem(KEY, toggle.checked ? "on" : "off"); } catch (e) { /* private mode */ }
    });
  }

  // `played` lists the tones started, in order (the browser test reads it).
  window.PepSound = { play: play, kind: kind, played: played, tones: TONES };
})();
