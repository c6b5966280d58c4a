/**
 * The closed forms of the schedules, each a pure function of the time t
 * (a non-negative number of steps or epochs, see types.ts). Every factory
 * returns a closure over constants only, so evaluating it at any t, in any
 * order, any number of times, gives the same value.
 *
 * The arithmetic follows the peer implementation named in each comment
 * operation by operation where it matters (PyTorch's phase boundaries of
 * OneCycleLR, Keras's step 0 of a cycling PolynomialDecay...), in float64 as
 * PyTorch's Python schedulers do (Keras computes in the dtype of its initial
 * learning rate, usually float32).
 */

export type LrFunction = (t: number) => number;

/** lr for every t. */
export function constantLr(lr: number): LrFunction {
  return () => lr;
}

/**
 * PyTorch StepLR (closed form `base_lr * gamma ** (last_epoch // step_size)`):
 *   lr(t) = lr · factor^floor(t / every)
 */
export function stepLr(lr: number, every: number, factor: number): LrFunction {
  return (t) => lr * factor ** Math.floor(t / every);
}

/**
 * PyTorch MultiStepLR (closed form `base_lr * gamma ** bisect_right(milestones, last_epoch)`):
 *   lr(t) = lr · factor^#{i : milestones[i] <= t}
 */
export function multiStepLr(lr: number, milestones: readonly number[], factor: number): LrFunction {
  const m = milestones.slice();
  return (t) => lr * factor ** countAtMost(m, t);
}

/**
 * Keras ExponentialDecay:
 *   lr(t) = lr · rate^(t / decaySteps)            (staircase: rate^floor(t / decaySteps))
 * With decaySteps = 1 and unit 'epoch' this is PyTorch ExponentialLR (gamma = rate).
 */
export function exponentialLr(lr: number, rate: number, decaySteps: number, staircase: boolean): LrFunction {
  return (t) => {
    const p = t / decaySteps;
    return lr * rate ** (staircase ? Math.floor(p) : p);
  };
}

/**
 * Keras InverseTimeDecay:
 *   lr(t) = lr / (1 + rate · t / decaySteps)      (staircase: floor(t / decaySteps))
 * decaySteps = 1 gives the `decay` argument of the classic Keras optimizers,
 * lr / (1 + decay · iterations).
 */
export function inverseTimeLr(lr: number, rate: number, decaySteps: number, staircase: boolean): LrFunction {
  return (t) => {
    const p = t / decaySteps;
    return lr / (1 + rate * (staircase ? Math.floor(p) : p));
  };
}

/**
 * Linear decay until iteration τ (Goodfellow, Bengio & Courville, Deep
 * Learning, §8.3.1, eq. 8.14): with α = t/τ,
 *   lr(t) = (1 − α) · lr + α · lrEnd    for t < τ,    lrEnd for t >= τ.
 * PyTorch LinearLR(start_factor, end_factor, total_iters) is the special case
 * lr = base·start_factor, lrEnd = base·end_factor, τ = total_iters.
 */
export function linearLr(lr: number, tau: number, lrEnd: number): LrFunction {
  return (t) => {
    if (t >= tau) return lrEnd;
    const a = t / tau;
    return (1 - a) * lr + a * lrEnd;
  };
}

/**
 * Keras PolynomialDecay:
 *   lr(t) = (lr − lrEnd) · (1 − t'/D)^power + lrEnd,   t' = min(t, D), D = decaySteps.
 * With cycle, D is replaced by the first multiple of decaySteps that is >= t,
 * D = decaySteps · ceil(t / decaySteps), and by decaySteps itself at t = 0 (the
 * multiplier Keras sets to 1 when the step is 0); t is not clamped.
 * So lr(k·decaySteps) = lrEnd for k >= 1, and it jumps up right after.
 */
export function polynomialLr(lr: number, decaySteps: number, lrEnd: number, power: number, cycle: boolean): LrFunction {
  return (t) => {
    let step = t;
    let d = decaySteps;
    if (cycle) d = decaySteps * (t === 0 ? 1 : Math.ceil(t / decaySteps));
    else step = Math.min(t, decaySteps);
    const p = step / d;
    return (lr - lrEnd) * (1 - p) ** power + lrEnd;
  };
}

/**
 * Cosine annealing, Keras CosineDecay (alpha = minLr/lr) and the closed form of
 * PyTorch CosineAnnealingLR (T_max = T, eta_min = minLr), with T = decaySteps:
 *   lr(t) = minLr + (lr − minLr) · (1 + cos(π · min(t, T) / T)) / 2
 * Clamped at T as Keras does: minLr for t >= T. PyTorch's formula is not
 * clamped: past T_max its lr rises again towards lr, with period 2·T_max.
 */
export function cosineLr(lr: number, decaySteps: number, minLr: number): LrFunction {
  return (t) => minLr + (lr - minLr) * (1 + Math.cos((Math.PI * Math.min(t, decaySteps)) / decaySteps)) / 2;
}

/**
 * SGDR (Loshchilov & Hutter 2017): PyTorch CosineAnnealingWarmRestarts (T_0,
 * T_mult, eta_min) with Keras CosineDecayRestarts' m_mul. Cycle i (0-based)
 * starts at S_i = T0·(tMult^i − 1)/(tMult − 1) (S_i = i·T0 when tMult = 1) and
 * lasts T_i = T0·tMult^i; with T_cur = t − S_i for the cycle holding t,
 *   lr(t) = minLr + (lr − minLr) · mMul^i · (1 + cos(π · T_cur / T_i)) / 2
 * This is Keras's formula with alpha = minLr/lr, and PyTorch's when mMul = 1.
 * The cycle is found exactly (a logarithm, then corrected by comparing with
 * S_i), so a restart is never missed by rounding: with T0 = 1, tMult = 10,
 * t = 111 starts cycle 3 (as PyTorch's ordinary step() finds), whereas a
 * logarithm alone, as in PyTorch's step(epoch), gives log(1000)/log(10) =
 * 2.9999999999999996 and cycle 2.
 */
export function cosineRestartsLr(lr: number, T0: number, tMult: number, mMul: number, minLr: number): LrFunction {
  const start = (i: number): number => (tMult === 1 ? i * T0 : (T0 * (tMult ** i - 1)) / (tMult - 1));
  return (t) => {
    let i = tMult === 1
      ? Math.floor(t / T0)
      : Math.max(0, Math.floor(Math.log((t / T0) * (tMult - 1) + 1) / Math.log(tMult)));
    while (start(i + 1) <= t) i++;
    while (i > 0 && start(i) > t) i--;
    const tCur = t - start(i);
    const tI = T0 * tMult ** i;
    return minLr + (lr - minLr) * mMul ** i * (1 + Math.cos((Math.PI * tCur) / tI)) / 2;
  };
}

/**
 * Linear warmup, as Keras CosineDecay's warmup (initial_learning_rate → warmup_target):
 *   lr(t) = start + (inner(0) − start) · t / steps   for t < steps,
 *   lr(t) = inner(t − steps)                          for t >= steps.
 */
export function warmupLr(inner: LrFunction, steps: number, start: number): LrFunction {
  const target = inner(0);
  return (t) => (t < steps ? (target - start) * (t / steps) + start : inner(t - steps));
}

/**
 * Cyclical learning rates (Smith 2017), PyTorch CyclicLR's arithmetic with
 * total = stepSize + stepSizeDown and ratio = stepSize/total:
 *   cycle = floor(1 + t/total),   x = 1 + t/total − cycle,
 *   s = x/ratio if x <= ratio else (x − 1)/(ratio − 1),
 *   lr(t) = baseLr + (maxLr − baseLr) · s · scale,
 * scale = 1 (triangular), 1/2^(cycle − 1) (triangular2), gamma^t (exp_range).
 * With stepSizeDown = stepSize this is Smith's x = |t/stepSize − 2·cycle + 1|,
 * lr = baseLr + (maxLr − baseLr)·max(0, 1 − x)·scale.
 */
export function cyclicalLr(
  baseLr: number, maxLr: number, stepSize: number, stepSizeDown: number,
  mode: 'triangular' | 'triangular2' | 'exp_range', gamma: number,
): LrFunction {
  const total = stepSize + stepSizeDown;
  const ratio = stepSize / total;
  return (t) => {
    const cycle = Math.floor(1 + t / total);
    const x = 1.0 + t / total - cycle;
    const s = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
    const height = (maxLr - baseLr) * s;
    const scale = mode === 'triangular' ? 1.0 : mode === 'triangular2' ? 1 / 2.0 ** (cycle - 1) : gamma ** t;
    return baseLr + height * scale;
  };
}

/**
 * PyTorch OneCycleLR (Smith & Topin 2019; fastai's two phases by default).
 * initial = maxLr/divFactor, min = initial/finalDivFactor, T = totalSteps,
 * p = pctStart. Phases end at (PyTorch's arithmetic, including its − 1):
 *   two phases:   p·T − 1 (initial → maxLr),  T − 1 (maxLr → min)
 *   three phases: p·T − 1 (initial → maxLr),  2·p·T − 2 (maxLr → initial),  T − 1 (initial → min)
 * Step t falls in the first phase whose end is >= t (or the last), starting at
 * the previous end (0 for the first) and, with pct = (t − start)/(end − start),
 *   cos:    lr = b + (a − b)/2 · (cos(π·pct) + 1)
 *   linear: lr = (b − a)·pct + a           (a = phase start lr, b = phase end lr).
 * PyTorch raises once stepped past T; here the lr holds its value at T − 1
 * (the min lr) for every t > T − 1.
 */
export function oneCycleLr(
  maxLr: number, totalSteps: number, pctStart: number, divFactor: number, finalDivFactor: number,
  anneal: 'cos' | 'linear', threePhase: boolean,
): LrFunction {
  const initial = maxLr / divFactor;
  const min = initial / finalDivFactor;
  const phases = oneCyclePhases(totalSteps, pctStart, threePhase).map((end, i) => ({
    end,
    from: threePhase ? [initial, maxLr, initial][i]! : [initial, maxLr][i]!,
    to: threePhase ? [maxLr, initial, min][i]! : [maxLr, min][i]!,
  }));
  const annealFn = anneal === 'cos' ? annealCos : annealLinear;
  return (t) => {
    const step = Math.min(t, totalSteps - 1);
    let start = 0.0;
    for (let i = 0; i < phases.length; i++) {
      const phase = phases[i]!;
      if (step <= phase.end || i === phases.length - 1) {
        return annealFn(phase.from, phase.to, (step - start) / (phase.end - start));
      }
      start = phase.end;
    }
    throw new Error('unreachable');
  };
}

/** The phase end steps of PyTorch OneCycleLR, in its order of operations. */
export function oneCyclePhases(totalSteps: number, pctStart: number, threePhase: boolean): number[] {
  return threePhase
    ? [pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1]
    : [pctStart * totalSteps - 1, totalSteps - 1];
}

function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2.0) * cosOut;
}

function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

/**
 * PyTorch SequentialLR: with k = #{i : milestones[i] <= t},
 *   lr(t) = s_0(t) if k = 0, else s_k(t − milestones[k − 1]).
 */
export function sequentialLr(schedules: readonly LrFunction[], milestones: readonly number[]): LrFunction {
  const s = schedules.slice();
  const m = milestones.slice();
  return (t) => {
    const k = countAtMost(m, t);
    return k === 0 ? s[0]!(t) : s[k]!(t - m[k - 1]!);
  };
}

/**
 * Chaining (as PyTorch ChainedScheduler chains multiplicative schedulers):
 *   lr(t) = s_0(t) · Π_{i>=1} s_i(t) / s_i(0)
 * Each further schedule contributes its value relative to its start, so its own
 * lr does not matter (it must not be 0).
 */
export function multiplyLr(schedules: readonly LrFunction[]): LrFunction {
  const [first, ...rest] = schedules;
  const factors = rest.map((s) => ({ s, s0: s(0) }));
  return (t) => {
    let lr = first!(t);
    for (const { s, s0 } of factors) lr *= s(t) / s0;
    return lr;
  };
}

/** bisect_right: how many of the sorted values are <= t. */
function countAtMost(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
