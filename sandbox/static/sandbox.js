// The sandbox page: play personas in a Telegram-like chat with the real bot.
//
// Safety: every piece of text from the bot or a user becomes a text node; formatting
// is rebuilt from the message's entities with createElement, so no markup from a
// message is ever parsed as HTML.
"use strict";

(() => {
  const API = "/sandbox/api";
  const CONTROL = "/_emulator";
  const STICKERS = ["👍", "❤️", "😂", "🎉", "🤔", "🌸", "🚀", "🙏"];
  const COLORS = ["#e17076", "#faa774", "#a695e7", "#7bc862", "#6ec9cb", "#65aadd", "#ee7aae"];
  const SAFE_URL = /^(https?:|mailto:|tg:)/i;
  // A link or a /command in plain text, as Telegram apps make them tappable.
  const AUTO = /(https?:\/\/[^\s<>"«»]*[^\s<>"«».,;:!?)\]])|(\/[A-Za-z][A-Za-z0-9_]{0,31})(?![A-Za-z0-9_/])/g;

  const state = {
    personas: new Map(), // id -> persona
    order: [],
    current: null,
    seq: 0,
    started: false,
    messages: new Map(), // message id -> message (the current chat)
    nodes: new Map(), // message id -> element
    unread: new Map(), // persona id -> count
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  async function api(method, url, body) {
    const options = { method, headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // --- avatars and personas ------------------------------------------------------

  function avatar(name, id, small) {
    const node = el("div", small ? "avatar small" : "avatar", (name || "?").trim().charAt(0).toUpperCase());
    node.style.background = COLORS[Math.abs(Number(id)) % COLORS.length];
    node.setAttribute("aria-hidden", "true");
    return node;
  }

  function renderPersonas() {
    const list = $("personas");
    const items = state.order.map((id) => {
      const p = state.personas.get(id);
      const item = el("button", "persona");
      item.type = "button";
      item.dataset.id = String(id);
      item.setAttribute("aria-current", String(id === state.current));
      const text = el("div", "persona-text");
      text.append(el("div", "persona-name", p.name));
      const label = [p.label, p.language_code].filter(Boolean).join(" · ");
      text.append(el("div", "persona-label", label));
      item.append(avatar(p.name, id), text);
      item.title = `${p.name}${label ? " — " + label : ""}`;
      const unread = state.unread.get(id) || 0;
      if (unread > 0) item.append(el("span", "badge", String(unread)));
      item.addEventListener("click", () => selectPersona(id));
      return item;
    });
    list.replaceChildren(...items);
  }

  async function loadPersonas() {
    const data = await api("GET", `${API}/personas`);
    state.personas = new Map(data.personas.map((p) => [p.id, p]));
    state.order = data.personas.map((p) => p.id);
    if (data.bot && data.bot.first_name) $("bot-name").textContent = data.bot.first_name;
    renderPersonas();
  }

  function renderMe() {
    const p = state.personas.get(state.current);
    const me = $("me");
    if (!p) return me.replaceChildren();
    me.replaceChildren(el("span", "me-name", p.name), avatar(p.name, p.id, true));
    $("text").placeholder = "Message";
  }

  async function selectPersona(id) {
    state.current = id;
    state.unread.delete(id);
    if (location.hash !== `#${id}`) history.replaceState(null, "", `#${id}`);
    renderPersonas();
    renderMe();
    $("side").classList.remove("open");
    $("tools-toggle").setAttribute("aria-expanded", "false");
    const data = await api("GET", `${API}/chats/${id}`);
    if (state.current !== id) return; // she switched again meanwhile
    if (!state.started) state.seq = data.seq;
    state.messages = new Map();
    state.nodes = new Map();
    $("messages").replaceChildren();
    for (const message of data.messages) upsert(message, false);
    refreshDays();
    setReplyKeyboard(data.reply_keyboard);
    scrollToBottom(true);
    $("text").focus({ preventScroll: true });
  }

  // --- formatting: text + entities -> DOM ---------------------------------------------

  function safeLink(url, text) {
    if (!SAFE_URL.test(url || "")) return el("span", "", text);
    const a = el("a", "", text);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function commandLink(command) {
    const span = el("span", "cmd", command);
    span.setAttribute("role", "link");
    span.tabIndex = 0;
    const send = () => sendText(command.split("@")[0]);
    span.addEventListener("click", send);
    span.addEventListener("keydown", (e) => e.key === "Enter" && send());
    return span;
  }

  function appendText(parent, text, auto) {
    if (!auto) {
      parent.append(document.createTextNode(text));
      return;
    }
    let last = 0;
    for (const match of text.matchAll(AUTO)) {
      const start = match.index;
      if (match[2] && start > 0 && !/[\s(]/.test(text[start - 1])) continue;
      if (start > last) parent.append(document.createTextNode(text.slice(last, start)));
      parent.append(match[1] ? safeLink(match[1], match[1]) : commandLink(match[2]));
      last = start + match[0].length;
    }
    if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
  }

  function entityElement(entity, text) {
    const inner = text.slice(entity.offset, entity.offset + entity.length);
    switch (entity.type) {
      case "bold": return el("b");
      case "italic": return el("i");
      case "underline": return el("u");
      case "strikethrough": return el("s");
      case "code": return el("code");
      case "pre": return el("pre");
      case "blockquote":
      case "expandable_blockquote": return el("blockquote");
      case "spoiler": {
        const span = el("span", "spoiler");
        span.addEventListener("click", () => span.classList.add("shown"));
        return span;
      }
      case "text_link": return safeLink(entity.url, undefined);
      case "url": return safeLink(/^[a-z]+:/i.test(inner) ? inner : `https://${inner}`, undefined);
      case "email": return safeLink(`mailto:${inner}`, undefined);
      default: return el("span");
    }
  }

  // Entities nest (Telegram forbids partial overlaps); offsets are UTF-16 units, like JS strings.
  function formatted(text, entities, auto) {
    const root = document.createDocumentFragment();
    const list = (entities || [])
      .filter((e) => e.length > 0 && e.offset >= 0 && e.offset < text.length)
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    const stack = [{ node: root, end: text.length, auto }];
    let pos = 0;
    const flushTo = (target) => {
      target = Math.min(target, text.length);
      while (pos < target) {
        const top = stack[stack.length - 1];
        const stop = Math.min(target, top.end);
        if (stop > pos) {
          appendText(top.node, text.slice(pos, stop), top.auto);
          pos = stop;
        }
        if (pos >= top.end && stack.length > 1) stack.pop();
      }
    };
    for (const entity of list) {
      flushTo(entity.offset);
      while (stack.length > 1 && stack[stack.length - 1].end <= entity.offset) stack.pop();
      const parent = stack[stack.length - 1];
      const node = entityElement(entity, text);
      parent.node.append(node);
      const plain = parent.auto && !["code", "pre", "text_link", "url", "email"].includes(entity.type);
      stack.push({ node, end: Math.min(entity.offset + entity.length, parent.end), auto: plain });
    }
    flushTo(text.length);
    return root;
  }

  // --- messages ------------------------------------------------------------------------

  function timeOf(message) {
    return new Date(message.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function sizeOf(bytes) {
    if (bytes === null || bytes === undefined) return "";
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function preview(message) {
    if (!message) return "…";
    if (message.text) return message.text;
    if (message.caption) return message.caption;
    if (message.photo) return "Photo";
    if (message.document) return message.document.file_name || "File";
    if (message.sticker) return `${message.sticker.emoji || ""} Sticker`;
    return "Message";
  }

  function inlineKeyboard(message) {
    const box = el("div", "ikb");
    for (const row of message.keyboard) {
      const line = el("div", "ikb-row");
      for (const button of row) {
        if (button.url !== undefined) {
          const link = safeLink(button.url, button.text);
          link.classList.add("ikb-btn", "link");
          line.append(link);
          continue;
        }
        const node = el("button", "ikb-btn", button.text);
        node.type = "button";
        if (button.callback_data !== undefined) {
          node.addEventListener("click", () => press(message.message_id, button.callback_data, node));
        } else {
          node.disabled = true;
        }
        line.append(node);
      }
      box.append(line);
    }
    return box;
  }

  function renderMessage(message) {
    const wrap = el("div", `msg ${message.from_bot ? "in" : "out"}`);
    wrap.dataset.id = String(message.message_id);
    const bubble = el("div", "bubble");
    wrap.append(bubble);
    if (message.reply_to) {
      bubble.append(el("div", "reply-quote", preview(state.messages.get(message.reply_to))));
    }
    if (message.sticker) {
      wrap.classList.add("sticker-msg");
      bubble.append(el("div", "sticker", message.sticker.emoji || "🖼"));
    }
    if (message.photo) {
      wrap.classList.add("photo-msg");
      if (message.photo.url) {
        const img = el("img", "photo");
        img.src = message.photo.url;
        img.alt = message.caption || "Photo";
        img.loading = "lazy";
        bubble.append(img);
      } else {
        bubble.append(el("div", "photo-missing", "Photo (sent by link; not loaded offline)"));
      }
    }
    if (message.document) {
      const doc = message.document;
      const name = doc.file_name || "file";
      const box = doc.url ? el("a", "doc") : el("div", "doc");
      if (doc.url) {
        box.href = doc.url;
        box.download = name;
      }
      const ext = (name.includes(".") ? name.split(".").pop() : "file").slice(0, 4);
      const info = el("div", "doc-info");
      info.append(el("div", "doc-name", name), el("div", "doc-size", sizeOf(doc.size)));
      box.append(el("div", "doc-icon", ext), info);
      bubble.append(box);
    }
    if (message.contact) {
      const box = el("div", "contact");
      const name = message.contact.first_name || "Contact";
      const info = el("div");
      info.append(el("div", "doc-name", name), el("div", "doc-size", message.contact.phone_number || ""));
      box.append(avatar(name, message.contact.user_id || 0, true), info);
      bubble.append(box);
    }
    const text = message.text ?? message.caption;
    const entities = message.text !== null && message.text !== undefined ? message.entities : message.caption_entities;
    if (text) {
      const body = el("div", "text");
      body.append(formatted(text, entities, message.from_bot));
      const meta = el("span", "meta", `${message.edited ? "edited " : ""}${timeOf(message)}${message.from_bot ? "" : " ✓✓"}`);
      body.append(meta);
      bubble.append(body);
    } else {
      const meta = el("span", "meta", `${timeOf(message)}${message.from_bot ? "" : " ✓✓"}`);
      bubble.append(meta);
    }
    if (message.keyboard && message.keyboard.length) {
      wrap.classList.add("has-kb");
      wrap.append(inlineKeyboard(message));
    }
    return wrap;
  }

  function nearBottom() {
    const box = $("messages");
    return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  }

  function scrollToBottom(force) {
    const box = $("messages");
    if (force || nearBottom()) box.scrollTop = box.scrollHeight;
  }

  function upsert(message, animate) {
    const id = message.message_id;
    state.messages.set(id, message);
    const node = renderMessage(message);
    const old = state.nodes.get(id);
    state.nodes.set(id, node);
    if (old) {
      old.replaceWith(node); // an edit: the same place in the chat
      return;
    }
    if (animate) node.classList.add("appear");
    const box = $("messages");
    const later = [...state.nodes.entries()]
      .filter(([other, n]) => other > id && n !== node && n.isConnected)
      .sort((a, b) => a[0] - b[0])[0];
    if (later) box.insertBefore(node, later[1]);
    else box.append(node);
  }

  function remove(id) {
    const node = state.nodes.get(id);
    if (node) node.remove();
    state.nodes.delete(id);
    state.messages.delete(id);
  }

  function dayLabel(date) {
    const today = new Date();
    const yesterday = new Date(Date.now() - 86400000);
    if (date.toDateString() === today.toDateString()) return "Today";
    if (date.toDateString() === yesterday.toDateString()) return "Yesterday";
    return date.toLocaleDateString([], { day: "numeric", month: "long", year: "numeric" });
  }

  function refreshDays() {
    const box = $("messages");
    for (const node of box.querySelectorAll(".day, .empty")) node.remove();
    if (!state.nodes.size) {
      const who = state.personas.get(state.current);
      const hint = `No messages yet. Say /start as ${who ? who.name : "her"} to meet the bot.`;
      const empty = el("div", "empty");
      appendText(empty, hint, true);
      box.append(empty);
      return;
    }
    let last = "";
    for (const node of [...box.querySelectorAll(".msg")]) {
      const message = state.messages.get(Number(node.dataset.id));
      if (!message) continue;
      const day = new Date(message.date * 1000).toDateString();
      if (day !== last) box.insertBefore(el("div", "day", dayLabel(new Date(message.date * 1000))), node);
      last = day;
    }
  }

  // --- keyboards, toasts, alerts -------------------------------------------------------

  function setReplyKeyboard(keyboard) {
    const box = $("reply-kb");
    if (!keyboard || !keyboard.rows || !keyboard.rows.length) {
      box.hidden = true;
      box.replaceChildren();
      $("text").placeholder = "Message";
      return;
    }
    const rows = keyboard.rows.map((row) => {
      const line = el("div", "rkb-row");
      for (const button of row) {
        const node = el("button", "rkb-btn", button.text);
        node.type = "button";
        node.addEventListener("click", () => (button.request_contact ? shareContact() : sendText(button.text)));
        line.append(node);
      }
      return line;
    });
    box.replaceChildren(...rows);
    box.hidden = false;
    $("text").placeholder = keyboard.placeholder || "Message";
  }

  let toastTimer = null;
  function toast(text) {
    const node = $("toast");
    node.textContent = text;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (node.hidden = true), 2600);
  }

  function alertBox(text) {
    const dialog = $("alert");
    $("alert-text").textContent = text;
    if (typeof dialog.showModal === "function") {
      if (!dialog.open) dialog.showModal();
    } else {
      window.alert(text);
    }
  }

  function setOnline(online) {
    const status = $("chat-status");
    status.textContent = online ? "bot" : "connecting…";
    status.classList.toggle("offline", !online);
  }

  // --- what she does ---------------------------------------------------------------------

  async function act(path, body) {
    if (state.current === null) return null;
    try {
      return await api("POST", `${CONTROL}/users/${state.current}/${path}`, body);
    } catch (error) {
      toast(`Could not send: ${error.message}`);
      return null;
    }
  }

  function sendText(text) {
    if (!text.trim()) return;
    return act("send", { text });
  }

  function shareContact() {
    return act("contact", {});
  }

  async function press(messageId, data, node) {
    node.classList.add("loading");
    const done = () => node.classList.remove("loading");
    setTimeout(done, 10000); // the bot never answered: let her try again
    const result = await act("press", { message_id: messageId, callback_data: data });
    if (!result) done();
  }

  function answerArrived(event) {
    const node = state.nodes.get(event.message_id);
    if (node) for (const button of node.querySelectorAll(".ikb-btn.loading")) button.classList.remove("loading");
    if (event.text) {
      if (event.show_alert) alertBox(event.text);
      else toast(event.text);
    }
  }

  // --- the live feed ----------------------------------------------------------------------

  function applyEvent(event) {
    if (!state.personas.has(event.chat_id)) {
      loadPersonas().catch(() => {}); // someone added a persona in another tab
    }
    if (event.chat_id !== state.current) {
      if (event.kind === "bot_message") {
        state.unread.set(event.chat_id, (state.unread.get(event.chat_id) || 0) + 1);
        renderPersonas();
      }
      return;
    }
    switch (event.kind) {
      case "user_message":
      case "user_edit":
      case "bot_message":
      case "bot_edit":
        if (event.message) {
          // Follow the chat if she was at its end (an edit may make a message taller).
          const follow = nearBottom() || !event.message.from_bot;
          upsert(event.message, !state.nodes.has(event.message_id));
          refreshDays();
          scrollToBottom(follow);
        }
        break;
      case "bot_delete":
        remove(event.message_id);
        refreshDays();
        break;
      case "callback_answer":
        answerArrived(event);
        break;
      default:
        break;
    }
  }

  async function feed() {
    let backoff = 500;
    for (;;) {
      let data;
      try {
        data = await api("GET", `${API}/events?after=${state.seq}&timeout=25`);
      } catch (error) {
        setOnline(false);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
        continue;
      }
      backoff = 500;
      setOnline(true);
      if (data.reset) {
        // The sandbox restarted: everything this page knew is gone.
        state.seq = data.seq;
        state.unread.clear();
        await loadPersonas().catch(() => {});
        if (state.current !== null) await selectPersona(state.current).catch(() => {});
        continue;
      }
      for (const event of data.events) applyEvent(event);
      const keyboards = data.keyboards || {};
      if (state.current !== null && String(state.current) in keyboards) {
        setReplyKeyboard(keyboards[String(state.current)]);
      }
      state.seq = data.seq;
    }
  }

  // --- clock and personas panel --------------------------------------------------------------

  function showClock(clock) {
    $("clock-now").textContent = clock.display;
    $("clock-zone").textContent = `(${clock.timezone})`;
    const ahead = clock.ahead_hours;
    $("clock-ahead").textContent = ahead >= 0.01 ? `${ahead} h ahead of real time` : "real time";
  }

  async function advance(hours) {
    const buttons = document.querySelectorAll(".panel button, #clock-hours");
    for (const b of buttons) b.disabled = true;
    $("clock-note").textContent = "Running the bot's timed jobs…";
    try {
      showClock(await api("POST", `${API}/clock`, { hours }));
      $("clock-note").textContent = `Moved ${hours} h ahead; timed jobs ran.`;
    } catch (error) {
      $("clock-note").textContent = `Could not move the clock: ${error.message}`;
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  function wireTools() {
    for (const button of document.querySelectorAll(".clock-buttons button")) {
      button.addEventListener("click", () => advance(Number(button.dataset.hours)));
    }
    $("clock-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const hours = Number($("clock-hours").value);
      if (hours > 0) advance(hours);
    });
    $("add-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const error = $("add-error");
      error.hidden = true;
      try {
        const persona = await api("POST", `${API}/personas`, {
          name: $("add-name").value,
          language_code: $("add-lang").value,
        });
        $("add-name").value = "";
        await loadPersonas();
        await selectPersona(persona.id);
      } catch (err) {
        error.textContent = err.message;
        error.hidden = false;
      }
    });
    $("tools-toggle").addEventListener("click", () => {
      const open = $("side").classList.toggle("open");
      $("tools-toggle").setAttribute("aria-expanded", String(open));
    });
  }

  // --- composer -------------------------------------------------------------------------------

  function wireComposer() {
    const text = $("text");
    const grow = () => {
      text.style.height = "auto";
      text.style.height = `${Math.min(text.scrollHeight, 140)}px`;
    };
    text.addEventListener("input", grow);
    text.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        $("composer").requestSubmit();
      }
    });
    $("composer").addEventListener("submit", (e) => {
      e.preventDefault();
      const value = text.value;
      if (!value.trim()) return;
      text.value = "";
      grow();
      sendText(value);
      text.focus();
    });
    const pop = $("sticker-pop");
    for (const emoji of STICKERS) {
      const button = el("button", "", emoji);
      button.type = "button";
      button.setAttribute("aria-label", `Sticker ${emoji}`);
      button.addEventListener("click", () => {
        pop.hidden = true;
        $("sticker-btn").setAttribute("aria-expanded", "false");
        act("sticker", { emoji });
      });
      pop.append(button);
    }
    $("sticker-btn").addEventListener("click", () => {
      pop.hidden = !pop.hidden;
      $("sticker-btn").setAttribute("aria-expanded", String(!pop.hidden));
    });
    document.addEventListener("click", (e) => {
      if (!pop.hidden && !e.target.closest(".sticker-wrap")) pop.hidden = true;
    });
  }

  // --- start -------------------------------------------------------------------------------------

  async function start() {
    wireTools();
    wireComposer();
    for (;;) {
      try {
        await loadPersonas();
        break;
      } catch (error) {
        setOnline(false);
        await sleep(1000);
      }
    }
    api("GET", `${API}/clock`).then(showClock).catch(() => {});
    const wanted = Number(location.hash.slice(1));
    const first = state.personas.has(wanted) ? wanted : state.order[0];
    if (first !== undefined) await selectPersona(first);
    state.started = true;
    feed();
  }

  start();
})();
