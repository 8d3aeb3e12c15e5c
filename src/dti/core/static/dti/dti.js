// dti: small progressive enhancements on top of htmx; every form also works without JavaScript.
(function () {
  // With JavaScript the phone header folds its menu behind a button (dti.css, .js); without, it stays open.
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (e) {
    var toggle = e.target.closest && e.target.closest(".menu-toggle");
    if (!toggle) { return; }
    var open = toggle.closest(".topbar").classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  // "Chọn tất cả" (core/_select_all.html): ticks or clears the visible checkboxes of its name in its form,
  // and shows whether all, some or none of them are ticked.
  function boxesOf(all) {
    var form = all.closest("form") || document;
    return Array.prototype.filter.call(form.querySelectorAll("input[type=checkbox]"), function (box) {
      return box.name === all.dataset.selectAll && !box.disabled && box.offsetParent !== null;
    });
  }
  function showChoice(all) {
    var boxes = boxesOf(all), ticked = boxes.filter(function (box) { return box.checked; }).length;
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  document.addEventListener("change", function (e) {
    var target = e.target;
    if (target.dataset && target.dataset.selectAll) {
      boxesOf(target).forEach(function (box) { box.checked = target.checked; });
    } else if (target.type === "checkbox" && target.form) {
      target.form.querySelectorAll("[data-select-all]").forEach(showChoice);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { document.querySelectorAll("[data-select-all]").forEach(showChoice); });
  // Texts in the page's language: the base template puts them on <body> (data-msg-*).
  function text(name, fallback) { return (document.body && document.body.dataset[name]) || fallback; }
  // An autosave form's save state sits in the box it swaps (its hx-target), beside the form.
  function stateOf(form) {
    var target = form.getAttribute("hx-target");
    var box = target ? document.querySelector(target) : form;
    return box ? box.querySelector(".save-state") : null;
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var s = e.target.closest && e.target.closest("form") ? stateOf(e.target.closest("form")) : null;
    if (s) { s.className = "save-state saving"; s.textContent = text("msgSaving", "Đang lưu…"); }
  });
  document.addEventListener("htmx:responseError", function (e) {
    var form = e.target.closest && e.target.closest("form");
    var s = form ? stateOf(form) : null;
    // 401: the session expired; the server's text says so and how to go on (the data stays on the page).
    if (s && e.detail.xhr.status === 401) { s.className = "save-state failed"; s.textContent = e.detail.xhr.responseText; }
    if (s && e.detail.xhr.status >= 500) { s.className = "save-state failed"; s.textContent = text("msgServerError", "Lỗi máy chủ, chưa lưu được. Dữ liệu vẫn còn trên trang; thử lại sau."); }
  });
  document.addEventListener("htmx:sendError", function (e) {
    var form = e.target.closest && e.target.closest("form");
    var s = form ? stateOf(form) : null;
    if (s) { s.className = "save-state failed"; s.textContent = text("msgOffline", "Mất kết nối, chưa lưu được. Dữ liệu vẫn còn trên trang; sẽ lưu khi bạn sửa tiếp."); }
  });
  // Let htmx swap 4xx responses (validation errors, conflicts): they carry messages to show.
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr.status === 409 || e.detail.xhr.status === 422 || e.detail.xhr.status === 403) {
      e.detail.shouldSwap = true; e.detail.isError = false;
    }
  });
  // Messages float over the page (so they are seen wherever the page was scrolled to); a click hides one.
  document.addEventListener("click", function (e) {
    if (e.target.classList && e.target.classList.contains("msg")) { e.target.remove(); }
  });
  // Warn before leaving with a save in flight.
  window.addEventListener("beforeunload", function (e) {
    if (document.querySelector(".save-state.saving")) { e.preventDefault(); e.returnValue = ""; }
  });
  // An irreversible step asks first: the form (or the button pressed) says in data-confirm what it will do.
  // Listening in the capture phase, a "no" stops the form before htmx or the browser sends it.
  document.addEventListener("submit", function (e) {
    var button = e.submitter, form = e.target;
    var question = (button && button.dataset.confirm) || (form.dataset && form.dataset.confirm);
    if (question && !window.confirm(question)) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);
})();
