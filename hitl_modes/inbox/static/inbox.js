// The approval inbox page. Plain JS, no build step, no framework.
// Everything a chat sent (agent, prompt, conversation) is shown with textContent, never parsed as
// HTML: a prompt containing <script> is displayed, not run.
"use strict";

(function () {
  const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
  const cards = new Map(); // prompt id -> card element, kept across refreshes so typed replies survive
  let refreshing = false;
  let again = false;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function notice(text) {
    const box = document.getElementById("notice");
    box.textContent = text;
    box.hidden = !text;
  }

  async function api(path, options) {
    const headers = Object.assign({ Authorization: "Bearer " + token }, (options && options.headers) || {});
    return fetch(path, Object.assign({}, options, { headers: headers, cache: "no-store" }));
  }

  // What Approve (an empty reply: AutoGen's Enter) does for this prompt, as the chat reported it.
  const APPROVE_EFFECTS = {
    "end": "Approve = Enter: this is a termination message, so the chat ends here.",
    "auto-reply": "Approve = Enter: no feedback; the agent auto-replies and the chat goes on.",
    "proceed": "Approve = Enter (an empty reply): the step that asks goes ahead.",
  };

  function setState(state) {
    document.body.dataset.state = state; // loading, ready or error: the page never shows stale zeros
    document.getElementById("loading").hidden = state !== "loading";
    if (state === "error") {
      document.getElementById("empty").hidden = true;
      document.getElementById("pending-count").textContent = "?";
    }
  }

  function buildCard(p) {
    const card = el("article", "card risk-" + p.risk.level);
    card.dataset.promptId = p.id;
    const title = el("h3", null, p.agent + " asks");
    title.appendChild(el("span", "risk " + p.risk.level, "risk: " + p.risk.level));
    card.appendChild(title);
    if (p.risk.reasons.length) {
      const reasons = el("ul", "reasons");
      for (const r of p.risk.reasons) reasons.appendChild(el("li", null, r));
      card.appendChild(reasons);
    }
    if (p.conversation.length) {
      card.appendChild(el("div", "label", "Recent conversation"));
      const list = el("ol", "conversation");
      for (const turn of p.conversation) {
        const item = el("li");
        item.appendChild(el("span", "who", turn.name + ": "));
        item.appendChild(el("pre", "content", turn.content));
        list.appendChild(item);
      }
      card.appendChild(list);
    }
    card.appendChild(el("div", "label", "Prompt"));
    card.appendChild(el("pre", "prompt", p.prompt));
    const text = el("textarea", "reply-text");
    text.placeholder = "Feedback for Reply (Approve and Stop ignore it)";
    text.setAttribute("aria-label", "reply text");
    card.appendChild(text);
    const effect = APPROVE_EFFECTS[p.approve] || APPROVE_EFFECTS.proceed;
    card.appendChild(el("p", "approve-effect effect-" + (p.approve || "proceed"), effect));
    const actions = el("div", "actions");
    const status = el("span", "status");
    for (const [label, action] of [["Approve", "approve"], ["Reply", "reply"], ["Stop", "stop"]]) {
      const button = el("button", action, label);
      button.type = "button";
      if (action === "approve") button.title = effect;
      button.addEventListener("click", () => decide(p.id, action, text.value, card, status));
      actions.appendChild(button);
    }
    actions.appendChild(status);
    card.appendChild(actions);
    return card;
  }

  async function decide(id, action, text, card, status) {
    for (const b of card.querySelectorAll("button")) b.disabled = true;
    status.textContent = "sending…";
    let response;
    try {
      response = await api("/api/prompts/" + encodeURIComponent(id) + "/decision", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ action: action, text: action === "reply" ? text : "" }),
      });
    } catch (e) {
      status.textContent = "the inbox is not reachable; try again";
      for (const b of card.querySelectorAll("button")) b.disabled = false;
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      status.textContent = "sent: " + body.decision;
    } else {
      status.textContent = body.error || "refused (" + response.status + ")";
      if (response.status === 422) for (const b of card.querySelectorAll("button")) b.disabled = false;
    }
    refresh();
  }

  function renderRecent(recent) {
    const list = document.getElementById("recent");
    list.replaceChildren();
    for (const p of recent) {
      const what = p.status === "timed-out" ? "timed out (the chat applied its safe default)"
        : p.decision + (p.decision === "feedback" ? ": " + p.response : "");
      const item = el("li", "recent-item");
      item.dataset.promptId = p.id;
      const when = p.decided_at ? new Date(p.decided_at) : null;
      const time = el("time", "when", when ? when.toLocaleString() : "");
      if (when) time.dateTime = p.decided_at;
      item.appendChild(time);
      item.appendChild(el("span", "who", " " + p.agent + ": "));
      item.appendChild(el("span", "what", what));
      const firstLine = (p.prompt || "").split("\n")[0];
      const prompt = el("q", "asked", firstLine.length > 100 ? firstLine.slice(0, 99) + "…" : firstLine);
      prompt.title = p.prompt || "";
      item.appendChild(el("span", null, " — asked "));
      item.appendChild(prompt);
      list.appendChild(item);
    }
  }

  async function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    try {
      if (!token) {
        setState("error");
        notice("This link has no token. Open the link `hitl-modes inbox` printed (it ends in #token=…).");
        return;
      }
      const response = await api("/api/prompts");
      if (response.status === 401) {
        setState("error");
        notice("The inbox refused this link's token: nothing is shown. Open the link `hitl-modes inbox` " +
          "printed (the token is kept in the database's .tokens file, so it survives restarts).");
        return;
      }
      if (!response.ok) { notice("The inbox answered " + response.status + "."); return; }
      notice("");
      const data = await response.json();
      setState("ready");
      const container = document.getElementById("pending");
      const seen = new Set();
      for (const p of data.pending) {
        seen.add(p.id);
        if (!cards.has(p.id)) {
          const card = buildCard(p);
          cards.set(p.id, card);
          container.appendChild(card);
        }
      }
      for (const [id, card] of cards) {
        if (!seen.has(id)) { card.remove(); cards.delete(id); }
      }
      document.getElementById("pending-count").textContent = String(data.pending.length);
      document.getElementById("empty").hidden = data.pending.length > 0;
      renderRecent(data.recent);
      document.body.dataset.version = String(data.version);
    } catch (e) {
      document.getElementById("connection").textContent = "offline, retrying…";
    } finally {
      refreshing = false;
      if (again) { again = false; refresh(); }
    }
  }

  function listen() {
    const connection = document.getElementById("connection");
    if (!window.EventSource) { connection.textContent = "polling"; return; }
    const events = new EventSource("/api/events");
    events.addEventListener("open", () => { connection.textContent = "live"; });
    events.addEventListener("change", () => refresh());
    events.addEventListener("error", () => { connection.textContent = "reconnecting…"; });
  }

  document.addEventListener("DOMContentLoaded", () => {
    listen();
    refresh();
    setInterval(refresh, 5000); // a safety net when events are blocked by a proxy
  });
})();
