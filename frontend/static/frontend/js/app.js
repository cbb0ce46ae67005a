/* Vetted web UI behaviour: keyboard navigation, image drop zones, charts, htmx error states.
   Plain JS, no build step; htmx and Chart.js are vendored under /static/vendor/. */
(function () {
  "use strict";

  // ---- Toasts / errors ------------------------------------------------------------------------
  function toast(message, kind) {
    let box = document.getElementById("toast-box");
    if (!box) {
      box = document.createElement("div");
      box.id = "toast-box";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:90;display:grid;gap:8px;max-width:380px";
      document.body.appendChild(box);
    }
    const item = document.createElement("div");
    item.className = kind === "error" ? "error-box" : "notice";
    item.style.boxShadow = "var(--shadow-lg)";
    item.textContent = message;
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 6000);
  }
  window.vettedToast = toast;

  document.addEventListener("htmx:responseError", function (evt) {
    const xhr = evt.detail.xhr;
    // A 4xx fragment (form errors) is swapped in by the server-chosen target; anything else
    // gets a readable message instead of a silent failure.
    let msg = document.body.dataset.errorGeneric || "Something went wrong. Please try again.";
    if (xhr && xhr.status === 404) msg = document.body.dataset.errorNotFound || "Not found.";
    if (xhr && xhr.status === 403) msg = document.body.dataset.errorForbidden || "You are not allowed to do that.";
    toast(msg + (xhr ? " (" + xhr.status + ")" : ""), "error");
  });
  document.addEventListener("htmx:sendError", function () {
    toast(document.body.dataset.errorNetwork || "The server could not be reached.", "error");
  });
  // Let 422 responses (validation errors rendered as fragments) and 429s ("try again in a
  // moment", rendered the same way) swap like 200s.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    if (evt.detail.xhr && (evt.detail.xhr.status === 422 || evt.detail.xhr.status === 429)) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  // ---- Keyboard navigation ------------------------------------------------------------------
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-row]")); }
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  function activate(index) {
    const all = rows();
    if (!all.length) return;
    index = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (r) { r.classList.remove("is-active"); });
    const row = all[index];
    row.classList.add("is-active");
    const link = row.querySelector("[data-row-link]");
    if (link) link.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (evt) {
    if (evt.ctrlKey || evt.metaKey || evt.altKey) return;
    if (typing(document.activeElement)) {
      // Esc leaves the field; in a search box it must not also clear the query (the browser's
      // default for type=search), which would silently drop the keyword filter.
      if (evt.key === "Escape") {
        if (document.activeElement.type === "search") evt.preventDefault();
        document.activeElement.blur();
      }
      return;
    }
    const all = rows();
    const current = all.findIndex(function (r) { return r.classList.contains("is-active"); });
    if (evt.key === "/") {
      const search = document.querySelector("[data-search]");
      if (search) { evt.preventDefault(); search.focus(); search.select(); }
    } else if (evt.key === "j" || evt.key === "ArrowDown" && all.length && current >= 0) {
      evt.preventDefault(); activate(current + 1);
    } else if (evt.key === "k" || evt.key === "ArrowUp" && all.length && current >= 0) {
      evt.preventDefault(); activate(current < 0 ? 0 : current - 1);
    } else if (evt.key === "Enter" && current >= 0 && document.activeElement === document.body) {
      const link = all[current].querySelector("[data-row-link]");
      if (link) link.click();
    }
  });

  // ---- Image drop zones ---------------------------------------------------------------------
  function bindDropzone(zone) {
    if (zone.dataset.bound) return;
    zone.dataset.bound = "1";
    const input = zone.querySelector("input[type=file]");
    const thumbs = zone.querySelector(".thumbs");
    function preview() {
      if (!thumbs || !input.files) return;
      thumbs.innerHTML = "";
      Array.prototype.slice.call(input.files, 0, 8).forEach(function (file) {
        const img = document.createElement("img");
        img.alt = file.name;
        img.src = URL.createObjectURL(file);
        thumbs.appendChild(img);
      });
    }
    zone.addEventListener("click", function (evt) { if (evt.target === zone || evt.target.closest(".dz-hint")) input.click(); });
    zone.addEventListener("keydown", function (evt) { if (evt.key === "Enter" || evt.key === " ") { evt.preventDefault(); input.click(); } });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (evt) { evt.preventDefault(); zone.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (evt) {
      evt.preventDefault();
      if (!evt.dataTransfer || !evt.dataTransfer.files.length) return;
      const transfer = new DataTransfer();
      Array.prototype.forEach.call(evt.dataTransfer.files, function (f) { if (f.type.indexOf("image/") === 0) transfer.items.add(f); });
      input.files = transfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    input.addEventListener("change", function () {
      preview();
      if (zone.dataset.autosubmit && input.files.length) {
        const form = input.form;
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      }
    });
  }

  // ---- Range outputs (weight sliders) ---------------------------------------------------------
  function bindRange(input) {
    if (input.dataset.bound) return;
    input.dataset.bound = "1";
    const out = document.querySelector('output[for="' + input.id + '"]');
    const sync = function () { if (out) out.textContent = input.value; };
    input.addEventListener("input", sync);
    sync();
  }

  // ---- Charts -------------------------------------------------------------------------------
  const palette = ["#6366f1", "#ec4899", "#14b8a6", "#f59e0b", "#0ea5e9", "#8b5cf6", "#22c55e", "#f43f5e"];
  const numberFormat = new Intl.NumberFormat(document.documentElement.lang || "en", { notation: "compact", maximumSignificantDigits: 3 });
  function compact(n) {
    if (n === null || n === undefined) return "—";
    return numberFormat.format(n);
  }
  function percentTick(v) { return (v * 100).toFixed(0) + "%"; }
  const charts = new WeakMap();

  function growthChart(canvas, data) {
    const labels = data.dates;
    const anomalyPoints = labels.map(function () { return null; });
    const anomalyInfo = {};
    (data.anomalies || []).forEach(function (a) {
      const i = labels.indexOf(a.date);
      if (i >= 0) { anomalyPoints[i] = data.followers[i]; anomalyInfo[i] = a.label; }
    });
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: [
          {
            label: data.label || "Followers", data: data.followers, borderColor: "#6366f1", borderWidth: 2,
            backgroundColor: "rgba(99,102,241,0.08)", fill: true, pointRadius: 0, tension: 0.25, order: 2,
          },
          {
            label: data.anomalyLabel || "Anomaly", data: anomalyPoints, type: "line", showLine: false,
            pointRadius: 6, pointHoverRadius: 8, pointBackgroundColor: "#f04438", pointBorderColor: "#fff",
            pointBorderWidth: 2, order: 1,
          },
        ],
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, spanGaps: true,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                if (ctx.datasetIndex === 1) return anomalyInfo[ctx.dataIndex] ? "⚠ " + anomalyInfo[ctx.dataIndex] : null;
                return ctx.dataset.label + ": " + compact(ctx.parsed.y);
              },
            },
          },
        },
        scales: {
          // Fewer date labels on a narrow chart, so they never overlap on a phone.
          x: { grid: { display: false }, ticks: { maxTicksLimit: canvas.clientWidth < 480 ? 4 : 8, maxRotation: 0, autoSkipPadding: 12, color: "#5d6675" } },
          y: { ticks: { callback: compact, color: "#5d6675" }, grid: { color: "#eef0f3" } },
        },
      },
    });
  }

  function seriesChart(canvas, data) {
    return new window.Chart(canvas, {
      type: data.type || "line",
      data: {
        labels: data.labels,
        datasets: (data.datasets || []).map(function (ds, i) {
          return Object.assign({
            borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length] + (data.type === "bar" ? "cc" : "22"),
            borderWidth: 2, pointRadius: data.type === "bar" ? 0 : 2, tension: 0.25, borderRadius: 4,
          }, ds);
        }),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, indexAxis: data.horizontal ? "y" : "x",
        plugins: {
          legend: { display: (data.datasets || []).length > 1, position: "bottom", labels: { boxWidth: 10 } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                const v = data.horizontal ? ctx.parsed.x : ctx.parsed.y;
                return ctx.dataset.label + ": " + (data.percent ? (v * 100).toFixed(1) + "%" : compact(v));
              },
            },
          },
        },
        scales: seriesScales(data),
      },
    });
  }

  function seriesScales(data) {
    // Only the value axis gets a formatter: an explicit `callback: undefined` would replace
    // Chart.js's default and print category indexes instead of labels.
    const value = { grid: { color: "#eef0f3" }, ticks: { color: "#5d6675", callback: data.percent ? percentTick : compact } };
    const category = { grid: { display: false }, ticks: { maxTicksLimit: window.innerWidth < 640 ? 5 : 10, maxRotation: 0, autoSkipPadding: 12, color: "#5d6675" } };
    if (data.type === "bar" && data.datasets && data.datasets.some(function (d) { return d.stack; })) {
      value.stacked = true; category.stacked = true;
    }
    return data.horizontal ? { x: value, y: category } : { x: category, y: value };
  }

  function doughnutChart(canvas, data) {
    return new window.Chart(canvas, {
      type: "doughnut",
      data: { labels: data.labels, datasets: [{ data: data.values, backgroundColor: data.colours || palette, borderWidth: 0 }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, cutout: "62%",
        plugins: { legend: { position: "right", labels: { boxWidth: 10 } },
          tooltip: { callbacks: { label: function (ctx) { return ctx.label + ": " + (ctx.parsed * 100).toFixed(1) + "%"; } } } },
      },
    });
  }

  function renderCharts(root) {
    if (!window.Chart) return;
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (charts.has(canvas)) return;
      const source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      const data = JSON.parse(source.textContent);
      const kind = canvas.dataset.kind;
      const chart = kind === "growth" ? growthChart(canvas, data) : kind === "doughnut" ? doughnutChart(canvas, data) : seriesChart(canvas, data);
      charts.set(canvas, chart);
      canvas.dataset.rendered = "1";
    });
  }

  function init(root) {
    (root || document).querySelectorAll(".dropzone").forEach(bindDropzone);
    (root || document).querySelectorAll("input[type=range]").forEach(bindRange);
    renderCharts(root);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { init(evt.detail.elt); });

  // After creators were added to a shortlist: clear the selection and the new-list name.
  document.addEventListener("htmx:afterRequest", function (evt) {
    const form = evt.detail.elt;
    if (form && form.id === "add-form" && evt.detail.successful) {
      form.reset();
      document.querySelectorAll("[data-bulk-count]").forEach(function (el) { el.textContent = 0; });
      document.querySelectorAll("[data-bulk-needs]").forEach(function (el) { el.disabled = true; });
    }
  });

  // Filter a long checkbox list by the text typed in its search box (watch form: creators).
  document.addEventListener("input", function (evt) {
    const t = evt.target;
    if (!t.matches || !t.matches("[data-filter-list]")) return;
    const needle = t.value.trim().toLowerCase();
    document.querySelectorAll(t.dataset.filterList + " label").forEach(function (label) {
      label.hidden = needle !== "" && label.textContent.toLowerCase().indexOf(needle) < 0;
    });
  });

  // A job page marked data-reload-when-finished (an import's dry run) reloads once its polled
  // card reports the job finished, so the refused rows or "Import now" appear.
  document.addEventListener("htmx:afterSettle", function () {
    const job = document.querySelector("[data-reload-when-finished] .job[data-status]");
    if (job && ["succeeded", "failed", "cancelled"].indexOf(job.dataset.status) >= 0) window.location.reload();
  });

  // Brand brief: each audience picker shows the total of its percents as they are typed, flagged
  // when the rows in use do not add up to 100; "Add a row" copies an empty row.
  function shareTotal(box) {
    const out = box.querySelector("[data-share-total]");
    if (!out) return;
    let total = 0, used = 0;
    box.querySelectorAll("[data-share-row]").forEach(function (row) {
      const pct = row.querySelector("input");
      const value = parseFloat((pct.value || "").replace("%", "").replace(",", "."));
      if (!isNaN(value)) { total += value; used += 1; }
    });
    out.textContent = used ? (out.dataset.label || "Total") + ": " + (Math.round(total * 10) / 10) + "%" : "";
    out.classList.toggle("is-off", used > 0 && Math.abs(total - 100) > 1);
  }
  document.addEventListener("input", function (evt) {
    const box = evt.target.closest && evt.target.closest("[data-shares]");
    if (box) shareTotal(box);
  });
  document.addEventListener("click", function (evt) {
    const add = evt.target.closest && evt.target.closest("[data-add-share]");
    if (!add) return;
    const box = add.closest("[data-shares]");
    const rows = box.querySelector("[data-share-rows]");
    const last = rows.querySelector("[data-share-row]:last-child");
    const copy = last.cloneNode(true);
    copy.querySelector("select").value = "";
    copy.querySelector("input").value = "";
    rows.appendChild(copy);
    copy.querySelector("select").focus();
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-shares]").forEach(shareTotal);
  });

  // Phones: the navigation and discovery's filters open as drawers (classes on <body>, CSS below
  // 820 px decides what that looks like; on wide screens the buttons are hidden).
  document.addEventListener("click", function (evt) {
    const toggle = evt.target.closest && evt.target.closest("[data-nav-toggle], [data-filters-toggle]");
    if (!toggle) return;
    const cls = toggle.hasAttribute("data-nav-toggle") ? "nav-open" : "filters-open";
    const open = document.body.classList.toggle(cls);
    document.querySelectorAll(toggle.hasAttribute("data-nav-toggle") ? "[data-nav-toggle]" : "[data-filters-toggle]")
      .forEach(function (b) { b.setAttribute("aria-expanded", open ? "true" : "false"); });
  });

  // Shortlist: after a status changed inline, the status tabs' counts are fetched again (only the
  // tabs are swapped, so the row being edited keeps its focus).
  document.addEventListener("entry-status-changed", function () {
    const tabs = document.querySelector("#shortlist-body .tabs");
    if (tabs && window.htmx) {
      window.htmx.ajax("GET", window.location.href, { target: "#shortlist-body .tabs", select: ".tabs", swap: "outerHTML" });
    }
  });

  // "Select all" checkboxes for bulk actions.
  document.addEventListener("change", function (evt) {
    const t = evt.target;
    if (t.matches && t.matches("[data-select-all]")) {
      document.querySelectorAll(t.dataset.selectAll).forEach(function (c) { c.checked = t.checked; });
    }
    if (t.matches && t.matches("[data-bulk-item], [data-select-all]")) {
      const count = document.querySelectorAll("[data-bulk-item]:checked").length;
      document.querySelectorAll("[data-bulk-count]").forEach(function (el) { el.textContent = count; });
      document.querySelectorAll("[data-bulk-needs]").forEach(function (el) { el.disabled = count === 0; });
    }
  });

  // ---- Behaviour that used to be inline (the Content-Security-Policy runs no inline script) ----
  // A form with data-confirm asks first; cancelling stops it before htmx or the browser sends it.
  document.addEventListener("submit", function (evt) {
    const form = evt.target;
    if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  }, true);
  // Discovery re-filters when one of its own fields changes (not a row checkbox of the
  // add-to-shortlist form inside it); a trigger filter expression would need eval.
  document.addEventListener("change", function (evt) {
    const form = evt.target && evt.target.form;
    if (form && form.id === "discovery-form" && window.htmx) window.htmx.trigger(form, "filters-changed");
  });
  // Discovery's number filters re-filter half a second after the last keystroke.
  let numberTimer = null;
  document.addEventListener("input", function (evt) {
    const t = evt.target;
    if (!(t.matches && t.matches(".filters input[type=number]")) || !t.form || t.form.id !== "discovery-form") return;
    clearTimeout(numberTimer);
    numberTimer = setTimeout(function () { if (window.htmx) window.htmx.trigger(t.form, "filters-changed"); }, 500);
  });
  // A select with data-autosubmit submits its form when changed (language, inbox filters).
  document.addEventListener("change", function (evt) {
    const t = evt.target;
    if (t.matches && t.matches("select[data-autosubmit]") && t.form) {
      if (typeof t.form.requestSubmit === "function") t.form.requestSubmit(); else t.form.submit();
    }
  });
  // A field with data-select-on-focus selects its text (the webhook secret, to copy it).
  document.addEventListener("focusin", function (evt) {
    const t = evt.target;
    if (t.matches && t.matches("[data-select-on-focus]")) t.select();
  });
  // A button with data-copy-from copies that field's value.
  document.addEventListener("click", function (evt) {
    const button = evt.target.closest && evt.target.closest("[data-copy-from]");
    if (!button) return;
    const field = document.getElementById(button.dataset.copyFrom);
    if (field && navigator.clipboard) navigator.clipboard.writeText(field.value);
  });
  // Discovery: the "search by look" panel opens and closes with its toggle.
  const lookToggle = document.getElementById("aesthetic-toggle");
  const lookPanel = document.getElementById("aesthetic-panel");
  if (lookToggle && lookPanel) {
    lookToggle.addEventListener("toggle", function () {
      lookPanel.hidden = !lookToggle.open;
      const zone = lookPanel.querySelector(".dropzone");
      if (lookToggle.open && zone) zone.focus();
    });
    const close = lookPanel.querySelector("[data-close-aesthetic]");
    if (close) close.addEventListener("click", function () { lookToggle.open = false; });
  }
  // Discovery: the "describe your brief" panel; a chip of the read brief goes with its hidden
  // inputs, so "Apply" and "Save" send what is left.
  const briefToggle = document.getElementById("brief-toggle");
  const briefPanel = document.getElementById("brief-panel");
  if (briefToggle && briefPanel) {
    briefToggle.addEventListener("toggle", function () {
      briefPanel.hidden = !briefToggle.open;
      const box = briefPanel.querySelector("textarea");
      if (briefToggle.open && box) box.focus();
    });
    const closeBrief = briefPanel.querySelector("[data-close-brief]");
    if (closeBrief) closeBrief.addEventListener("click", function () { briefToggle.open = false; });
    briefPanel.addEventListener("click", function (evt) {
      const remove = evt.target.closest("[data-remove-chip]");
      if (remove) remove.closest("[data-chip]").remove();
    });
  }
})();
