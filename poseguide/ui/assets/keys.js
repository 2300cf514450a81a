// Keyboard shortcuts. The code runs in the page itself (a script element added once), not in
// the small frame that adds it: that frame is replaced on every rerun, and a replaced frame's
// listeners stop running. The keys press the buttons (so the same callbacks run), never while
// typing in a field, and they are also caught inside the camera component's frame, where focus
// stays after START: there Space would otherwise press its focused "Camera off" button.
(() => {
  const press = (key) => {
    const b = document.querySelector(".st-key-" + key + " button");
    if (!b || b.disabled) return false;
    b.click();
    return true;
  };
  const action = {" ": "pause_button", "n": "skip_button", "N": "skip_button",
                  "Escape": "stop_button"};
  const onKey = (e) => {
    const t = e.target || {};
    if (["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName) || t.isContentEditable
        || e.ctrlKey || e.metaKey || e.altKey || !(e.key in action)) return;
    e.preventDefault();
    e.stopPropagation();
    if (e.type === "keydown" && t.blur) t.blur();
    if (e.type === "keydown" && !e.repeat) press(action[e.key]);
  };
  const hook = (doc) => {
    if (!doc || doc.__poseguideKeyHook) return;
    doc.__poseguideKeyHook = true;
    doc.addEventListener("keydown", onKey, true);
    doc.addEventListener("keyup", onKey, true);
  };
  const scan = () => {
    hook(document);
    for (const f of document.querySelectorAll("iframe")) {
      try { hook(f.contentDocument); } catch (err) {}
    }
  };
  scan();
  setInterval(scan, 1000);
})();
