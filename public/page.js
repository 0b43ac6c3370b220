// What every page does before its app starts.
//
// The text size chosen on this device (標準/大/特大, the account page's setting, kept in
// localStorage): set on the root element here, before the app renders, so every build shows it.
//
// The service worker (sw.js): registered here, and what it says is passed to the app as
// attributes of the page's root element, which the app's style turns into notices
// (components/app_notices.rs):
// - data-update="ready" while a new version is installed and waiting; the app's 「更新する」
//   sends the window event `tsunagu:apply-update`, and the page reloads on the new version;
// - data-offline-copy="<ms>" (when the copy was saved) while the API's answers come from this
//   device's copy, removed when they come live again.
//
// The other way, the app writes its unread total as data-unread (page_flags.rs): shown here in
// the tab's title, "(3) つなぐ Tsunagu", and on the installed app's icon (Badging API).
(function () {
  var root = document.documentElement;
  try {
    var size = localStorage.getItem("tsunagu.text-size");
    if (size) root.setAttribute("data-text-size", size);
  } catch (e) {}
  var title = document.title;
  new MutationObserver(function () {
    var n = +root.getAttribute("data-unread") || 0;
    document.title = n ? "(" + n + ") " + title : title;
    if (navigator.setAppBadge) {
      (n ? navigator.setAppBadge(n) : navigator.clearAppBadge()).catch(function () {});
    }
  }).observe(root, { attributes: true, attributeFilter: ["data-unread"] });
  if (!("serviceWorker" in navigator)) return;
  var container = navigator.serviceWorker;
  function ready(worker) {
    root.setAttribute("data-update", "ready");
    window.addEventListener("tsunagu:apply-update", function () {
      root.setAttribute("data-update", "applying");
      worker.postMessage("skip-waiting");
    });
  }
  container.addEventListener("controllerchange", function () {
    if (root.getAttribute("data-update") === "applying") location.reload();
  });
  container.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "offline-copy") root.setAttribute("data-offline-copy", data.savedAt || "");
    else if (data.type === "live") root.removeAttribute("data-offline-copy");
  });
  container.register("/sw.js").then(function (registration) {
    if (registration.waiting && container.controller) ready(registration.waiting);
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed" && container.controller) ready(worker);
      });
    });
    // A deployment reaches a page left open all day.
    setInterval(function () {
      registration.update().catch(function () {});
    }, 30 * 60 * 1000);
  });
})();
