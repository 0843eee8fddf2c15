// The Infera console: reads the gateway's JSON endpoints and follows finalized blocks through
// its server-sent events (`/api/events`); no framework, no build step.
"use strict";

const UNIT = 10n ** 12n; // base units per INF (the chain's 12 decimals)
const PERBILL = 1e7; // Perbill parts per percent
const PHASES = ["submitted", "committed", "reveal_opened", "revealed", "audit_opened",
  "arbitration_opened", "paid", "refused", "failed", "cancel_requested", "cancelled"];
const FINAL_PHASES = new Set(["paid", "refused", "failed", "cancelled"]);

const state = { models: [], followed: null, refreshing: false, again: false };

const $ = (selector) => document.querySelector(selector);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : String(c ?? ""));
  return node;
}

function inf(amount) {
  const v = BigInt(amount);
  const whole = v / UNIT;
  const frac = (v % UNIT).toString().padStart(12, "0").replace(/0+$/, "");
  return `${whole}${frac ? "." + frac : ""} INF`;
}

function short(account) {
  return account.length > 14 ? `${account.slice(0, 6)}…${account.slice(-6)}` : account;
}

function specText(spec) {
  return `${spec.dtype}[${spec.shape.join("×")}]`;
}

function ruleText(rule) {
  if (typeof rule === "string") return rule;
  if (rule.top_k) return `top-${rule.top_k.k} classes`;
  if (rule.quantized) return `quantized, ${rule.quantized.decimals} decimals`;
  return JSON.stringify(rule);
}

function statusOf(job) {
  const [name, fields] = Object.entries(job.status)[0];
  return { name, fields };
}

function answerText(answer) {
  if (answer === "pending") return "pending";
  const [kind] = Object.keys(answer);
  return kind;
}

function showError(message) {
  const box = $("#error");
  box.textContent = message;
  box.hidden = !message;
}

// Why the last run could not start; it stays until the next run (the page's own error line is
// rewritten at every block).
function showRunError(message) {
  const box = $("#run-error");
  box.textContent = message;
  box.hidden = !message;
}

async function getJson(url, options) {
  const response = await fetch(url, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `${response.status}`);
  return body;
}

// --- overview: models, providers, governance -----------------------------------------------

function renderModels(models) {
  state.models = models;
  const body = $("#models tbody");
  body.replaceChildren(...models.map((m) => {
    const quote = (r) => {
      const q = m.quotes[r];
      if (q.quote) return el("td", { class: `quote-${r}`, "data-total": q.quote.total }, inf(q.quote.total));
      return el("td", { class: `quote-${r} muted`, title: q.error.message }, q.error.code);
    };
    return el("tr", { "data-model-id": m.id },
      el("td", {}, m.id), el("td", {}, m.name), el("td", {}, m.version + (m.deprecated ? " (deprecated)" : "")),
      el("td", {}, specText(m.input)), el("td", {}, ruleText(m.rule)), el("td", {}, inf(m.fee)),
      quote(1), quote(3), el("td", {}, m.open_jobs));
  }));
  const select = $("#run-model");
  const chosen = select.value;
  select.replaceChildren(...models.filter((m) => !m.deprecated).map((m) =>
    el("option", { value: m.id }, `${m.name} v${m.version} (#${m.id}, ${specText(m.input)})`)));
  if (chosen) select.value = chosen;
}

function renderProviders(providers) {
  $("#providers tbody").replaceChildren(...providers.map((p) =>
    el("tr", { "data-account": p.account },
      el("td", { title: p.account }, el("code", {}, short(p.account))), el("td", {}, inf(p.bonded)),
      el("td", {}, inf(p.unbonding)), el("td", { class: "price" }, inf(p.price)), el("td", {}, p.capacity),
      el("td", {}, p.active_jobs), el("td", { class: p.online ? "online" : "offline" }, p.online ? "online" : "offline"),
      el("td", {}, p.record.answered), el("td", {}, p.record.wrong), el("td", {}, p.record.missed),
      el("td", {}, inf(p.record.slashed)), el("td", {}, p.models.join(", ")))));
}

const PARAMETER_UNITS = {
  commit_period: "blocks", reveal_period: "blocks", unbonding_period: "blocks", result_retention: "blocks",
  cancel_grace: "blocks", max_input_bytes: "bytes", max_output_bytes: "bytes",
};

function parameterText(name, value) {
  if (["wrong_result_slash", "timeout_slash", "protocol_fee", "audit_rate"].includes(name)) return `${value / PERBILL}%`;
  if (["min_provider_stake", "byte_fee"].includes(name)) return inf(value);
  return `${value}${PARAMETER_UNITS[name] ? " " + PARAMETER_UNITS[name] : ""}`;
}

function renderGovernance(parameters, referenda) {
  $("#parameters tbody").replaceChildren(...Object.entries(parameters).map(([k, v]) =>
    el("tr", { "data-parameter": k }, el("th", {}, k.replaceAll("_", " ")), el("td", {}, parameterText(k, v)))));
  const tokens = (x) => (x === undefined ? "" : inf(BigInt(Math.round(Number(x)))));
  $("#referenda tbody").replaceChildren(...(referenda.length ? referenda.map((r) =>
    el("tr", { "data-referendum": r.index }, el("td", {}, r.index), el("td", {}, r.state), el("td", {}, r.track ?? ""),
      el("td", {}, tokens(r.ayes)), el("td", {}, tokens(r.nays)), el("td", {}, tokens(r.support)),
      el("td", {}, r.confirming_since ?? r.deciding_since ?? r.at ?? ""))) :
    [el("tr", {}, el("td", { colspan: 7, class: "muted" }, "no referenda yet"))]));
}

async function refreshOverview() {
  const o = await getJson("/api/overview");
  if (o.block !== null) $("#block").textContent = o.block;
  $("#account").textContent = short(o.account);
  $("#account").title = o.account;
  $("#free").textContent = inf(o.free);
  renderModels(o.models);
  renderProviders(o.providers);
  renderGovernance(o.parameters, o.referenda);
  $("#run-token-label").hidden = !o.token_required;
}

// --- jobs --------------------------------------------------------------------------------------

function timelineItems(detail) {
  const seen = detail.timeline.map((t) => {
    const preposition = { assigned: "to", slashed: "of", audit_opened: "to" }[t.phase] || "by";
    const who = t.provider ? ` ${preposition} ${short(t.provider)}` : "";
    const att = t.attestation ? ` (attestation ${t.attestation.slice(0, 18)}…)` : "";
    return el("li", { "data-phase": t.phase, class: "done" }, `${t.phase.replaceAll("_", " ")} at block ${t.block}${who}${att}`);
  });
  if (!seen.length) {
    const { name, fields } = statusOf(detail.job);
    seen.push(el("li", { "data-phase": "submitted", class: "done" }, `submitted at block ${detail.job.submitted_at}`));
    if (fields.at !== undefined) seen.push(el("li", { "data-phase": name === "completed" ? "paid" : name, class: "done" }, `${name} at block ${fields.at}`));
  }
  return seen;
}

function answerOf(detail) {
  if (!detail.output) return null;
  const model = state.models.find((m) => m.id === detail.job.model);
  if (model && model.rule.top_k) return `class ${detail.output.data.join(", ")}`;
  return `[${detail.output.data.join(", ")}]`;
}

function renderJobs(jobs) {
  $("#jobs tbody").replaceChildren(...jobs.map((d) => {
    const { name, fields } = statusOf(d.job);
    const answers = d.job.assignments.map((a) => `${short(a.provider)}: ${answerText(a.answer)}`).join("; ");
    return el("tr", { "data-job-id": d.job.id },
      el("td", {}, d.job.id), el("td", {}, d.job.model), el("td", { class: `state-${name}` }, name),
      el("td", {}, d.job.submitted_at), el("td", {}, fields.at ?? ""), el("td", {}, answers), el("td", {}, inf(d.job.price)),
      el("td", {}, el("ol", { class: "timeline" }, ...timelineItems(d))));
  }));
}

async function refreshFollowed() {
  if (state.followed === null) return;
  const detail = await getJson(`/api/jobs/${state.followed}`);
  const { name } = statusOf(detail.job);
  $("#run-status").textContent = name;
  $("#run-status").className = `state-${name}`;
  $("#run-timeline").replaceChildren(...timelineItems(detail));
  const answer = answerOf(detail);
  if (answer !== null) $("#run-answer").textContent = answer;
  else if (["failed", "refused", "cancelled"].includes(name)) $("#run-answer").textContent = `none (${name})`;
  // Settled once the followed blocks say so (the job record, read at the newest finalized block,
  // may be ahead of the block the gateway's follower has processed; it follows every job it
  // submitted from its first block on).
  if (detail.timeline.some((t) => FINAL_PHASES.has(t.phase))) $("#run-result").dataset.settled = "true";
}

async function refresh() {
  if (state.refreshing) { state.again = true; return; }
  state.refreshing = true;
  try {
    await refreshOverview();
    renderJobs(await getJson("/api/jobs"));
    await refreshFollowed();
    showError("");
  } catch (e) {
    showError(`Could not refresh: ${e.message}`);
  } finally {
    state.refreshing = false;
    if (state.again) { state.again = false; refresh(); }
  }
}

// --- inputs: .npy files and images ---------------------------------------------------------------

function parseNpy(buffer) {
  const bytes = new Uint8Array(buffer);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (!magic.every((b, i) => bytes[i] === b)) throw new Error("not a .npy file");
  const view = new DataView(buffer);
  const major = bytes[6];
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.slice(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(".npy array is in Fortran order");
  const body = buffer.slice(start + headerLen);
  const readers = {
    "<f4": () => Array.from(new Float32Array(body)), "<f8": () => Array.from(new Float64Array(body)),
    "<i4": () => Array.from(new Int32Array(body)), "<i8": () => Array.from(new BigInt64Array(body), Number),
    "|u1": () => Array.from(new Uint8Array(body)), "<u1": () => Array.from(new Uint8Array(body)),
  };
  if (!readers[descr]) throw new Error(`.npy dtype ${descr} is not supported here`);
  return readers[descr]();
}

function imageSize(shape) {
  // [C, H, W], [H, W] or [1, H, W]: channels first, as PyTorch models take images.
  if (shape.length === 3) return { channels: shape[0], height: shape[1], width: shape[2] };
  if (shape.length === 2) return { channels: 1, height: shape[0], width: shape[1] };
  throw new Error(`an image cannot fill an input of shape [${shape.join(", ")}]`);
}

async function imagePixels(file, shape) {
  const { channels, height, width } = imageSize(shape);
  const bitmap = await createImageBitmap(file);
  const canvas = el("canvas", { width, height });
  const context = canvas.getContext("2d");
  context.drawImage(bitmap, 0, 0, width, height);
  const rgba = context.getImageData(0, 0, width, height).data;
  const scale = Number($("#run-scale").value || 1);
  const invert = $("#run-invert").checked;
  const value = (v) => ((invert ? 255 - v : v) / 255) * scale;
  const out = [];
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < width * height; i++) {
      const [r, g, b] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]];
      out.push(value(channels === 1 ? 0.299 * r + 0.587 * g + 0.114 * b : [r, g, b][c % 3]));
    }
  }
  return out;
}

async function readInput(file, model) {
  if (file.name.endsWith(".npy")) return parseNpy(await file.arrayBuffer());
  return imagePixels(file, model.input.shape);
}

async function runJob(event) {
  event.preventDefault();
  const model = state.models.find((m) => String(m.id) === $("#run-model").value);
  const file = $("#run-file").files[0];
  if (!model || !file) { showRunError("Pick a model and an input file first."); return; }
  try {
    const data = await readInput(file, model);
    $("#run-input-info").textContent = `${file.name}: ${data.length} values for ${specText(model.input)}`;
    const headers = { "content-type": "application/json" };
    const token = $("#run-token").value.trim();
    if (token) headers.authorization = `Bearer ${token}`;
    const started = await getJson("/api/jobs", {
      method: "POST", headers,
      body: JSON.stringify({ model: model.id, data }),
    });
    state.followed = started.job_id;
    $("#run-result").hidden = false;
    delete $("#run-result").dataset.settled;
    $("#run-job").textContent = started.job_id;
    $("#run-answer").textContent = "waiting…";
    $("#run-status").textContent = `submitted to ${started.providers.map(short).join(", ")} for ${inf(started.price)}`;
    $("#run-timeline").replaceChildren();
    showRunError("");
  } catch (e) {
    showRunError(`The job was not submitted: ${e.message}`);
  }
}

// --- live updates ----------------------------------------------------------------------------

function follow() {
  const events = new EventSource("/api/events");
  events.addEventListener("open", () => { $("#live").textContent = "live"; $("#live").className = "online"; });
  events.addEventListener("error", () => { $("#live").textContent = "reconnecting"; $("#live").className = "offline"; });
  events.addEventListener("block", (e) => {
    const news = JSON.parse(e.data);
    $("#block").textContent = news.block;
    refresh();
  });
}

$("#run-form").addEventListener("submit", runJob);
refresh();
follow();
