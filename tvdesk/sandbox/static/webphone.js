/* Sandbox tvdesk — demo webphone page. No real call is made.
 *
 * Events are posted as {message: ...} to window.parent (which is the window itself
 * when the page is top-level) and to window.opener when there is one, like the
 * TotalVoice webphone. Commands accepted from the parent/opener: hangup,
 * chamaNumero (+numero). State is mirrored in <body data-state=... data-mic=...>.
 */
(function () {
  "use strict";

  var cfg = {};
  try {
    cfg = JSON.parse(document.getElementById("config").textContent || "{}");
  } catch (e) {
    cfg = {};
  }
  var answerAfter = Math.max(0, Number(cfg.answer_after) || 0) * 1000;
  var hangupAfter = Math.max(0, Number(cfg.hangup_after) || 0) * 1000;

  var el = {
    ramal: document.getElementById("ramal"),
    numero: document.getElementById("numero"),
    estado: document.getElementById("estado"),
    tempo: document.getElementById("tempo"),
    erro: document.getElementById("erro"),
    form: document.getElementById("discar"),
    campo: document.getElementById("campo-numero"),
    ligar: document.getElementById("ligar"),
    desligar: document.getElementById("desligar")
  };

  var LABELS = {
    iniciando: "Iniciando…",
    conectado: "Conectado",
    chamando: "Chamando…",
    conversando: "Conversando",
    encerrada: "Chamada encerrada",
    erro: "Erro"
  };

  var state = "iniciando";
  var stream = null;
  var timers = [];
  var clock = null;
  var callStart = 0;
  var inCall = false;

  function post(data) {
    try { window.parent.postMessage(data, "*"); } catch (e) { /* ignore */ }
    if (window.opener && window.opener !== window.parent) {
      try { window.opener.postMessage(data, "*"); } catch (e) { /* ignore */ }
    }
  }

  function setState(s, announce) {
    state = s;
    document.body.dataset.state = s;
    el.estado.textContent = LABELS[s] || s;
    if (announce !== false) post({ message: "status", status: s });
    el.desligar.disabled = !inCall;
    var canDial = (s === "conectado" || s === "encerrada");
    el.form.hidden = !canDial || !!cfg.ligar_para && s !== "encerrada";
    el.ligar.disabled = !canDial;
  }

  function later(fn, ms) {
    var t = setTimeout(fn, ms);
    timers.push(t);
    return t;
  }

  function clearTimers() {
    timers.forEach(clearTimeout);
    timers = [];
    if (clock) { clearInterval(clock); clock = null; }
  }

  function fmt(ms) {
    var s = Math.floor(ms / 1000);
    var m = Math.floor(s / 60);
    s = s % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function validNumber(n) {
    return /^\+\d{10,15}$/.test(n) || /^\d{3,4}$/.test(n) ||
           /^\d{10,11}$/.test(n) || /^55\d{10,11}$/.test(n);
  }

  function showError(text) {
    el.erro.textContent = text;
    el.erro.hidden = false;
  }

  function dial(numero) {
    numero = String(numero == null ? "" : numero).replace(/[\s().-]/g, "");
    if (inCall || !(state === "conectado" || state === "encerrada")) return false;
    if (!validNumber(numero)) {
      showError("Número inválido: " + numero);
      return false;
    }
    el.erro.hidden = true;
    inCall = true;
    el.numero.textContent = numero;
    el.tempo.textContent = "";
    setState("chamando");
    later(function () {
      callStart = Date.now();
      setState("conversando");
      post({ message: "chamada_id", chamada_id: Math.floor(100000 + Math.random() * 899999999) });
      clock = setInterval(function () { el.tempo.textContent = fmt(Date.now() - callStart); }, 250);
      el.tempo.textContent = fmt(0);
      if (hangupAfter > 0) later(hangup, hangupAfter);
    }, answerAfter);
    return true;
  }

  function hangup() {
    if (!inCall) return;
    inCall = false;
    clearTimers();
    setState("encerrada");
    if (cfg.fechar_fim) {
      setTimeout(function () { window.close(); }, 200);
    }
  }

  function onMessage(ev) {
    if (ev.source !== window.parent && ev.source !== window.opener) return;
    var d = ev.data;
    if (!d || typeof d !== "object" || typeof d.message !== "string") return;
    if (d.message === "hangup") hangup();
    else if (d.message === "chamaNumero") dial(d.numero);
  }

  el.ramal.textContent = cfg.ramal || "—";
  el.numero.textContent = cfg.ligar_para || "—";
  if (cfg.tipo) document.body.dataset.tipo = cfg.tipo;
  setState("iniciando", false);

  el.form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    dial(el.campo.value);
  });
  el.desligar.addEventListener("click", hangup);
  window.addEventListener("message", onMessage);
  window.addEventListener("pagehide", function () {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
  });

  function micFailed(err) {
    document.body.dataset.mic = "denied";
    var why = err && (err.message || err.name) ? (err.message || err.name) : String(err);
    var text = "microfone indisponível: " + why;
    showError(text);
    setState("erro", false);
    post({ message: "status_erro", status_erro: text });
  }

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    micFailed(new Error("getUserMedia não suportado"));
    return;
  }
  navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
    stream = s;
    document.body.dataset.mic = "granted";
    setState("conectado");
    if (cfg.ligar_para) dial(cfg.ligar_para);
  }, micFailed);
})();
