// One dense layer, forward and backward, side by side.
//   forward:  Z = X·W + b,  A = act(Z)
//   backward: dZ = dA ⊙ act'(Z)  (done by the caller for the layer above)
//             dW = Xᵀ·dZ,  db = Σ_rows dZ,  dX = dZ·Wᵀ  (dX skipped for the first layer)
import { field, ptrField, alphaOf, L_IN, L_OUT, L_ACT, L_W, L_B, L_GW, L_GB, L_Z, L_A, transposePtr, packPtr } from '../arena';
import { gemmNN, gemmTN, transpose } from '../kernels/gemm';
import { columnSums, copyFloats } from '../kernels/vector';
import { activationForward, activationBackward } from '../kernels/activations';

export function denseForward(l: i32, x: usize, rows: i32): void {
  const inDim = field(l, L_IN), outDim = field(l, L_OUT);
  const z = ptrField(l, L_Z);
  const rowBytes = <usize>outDim << 2;
  for (let r = 0; r < rows; r++) copyFloats(z + <usize>r * rowBytes, ptrField(l, L_B), outDim);
  gemmNN(z, x, ptrField(l, L_W), rows, inDim, outDim, packPtr);
  activationForward(field(l, L_ACT), alphaOf(l), z, ptrField(l, L_A), rows, outDim);
}

/** dZ of this layer is in d; writes dW and db, and dX into dPrev (as dA of the layer below) unless dPrev is 0. */
export function denseBackward(l: i32, x: usize, d: usize, dPrev: usize, rows: i32): void {
  const inDim = field(l, L_IN), outDim = field(l, L_OUT);
  gemmTN(ptrField(l, L_GW), x, d, inDim, rows, outDim, packPtr);
  columnSums(ptrField(l, L_GB), d, rows, outDim);
  if (dPrev == 0) return;
  transpose(transposePtr, ptrField(l, L_W), inDim, outDim);
  memory.fill(dPrev, 0, (<usize>rows * <usize>inDim) << 2);
  gemmNN(dPrev, d, transposePtr, rows, outDim, inDim, packPtr);
}

/** Turns dA of layer l (in d) into dZ, in place. */
export function denseActivationBackward(l: i32, d: usize, rows: i32): void {
  activationBackward(field(l, L_ACT), alphaOf(l), ptrField(l, L_Z), ptrField(l, L_A), d, rows, field(l, L_OUT));
}
