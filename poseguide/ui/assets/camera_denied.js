// The camera widget answers a refused webcam with the browser's own exception
// ("NotAllowedError: Permission denied") and never tells the server. This script runs in the
// page itself (added once, like keys.js) and looks into the widget's frame twice a second:
// while the widget shows that error, the error is hidden and the page's body carries the
// class "pg-camera-denied", which shows the app's own words in the panel instead of
// "Press START" (poseguide/ui/camera_denied.py). Nothing leaves the browser.
(() => {
  const REFUSED = /NotAllowedError|Permission denied|PermissionDeniedError/;
  const check = () => {
    let refused = false;
    for (const f of document.querySelectorAll('iframe[title*="streamlit_webrtc"]')) {
      let doc = null;
      try { doc = f.contentDocument; } catch (err) {}
      if (!doc) continue;
      for (const alert of doc.querySelectorAll('[role="alert"]')) {
        if (REFUSED.test(alert.textContent || "")) {
          refused = true;
          alert.style.display = "none";
        }
      }
    }
    document.body.classList.toggle("pg-camera-denied", refused);
  };
  check();
  setInterval(check, 500);
})();
