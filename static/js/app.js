// Safeguarding Hub: page behaviour on top of server-rendered HTML.
// Loaded by templates/base.html as <script type="module"> at the end of <body>. The
// Content-Security-Policy allows only scripts from our own origin, so nothing here may be
// inlined in templates, and pages must work (less conveniently) without it.

import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

const body = document.body;

// js-enabled.js normally sets these before first paint; a browser running this module
// supports ES modules, so make sure they are present before starting the components.
body.classList.add("js-enabled", "govuk-frontend-supported");

initAll();

// ---------------------------------------------------------------------------------------
// CSRF token for fetch(): from <meta name="csrf-token"> (base.html renders it for signed-in
// people), else from the cookie (`csrftoken`, or `__Host-csrftoken` in production).
// Pages are whole pages (no HTMX, no partial updates: docs/adr/0009-no-htmx.md).
// ---------------------------------------------------------------------------------------
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) {
    return meta.content;
  }
  const match = document.cookie.match(/(?:^|;\s*)(?:__Host-)?csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// ---------------------------------------------------------------------------------------
// Session timeout warning (WCAG 2.2 success criterion 2.2.1 Timing Adjustable; the GOV.UK
// "warn users before a session times out" pattern).
//
// The server ends a session after `data-session-idle-seconds` without a request. This page
// counts from the moment it loaded (or the last successful keep-alive, or the last request
// another script reported with the `app:server-activity` event, in any tab of this site:
// tabs share the time through localStorage). `data-session-warning-seconds` before the
// end, a modal <dialog> takes focus and says how long is left; "Stay signed in" (or
// Escape) POSTs to `data-keepalive-url`; at the end the page goes to `data-logout-url`.
//
// A script that talks to the server in the background (the live record's autosave) says
// so after each successful request, because every request resets the server's idle time:
//   document.dispatchEvent(new CustomEvent("app:server-activity"));
// ---------------------------------------------------------------------------------------
const ACTIVITY_KEY = "safeguarding-hub:last-activity";

function initSessionTimeout() {
  const idleSeconds = Number.parseInt(body.dataset.sessionIdleSeconds || "", 10);
  const warningSeconds = Number.parseInt(body.dataset.sessionWarningSeconds || "", 10);
  const keepaliveUrl = body.dataset.keepaliveUrl;
  const logoutUrl = body.dataset.logoutUrl;
  if (!(idleSeconds > 0) || !keepaliveUrl || !logoutUrl) {
    return; // not signed in, or the page did not ask for the warning
  }
  const warningMs = Math.min(Math.max(warningSeconds || 0, 20), idleSeconds) * 1000;
  const idleMs = idleSeconds * 1000;

  const dialog = document.getElementById("session-timeout-dialog");
  const countdown = document.getElementById("session-timeout-countdown");
  const live = document.getElementById("session-timeout-live");
  const stayButton = document.getElementById("session-timeout-stay");
  const problem = document.getElementById("session-timeout-problem");

  let lastActivity = Date.now();
  let isOpen = false;
  let leaving = false;
  let pending = false;
  let lastAnnouncement = "";
  let returnFocusTo = null;

  function readShared() {
    try {
      const value = Number.parseInt(window.localStorage.getItem(ACTIVITY_KEY) || "", 10);
      return Number.isFinite(value) ? value : 0;
    } catch {
      return 0; // storage disabled: each tab keeps its own time
    }
  }

  function recordActivity(when = Date.now()) {
    lastActivity = Math.max(lastActivity, when);
    try {
      window.localStorage.setItem(ACTIVITY_KEY, String(lastActivity));
    } catch {
      // storage disabled or full: nothing to share
    }
    tick();
  }

  function remainingMs() {
    return Math.max(lastActivity, readShared()) + idleMs - Date.now();
  }

  // "2 minutes", "1 minute", "45 seconds": what the dialog shows, updated every second.
  function describe(ms) {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return minutes === 1 ? "1 minute" : `${minutes} minutes`;
    }
    return seconds === 1 ? "1 second" : `${seconds} seconds`;
  }

  // What screen readers hear: whole minutes only, so the live region does not chatter.
  function announcementFor(ms) {
    return Math.ceil(ms / 1000) >= 60
      ? `We will sign you out in ${describe(ms)}.`
      : "We will sign you out in less than a minute.";
  }

  function announce(ms) {
    const text = announcementFor(ms);
    if (live && text !== lastAnnouncement) {
      lastAnnouncement = text;
      live.textContent = text;
    }
  }

  function signOut() {
    if (leaving) {
      return;
    }
    leaving = true;
    window.clearInterval(timer);
    // Signing out changes state, so it is a POST (a GET link could be triggered by another site).
    const form = document.createElement("form");
    form.method = "post";
    form.action = logoutUrl;
    form.hidden = true;
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = csrfToken();
    form.appendChild(token);
    document.body.appendChild(form);
    form.submit();
  }

  function open(ms) {
    if (!dialog || isOpen) {
      return;
    }
    isOpen = true;
    returnFocusTo = document.activeElement;
    if (problem) {
      problem.hidden = true;
    }
    if (countdown) {
      countdown.textContent = describe(ms);
    }
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
    // Focus the dialog itself: screen readers read its name (the heading) and description,
    // which already says how long is left, so the live region only speaks when that changes.
    dialog.focus();
    lastAnnouncement = announcementFor(ms);
  }

  function close() {
    if (!dialog || !isOpen) {
      return;
    }
    isOpen = false;
    if (typeof dialog.close === "function" && dialog.open) {
      dialog.close();
    } else {
      dialog.removeAttribute("open");
    }
    if (live) {
      live.textContent = "";
    }
    lastAnnouncement = "";
    if (returnFocusTo && document.contains(returnFocusTo) && typeof returnFocusTo.focus === "function") {
      returnFocusTo.focus();
    }
    returnFocusTo = null;
  }

  function tick() {
    if (leaving) {
      return;
    }
    const ms = remainingMs();
    if (ms <= 0) {
      signOut();
    } else if (ms <= warningMs) {
      open(ms);
      if (countdown) {
        countdown.textContent = describe(ms);
      }
      if (isOpen) {
        announce(ms);
      }
    } else if (isOpen) {
      close(); // another tab kept the session alive
    }
  }

  async function staySignedIn() {
    if (pending || leaving) {
      return;
    }
    pending = true;
    if (stayButton) {
      stayButton.disabled = true;
    }
    try {
      const response = await fetch(keepaliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "X-CSRFToken": csrfToken(),
          "X-Requested-With": "XMLHttpRequest",
          Accept: "application/json",
        },
      });
      if (response.ok && !response.redirected) {
        recordActivity(Date.now());
        close();
      } else {
        signOut(); // the session had already ended (or the token was refused)
      }
    } catch {
      // Network trouble: keep the dialog open and say so; the countdown carries on.
      if (problem) {
        problem.hidden = false;
      }
      if (live) {
        live.textContent = "We could not reach the server. Try again.";
        lastAnnouncement = "";
      }
    } finally {
      pending = false;
      if (stayButton) {
        stayButton.disabled = false;
      }
    }
  }

  if (stayButton) {
    stayButton.addEventListener("click", staySignedIn);
  }
  if (dialog) {
    // Escape means "I'm still here", as in the GOV.UK timeout pattern.
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      staySignedIn();
    });
  }
  window.addEventListener("storage", (event) => {
    if (event.key === ACTIVITY_KEY) {
      tick();
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      tick();
    }
  });
  document.addEventListener("app:server-activity", () => {
    recordActivity(Date.now());
  });

  // Timers are compared against the clock, not counted, so throttled background tabs and a
  // sleeping laptop still end up right.
  const timer = window.setInterval(tick, 1000);
  recordActivity(Date.now());
}

initSessionTimeout();
