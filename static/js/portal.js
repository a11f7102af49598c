// Behaviour that needs script, kept out of the pages (the CSP allows no inline script).
document.addEventListener("DOMContentLoaded", () => {
  // Buttons that ask before acting: <button data-confirm="...">.
  document.body.addEventListener("click", (event) => {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  });
  // Selects that submit their form on change: <select data-autosubmit>.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
});

// Layout (docs/ui.md). The menu bar folds into its toggle button when its entries do not fit on
// one line at the current width (a role with many groups, a long name); otherwise it stays open.
(() => {
  const fitMenu = () => {
    const nav = document.querySelector("nav[data-fit-menu]");
    if (!nav) return;
    nav.classList.add("navbar-expand-xl");
    const bar = nav.querySelector(".container-fluid");
    if (window.innerWidth >= 1200 && bar.scrollWidth > bar.clientWidth + 1) {
      nav.classList.remove("navbar-expand-xl");
    }
  };
  // A table's scroll container (.table-responsive) is reachable from the keyboard whether or
  // not it scrolls at this width: deciding by measuring raced the layout (fonts, charts, htmx
  // panels settling) and left a box that scrolled by a pixel unfocusable for a moment.
  const focusableScrollers = (root) => {
    root.querySelectorAll(".table-responsive:not([tabindex])").forEach((box) => {
      box.tabIndex = 0;
      const caption = box.querySelector("caption");
      if (caption && !box.hasAttribute("aria-label")) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption.textContent.trim());
      }
    });
  };
  const layout = () => {
    fitMenu();
    focusableScrollers(document);
  };
  document.addEventListener("DOMContentLoaded", layout);
  window.addEventListener("load", layout); // the icon font changes the entries' widths
  if (document.fonts) document.fonts.ready.then(layout);
  window.addEventListener("resize", layout);
  document.addEventListener("htmx:afterSwap", (event) => focusableScrollers(event.target));
  document.addEventListener("htmx:afterSettle", (event) => focusableScrollers(event.target));
})();

// Every form that posts sends once, and says it is working: on a slow line or a long job
// (a report, a signature) the button is disabled at once and a line under it says what is
// happening (<button data-busy="…"> or <form data-busy="…">; a default otherwise). Forms that
// htmx sends, or that opt out with data-busy="off", are left alone. The page coming back from
// the browser's cache, or a response that never navigates (a file download), re-enables it.
(() => {
  const DEFAULT_BUSY = "Đang xử lý, xin vui lòng chờ…";
  const RELEASE_AFTER_MS = 30000;

  function release(form) {
    delete form.dataset.busySent;
    form.removeAttribute("aria-busy");
    form.querySelectorAll("[data-busy-disabled]").forEach((button) => {
      button.disabled = false;
      button.removeAttribute("data-busy-disabled");
    });
    form.querySelectorAll("[data-busy-status]").forEach((line) => line.remove());
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (form.dataset.busy === "off" || form.matches("[hx-post],[hx-put],[data-hx-post]")) return;
    if (event.defaultPrevented) return;
    if (form.dataset.busySent) {
      event.preventDefault();
      return;
    }
    form.dataset.busySent = "1";
    form.setAttribute("aria-busy", "true");
    const submitter = event.submitter;
    const text = (submitter && submitter.dataset.busy) || form.dataset.busy || DEFAULT_BUSY;
    // Disabled after the browser has read the submitter's name and value into the request.
    window.setTimeout(() => {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach((button) => {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute("data-busy-disabled", "1");
        }
      });
      const line = document.createElement("div");
      line.className = "busy-status small mt-2";
      line.setAttribute("role", "status");
      line.setAttribute("data-busy-status", "");
      const spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-2";
      spinner.setAttribute("aria-hidden", "true");
      line.append(spinner, document.createTextNode(text));
      (submitter && submitter.parentElement ? submitter.parentElement : form).append(line);
    }, 0);
    window.setTimeout(() => release(form), RELEASE_AFTER_MS);
  });

  window.addEventListener("pageshow", (event) => {
    if (event.persisted) document.querySelectorAll("form[data-busy-sent]").forEach(release);
  });
})();
