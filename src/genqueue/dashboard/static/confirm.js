// The in-page confirm dialog every action goes through, and the toasts that report
// what the action did. A <dialog> rather than window.confirm: it reads like the rest of
// the page, can hold fields (clean's age), and a browser test can click it.

import { $, h, replace } from "./dom.js";

/**
 * Asks for confirmation. `fields` (optional) are nodes with named inputs; the answer is
 * null when cancelled, else an object of the fields' values ({} without fields).
 */
export function confirmAction({ title, message, confirmLabel = "Confirm", danger = false, fields = [] }) {
  const dialog = $("#confirm");
  const ok = $("#confirm-ok");
  replace($("#confirm-title"), title);
  replace($("#confirm-message"), message);
  replace($("#confirm-fields"), fields);
  ok.textContent = confirmLabel;
  ok.classList.toggle("btn-danger", danger);
  ok.classList.toggle("btn-primary", !danger);
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        if (dialog.returnValue !== "ok") {
          resolve(null);
          return;
        }
        const values = {};
        for (const input of dialog.querySelectorAll("#confirm-fields [name]")) {
          values[input.name] = input.value;
        }
        resolve(values);
      },
      { once: true },
    );
    dialog.showModal();
    ok.focus();
  });
}

/** A toast: kind "ok" or "error"; it leaves after a while (errors stay longer). */
export function toast(kind, text) {
  const item = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
    h("span", { class: "toast-icon", "aria-hidden": "true" }, kind === "error" ? "!" : "✓"),
    h("span", { class: "toast-text" }, text));
  $("#toasts").append(item);
  setTimeout(() => item.classList.add("toast-leaving"), kind === "error" ? 9000 : 4000);
  setTimeout(() => item.remove(), kind === "error" ? 9400 : 4400);
}

/**
 * Confirms, runs `perform()` (a promise of the API's answer), and toasts `describe(answer)`
 * or the error. Resolves true when the action ran.
 */
export async function runAction(question, perform, describe) {
  const values = await confirmAction(question);
  if (values === null) return false;
  try {
    const answer = await perform(values);
    toast("ok", describe(answer, values));
    return true;
  } catch (error) {
    toast("error", `${question.title} failed: ${error.message}`);
    return false;
  }
}
