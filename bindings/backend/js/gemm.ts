/**
 * The three products of a dense layer in plain TypeScript, in exactly the f32
 * arithmetic of assembly/kernels/gemm.ts: every product is rounded to f32
 * (Math.fround) before it is added, and every sum is rounded by the store into
 * a Float32Array, in the same k order. (Rounding an f64 result of +, −, ×, ÷
 * or √ on f32 inputs to f32 equals the f32 operation, so this is bit-exact.)
 * Arrays are addressed as (array, offset) pairs, counts in elements.
 */
const f = Math.fround;

/** C[m×n] += A[m×k] · B[k×n]. */
export function gemmNN(c: Float32Array, co: number, a: Float32Array, ao: number, b: Float32Array, bo: number, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const ci = co + i * n;
    for (let kk = 0; kk < k; kk++) {
      const aik = a[ao + i * k + kk];
      const bk = bo + kk * n;
      for (let j = 0; j < n; j++) c[ci + j] += f(aik * b[bk + j]);
    }
  }
}

/** C[m×n] = Aᵀ · B with A [k×m], B [k×n]. */
export function gemmTN(c: Float32Array, co: number, a: Float32Array, ao: number, b: Float32Array, bo: number, m: number, k: number, n: number): void {
  c.fill(0, co, co + m * n);
  for (let kk = 0; kk < k; kk++) {
    const ak = ao + kk * m;
    const bk = bo + kk * n;
    for (let i = 0; i < m; i++) {
      const aki = a[ak + i];
      const ci = co + i * n;
      for (let j = 0; j < n; j++) c[ci + j] += f(aki * b[bk + j]);
    }
  }
}

/** C[m×n] += A[m×k] · Bᵀ with B [n×k]: dY·Wᵀ without a transposed copy. */
export function gemmNT(c: Float32Array, co: number, a: Float32Array, ao: number, b: Float32Array, bo: number, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const ci = co + i * n;
    for (let kk = 0; kk < k; kk++) {
      const aik = a[ao + i * k + kk];
      for (let j = 0; j < n; j++) c[ci + j] += f(aik * b[bo + j * k + kk]);
    }
  }
}
