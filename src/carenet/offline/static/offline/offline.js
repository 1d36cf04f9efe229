/* CareNet offline capture.
 *
 * Forms marked `data-offline` on field pages keep working without a connection: an entry is
 * encrypted (AES-GCM, with the signed-in person's key, held as a non-extractable key) and kept
 * in IndexedDB, then sent once the connection returns, each with its idempotency key so that a
 * retry never saves twice. Entries the server refuses stay listed with the server's reason.
 * Signing out clears the device (the server answers with Clear-Site-Data).
 * Without JavaScript, or online, the forms post as usual.
 */
(() => {
  "use strict";
  const shell = document.getElementById("offline-shell");
  if (!shell || !window.indexedDB || !window.crypto || !crypto.subtle) return;
  const T = JSON.parse(shell.dataset.texts);
  const DEVICE = shell.dataset.device;
  const panel = document.getElementById("offline-queue");
  let sending = false;
  let status = "";  // what the last attempt to send said
  let kept = 0;  // entries on this device, for the warning before signing out

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(shell.dataset.swUrl, { scope: "/" }).catch(() => {});
  }

  // --- IndexedDB ------------------------------------------------------------------------
  const openDb = () => new Promise((resolve, reject) => {
    const req = indexedDB.open("carenet-offline", 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore("keys");
      req.result.createObjectStore("entries", { keyPath: "id" });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const store = async (name, mode, work) => {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(name, mode);
      const req = work(tx.objectStore(name));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  };
  const entries = async () =>
    (await store("entries", "readonly", (s) => s.getAll())).filter((e) => e.device === DEVICE);
  const saveEntry = (entry) => store("entries", "readwrite", (s) => s.put(entry));
  const dropEntry = (id) => store("entries", "readwrite", (s) => s.delete(id));

  // --- keys -----------------------------------------------------------------------------
  const fetchKey = async () => {
    const response = await fetch(shell.dataset.keyUrl, { credentials: "same-origin", cache: "no-store" });
    if (response.status === 401) throw new Error("signin");
    if (!response.ok) throw new Error("server");
    return response.json();
  };
  const entryKey = async () => {
    const kept = await store("keys", "readonly", (s) => s.get(DEVICE));
    if (kept) return kept;
    const data = await fetchKey();
    const raw = Uint8Array.from(atob(data.key), (c) => c.charCodeAt(0));
    const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    await store("keys", "readwrite", (s) => s.put(key, DEVICE));
    return key;
  };
  const encrypt = async (value) => {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = new TextEncoder().encode(JSON.stringify(value));
    return { iv, data: await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await entryKey(), data) };
  };
  const decrypt = async (entry) => {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: entry.iv }, await entryKey(), entry.data);
    return JSON.parse(new TextDecoder().decode(plain));
  };
  const newKey = () => (crypto.randomUUID ? crypto.randomUUID() :
    ([1e7] + -1e3 + -4e3 + -8e3 + -1e11).replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));

  // --- the queue panel ------------------------------------------------------------------
  const say = (selector, text) => { panel.querySelector(selector).textContent = text; };
  const render = async () => {
    const all = await entries();
    kept = all.length;
    const waiting = all.filter((e) => e.state === "waiting");
    const problems = all.filter((e) => e.state === "refused");
    panel.hidden = navigator.onLine && all.length === 0;
    say(".offline-state", navigator.onLine ? status || T.online : T.offline);
    say(".offline-count", waiting.length ? T.waiting.replace("%(count)s", waiting.length) : "");
    panel.querySelector(".offline-send").hidden = !(navigator.onLine && waiting.length);
    const list = panel.querySelector(".offline-problems");
    list.replaceChildren(...problems.map((entry) => {
      const item = document.createElement("li");
      const label = document.createElement("strong");
      label.textContent = entry.label;
      const reason = document.createElement("span");
      reason.textContent = " " + entry.message + " ";
      const discard = document.createElement("button");
      discard.type = "button";
      discard.textContent = T.discard;
      discard.addEventListener("click", async () => { await dropEntry(entry.id); render(); });
      item.append(label, reason, discard);
      return item;
    }));
  };

  // --- keeping an entry -----------------------------------------------------------------
  const keepForm = async (form) => {
    const fields = [];
    let hasFile = false;
    for (const [name, value] of new FormData(form)) {
      if (typeof value !== "string") { hasFile = hasFile || value.size > 0; continue; }
      if (name !== "csrfmiddlewaretoken") fields.push([name, value]);
    }
    const keyField = form.querySelector("input[name=_idempotency_key]");
    const id = keyField ? keyField.value : newKey();
    const payload = { url: form.action || location.href, fields };
    const sealed = await encrypt(payload);
    await saveEntry({
      id, device: DEVICE, state: "waiting", message: "",
      label: form.dataset.offline || document.title, created: Date.now(), iv: sealed.iv, data: sealed.data,
    });
    if (keyField) keyField.value = newKey();
    form.reset();
    const note = document.createElement("p");
    note.className = "offline-kept";
    note.setAttribute("role", "status");
    note.textContent = hasFile ? T.kept + " " + T.files : T.kept;
    form.before(note);
    render();
  };

  // --- sending --------------------------------------------------------------------------
  const errorsOf = (html) => {
    const page = new DOMParser().parseFromString(html, "text/html");
    const texts = [...page.querySelectorAll(".errorlist li, [role=alert]")].map((n) => n.textContent.trim());
    return texts.filter(Boolean).join(" ") || T.refused;
  };
  const sendOne = async (entry, csrf) => {
    let payload;
    try { payload = await decrypt(entry); } catch (e) {
      return { ...entry, state: "refused", message: T.unreadable };
    }
    const response = await fetch(payload.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Idempotency-Key": entry.id, "X-CareNet-Offline": "1" },
      body: new URLSearchParams(payload.fields),
    });
    if (response.status >= 500) throw new Error("server");
    const type = response.headers.get("Content-Type") || "";
    if (type.includes("json")) {
      const data = await response.json();
      if (data.saved) return null;
      return { ...entry, state: "refused", message: data.message || T.refused };
    }
    if (response.status === 404) return { ...entry, state: "refused", message: T.gone };
    if (response.status === 403) return { ...entry, state: "refused", message: T.forbidden };
    if (response.url.includes("/accounts/")) throw new Error("signin");
    return { ...entry, state: "refused", message: errorsOf(await response.text()) };
  };
  const sendAll = async () => {
    if (sending || !navigator.onLine) return;
    sending = true;
    status = "";
    try {
      const waiting = (await entries()).filter((e) => e.state === "waiting");
      if (!waiting.length) return;
      const { csrf } = await fetchKey();
      for (const entry of waiting.sort((a, b) => a.created - b.created)) {
        const outcome = await sendOne(entry, csrf);
        if (outcome === null) await dropEntry(entry.id);
        else await saveEntry(outcome);
      }
      document.querySelectorAll(".offline-kept").forEach((note) => note.remove());
      if (!(await entries()).length) status = T.sent;
    } catch (error) {
      status = error.message === "signin" ? T.signin : T.server;
    } finally {
      sending = false;
      await render();
    }
  };

  // --- wiring ---------------------------------------------------------------------------
  for (const form of document.querySelectorAll("form[data-offline]")) {
    if (!form.querySelector("input[name=_idempotency_key]")) {
      const field = document.createElement("input");
      field.type = "hidden";
      field.name = "_idempotency_key";
      field.value = newKey();
      form.append(field);
    }
  }
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("form[data-offline]") && !navigator.onLine) {
      event.preventDefault();
      keepForm(form);
    } else if (form.action.includes("/sign-out/") && kept && !window.confirm(T.signout)) {
      event.preventDefault();
    }
  });
  panel.querySelector(".offline-send").addEventListener("click", sendAll);
  window.addEventListener("online", () => { render(); sendAll(); });
  window.addEventListener("offline", render);
  // Keep the entry key on the device while online, so entries can be sealed offline later.
  if (navigator.onLine) entryKey().catch(() => {});
  render().then(sendAll);
})();
