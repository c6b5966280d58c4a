// One dense layer, forward and backward, side by side.
//   forward:  Z = X·W + b,  A = act(Z)
//   backward: dZ = dA ⊙ act'(Z)  (done by the caller for the output layer)
//             dW = Xᵀ·dZ,  db = Σ_rows dZ,  dX = dZ·Wᵀ, then dZ of the layer below (skipped for the first layer)
// The bias is the product's starting row and relu runs in the product's store
// (both ways), so a relu layer's A (it keeps no Z: arena.ts) and the dZ below
// it are each written once: the same f32 operations in the same order as
// separate passes.
import { field, ptrField, alphaOf, L_IN, L_OUT, L_ACT, L_W, L_B, L_GW, L_GB, L_Z, L_A, packPtr, zeroRowPtr } from '../arena';
import { gemmTN, productNN, EPI_STORE, EPI_RELU, EPI_RELU_MASK } from '../kernels/gemm';
import { columnSums } from '../kernels/vector';
import { activationForward, activationBackward, ACT_RELU } from '../kernels/activations';
import { backwardNarrowPair, PAIR_MAX } from '../kernels/narrow-backward';

/** Z and A of layer l for `rows` rows of x; `activate` false leaves A alone (cross-entropy does the output softmax). */
export function denseForward(l: i32, x: usize, rows: i32, activate: bool): void {
  const inDim = field(l, L_IN), outDim = field(l, L_OUT);
  const z = ptrField(l, L_Z), a = ptrField(l, L_A);
  const relu = field(l, L_ACT) == ACT_RELU;
  productNN(z, ptrField(l, L_B), 0, x, ptrField(l, L_W), false, rows, inDim, outDim, packPtr, relu ? EPI_RELU : EPI_STORE, 0);
  if (!relu && activate) activationForward(field(l, L_ACT), alphaOf(l), z, a, rows, outDim);
}

/** dZ of this layer is in d; writes dW and db, and dZ of layer l − 1 into dPrev unless dPrev is 0. */
export function denseBackward(l: i32, x: usize, d: usize, dPrev: usize, rows: i32): void {
  const inDim = field(l, L_IN), outDim = field(l, L_OUT);
  gemmTN(ptrField(l, L_GW), x, d, inDim, rows, outDim, packPtr);
  columnSums(ptrField(l, L_GB), d, rows, outDim);
  if (dPrev == 0) return;
  const relu = field(l - 1, L_ACT) == ACT_RELU;
  productNN(dPrev, zeroRowPtr, 0, d, ptrField(l, L_W), true, rows, outDim, inDim, packPtr,
    relu ? EPI_RELU_MASK : EPI_STORE, relu ? ptrField(l - 1, L_A) : 0);
  if (!relu) denseActivationBackward(l - 1, dPrev, rows);
}

/** Turns dA of layer l (in d) into dZ, in place. */
export function denseActivationBackward(l: i32, d: usize, rows: i32): void {
  activationBackward(field(l, L_ACT), alphaOf(l), ptrField(l, L_Z), ptrField(l, L_A), d, rows, field(l, L_OUT));
}

/**
 * denseBackward of layer 1 and then of layer 0 (dZ of layer 1 in d, x the
 * network input), in one pass when layer 1 has at most 4 outputs and layer 0
 * at most 4 inputs and relu (kernels/narrow-backward.ts; the same bits).
 * Returns false, having done nothing, for other layers.
 */
export function denseBackwardLowestPair(x: usize, d: usize, rows: i32): bool {
  const n = field(1, L_OUT), m = field(0, L_IN);
  if (n > PAIR_MAX || m > PAIR_MAX || field(0, L_ACT) != ACT_RELU) return false;
  columnSums(ptrField(1, L_GB), d, rows, n);
  backwardNarrowPair(ptrField(1, L_GW), ptrField(0, L_GW), ptrField(0, L_GB), x, ptrField(0, L_A), d, ptrField(1, L_W),
    rows, m, field(0, L_OUT), n);
  return true;
}
