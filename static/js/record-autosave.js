// Safeguarding Hub: save the conference record as it is typed (templates/conferences/record/record.html).
//
// Progressive enhancement. Without this script the page's "Save record" button posts every section
// to the record page. With it, each section (a <textarea data-section data-revision>) is saved on its
// own about 1.5 seconds after typing stops: POST {section, text, base_revision} as JSON to the form's
// data-autosave-url, with the CSRF token from the form's hidden input.
//
//   200 {"revision": n, "saved_at": "HH:MM"}      saved: the section is now at revision n
//   409 {"error", "text", "revision"}              someone else saved it first: their text is shown
//                                                  next to the section and ours is left in the box
//   400 {"error"}                                  refused (e.g. the conference has been decided)
//
// Until the server confirms, each section's text is kept in localStorage (one key per conference and
// section, under the form's data-storage-key), so a dropped connection, a crash or a reload loses
// nothing: unsaved text is put back after a reload (and the page says so) and saved when the
// connection returns (the `online` event, and a retry every 20 seconds). Text left unsaved for more
// than 7 days is dropped, not put back. Each section has a status line in an aria-live="polite" region.
// Content-Security-Policy: loaded from our origin, no inline code.
(function () {
  "use strict";

  var DEBOUNCE_MS = 1500;
  var RETRY_MS = 20000;
  // Unsaved text older than this is dropped rather than put back: case notes do not stay on a device.
  var KEEP_MS = 7 * 24 * 60 * 60 * 1000;

  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.JSON) {
    return;
  }
  var saveUrl = form.getAttribute("data-autosave-url");
  var storagePrefix = form.getAttribute("data-storage-key") || "sgh-record";
  var tokenInput = form.querySelector('input[name="csrfmiddlewaretoken"]');

  var storage = (function () {
    try {
      var probe = storagePrefix + ":probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // private browsing, storage disabled or full
    }
  })();

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function clock() {
    var d = new Date();
    return pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function keptHere() {
    return storage ? "your text is kept on this device" : "do not close this page until it is saved";
  }

  function keyFor(name) {
    return storagePrefix + ":" + name;
  }

  function readLocal(name) {
    if (!storage) {
      return null;
    }
    try {
      var value = JSON.parse(storage.getItem(keyFor(name)));
      if (!value || typeof value.text !== "string") {
        return null;
      }
      if (typeof value.at === "number" && Date.now() - value.at > KEEP_MS) {
        clearLocal(name);
        return null;
      }
      return value;
    } catch (e) {
      return null;
    }
  }

  function writeLocal(name, text, baseRevision) {
    if (!storage) {
      return;
    }
    try {
      storage.setItem(keyFor(name), JSON.stringify({ text: text, base_revision: baseRevision, at: Date.now() }));
    } catch (e) {
      // full: the status line already says the text is not saved yet
    }
  }

  function clearLocal(name) {
    if (storage) {
      try {
        storage.removeItem(keyFor(name));
      } catch (e) {
        // nothing to do
      }
    }
  }

  // Text with its line breaks, built from text nodes (never innerHTML: the text is user data).
  function paragraph(text) {
    var p = document.createElement("p");
    p.className = "govuk-body";
    var lines = text.split("\n");
    lines.forEach(function (line, i) {
      if (i > 0) {
        p.appendChild(document.createElement("br"));
      }
      p.appendChild(document.createTextNode(line));
    });
    if (!text) {
      p.textContent = "(They emptied this section.)";
    }
    return p;
  }

  function Section(textarea) {
    this.name = textarea.getAttribute("data-section");
    this.textarea = textarea;
    this.revision = parseInt(textarea.getAttribute("data-revision") || "0", 10) || 0;
    this.hidden = form.querySelector('input[data-revision-for="' + this.name + '"]');
    this.statusLine = document.getElementById("status-" + this.name);
    this.conflictBox = form.querySelector('[data-conflict-for="' + this.name + '"]');
    this.saved = textarea.value; // what the server holds, as far as this page knows
    this.timer = null;
    this.inFlight = false;
    this.again = false; // typed while a save was in flight
    this.retry = false; // failed for a reason that may pass (offline, server down, signed out)
    this.stopped = false; // refused: wait until the person types again
    this.conflict = null; // {text, revision} from a 409
    this.lastStatus = "";
  }

  Section.prototype.setStatus = function (text) {
    if (this.statusLine && text !== this.lastStatus) {
      this.statusLine.textContent = text;
      this.lastStatus = text;
    }
  };

  Section.prototype.setRevision = function (revision) {
    this.revision = revision;
    this.textarea.setAttribute("data-revision", String(revision));
    if (this.hidden) {
      this.hidden.value = String(revision);
    }
  };

  Section.prototype.unsaved = function () {
    return this.textarea.value !== this.saved;
  };

  Section.prototype.schedule = function (delay) {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () {
      self.save();
    }, delay);
  };

  Section.prototype.onInput = function () {
    this.stopped = false;
    writeLocal(this.name, this.textarea.value, this.revision);
    if (this.conflict) {
      this.setStatus("Not saved: someone else changed this section. Choose which version to keep below; " +
        keptHere() + ".");
      return;
    }
    this.schedule(DEBOUNCE_MS);
  };

  Section.prototype.offline = function () {
    this.retry = true;
    this.setStatus("Not saved yet: you are offline; " + keptHere() + ".");
  };

  Section.prototype.save = function () {
    var self = this;
    window.clearTimeout(this.timer);
    if (this.conflict || this.stopped) {
      return;
    }
    if (this.inFlight) {
      this.again = true;
      return;
    }
    var text = this.textarea.value;
    if (text === this.saved) {
      this.retry = false;
      clearLocal(this.name);
      if (this.lastStatus && this.lastStatus.indexOf("Saved") !== 0) {
        this.setStatus("Saved " + clock()); // typed back to what the server holds
      }
      return;
    }
    if (navigator.onLine === false) {
      this.offline();
      return;
    }
    this.inFlight = true;
    this.setStatus("Saving…");
    var token = tokenInput ? tokenInput.value : "";
    var finish = function () {
      self.inFlight = false;
      if (self.again) {
        self.again = false;
        self.schedule(0);
      }
    };
    window.fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual", // a redirect means the session has ended (to the sign-in page)
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ section: this.name, text: text, base_revision: this.revision }),
    }).then(function (response) {
      return self.answer(response, text);
    }).then(null, function () {
      self.failed(); // no connection, or an answer that could not be read: keep the text, try again
    }).then(finish, finish);
  };

  Section.prototype.failed = function () {
    if (navigator.onLine === false) {
      this.offline();
    } else {
      this.retry = true;
      this.setStatus("Not saved yet: the connection failed and we will try again; " + keptHere() + ".");
    }
  };

  Section.prototype.answer = function (response, sent) {
    var self = this;
    if (response.type === "opaqueredirect" || response.status === 0) {
      this.retry = true;
      this.setStatus("Not saved yet: you may have been signed out. Sign in again in another tab and we will " +
        "save it; " + keptHere() + ".");
      return null;
    }
    if (response.status === 403) {
      this.stopped = true;
      this.setStatus("Not saved: this page has expired. Reload the page to carry on; " + keptHere() + ".");
      return null;
    }
    if (response.status >= 500) {
      this.retry = true;
      this.setStatus("Not saved yet: the server did not answer and we will try again; " + keptHere() + ".");
      return null;
    }
    return response.json().then(function (data) {
      if (response.status === 200) {
        // the save kept the session alive on the server: tell the session-timeout warning (app.js)
        document.dispatchEvent(new CustomEvent("app:server-activity"));
        self.retry = false;
        self.setRevision(data.revision);
        self.saved = sent;
        if (self.textarea.value === sent) {
          clearLocal(self.name);
          self.setStatus("Saved " + (data.saved_at || clock()));
        } else {
          writeLocal(self.name, self.textarea.value, self.revision); // typed since: keep it against the new revision
          self.schedule(DEBOUNCE_MS);
        }
      } else if (response.status === 409) {
        self.retry = false;
        self.showConflict(data.text || "", data.revision);
      } else {
        self.stopped = true;
        var why = String(data.error || "the server refused it").replace(/\.?$/, ".");
        self.setStatus("Not saved: " + why + " " +
          (storage ? "Your text is kept on this device." : "Copy your text before you leave this page."));
      }
    });
  };

  Section.prototype.showConflict = function (theirs, revision) {
    var self = this;
    this.conflict = { text: theirs, revision: revision };
    this.saved = theirs; // what the server holds now
    this.setStatus("Not saved: someone else saved this section while you were writing. Their text is below; " +
      "yours is still in the box.");
    var box = this.conflictBox;
    if (!box) {
      return;
    }
    box.textContent = "";
    var inset = document.createElement("div");
    inset.className = "govuk-inset-text";
    var heading = document.createElement("h3");
    heading.className = "govuk-heading-s";
    heading.textContent = "Their version, saved by someone else";
    inset.appendChild(heading);
    inset.appendChild(paragraph(theirs));
    var buttons = document.createElement("div");
    buttons.className = "govuk-button-group";
    var mine = document.createElement("button");
    mine.type = "button";
    mine.className = "govuk-button govuk-button--secondary";
    mine.textContent = "Save my version instead";
    mine.addEventListener("click", function () {
      self.resolve(false);
    });
    var use = document.createElement("button");
    use.type = "button";
    use.className = "govuk-button govuk-button--secondary";
    use.textContent = "Use their version";
    use.addEventListener("click", function () {
      self.resolve(true);
    });
    buttons.appendChild(mine);
    buttons.appendChild(use);
    inset.appendChild(buttons);
    box.appendChild(inset);
    box.hidden = false;
  };

  Section.prototype.resolve = function (useTheirs) {
    var conflict = this.conflict;
    this.conflict = null;
    this.conflictBox.hidden = true;
    this.conflictBox.textContent = "";
    this.setRevision(conflict.revision);
    if (useTheirs) {
      this.textarea.value = conflict.text;
      this.saved = conflict.text;
      clearLocal(this.name);
      this.setStatus("Their version is now in the box. Saved " + clock());
    } else {
      // the text was edited knowing theirs: save it over their revision
      writeLocal(this.name, this.textarea.value, this.revision);
      this.save();
    }
    this.textarea.focus();
  };

  var sections = Array.prototype.map.call(form.querySelectorAll("textarea[data-section]"), function (t) {
    return new Section(t);
  });
  if (!sections.length) {
    return;
  }

  // Put back what was typed here and not confirmed by the server (a reload, a crash, a lost connection).
  var restored = [];
  sections.forEach(function (s) {
    var local = readLocal(s.name);
    if (!local) {
      return;
    }
    if (local.text === s.textarea.value) {
      clearLocal(s.name); // saved after all (or by the "Save record" button)
      return;
    }
    s.textarea.value = local.text;
    if (typeof local.base_revision === "number") {
      s.setRevision(local.base_revision); // a stale base gets their text back as a conflict, not an overwrite
    }
    restored.push(s);
    s.setStatus("Restored from this device: your unsaved text. Saving…");
  });
  if (restored.length) {
    var notice = document.getElementById("record-restored");
    if (notice) {
      var names = restored.map(function (s) {
        var label = form.querySelector('label[for="' + s.textarea.id + '"]');
        return label ? label.textContent.trim() : s.name;
      });
      notice.className = "govuk-inset-text";
      notice.setAttribute("role", "status");
      notice.textContent = "Text you had typed on this device but that was not saved has been put back in: " +
        names.join(", ") + ". It will be saved now.";
      notice.hidden = false;
    }
    restored.forEach(function (s) {
      s.schedule(0);
    });
  }

  var note = document.getElementById("record-autosave-note");
  if (note) {
    note.hidden = false;
  }

  sections.forEach(function (s) {
    s.textarea.addEventListener("input", function () {
      s.onInput();
    });
    s.textarea.addEventListener("blur", function () {
      if (s.unsaved() && !s.conflict) {
        s.schedule(0);
      }
    });
  });

  function retryAll() {
    sections.forEach(function (s) {
      if ((s.retry || s.unsaved()) && !s.conflict && !s.stopped && !s.inFlight) {
        s.schedule(0);
      }
    });
  }

  window.addEventListener("online", retryAll);
  window.addEventListener("offline", function () {
    sections.forEach(function (s) {
      if (s.unsaved()) {
        s.offline();
      }
    });
  });
  window.setInterval(function () {
    if (navigator.onLine !== false) {
      sections.forEach(function (s) {
        if (s.retry && !s.conflict && !s.stopped && !s.inFlight) {
          s.save();
        }
      });
    }
  }, RETRY_MS);

  // The "Save record" button posts every section with the revisions kept up to date above; stop the
  // timers so that nothing is sent twice while the page unloads.
  form.addEventListener("submit", function () {
    sections.forEach(function (s) {
      window.clearTimeout(s.timer);
    });
  });
})();
