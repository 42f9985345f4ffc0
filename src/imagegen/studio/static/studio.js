// imagegen studio: small progressive enhancements; every page works as plain HTML first.
"use strict";
(() => {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const $ = (sel, root = document) => root.querySelector(sel);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  // Infinite scroll over the catalog's keyset pages (the grid, the prompt families): the server hands out
  // the next page's URL (data-next, then the X-Next-Page header); the sentinel after the list triggers it.
  function infiniteScroll(list) {
    const sentinel = list.nextElementSibling;
    if (!sentinel || !sentinel.classList.contains("sentinel")) return;
    let loading = false;
    const more = async () => {
      const next = list.dataset.next;
      if (!next || loading) return;
      loading = true;
      try {
        const resp = await fetch(next, { credentials: "same-origin" });
        if (!resp.ok) return;
        list.insertAdjacentHTML("beforeend", await resp.text());
        const nxt = resp.headers.get("X-Next-Page");
        if (nxt) list.dataset.next = nxt; else delete list.dataset.next;
      } finally { loading = false; }
      if (sentinel.getBoundingClientRect().top < innerHeight + 600) more();
    };
    new IntersectionObserver((es) => es.some((e) => e.isIntersecting) && more(), { rootMargin: "600px" }).observe(sentinel);
  }

  function compare() {
    const box = $("#compare");
    if (!box) return;
    document.querySelectorAll("[data-mode]").forEach((b) => b.tagName === "BUTTON" && b.addEventListener("click", () => {
      box.dataset.mode = b.dataset.mode;
      document.querySelectorAll("button[data-mode]").forEach((o) => o.setAttribute("aria-pressed", String(o === b)));
    }));
    const range = $("#diff-opacity"), diff = $(".stack .diff");
    if (range && diff) range.addEventListener("input", () => { diff.style.opacity = range.value / 100; });
  }

  // Mask painting: strokes on a canvas the size of the source; the mask sent is opaque except where painted.
  function maskCanvas() {
    const canvas = $("#mask-canvas");
    if (!canvas) return null;
    const ctx = canvas.getContext("2d");
    let drawing = false, last = null, painted = false;
    const brush = $("#brush");
    const pos = (e) => {
      const r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
    };
    const stroke = (p) => {
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      ctx.strokeStyle = ctx.fillStyle = "#ff2d78";
      ctx.lineCap = ctx.lineJoin = "round";
      ctx.lineWidth = Number(brush ? brush.value : 48) * scale;
      ctx.beginPath();
      if (last) { ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke(); }
      else { ctx.arc(p[0], p[1], ctx.lineWidth / 2, 0, Math.PI * 2); ctx.fill(); }
      last = p; painted = true;
    };
    canvas.addEventListener("pointerdown", (e) => { drawing = true; last = null; canvas.setPointerCapture(e.pointerId); stroke(pos(e)); });
    canvas.addEventListener("pointermove", (e) => drawing && stroke(pos(e)));
    ["pointerup", "pointercancel"].forEach((t) => canvas.addEventListener(t, () => { drawing = false; last = null; }));
    const clear = $("#clear-mask");
    if (clear) clear.addEventListener("click", () => { ctx.clearRect(0, 0, canvas.width, canvas.height); painted = false; });
    return {
      painted: () => painted,
      dataURL: () => {
        const m = document.createElement("canvas");
        m.width = canvas.width; m.height = canvas.height;
        const c = m.getContext("2d");
        c.fillStyle = "#fff"; c.fillRect(0, 0, m.width, m.height);
        c.globalCompositeOperation = "destination-out";
        c.drawImage(canvas, 0, 0);
        return m.toDataURL("image/png");
      },
    };
  }

  async function api(url, body) {
    const resp = await fetch(url, {
      method: body === undefined ? "GET" : "POST", credentials: "same-origin",
      headers: body === undefined ? {} : { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const doc = await resp.json().catch(() => ({}));
    if (!resp.ok) throw new Error((doc.error && doc.error.message) || `HTTP ${resp.status}`);
    return doc;
  }

  function create() {
    const form = $("#create-form");
    if (!form) return;
    const mask = maskCanvas();
    const bar = $("#progress-bar"), text = $("#progress-text"), box = $("#progress"), result = $("#result"), run = $("#run");
    const say = (frac, msg) => { box.hidden = false; bar.style.width = `${Math.round(frac * 100)}%`; text.textContent = msg; };
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const data = new FormData(form), model = String(data.get("model") || "").trim();
      const body = { prompt: data.get("prompt"), size: data.get("size"), quality: data.get("quality") };
      let endpoint = "text-to-image";
      if (form.dataset.mode === "edit") {
        endpoint = "edit";
        body.images = [`/v1/assets/${form.dataset.source}/content`];
        if (mask && mask.painted()) body.mask = mask.dataURL();
      }
      run.disabled = true; result.innerHTML = "";
      try {
        say(0.02, "Submitting…");
        const job = await api(`/v1/models/${model.split("/").map(encodeURIComponent).join("/")}/${endpoint}`, body);
        form.dataset.requestId = job.request_id;
        for (;;) {
          const st = await api(job.status_url);
          if (st.status === "completed") break;
          if (st.status === "failed" || st.status === "cancelled") {
            const res = await api(job.result_url);
            throw new Error((res.error && res.error.message) || st.status);
          }
          const where = st.status === "in_queue" ? `In queue${st.queue_position != null ? ` (position ${st.queue_position})` : ""}` : "Working";
          say(Math.max(0.05, st.progress || 0), `${where}${st.progress_message ? ` · ${st.progress_message}` : ""}`);
          await new Promise((r) => setTimeout(r, 600));
        }
        const res = await api(job.result_url);
        say(1, "Done");
        result.innerHTML = (res.asset_ids || []).map((id) => `<a class="made" href="/studio/assets/${esc(id)}"><img src="/studio/thumbs/${esc(id)}/320" alt=""><span>Open <code>${esc(id)}</code></span></a>`).join("");
      } catch (err) {
        say(0, "");
        result.innerHTML = `<p class="alert" role="alert">${esc(err.message)}</p>`;
      } finally { run.disabled = false; }
    });
  }

  function verify() {
    const zone = $("#dropzone"), input = $("#verify-file"), out = $("#verify-result");
    if (!zone) return;
    const send = async (file) => {
      out.innerHTML = `<p class="muted">Reading ${esc(file.name)}…</p>`;
      const resp = await fetch("/studio/verify", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/octet-stream" }, body: file });
      if (resp.ok) out.innerHTML = await resp.text();
      else { const d = await resp.json().catch(() => ({})); out.innerHTML = `<p class="alert" role="alert">${esc((d.error && d.error.message) || `HTTP ${resp.status}`)}</p>`; }
    };
    ["dragenter", "dragover"].forEach((t) => zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.add("over"); }));
    ["dragleave", "drop"].forEach((t) => zone.addEventListener(t, () => zone.classList.remove("over")));
    zone.addEventListener("drop", (e) => { e.preventDefault(); if (e.dataTransfer.files[0]) send(e.dataTransfer.files[0]); });
    input.addEventListener("change", () => input.files[0] && send(input.files[0]));
  }

  document.addEventListener("DOMContentLoaded", () => { document.querySelectorAll("[data-scroll]").forEach(infiniteScroll); compare(); create(); verify(); });
})();
