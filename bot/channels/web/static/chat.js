// The web chat page (bot/channels/web/). Lines come over a WebSocket, or by a short poll
// while it is away; what is typed goes by POST with the page's own id, and waits in this tab
// (sessionStorage, never kept across sessions) until the server took it, so a dropped
// connection loses nothing and a resend is kept once. A text the chat cannot take (larger than
// its body limit, or refused) stays in, or goes back to, the text box with the refusal's words.
// Every text is set as text, never HTML.
"use strict";

(function () {
  const body = document.body;
  const texts = JSON.parse(body.dataset.texts || "{}");
  const language = body.dataset.language || "nl";
  const exitUrl = body.dataset.exit;
  const maxBody = Number(body.dataset.maxBody) || 65536;
  const log = document.getElementById("log");
  const notice = document.getElementById("notice");
  const begin = document.getElementById("begin");
  const composeArea = document.getElementById("compose-area");
  const textBox = document.getElementById("text");
  const PENDING = "klik-chat-pending";
  let seq = 0;
  let socket = null;
  let pollTimer = null;
  let retry = 1000;
  let flushing = false;
  let chatOpen = false;

  // Quick exit: leave for a neutral page, replacing this one in the history, so Back does
  // not bring the chat back; what waits in this tab goes too.
  function quickExit() {
    try { sessionStorage.clear(); } catch (e) { /* private mode */ }
    if (socket) { socket.onclose = null; socket.close(); }
    log.textContent = "";
    location.replace(exitUrl);
  }
  document.getElementById("exit").addEventListener("click", quickExit);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { quickExit(); }
  });
  // Switching the language replaces this page in the history too.
  document.querySelectorAll("a[data-replace]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      location.replace(link.href);
    });
  });

  function say(text) {
    notice.textContent = text || "";
    notice.hidden = !text;
  }

  function newId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function pending() {
    try { return JSON.parse(sessionStorage.getItem(PENDING) || "[]"); } catch (e) { return []; }
  }
  function keepPending(items) {
    try { sessionStorage.setItem(PENDING, JSON.stringify(items)); } catch (e) { /* full */ }
  }

  // As the server measures it: the bytes of the JSON that post() sends.
  function tooLong(item) {
    return new TextEncoder().encode(JSON.stringify(item)).length > maxBody;
  }

  // Refused texts back in the box, before anything typed since, so nothing typed is lost.
  function backInBox(refused) {
    if (!refused.length) { return; }
    textBox.value = refused.concat(textBox.value ? [textBox.value] : []).join("\n");
  }

  function withLanguage(path) {
    return path + (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(language);
  }

  async function post(path, data) {
    const response = await fetch(withLanguage(path), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data),
      credentials: "same-origin",
    });
    let answer = {};
    try { answer = await response.json(); } catch (e) { answer = {}; }
    return { status: response.status, answer: answer };
  }

  function bubble(kind) {
    const item = document.createElement("div");
    item.className = "line " + (kind === "mine" ? "mine" : "bot");
    return item;
  }

  function fill(item, line) {
    item.textContent = "";
    if (line.text) {
      const words = document.createElement("p");
      words.textContent = line.text;
      item.appendChild(words);
    }
    if (line.photo) {
      const image = document.createElement("img");
      image.src = line.photo;
      image.alt = "";
      item.appendChild(image);
    }
    if (line.file) {
      const link = document.createElement("a");
      link.href = line.file;
      link.download = line.name || "klik.txt";
      link.textContent = line.name || "klik.txt";
      item.appendChild(link);
    }
    (line.buttons || []).forEach(function (row) {
      const buttons = document.createElement("div");
      buttons.className = "buttons";
      row.forEach(function (button) {
        const tap = document.createElement("button");
        tap.type = "button";
        tap.textContent = button[0];
        tap.addEventListener("click", function () {
          queue({ id: newId(), choice: button[1], message: line.seq });
        });
        buttons.appendChild(tap);
      });
      item.appendChild(buttons);
    });
  }

  function apply(line) {
    if (line.seq <= seq) { return; }
    seq = line.seq;
    if (line.kind === "edit") {
      const shown = log.querySelector('[data-seq="' + line.target + '"]');
      if (shown) { fill(shown, Object.assign({}, line, { seq: line.target })); }
      return;
    }
    let item = line.client ? log.querySelector('[data-client="' + line.client + '"]') : null;
    if (item) {
      item.classList.remove("waiting");
    } else {
      item = bubble(line.kind);
      log.appendChild(item);
    }
    item.dataset.seq = String(line.seq);
    fill(item, line);
    item.scrollIntoView({ block: "end" });
  }

  function showWaiting(item) {
    if (!item.text) { return; }
    const shown = bubble("mine");
    shown.classList.add("waiting");
    shown.dataset.client = item.id;
    fill(shown, { text: item.text });
    log.appendChild(shown);
    shown.scrollIntoView({ block: "end" });
  }

  function queue(item) {
    const items = pending();
    items.push(item);
    keepPending(items);
    showWaiting(item);
    flush();
  }

  // Send what waits, in order; a network failure keeps it for the next try.
  async function flush() {
    if (flushing) { return; }
    flushing = true;
    const refused = [];
    try {
      let items = pending();
      while (items.length) {
        const item = items[0];
        let result;
        try {
          result = await post("/chat/send", item);
        } catch (e) {
          say(texts.offline);
          return;
        }
        if (result.status >= 500) { return; }
        items = pending().slice(1);
        keepPending(items);
        if (result.answer.notice) { say(result.answer.notice); }
        if (result.answer.language && result.answer.language !== language) {
          // The youngster chose another language in the chat: the page's own words follow.
          location.replace("/chat?lang=" + encodeURIComponent(result.answer.language));
          return;
        }
        if (result.status >= 400) {
          const shown = log.querySelector('[data-client="' + item.id + '"]');
          if (shown) { shown.remove(); }
          if (item.text) { refused.push(item.text); }
        }
      }
    } finally {
      flushing = false;
      backInBox(refused);
    }
  }

  async function poll() {
    try {
      const response = await fetch(withLanguage("/chat/messages?after=" + seq), { credentials: "same-origin" });
      const answer = await response.json();
      (answer.lines || []).forEach(apply);
      return answer;
    } catch (e) {
      return null;
    }
  }

  function startPolling() {
    if (pollTimer === null) {
      pollTimer = setInterval(function () { poll(); flush(); }, 3000);
    }
  }
  function stopPolling() {
    if (pollTimer !== null) { clearInterval(pollTimer); pollTimer = null; }
  }

  function connect() {
    if (socket) { return; }
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + withLanguage("/chat/live?after=" + seq));
    socket.onopen = function () {
      retry = 1000;
      stopPolling();
      if (notice.textContent === texts.offline) { say(texts.online); }
      flush();
    };
    socket.onmessage = function (event) {
      try { apply(JSON.parse(event.data)); } catch (e) { /* not a line */ }
    };
    socket.onclose = function () {
      socket = null;
      startPolling();
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15000);
    };
  }

  function open() {
    chatOpen = true;
    begin.hidden = true;
    composeArea.hidden = false;
    pending().forEach(showWaiting);
    connect();
    flush();
  }

  async function load() {
    const answer = await poll();
    if (answer && answer.chat) { open(); }
    else if (answer) { begin.hidden = false; }
    else { say(texts.offline); setTimeout(load, 3000); }
  }

  document.getElementById("start").addEventListener("click", async function () {
    try {
      const result = await post("/chat/start", { id: newId() });
      if (result.status === 200) { open(); } else { say(result.answer.notice || texts.failed); }
    } catch (e) { say(texts.offline); }
  });

  document.getElementById("continue").addEventListener("submit", async function (event) {
    event.preventDefault();
    const code = document.getElementById("code").value;
    try {
      const result = await post("/chat/continue", { code: code });
      if (result.status === 200) { say(""); await poll(); open(); }
      else { say(result.answer.notice || texts.code_wrong); }
    } catch (e) { say(texts.offline); }
  });

  document.getElementById("compose").addEventListener("submit", function (event) {
    event.preventDefault();
    const text = textBox.value.trim();
    if (!text) { return; }
    const item = { id: newId(), text: text };
    // Checked here, online or not: a text the chat would refuse never leaves the box.
    if (tooLong(item)) { say(texts.too_long); return; }
    textBox.value = "";
    queue(item);
  });
  textBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      document.getElementById("compose").requestSubmit();
    }
  });

  document.querySelectorAll("button[data-command]").forEach(function (button) {
    button.addEventListener("click", function () {
      button.closest("details").open = false;
      queue({ id: newId(), text: button.dataset.command });
    });
  });

  document.getElementById("get-code").addEventListener("click", async function () {
    try {
      const result = await post("/chat/code", {});
      say(result.answer.notice || texts.failed);
    } catch (e) { say(texts.offline); }
  });

  document.getElementById("photo").addEventListener("change", async function (event) {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) { return; }
    if (file.size > 5 * 1024 * 1024) { say(texts.too_big); return; }
    if (["image/jpeg", "image/png", "image/webp"].indexOf(file.type) < 0) { say(texts.wrong_type); return; }
    try {
      const response = await fetch(withLanguage("/chat/photo?id=" + newId()), {
        method: "POST", body: file, credentials: "same-origin",
        headers: { "Content-Type": "application/octet-stream" },
      });
      const answer = await response.json();
      say(response.status === 200 ? texts.photo_sent : answer.notice || texts.failed);
    } catch (e) { say(texts.offline); }
  });

  window.addEventListener("online", function () { if (chatOpen) { flush(); } });
  load();
})();
