// The few formulas the live charts compute in the browser while a hand drags a handle.
// Pure: no imports, no DOM. softmax_core is the reference; tests/live checks these against it to 1e-12.
// Every number stays a float64; rounding happens only where the view prints it.

/** softmax(z / T) with the maximum subtracted first, so no exponential overflows (as softmax_core does). */
export function softmax(logits, temperature = 1) {
  let m = -Infinity;
  for (const z of logits) if (z > m) m = z;
  const out = logits.map((z) => (z - m) / temperature);
  let total = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.exp(out[i]);
    total += out[i];
  }
  const inv = 1 / total;
  return out.map((e) => e * inv);
}

/** Shannon entropy in nats, with 0 log 0 = 0. */
export function entropy(probs) {
  let h = 0;
  for (const p of probs) if (p > 0) h -= p * Math.log(p);
  return h;
}

export function entropyBits(probs) {
  return entropy(probs) / Math.LN2;
}

/** e^H: 1 for a certain outcome, K for a uniform one over K classes. */
export function effectiveChoices(probs) {
  return Math.exp(entropy(probs));
}

/** The logistic function, stable for any real z: e^{-|z|} never overflows. */
export function sigmoid(z) {
  const e = Math.exp(-Math.abs(z));
  return (z >= 0 ? 1 : e) / (1 + e);
}

/** Binary cross-entropy of a predicted probability p against a target y in [0, 1]; +Infinity when certain and wrong. */
export function bce(p, y) {
  const pos = y > 0 ? y * Math.log(p) : 0;
  const neg = y < 1 ? (1 - y) * Math.log1p(-p) : 0;
  return 0 - (pos + neg);
}

/** Index of the largest value, the first one on ties (as numpy.argmax). */
export function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
