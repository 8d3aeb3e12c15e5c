// The "In danh sách" button of the page that shows generated passwords (no inline script).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
