// Runs ui/live/livemath.js on the cases that tests/live/test_livemath.py computed with softmax_core.
// Run through pytest (it writes the cases and sets LIVE_CASES), or by hand:
//   LIVE_CASES=/tmp/cases.json node --test tests/live/livemath.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as live from "../../ui/live/livemath.js";

const TOL = 1e-12;
// JSON has no infinities; the generator writes them as strings.
const num = (v) => (typeof v === "string" ? Number(v) : v);
const cases = JSON.parse(readFileSync(process.env.LIVE_CASES, "utf8"));

function close(got, want, what) {
  want = num(want);
  if (!Number.isFinite(want)) {
    assert.equal(got, want, what);
    return;
  }
  assert.ok(Math.abs(got - want) <= TOL, `${what}: got ${got}, want ${want}`);
}

test("there are cases of every kind", () => {
  for (const kind of ["softmax", "sigmoid", "bce"]) assert.ok(cases[kind].length > 0, kind);
});

test("softmax, entropy and e^H match softmax_core", () => {
  for (const c of cases.softmax) {
    const probs = live.softmax(c.logits, c.T);
    const what = `logits=${JSON.stringify(c.logits)} T=${c.T}`;
    assert.equal(probs.length, c.probs.length, what);
    probs.forEach((p, i) => close(p, c.probs[i], `${what} p[${i}]`));
    close(live.entropy(probs), c.entropy, `${what} entropy`);
    close(live.entropyBits(probs), c.entropy_bits, `${what} entropy in bits`);
    close(live.effectiveChoices(probs), c.effective, `${what} e^H`);
    assert.equal(live.argmax(probs), c.argmax, `${what} argmax`);
  }
});

test("sigmoid matches softmax_core", () => {
  for (const c of cases.sigmoid) close(live.sigmoid(num(c.z)), c.value, `sigmoid(${c.z})`);
});

test("binary cross-entropy matches softmax_core", () => {
  for (const c of cases.bce) close(live.bce(c.p, c.y), c.value, `bce(${c.p}, ${c.y})`);
});
