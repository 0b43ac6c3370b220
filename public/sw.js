// Tsunagu's service worker. The app starts with no network from the files of the last visit,
// and the API's reads are kept per session, so a group list or timeline opened before can be
// read in a patient's home without signal. Writes never pass through here: the outbox in
// IndexedDB sends them (exactly once) when the connection is back.
//
// `make web` (scripts/sw-precache.py) fills in the three constants below for the build.
const VERSION = "dev";
// The nurse's app: its page, WebAssembly, script and styles, the manifest and icons.
const PRECACHE = ["/"];
// The folders of the other builds (`/login`, `/manage/…`): a navigation there is their page.
const BUILDS = [];
// Client routes served by another build's page, as the server's `page_for` does.
const ROUTE_BUILDS = { apply: "join", activate: "join" };

const SHELL = "tsunagu-shell-" + VERSION;
const API_CACHE = "tsunagu-api-";
// On a weak signal a page that does not come within this time comes from the cache.
const PAGE_TIMEOUT_MS = 4000;
// Trunk names every built file after its content: such a file never changes.
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css)$/;

self.addEventListener("install", (event) => {
  // No skipWaiting: a new version waits until the user chooses 「更新する」 in the app, so a
  // page is never switched to new files under someone typing.
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("tsunagu-shell-") && key !== SHELL)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

// Web Push. The payload is only {title, kind, group, urgent} (the server never sends the
// text, the author or the patient), so the lock screen shows that something arrived and of
// which kind, nothing more. An urgent post stays on screen until dismissed and sounds again
// when the server re-notifies it.
const KIND_TEXT = {
  ja: { patient: "患者グループ", workplace: "グループ", direct: "個別メッセージ", urgent: "至急" },
  en: { patient: "Patient group", workplace: "Group", direct: "Direct message", urgent: "Urgent" },
};
const GROUP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

self.addEventListener("push", (event) => event.waitUntil(onPush(event)));

async function onPush(event) {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (_) {
    // Not ours to read: still a notice, as browsers require for every push.
  }
  const en = !(self.navigator.language || "ja").startsWith("ja");
  const words = en ? KIND_TEXT.en : KIND_TEXT.ja;
  const group = GROUP_ID.test(data.group || "") ? data.group : null;
  const kind = words[data.kind] || words.workplace;
  await self.registration.showNotification(
    en ? "Something new has arrived" : "新しいメッセージがあります",
    {
      body: data.urgent ? words.urgent + " · " + kind : kind,
      tag: group || "tsunagu",
      renotify: true,
      requireInteraction: !!data.urgent,
      icon: "/icon-192.png",
      badge: "/icon-192.png",
      data: { path: group ? "/groups/" + group : "/" },
    },
  );
  if (self.navigator.setAppBadge) await self.navigator.setAppBadge().catch(() => {});
}

self.addEventListener("notificationclick", (event) => event.waitUntil(onNotificationClick(event)));

// Opens the group in a window of the app that is already open, else in a new one.
async function onNotificationClick(event) {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.path) || "/";
  const url = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window" });
  const open = windows.find((c) => new URL(c.url).origin === self.location.origin);
  if (!open) return self.clients.openWindow(url);
  // Focus first, while the click still allows it; the navigation follows.
  await Promise.all([open.focus().catch(() => {}), open.navigate(url)]);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) {
    if (request.method === "GET") {
      if (isKeptRead(url)) event.respondWith(apiRead(event));
    } else if (url.pathname.startsWith("/api/v1/sessions")) {
      // A login or logout (even offline): what the previous session read leaves the device.
      event.waitUntil(dropApiCaches());
    }
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  } else if (HASHED.test(url.pathname)) {
    event.respondWith(hashedFile(request));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});

// JSON reads of the API. Not the event stream, nor photos and files (they keep the browser's
// own range requests and HTTP cache, and are not copied into another store).
function isKeptRead(url) {
  const path = url.pathname;
  return !(
    path === "/api/v1/events" ||
    path.startsWith("/api/v1/media/") ||
    path.startsWith("/api/v1/uploads") ||
    path.startsWith("/api/v1/session/") ||
    path.endsWith(".csv")
  );
}

// The page of the build a navigation belongs to, under one key per build.
function pageKey(url) {
  const first = url.pathname.split("/")[1] || "";
  const build = ROUTE_BUILDS[first] || first;
  return BUILDS.includes(build) ? "/" + build : "/";
}

async function page(request, url) {
  const key = pageKey(url);
  const cache = await caches.open(SHELL);
  const network = fetch(request).then(async (response) => {
    if (response.ok) await cache.put(key, response.clone());
    return response;
  });
  const cached = await cache.match(key);
  if (!cached) return network;
  network.catch(() => {});
  const late = new Promise((resolve) => setTimeout(() => resolve(null), PAGE_TIMEOUT_MS));
  try {
    return (await Promise.race([network, late])) || cached;
  } catch (error) {
    return cached;
  }
}

async function hashedFile(request) {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request);
    if (cached) return cached;
    throw error;
  }
}

// Network first; when the network fails, the copy this session read last, and the page is told
// it is reading a saved copy (and when it is back to live data).
async function apiRead(event) {
  const request = event.request;
  const auth = request.headers.get("Authorization");
  if (!auth) return fetch(request);
  const cache = await caches.open(API_CACHE + (await digest(auth)));
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    if (request.signal && request.signal.aborted) throw error;
    const cached = await cache.match(request);
    if (!cached) throw error;
    tell(event.clientId, { type: "offline-copy", savedAt: cached.headers.get("x-tsunagu-saved-at") });
    return cached;
  }
  if (response.status === 401) {
    // The session ended (expired, revoked): nothing it read stays on the device.
    await dropApiCaches();
  } else if (response.ok && (response.headers.get("content-type") || "").includes("json")) {
    await cache.put(request, await stamped(response.clone()));
  }
  tell(event.clientId, { type: "live" });
  return response;
}

async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set("x-tsunagu-saved-at", String(Date.now()));
  return new Response(await response.blob(), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

// The cache of a session is named after a hash of its token, never the token itself.
async function digest(text) {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(bytes.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function dropApiCaches() {
  const keys = await caches.keys();
  await Promise.all(keys.filter((key) => key.startsWith(API_CACHE)).map((key) => caches.delete(key)));
}

function tell(clientId, message) {
  if (!clientId) return;
  self.clients.get(clientId).then((client) => client && client.postMessage(message));
}
