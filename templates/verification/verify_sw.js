// The verify page's service worker (trace/verification/views.py serves it, scope
// {{ page_url }}). It keeps the page, its script and style, and the offline lists, so an
// inspector who opened the page once with a network can check labels with none.
//   the page and the lists: network first, the cached copy when the network fails;
//   scripts, style, images: cache first (a new version of any of them is a new worker).
// Only GET requests of this origin are answered here; the checks themselves (POST) always
// go to the network, and the page queues them when they cannot.

const VERSION = {{ version | tojson }};
const CACHE_PREFIX = "trace-verify-";
const CACHE = CACHE_PREFIX + VERSION;
const PAGE = {{ page_url | tojson }};
const LISTS = {{ lists_url | tojson }};
const STATIC = {{ static_urls | tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(dropOldCaches().then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE || url.pathname === LISTS) {
    event.respondWith(networkFirst(request, url.pathname));
  } else if (STATIC.includes(url.pathname)) {
    event.respondWith(cacheFirst(request, url.pathname));
  }
});

async function precache() {
  const cache = await caches.open(CACHE);
  await cache.addAll(STATIC);
  // The page and the lists need the inspector's session: kept only when they came back
  // as asked (a signed-out visit is redirected to the sign-in page, which is not kept).
  await Promise.all(
    [PAGE, LISTS].map(async (path) => {
      try {
        const response = await fetch(path, {credentials: "same-origin", cache: "no-store"});
        if (isKeepable(response)) await cache.put(path, response);
      } catch (error) {
        // Offline while installing: the page fills the cache on its next visit.
      }
    }),
  );
}

async function dropOldCaches() {
  const names = await caches.keys();
  await Promise.all(
    names
      .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
      .map((name) => caches.delete(name)),
  );
}

// The query (?lang=en, ?code=...) is not part of what is kept: one page, one list.
async function networkFirst(request, path) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (isKeepable(response)) await cache.put(path, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(path, {ignoreVary: true});
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request, path) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(path, {ignoreVary: true});
  if (cached) return cached;
  const response = await fetch(request);
  if (isKeepable(response)) await cache.put(path, response.clone());
  return response;
}

function isKeepable(response) {
  return response.ok && !response.redirected && response.type === "basic";
}
