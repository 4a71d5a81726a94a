// Governor's web page: sign in, ask, follow the event stream, show the governed outcome.
// Plain JavaScript, no build step. Text from the server is always set with textContent.
"use strict";

const KINDS = ["admitted", "drafting", "released", "blocked", "error"];
const TERMINAL = new Set(["released", "blocked", "error"]);
const HISTORY_KEY = "governor.history";
const $ = (id) => document.getElementById(id);

let stream = null; // the request being followed: {id, source, lastId, seen, done, connections}

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  if (response.status !== 204) {
    try { data = await response.json(); } catch (_) { data = null; }
  }
  return { status: response.status, data };
}

function show(signedIn, me) {
  $("sign-in").hidden = signedIn;
  $("ask").hidden = !signedIn;
  $("whoami").hidden = !signedIn;
  if (signedIn) {
    $("me-name").textContent = me.user;
    $("me-tenant").textContent = me.tenant;
    renderHistory();
    $("question").focus();
  } else {
    $("current").hidden = true;
    $("history").hidden = true;
    $("username").focus();
  }
}

async function signIn(event) {
  event.preventDefault();
  $("sign-in-error").textContent = "";
  const { status, data } = await api("POST", "/api/session", {
    username: $("username").value.trim(),
    password: $("password").value,
  });
  if (status === 200) {
    $("password").value = "";
    show(true, data);
  } else {
    $("sign-in-error").textContent = (data && data.error) || `Sign-in failed (${status}).`;
  }
}

async function signOut() {
  await api("DELETE", "/api/session");
  closeStream();
  show(false);
}

async function ask(event) {
  event.preventDefault();
  const question = $("question").value.trim();
  $("ask-error").textContent = "";
  if (!question) {
    $("ask-error").textContent = "Type a question first.";
    $("question").focus();
    return;
  }
  $("ask-button").disabled = true;
  try {
    const { status, data } = await api("POST", "/api/ask", { question });
    if (status === 401) return show(false);
    if (status !== 202) {
      $("ask-error").textContent = (data && data.error) || `The question was not accepted (${status}).`;
      return;
    }
    remember({ id: data.request_id, question, outcome: "pending", at: new Date().toISOString() });
    $("question").value = "";
    follow(data.request_id, question);
  } finally {
    $("ask-button").disabled = false;
  }
}

function resetCurrent(question) {
  $("current").hidden = false;
  $("current-question").textContent = question;
  $("outcome").replaceChildren();
  $("event-log").replaceChildren();
  $("status").textContent = "Waiting for the admission gate…";
  for (const li of $("steps").children) li.className = "";
}

function closeStream() {
  if (stream && stream.source) stream.source.close();
  stream = null;
}

// Follows one request's events. EventSource reconnects by itself with Last-Event-ID; when it gives up
// (CLOSED), we reopen with ?after= so that no event is missed and none is shown twice.
function follow(requestId, question) {
  closeStream();
  resetCurrent(question);
  stream = { id: requestId, source: null, lastId: 0, seen: new Set(), done: false, connections: 0, drops: 0 };
  $("current").dataset.requestId = requestId;
  open(stream);
}

function open(s) {
  const url = `/api/ask/${encodeURIComponent(s.id)}/events` + (s.lastId ? `?after=${s.lastId}` : "");
  const source = new EventSource(url, { withCredentials: true });
  s.source = source;
  s.connections += 1;
  $("current").dataset.connections = String(s.connections);
  source.onopen = () => { $("current").dataset.connected = "true"; };
  for (const kind of KINDS) {
    source.addEventListener(kind, (message) => receive(s, kind, message));
  }
  source.onerror = () => {
    $("current").dataset.connected = "false";
    if (s.done || stream !== s) return source.close();
    s.drops += 1;
    $("current").dataset.drops = String(s.drops);
    if (source.readyState === EventSource.CLOSED) setTimeout(() => { if (stream === s && !s.done) open(s); }, 1000);
    else $("status").textContent = "Connection lost; reconnecting…";
  };
}

// Test hook and a real use: drop the connection (e.g. the phone went to sleep) and resume after it.
window.governorReconnect = () => {
  if (!stream || stream.done) return false;
  stream.source.close();
  open(stream);
  return true;
};

function receive(s, kind, message) {
  if (stream !== s) return;
  let data = {};
  try { data = JSON.parse(message.data); } catch (_) { data = {}; }
  if (kind === "error" && !message.lastEventId) {
    $("status").textContent = data.message || "Still waiting…";
    return; // not an outcome: the stream ended before one; EventSource reconnects
  }
  const eid = Number(message.lastEventId || 0);
  if (s.seen.has(eid)) return;
  s.seen.add(eid);
  s.lastId = Math.max(s.lastId, eid);
  $("event-log").append(el("li", { "data-event-id": String(eid), "data-kind": kind }, `${eid} ${kind}`));
  step(kind, data);
  if (TERMINAL.has(kind)) {
    s.done = true;
    s.source.close();
    finish(s.id, kind, data);
  }
}

function mark(name, state) {
  const li = $("steps").querySelector(`[data-step="${name}"]`);
  if (li) li.className = state;
}

function step(kind, data) {
  if (kind === "admitted") {
    mark("admitted", "done");
    mark("drafting", "active");
    $("status").textContent = "Admitted. The assistant is drafting an answer…";
  } else if (kind === "drafting") {
    mark("admitted", "done");
    mark("drafting", "done");
    mark("decided", "active");
    $("status").textContent = "Draft ready. The release gate is checking it…";
  } else if (kind === "released") {
    for (const n of ["admitted", "drafting", "decided"]) mark(n, "done");
    $("status").textContent = "Released by the release gate.";
  } else if (kind === "blocked") {
    if (data.phase === "admission") {
      mark("admitted", "failed");
      mark("drafting", "skipped");
      mark("decided", "skipped");
    } else {
      mark("admitted", "done");
      mark("drafting", "done");
      mark("decided", "failed");
    }
    $("status").textContent = `Blocked by the ${data.phase} gate.`;
  } else if (kind === "error") {
    $("status").textContent = "The request could not be processed.";
  }
}

function finish(requestId, kind, data) {
  const box = $("outcome");
  box.replaceChildren();
  box.className = `outcome ${kind}`;
  if (kind === "released") {
    box.append(el("h3", { id: "outcome-title", tabindex: "-1" }, "Answer"));
    box.append(el("p", { class: "answer" }, data.answer));
    if (data.citations && data.citations.length) {
      box.append(el("h4", {}, "Sources"));
      const list = el("ul", { class: "citations" });
      for (const c of data.citations) list.append(el("li", {}, c));
      box.append(list);
    }
    if (data.obligations && data.obligations.length) {
      box.append(el("p", { class: "meta" }, `Obligations applied: ${data.obligations.join(", ")}`));
    }
    box.append(el("p", { class: "meta", "data-signature-verified": String(data.signature_verified) },
      data.signature_verified ? "Release signature verified." : "Release signature: not verified."));
  } else if (kind === "blocked") {
    box.append(el("h3", { id: "outcome-title", tabindex: "-1" }, `Blocked at the ${data.phase} gate`));
    box.append(el("p", {}, "Governor's policies stopped this request, for these reasons:"));
    const list = el("ul", { class: "reasons" });
    for (const r of data.reasons || []) {
      const li = el("li", { "data-code": r.code });
      li.append(el("code", {}, r.code), document.createTextNode(" " + r.message));
      list.append(li);
    }
    box.append(list);
  } else {
    box.append(el("h3", { id: "outcome-title", tabindex: "-1" }, "Not processed"));
    box.append(el("p", {}, data.message || "The request could not be processed."));
  }
  if (data.audit_reference) box.append(el("p", { class: "meta" }, `Audit reference: ${data.audit_reference}`));
  remember({ id: requestId, outcome: kind });
  renderHistory();
  $("outcome-title").focus();
}

function history() {
  try { return JSON.parse(sessionStorage.getItem(HISTORY_KEY) || "[]"); } catch (_) { return []; }
}

function remember(entry) {
  const items = history();
  const found = items.find((h) => h.id === entry.id);
  if (found) Object.assign(found, entry);
  else items.unshift(entry);
  sessionStorage.setItem(HISTORY_KEY, JSON.stringify(items.slice(0, 50)));
}

function renderHistory() {
  const items = history();
  $("history").hidden = items.length === 0;
  const list = $("history-list");
  list.replaceChildren();
  for (const h of items) {
    const li = el("li");
    const button = el("button", { type: "button", class: "link" }, h.question);
    button.addEventListener("click", () => follow(h.id, h.question));
    li.append(button, el("span", { class: `badge ${h.outcome}` }, h.outcome));
    list.append(li);
  }
}

function submitOnEnter(event) {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("ask-form").requestSubmit();
  }
}

async function start() {
  $("sign-in-form").addEventListener("submit", signIn);
  $("ask-form").addEventListener("submit", ask);
  $("sign-out").addEventListener("click", signOut);
  $("question").addEventListener("keydown", submitOnEnter);
  const { status, data } = await api("GET", "/api/me");
  show(status === 200, data);
}

document.addEventListener("DOMContentLoaded", start);
