// The DOM helpers the pages share. el("tag", {attrs, onclick, text}, ...children); the widget keeps its own el,
// which drops empty children.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

// Re-rendering must not move the caret of someone typing: keep focus and selection across it.
export function keepFocus() {
  const a = document.activeElement;
  if (!a || !a.id) return () => {};
  const id = a.id;
  const range = typeof a.selectionStart === "number" ? [a.selectionStart, a.selectionEnd] : null;
  return () => {
    const b = document.getElementById(id);
    if (!b) return;
    b.focus();
    if (range && b.setSelectionRange) try { b.setSelectionRange(...range); } catch { /* not a text field */ }
  };
}
