/* Sandbox tvdesk — demo webphone page. No real call is made.
 *
 * Implements the documented postMessage protocol of the TotalVoice webphone for the
 * three kinds of page (floating, embedded, hidden):
 *
 * - events are posted as {message: ...} to window.parent (the window itself when the
 *   page is top-level, the host page when it is in an iframe) and to window.opener;
 * - commands are accepted from the parent, the opener or the page itself:
 *   conectar, desconectar, chamaNumero(numero), answer, hangup, enviaDTMF(dtmf), mute,
 *   transferir(numeroTelefone), transferirConsulta(numeroTelefone), recStart, recStop,
 *   pausarNaFila / despausarNaFila / entrarNaFila / sairDaFila (filaId);
 * - incoming calls arrive through an EventSource on /w3/events (same signed query).
 *
 * The microphone (the sandbox's mic_mode, rendered into the page's config):
 * - "connect" (default): one getUserMedia when the page loads, held until it closes;
 *   a refusal is fatal (the phone never connects);
 * - "call": none while idle; getUserMedia when a call is dialled or answered, its
 *   tracks stopped when the call ends; a refusal fails that command only.
 *
 * A command that cannot be done answers {message: 'status_erro'} and the phone stays
 * usable; only a missing microphone (in "connect" mode) is fatal. The state is mirrored
 * on <body>: data-state, data-mic (pending, granted, denied; idle in "call" mode when
 * no call holds it), data-mic-mode, data-mic-requests (getUserMedia calls so far),
 * data-tipo, data-direction, data-dtmf, data-muted, data-recording, data-consulting,
 * data-transferred-to, data-end-reason, data-events, data-fila.
 */
(function () {
  "use strict";

  var cfg = {};
  try {
    cfg = JSON.parse(document.getElementById("config").textContent || "{}");
  } catch (e) {
    cfg = {};
  }
  var tipo = cfg.tipo || "floating";
  var floating = tipo === "floating";
  var answerAfter = Math.max(0, Number(cfg.answer_after) || 0) * 1000;
  var hangupAfter = Math.max(0, Number(cfg.hangup_after) || 0) * 1000;
  var micPerCall = cfg.mic_mode === "call";
  var BACK_TO_IDLE_MS = 300;
  var STATS_AFTER_MS = 400;
  var EVENTS_WAIT_MS = 3000;

  var $ = function (id) { return document.getElementById(id); };
  var el = {
    ramal: $("ramal"), numero: $("numero"), estado: $("estado"), tempo: $("tempo"),
    info: $("info"), erro: $("erro"), form: $("discar"), campo: $("campo-numero"),
    ligar: $("ligar"), desligar: $("desligar"), recebida: $("recebida"),
    atender: $("atender"), recusar: $("recusar"), controles: $("controles"),
    teclado: $("teclado"), dtmf: $("dtmf"), mudo: $("mudo"), gravar: $("gravar"),
    transferencia: $("transferencia"), campoTransferir: $("campo-transferir"),
    consultar: $("consultar"), simular: $("simular"), conexao: $("conexao")
  };
  var ds = document.body.dataset;

  var LABELS = {
    iniciando: "Iniciando…",
    conectado: "Conectado",
    desconectado: "Desconectado",
    chamando: "Chamando…",
    conversando: "Conversando",
    encerrada: "Chamada encerrada",
    erro: "Erro"
  };
  var END_LABELS = {
    desligada: "Chamada encerrada",
    cancelada: "Chamada cancelada",
    recusada: "Chamada recusada",
    perdida: "Chamada perdida",
    abandonada: "O chamador desistiu",
    transferida: "Chamada transferida",
    desconectado: "Chamada encerrada"
  };
  var QUEUE_EVENTS = {
    pausarNaFila: "pausou_na_fila",
    despausarNaFila: "despausou_na_fila",
    entrarNaFila: "entrou_na_fila",
    sairDaFila: "saiu_da_fila"
  };
  // our own events reach us too when the page is top-level: not commands
  var OWN_EVENTS = {
    status: 1, chamada_id: 1, status_erro: 1, chegandoChamada: 1, stats_webphone: 1,
    pausou_na_fila: 1, despausou_na_fila: 1, entrou_na_fila: 1, saiu_da_fila: 1
  };

  var state = "iniciando";
  var micReady = false;
  var fatal = false;
  var registered = false;
  var connecting = 0;        // generation of the pending connection, 0 = none
  var generation = 0;
  var firstConnection = true;
  var source = null;         // EventSource
  var stream = null;
  var micPending = null;     // "call" mode: the command waiting for getUserMedia
  var micRequests = 0;
  var call = null;           // {dir: 'saida'|'entrada', numero, phase, id, recebidaId, consulting}
  var callTimers = [];
  var idleTimer = null;
  var clock = null;

  // ------------------------------------------------------------------ plumbing

  function post(data) {
    try { window.parent.postMessage(data, "*"); } catch (e) { /* ignore */ }
    if (window.opener && window.opener !== window.parent) {
      try { window.opener.postMessage(data, "*"); } catch (e) { /* ignore */ }
    }
  }

  function setState(s, announce, label) {
    state = s;
    ds.state = s;
    el.estado.textContent = label || LABELS[s] || s;
    if (announce !== false) post({ message: "status", status: s });
    refresh();
  }

  function refresh() {
    var idle = registered && !call;
    var ringing = !!call && call.dir === "entrada" && call.phase === "chamando";
    var talking = !!call && call.phase === "conversando";
    el.desligar.disabled = !call;
    el.desligar.hidden = ringing;
    el.recebida.hidden = !ringing;
    el.controles.hidden = !talking;
    el.form.hidden = !idle || (!!cfg.ligar_para && firstCallPending());
    el.ligar.disabled = !idle;
    el.simular.hidden = !idle;
    el.conexao.hidden = fatal || !micReady || !!connecting;
    el.conexao.textContent = registered ? "Desconectar" : "Conectar";
    el.mudo.setAttribute("aria-pressed", ds.muted === "true" ? "true" : "false");
    el.gravar.setAttribute("aria-pressed", ds.recording === "true" ? "true" : "false");
    el.gravar.textContent = ds.recording === "true" ? "Parar gravação" : "Gravar";
    el.consultar.textContent = call && call.consulting ? "Consultando…" : "Consultar";
    el.consultar.disabled = !!(call && call.consulting);
    el.dtmf.textContent = call ? (ds.dtmf || "") : "";
    var info = [];
    if (call && ds.dtmf && tipo === "hidden") info.push("DTMF " + ds.dtmf);  // no keypad shown
    if (ds.muted === "true") info.push("mudo");
    if (ds.recording === "true") info.push("gravando");
    if (call && call.consulting) info.push("consultando " + call.consulting);
    el.info.textContent = info.join(" · ");
  }

  // the automatic first call (ligar_para) hides the dial form until it ends, as before
  var autoDialDone = !cfg.ligar_para;
  function firstCallPending() { return !autoDialDone; }

  function callLater(fn, ms) {
    var t = setTimeout(fn, ms);
    callTimers.push(t);
    return t;
  }

  function stopClock() {
    if (clock) { clearInterval(clock); clock = null; }
  }

  function fmt(ms) {
    var s = Math.floor(ms / 1000);
    var m = Math.floor(s / 60);
    s = s % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function normalise(n) {
    return String(n == null ? "" : n).replace(/[\s().-]/g, "");
  }

  function validNumber(n) {
    return /^\+\d{10,15}$/.test(n) || /^\d{3,4}$/.test(n) || /^\d{10,13}$/.test(n);
  }

  function showError(text) {
    el.erro.textContent = text;
    el.erro.hidden = false;
  }

  function clearError() {
    el.erro.hidden = true;
    el.erro.textContent = "";
  }

  // a command that cannot be done: reported, never fatal
  function fail(text, detail) {
    showError(detail || text);
    post({ message: "status_erro", status_erro: text });
    return false;
  }

  function newId() {
    return Math.floor(100000 + Math.random() * 899999999);
  }

  // ------------------------------------------------------------------ microphone

  function micError(err) {
    var why = err && (err.message || err.name) ? (err.message || err.name) : String(err);
    return "microfone indisponível: " + why;
  }

  function requestMicrophone() {
    micRequests++;
    ds.micRequests = String(micRequests);
    return navigator.mediaDevices.getUserMedia({ audio: true });
  }

  // "call" mode: run `then` once the microphone is held (at once when it already is);
  // a refusal fails this command only.
  function withMicrophone(what, then) {
    if (stream) { then(); return true; }
    if (micPending) return fail("já existe uma chamada em andamento");
    var token = micPending = { what: what };
    ds.mic = "pending";
    requestMicrophone().then(function (s) {
      if (micPending !== token) {  // disconnected or closed meanwhile
        s.getTracks().forEach(function (t) { t.stop(); });
        return;
      }
      micPending = null;
      stream = s;
      ds.mic = "granted";
      then();
      if (!call) releaseMicrophone();  // the command could not start a call after all
    }, function (err) {
      if (micPending !== token) return;
      micPending = null;
      ds.mic = "denied";
      fail(micError(err));
    });
    return true;
  }

  function releaseMicrophone() {
    if (!micPerCall) return;
    micPending = null;
    if (stream) {
      stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
    }
    if (ds.mic !== "denied") ds.mic = "idle";
  }

  // ------------------------------------------------------------------ connection

  function eventsUrl() {
    return "/w3/events" + window.location.search;
  }

  function onIncoming(ev) {
    var data;
    try { data = JSON.parse(ev.data); } catch (e) { return; }
    if (!data || fatal || !registered) return;
    if (call) {
      console.warn("webphone ocupado: chamada recebida ignorada", data.chamadaRecebidaId);
      return;
    }
    var numero = String(data.numeroChegando || "");
    startCall({ dir: "entrada", numero: numero, phase: "chamando", recebidaId: data.chamadaRecebidaId });
    post({
      message: "chegandoChamada",
      numeroChegando: numero,
      numeroDestino: String(data.numeroDestino || ""),
      chamadaRecebidaId: data.chamadaRecebidaId
    });
    setState("chamando", true, "Chamada recebida");
    var ring = Math.max(0, Number(data.ring_timeout) || 0) * 1000;
    if (ring > 0) callLater(function () { endCall("perdida"); }, ring);
  }

  function onCancel(ev) {
    var data = {};
    try { data = JSON.parse(ev.data) || {}; } catch (e) { data = {}; }
    if (!call || call.dir !== "entrada" || call.phase !== "chamando") return;
    if (data.chamadaRecebidaId != null && data.chamadaRecebidaId !== call.recebidaId) return;
    endCall("abandonada");
  }

  function closeEvents() {
    if (source) {
      source.close();
      source = null;
    }
    ds.events = "fechado";
  }

  function connect() {
    if (fatal || !micReady || connecting) return;
    if (registered) {
      if (!call) post({ message: "status", status: "conectado" });
      return;
    }
    var gen = ++generation;
    connecting = gen;
    refresh();
    var finished = false;
    function done() {
      if (finished || connecting !== gen) return;
      finished = true;
      connecting = 0;
      registered = true;
      clearError();
      el.numero.textContent = cfg.ligar_para && firstConnection ? cfg.ligar_para : "—";
      setState("conectado");
      setTimeout(function () {
        if (registered && generation === gen) {
          post({ message: "stats_webphone", internet: "boa", computador: "bom" });
        }
      }, STATS_AFTER_MS);
      var first = firstConnection;
      firstConnection = false;
      if (first && cfg.ligar_para) dial(cfg.ligar_para);
    }
    if (typeof window.EventSource !== "function") {
      ds.events = "indisponivel";
      done();
      return;
    }
    source = new EventSource(eventsUrl());
    source.addEventListener("incoming", onIncoming);
    source.addEventListener("cancel", onCancel);
    source.onopen = function () { ds.events = "aberto"; done(); };
    source.onerror = function () {
      ds.events = source && source.readyState === 2 ? "fechado" : "reconectando";
    };
    setTimeout(done, EVENTS_WAIT_MS);  // no event stream: still usable for outgoing calls
  }

  function disconnect() {
    if (fatal || !micReady) return;
    if (connecting) {
      connecting = 0;
      closeEvents();
      setState("desconectado");
      return;
    }
    if (!registered) {
      post({ message: "status", status: "desconectado" });
      return;
    }
    if (call) endCall("desconectado");
    releaseMicrophone();
    clearTimeout(idleTimer);
    generation++;
    registered = false;
    closeEvents();
    setState("desconectado");
  }

  // ------------------------------------------------------------------ calls

  function startCall(c) {
    clearTimeout(idleTimer);
    autoDialDone = true;
    call = c;
    ds.direction = c.dir;
    ds.dtmf = "";
    ds.muted = "false";
    ds.recording = "false";
    delete ds.consulting;
    delete ds.transferredTo;
    delete ds.endReason;
    clearError();
    el.numero.textContent = c.numero || "—";
    el.tempo.textContent = "";
  }

  function answered() {
    if (!call) return;
    call.phase = "conversando";
    call.id = call.recebidaId != null ? call.recebidaId : newId();
    clearCallTimers();
    var start = Date.now();
    setState("conversando");
    post({ message: "chamada_id", chamada_id: call.id });
    el.tempo.textContent = fmt(0);
    clock = setInterval(function () { el.tempo.textContent = fmt(Date.now() - start); }, 250);
    if (hangupAfter > 0) callLater(function () { endCall("desligada"); }, hangupAfter);
  }

  function clearCallTimers() {
    callTimers.forEach(clearTimeout);
    callTimers = [];
  }

  function endCall(reason) {
    if (!call) return;
    call = null;
    clearCallTimers();
    stopClock();
    releaseMicrophone();
    ds.endReason = reason;
    ds.muted = "false";
    ds.recording = "false";
    delete ds.consulting;
    setState("encerrada", true, END_LABELS[reason] || LABELS.encerrada);
    if (reason === "transferida" && ds.transferredTo) {
      el.info.textContent = "Transferida para " + ds.transferredTo;
    }
    if (floating) {
      if (cfg.fechar_fim) setTimeout(function () { window.close(); }, 200);
      return;  // the floating page stays on "encerrada" (it can dial again)
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () {
      if (!call && registered) {
        el.numero.textContent = "—";
        el.tempo.textContent = "";
        setState("conectado");
      }
    }, BACK_TO_IDLE_MS);
  }

  function dial(numero) {
    if (!registered) return fail("webphone desconectado");
    if (call || micPending) return fail("já existe uma chamada em andamento");
    numero = normalise(numero);
    if (!validNumber(numero)) return fail("número inválido", "Número inválido: " + numero);
    if (micPerCall && !stream) {
      return withMicrophone("dial", function () { dial(numero); });
    }
    startCall({ dir: "saida", numero: numero, phase: "chamando" });
    setState("chamando");
    callLater(answered, answerAfter);
    return true;
  }

  function answer() {
    if (!call || call.dir !== "entrada" || call.phase !== "chamando") {
      return fail("nenhuma chamada para atender");
    }
    if (micPerCall && !stream) {
      var ringing = call;
      return withMicrophone("answer", function () {
        if (call === ringing && call.phase === "chamando") answered();
      });
    }
    answered();
    return true;
  }

  function hangup() {
    if (!call && micPending && micPending.what === "dial") {
      releaseMicrophone();  // a dial still waiting for the microphone: dropped
      return true;
    }
    if (!call) return fail("nenhuma chamada ativa");
    if (call.phase === "chamando") {
      endCall(call.dir === "entrada" ? "recusada" : "cancelada");
    } else if (call.consulting) {
      ds.transferredTo = call.consulting;
      endCall("transferida");
    } else {
      endCall("desligada");
    }
    return true;
  }

  function needTalking() {
    if (!call || call.phase !== "conversando") {
      fail("nenhuma chamada em conversação");
      return false;
    }
    return true;
  }

  function sendDtmf(d) {
    if (!needTalking()) return false;
    d = d == null ? "" : String(d);
    if (!/^[0-9*#]$/.test(d)) return fail("dígito DTMF inválido", "Dígito DTMF inválido: " + d);
    ds.dtmf = (ds.dtmf || "") + d;
    refresh();
    return true;
  }

  function toggleMute() {
    if (!call) return fail("nenhuma chamada ativa");
    ds.muted = ds.muted === "true" ? "false" : "true";
    refresh();
    return true;
  }

  function record(on) {
    if (!needTalking()) return false;
    ds.recording = on ? "true" : "false";
    refresh();
    return true;
  }

  function transfer(numero, attended) {
    if (!needTalking()) return false;
    numero = normalise(numero);
    if (!validNumber(numero)) return fail("número inválido", "Número inválido: " + numero);
    if (attended) {
      if (call.consulting) return fail("já existe uma consulta em andamento");
      call.consulting = numero;
      ds.consulting = numero;
      refresh();
      return true;
    }
    ds.transferredTo = numero;
    endCall("transferida");
    return true;
  }

  function queueCommand(name, filaId) {
    if (!registered) return fail("webphone desconectado");
    var msg = { message: QUEUE_EVENTS[name] };
    if (filaId != null && filaId !== "") {
      if (!/^\d{1,12}$/.test(String(filaId))) return fail("fila inválida", "Fila inválida: " + filaId);
      msg.filaId = filaId;
    }
    ds.fila = msg.message;
    post(msg);
    return true;
  }

  // ------------------------------------------------------------------ commands

  var COMMANDS = {
    conectar: function () { connect(); },
    desconectar: function () { disconnect(); },
    chamaNumero: function (d) { dial(d.numero); },
    answer: function () { answer(); },
    hangup: function () { hangup(); },
    enviaDTMF: function (d) { sendDtmf(d.dtmf); },
    mute: function () { toggleMute(); },
    transferir: function (d) { transfer(d.numeroTelefone, false); },
    transferirConsulta: function (d) { transfer(d.numeroTelefone, true); },
    recStart: function () { record(true); },
    recStop: function () { record(false); }
  };
  Object.keys(QUEUE_EVENTS).forEach(function (name) {
    COMMANDS[name] = function (d) { queueCommand(name, d.filaId); };
  });

  function onMessage(ev) {
    if (ev.source !== window.parent && ev.source !== window.opener && ev.source !== window) return;
    var d = ev.data;
    if (!d || typeof d !== "object" || typeof d.message !== "string") return;
    if (OWN_EVENTS.hasOwnProperty(d.message)) return;
    if (!COMMANDS.hasOwnProperty(d.message)) {
      console.warn("webphone: comando desconhecido ignorado:", d.message);
      return;
    }
    if (fatal) return;  // a phone without microphone does nothing
    COMMANDS[d.message](d);
  }

  // ------------------------------------------------------------------ UI

  el.ramal.textContent = cfg.ramal || "—";
  el.numero.textContent = cfg.ligar_para || "—";
  ds.tipo = tipo;
  setState("iniciando", false);

  el.form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    dial(el.campo.value);
  });
  el.desligar.addEventListener("click", function () { if (call) hangup(); });
  el.atender.addEventListener("click", function () { answer(); });
  el.recusar.addEventListener("click", function () { if (call) hangup(); });
  el.teclado.addEventListener("click", function (ev) {
    var b = ev.target && ev.target.closest ? ev.target.closest("button[data-dtmf]") : null;
    if (b) sendDtmf(b.getAttribute("data-dtmf"));
  });
  el.mudo.addEventListener("click", function () { toggleMute(); });
  el.gravar.addEventListener("click", function () { record(ds.recording !== "true"); });
  el.transferencia.addEventListener("submit", function (ev) {
    ev.preventDefault();
    transfer(el.campoTransferir.value, false);
  });
  el.consultar.addEventListener("click", function () { transfer(el.campoTransferir.value, true); });
  el.conexao.addEventListener("click", function () {
    if (registered) disconnect(); else connect();
  });
  el.simular.addEventListener("click", function () {
    fetch("/w3/simulate" + window.location.search, { method: "POST" }).then(function (r) {
      if (!r.ok) showError("Não foi possível simular a chamada (HTTP " + r.status + ")");
    }, function (err) {
      showError("Não foi possível simular a chamada: " + err);
    });
  });
  window.addEventListener("message", onMessage);
  window.addEventListener("pagehide", function () {
    closeEvents();
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
  });

  function micFailed(err) {
    fatal = true;
    closeEvents();
    document.body.dataset.mic = "denied";
    var text = micError(err);
    showError(text);
    setState("erro", false);
    post({ message: "status_erro", status_erro: text });
  }

  ds.micMode = micPerCall ? "call" : "connect";
  ds.micRequests = "0";
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    micFailed(new Error("getUserMedia não suportado"));
    return;
  }
  if (micPerCall) {  // no microphone until a call needs it
    micReady = true;
    ds.mic = "idle";
    connect();
    return;
  }
  requestMicrophone().then(function (s) {
    stream = s;
    micReady = true;
    document.body.dataset.mic = "granted";
    connect();
  }, micFailed);
})();
