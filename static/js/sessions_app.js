// Training and appointments: a form marked data-once is submitted once (the server also
// refuses a second booking through the idempotency key); [data-print] prints the page.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-once]")) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
});
document.addEventListener("click", (event) => {
  if (event.target.matches("[data-print]")) window.print();
});
