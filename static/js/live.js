// The browser side of the live endpoint: one socket per page.
//
//   import { live } from "/static/js/live.js";
//   const stop = live.follow("qa:7", { since: 42, onEvent(frame) {...}, onReset(seq) {...} });
//   const reply = await live.command("qa.question.ask", { text: "..." });
//
// Reconnects with jittered exponential backoff (0.5 s to 5 s; at once when the browser comes
// back online or the tab is shown; from the start again after each open) and resumes every channel from
// the last seq it saw; frames it has already seen are dropped. A reset never lowers a
// cursor: a page whose cursor is ahead of the server reloads instead.

const CLOSE_LOGGED_OUT = 4001;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 5000;

// How long to wait before reconnect attempt `attempt` (0 for the first after a close): an
// exponential backoff from 0.5 s capped at 5 s, jittered over its upper half so that a
// restarted server is not met by every browser at the same instant.
export function backoffDelay(attempt, random = Math.random) {
  const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return delay / 2 + random() * (delay / 2);
}

// Refusals that say "not now" rather than "no": worth asking again.
function isPassing(code) {
  return code === "db.unavailable" || code === "live.busy" || String(code).endsWith(".rate_limited");
}

class Live {
  constructor(url) {
    this.url = url;
    this.socket = null;
    this.follows = new Map(); // channel -> {since, handlers: Set}
    this.pending = new Map(); // ref -> {resolve, reject}
    this.nextRef = 1;
    this.attempt = 0;
    this.stopped = false;
    this.statusEl = document.querySelector("[data-live-status]");
    this.announcer = document.querySelector("[data-live-announcer]");
    this.retryTimer = null;
    // Back online, or the tab shown again: try at once rather than after a backoff grown
    // while the network (or a sleeping tab's timers) was away.
    window.addEventListener("online", () => this.retryNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.retryNow();
    });
  }

  retryNow() {
    if (this.socket || this.stopped || this.retryTimer === null) return;
    window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    this.connect();
  }

  start() {
    if (this.socket) return;
    this.connect();
  }

  follow(channel, { since = null, present = false, onEvent = () => {}, onReset = null } = {}) {
    let entry = this.follows.get(channel);
    const handler = { onEvent, onReset };
    if (!entry) {
      entry = { since: since === null ? null : Number(since), present, handlers: new Set() };
      this.follows.set(channel, entry);
      entry.handlers.add(handler);
      if (this.isOpen()) this.sendFollow(channel, entry);
    } else {
      entry.handlers.add(handler);
    }
    return () => {
      entry.handlers.delete(handler);
      if (entry.handlers.size === 0) {
        this.follows.delete(channel);
        if (this.isOpen()) this.command("live.unfollow", { channel }).catch(() => {});
      }
    };
  }

  // `key`: an idempotency key, the same for every retry of one submission (see newKey()).
  command(type, data = {}, key = undefined) {
    const ref = `c${this.nextRef++}`;
    return new Promise((resolve, reject) => {
      if (!this.isOpen()) {
        reject(Object.assign(new Error("offline"), { code: "live.offline" }));
        return;
      }
      this.pending.set(ref, { resolve, reject });
      const frame = { kind: "command", ref, type, data };
      if (key) frame.key = key;
      this.socket.send(JSON.stringify(frame));
    });
  }

  announce(text) {
    if (!this.announcer) return;
    this.announcer.textContent = "";
    // A fresh text node makes screen readers announce even a repeated message.
    window.setTimeout(() => { this.announcer.textContent = text; }, 50);
  }

  isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  setStatus(state, text) {
    if (!this.statusEl) return;
    this.statusEl.dataset.state = state;
    this.statusEl.textContent = text;
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}${this.url}`);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.attempt = 0;
      this.setStatus("live", this.statusEl?.dataset.textLive || "Live");
      for (const [channel, entry] of this.follows) this.sendFollow(channel, entry);
      // Pages may now send what was kept while the socket was away (commands.js's outbox).
      document.dispatchEvent(new CustomEvent("fair:live-open"));
    });
    socket.addEventListener("message", (message) => this.receive(message.data));
    socket.addEventListener("close", (event) => this.closed(event));
  }

  // A follow refused for a passing reason (the database away, too much waiting, a rate limit;
  // a worker busy with a reconnect storm) is sent again on the same socket after a backoff,
  // so the page does not silently stop following; any other refusal is final.
  sendFollow(channel, entry) {
    const data = { channel };
    if (entry.since !== null) data.since = entry.since;
    if (entry.present) data.present = true;
    const socket = this.socket;
    this.command("live.follow", data).then((reply) => {
      entry.retries = 0;
      if (entry.since === null && typeof reply.head === "number") entry.since = reply.head;
    }).catch((error) => {
      if (!isPassing(error.code)) {
        console.warn(`live: cannot follow ${channel}: ${error.code || error.message}`);
        return;
      }
      const retries = entry.retries || 0;
      entry.retries = retries + 1;
      const wait = Math.max(backoffDelay(retries), 1000 * (Number(error.retry_after) || 0));
      window.setTimeout(() => {
        if (this.socket === socket && this.isOpen() && this.follows.get(channel) === entry) {
          this.sendFollow(channel, entry);
        }
      }, wait);
    });
  }

  receive(text) {
    let frame;
    try { frame = JSON.parse(text); } catch { return; }
    if (frame.kind === "reply") {
      const waiter = this.pending.get(frame.ref);
      if (!waiter) return;
      this.pending.delete(frame.ref);
      if (frame.ok) waiter.resolve(frame.data);
      else waiter.reject(Object.assign(new Error(frame.error.message), frame.error));
      return;
    }
    const entry = this.follows.get(frame.channel);
    if (!entry) return;
    if (frame.kind === "reset") {
      // A cursor is never lowered: one ahead of the server's log (a restored database) is
      // dropped with the whole page, which loads again with the server's own cursor.
      if (frame.ahead || (entry.since !== null && frame.seq < entry.since)) {
        location.reload();
        return;
      }
      entry.since = frame.seq;
      for (const handler of entry.handlers) {
        if (handler.onReset) handler.onReset(frame.seq);
        else { location.reload(); return; }
      }
      return;
    }
    if (frame.kind !== "event") return;
    if (typeof frame.seq === "number") {
      if (entry.since !== null && frame.seq <= entry.since) return; // already seen
      entry.since = frame.seq;
    }
    for (const handler of entry.handlers) handler.onEvent(frame);
  }

  closed(event) {
    this.socket = null;
    for (const waiter of this.pending.values()) {
      waiter.reject(Object.assign(new Error("disconnected"), { code: "live.offline" }));
    }
    this.pending.clear();
    if (this.stopped) return;
    if (event.code === CLOSE_LOGGED_OUT) {
      this.setStatus("ended", this.statusEl?.dataset.textEnded || "Your session has ended.");
      this.announce(this.statusEl?.dataset.textEnded || "Your session has ended.");
      return;
    }
    const wait = backoffDelay(this.attempt);
    this.attempt += 1;
    this.setStatus("reconnecting", this.statusEl?.dataset.textReconnecting || "Reconnecting…");
    this.retryTimer = window.setTimeout(() => { this.retryTimer = null; this.connect(); }, wait);
  }
}

export const live = new Live("/ws");

// A fresh idempotency key: one per submission, sent again unchanged when it is retried.
export function newKey() {
  if (window.crypto?.randomUUID) return window.crypto.randomUUID();
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
window.fairLive = live;

// Elements that declare a channel are followed from the seq the page was rendered at.
function followDeclared() {
  for (const el of document.querySelectorAll("[data-live-channel][data-live-since]")) {
    live.follow(el.dataset.liveChannel, { since: el.dataset.liveSince });
  }
  live.start();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", followDeclared);
else followDeclared();

// Live changes must not drop the keyboard user's place: `keepFocus(container, change)` notes
// the focused control inside `container`, runs `change` (a section swapped, a list re-sorted,
// an item removed), then puts focus back on that control, or on the same control in the new
// markup (same id, else same name and value in the same form, else same data-key), or on a
// sensible neighbour (the nearest remaining item or the container itself), never on <body>.
function describe(element) {
  const form = element.form || element.closest("form");
  return {
    id: element.id || null,
    name: element.getAttribute("name"),
    value: element.getAttribute("value"),
    href: element.getAttribute("href"),
    action: form?.getAttribute("action") || null,
    command: form?.dataset.command || null,
    key: element.closest("[data-key],[id]"),
    tag: element.tagName,
  };
}

function sameControl(root, about) {
  if (about.id) {
    const byId = root.querySelector(`#${CSS.escape(about.id)}`) || (root.id === about.id ? root : null);
    if (byId) return byId;
  }
  const holder = about.key && (about.key.dataset.key
    ? root.querySelector(`[data-key="${CSS.escape(about.key.dataset.key)}"]`)
    : about.key.id ? root.querySelector(`#${CSS.escape(about.key.id)}`) : null);
  const scopes = holder ? [holder, root] : [root];
  for (const scope of scopes) {
    for (const candidate of scope.querySelectorAll(about.tag.toLowerCase())) {
      const form = candidate.form || candidate.closest("form");
      if (about.name !== null && candidate.getAttribute("name") !== about.name) continue;
      if (about.value !== null && candidate.getAttribute("value") !== about.value) continue;
      if (about.href !== null && candidate.getAttribute("href") !== about.href) continue;
      if (about.command && form?.dataset.command !== about.command) continue;
      if (about.action && form?.getAttribute("action") !== about.action) continue;
      if (about.name === null && about.href === null && about.command === null && about.action === null) continue;
      return candidate;
    }
  }
  return null;
}

function focusable(element) {
  if (!element) return null;
  if (element.matches("a[href], button, input, select, textarea, [tabindex]")) return element;
  return element.querySelector("a[href], button:not([disabled]), input:not([type=hidden]), select, textarea, [tabindex]");
}

export function keepFocus(container, change) {
  const active = document.activeElement;
  if (!active || active === document.body || !container.contains(active)) return change();
  const about = describe(active);
  // The item the control sits in, and its neighbours, for when the control itself is gone.
  const item = active.closest("li, tr, article, [data-key]");
  const neighbours = item ? [item.nextElementSibling, item.previousElementSibling] : [];
  const result = change();
  const restore = () => {
    if (document.activeElement && document.activeElement !== document.body && document.activeElement !== active) return;
    if (active.isConnected) { active.focus({ preventScroll: true }); return; }
    const home = container.isConnected ? container : document.querySelector(`[data-section="${container.dataset.section}"]`);
    let target = home && sameControl(home, about);
    if (!target) target = neighbours.map((n) => n?.isConnected && focusable(n)).find(Boolean) || null;
    if (!target && home) {
      if (!home.hasAttribute("tabindex")) home.setAttribute("tabindex", "-1");
      target = home;
    }
    target?.focus({ preventScroll: true });
  };
  if (result && typeof result.then === "function") return result.then((value) => { restore(); return value; });
  restore();
  return result;
}

// Re-reads the page and swaps in the named sections ([data-section="..."]), so that after a
// live change the page equals a fresh load. Requests are coalesced while one is in flight.
let refreshing = null;
const pendingSections = new Set();

function isBeingEdited(section) {
  if (section.contains(document.activeElement) && document.activeElement.matches("input, textarea, select")) return true;
  return [...section.querySelectorAll("textarea, input:not([type]), input[type=text]")]
    .some((field) => field.value !== field.defaultValue);
}

// Where a <details> sits: the nearest ancestor with an id, and its rank among that ancestor's
// <details>, so that the same disclosure can be found in a re-read section.
function detailsKey(details) {
  const anchor = details.parentElement?.closest("[id]");
  const scope = anchor || document;
  return `${anchor ? anchor.id : ""}#${[...scope.querySelectorAll("details")].indexOf(details)}`;
}

// A re-read section keeps the disclosures its reader opened or closed (a moderator's menu
// stays open when someone else's change arrives); the others take the state the server gives.
document.addEventListener("click", (event) => {
  const summary = event.target instanceof Element ? event.target.closest("summary") : null;
  if (summary && summary.parentElement instanceof HTMLDetailsElement) summary.parentElement.dataset.readerToggled = "";
});

function keepToggled(current, replacement) {
  const chosen = new Map(
    [...current.querySelectorAll("details[data-reader-toggled]")].map((details) => [detailsKey(details), details.open]),
  );
  return () => {
    for (const details of replacement.querySelectorAll("details")) {
      const key = detailsKey(details);
      if (!chosen.has(key)) continue;
      details.open = chosen.get(key);
      details.dataset.readerToggled = "";
    }
  };
}

export function refreshSections(names) {
  for (const name of names) pendingSections.add(name);
  if (refreshing) return refreshing;
  refreshing = (async () => {
    try {
      while (pendingSections.size) {
        const wanted = [...pendingSections];
        pendingSections.clear();
        const response = await fetch(location.href, {
          headers: { Accept: "text/html", "X-Fair-Refresh": "sections" },
          credentials: "same-origin",
        });
        if (!response.ok) return;
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        for (const name of wanted) {
          const current = document.querySelector(`[data-section="${name}"]`);
          const replacement = fresh.querySelector(`[data-section="${name}"]`);
          if (!current || !replacement) continue;
          if (isBeingEdited(current)) {
            // Never throw away what someone is typing: try again once they are done.
            window.setTimeout(() => refreshSections([name]), 3000);
            continue;
          }
          const incoming = document.importNode(replacement, true);
          const reopen = keepToggled(current, incoming);
          keepFocus(current, () => { current.replaceWith(incoming); reopen(); });
        }
        document.dispatchEvent(new CustomEvent("fair:sections-refreshed", { detail: wanted }));
      }
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}
