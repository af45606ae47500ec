// New messages on the case page without a reload: ask for the messages after the last one
// shown every few seconds, and add them. No framework; text only (never HTML from the server).
(function () {
  "use strict";
  var list = document.getElementById("history");
  if (!list) { return; }
  var after = Number(list.dataset.after || 0);
  var every = Number(list.dataset.poll || 5) * 1000;
  list.scrollTop = list.scrollHeight;

  function add(message) {
    var item = document.createElement("li");
    item.className = "msg " + message.sender;
    item.dataset.id = String(message.id);
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = message.who + " · " + message.at;
    var text = document.createElement("p");
    text.textContent = message.text;
    item.appendChild(meta);
    item.appendChild(text);
    list.appendChild(item);
  }

  function poll() {
    fetch(list.dataset.source + "?after=" + after, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { messages: [] }; })
      .then(function (body) {
        body.messages.forEach(function (message) {
          if (message.id > after) { add(message); after = message.id; }
        });
        if (body.messages.length) { list.scrollTop = list.scrollHeight; }
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, every); });
  }
  window.setTimeout(poll, every);
}());
