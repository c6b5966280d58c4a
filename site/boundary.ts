/**
 * The decision boundary: the model's class probabilities over a grid covering
 * the data, as a heat map on a canvas (each class its colour, paler where the
 * model is less sure), with the data points on top (training points filled,
 * test points ringed).
 */
import type { Dataset, Matrix, Standardization } from '../bindings/browser/index.js';

export const CLASS_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'];
const RGB = CLASS_COLORS.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
const GRID = 90;

export interface Scene {
  /** Raw (unstandardized) points, to draw. */
  train: Dataset;
  test?: Dataset;
  classes: number;
  /** Maps raw features to the model's inputs (the training set's standardization), if any. */
  stats?: Standardization;
}

export interface Bounds { x0: number; x1: number; y0: number; y1: number }

export function boundsOf(sets: Dataset[]): Bounds {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const ds of sets) {
    for (let i = 0; i < ds.x.rows; i++) {
      const x = ds.x.data[2 * i]!, y = ds.x.data[2 * i + 1]!;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  const px = (x1 - x0) * 0.08 || 1, py = (y1 - y0) * 0.08 || 1;
  return { x0: x0 - px, x1: x1 + px, y0: y0 - py, y1: y1 + py };
}

/** The grid's points (row-major, top row first) in the model's input space. */
export function gridInputs(b: Bounds, stats?: Standardization): Matrix {
  const data = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const i = 2 * (r * GRID + c);
      const x = b.x0 + ((c + 0.5) / GRID) * (b.x1 - b.x0);
      const y = b.y1 - ((r + 0.5) / GRID) * (b.y1 - b.y0);
      data[i] = stats ? (x - stats.mean[0]!) / stats.std[0]! : x;
      data[i + 1] = stats ? (y - stats.mean[1]!) / stats.std[1]! : y;
    }
  }
  return { data, rows: GRID * GRID, cols: 2 };
}

const offscreen = typeof document === 'undefined' ? null : document.createElement('canvas');

/** Draws the probabilities (null: the data alone, before training) and the points. */
export function drawBoundary(canvas: HTMLCanvasElement, scene: Scene, bounds: Bounds, probs: Matrix | null): void {
  const ctx = canvas.getContext('2d')!;
  const { width, height } = canvas;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  if (probs && offscreen) {
    offscreen.width = GRID;
    offscreen.height = GRID;
    const octx = offscreen.getContext('2d')!;
    const image = octx.createImageData(GRID, GRID);
    const k = probs.cols;
    for (let i = 0; i < GRID * GRID; i++) {
      let best = 0, p = probs.data[i * k]!;
      for (let j = 1; j < k; j++) if (probs.data[i * k + j]! > p) { p = probs.data[i * k + j]!; best = j; }
      // Confidence above chance, 0..1: pale near the boundary, saturated where the model is sure.
      const conf = Math.max(0, Math.min(1, (p - 1 / k) / (1 - 1 / k)));
      const a = 0.12 + 0.5 * conf;
      const rgb = RGB[best % RGB.length]!;
      image.data[4 * i] = Math.round(255 + (rgb[0]! - 255) * a);
      image.data[4 * i + 1] = Math.round(255 + (rgb[1]! - 255) * a);
      image.data[4 * i + 2] = Math.round(255 + (rgb[2]! - 255) * a);
      image.data[4 * i + 3] = 255;
    }
    octx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(offscreen, 0, 0, width, height);
  }
  const sx = (x: number) => ((x - bounds.x0) / (bounds.x1 - bounds.x0)) * width;
  const sy = (y: number) => ((bounds.y1 - y) / (bounds.y1 - bounds.y0)) * height;
  const r = Math.max(2.2, width / 190);
  const drawSet = (ds: Dataset, filled: boolean) => {
    for (let i = 0; i < ds.x.rows; i++) {
      const label = ds.labels ? ds.labels[i]! : argmax(ds.y, i);
      const color = CLASS_COLORS[label % CLASS_COLORS.length]!;
      ctx.beginPath();
      ctx.arc(sx(ds.x.data[2 * i]!), sy(ds.x.data[2 * i + 1]!), r, 0, 2 * Math.PI);
      if (filled) {
        ctx.fillStyle = color;
        ctx.fill();
        ctx.lineWidth = 0.8;
        ctx.strokeStyle = '#ffffff';
        ctx.stroke();
      } else {
        ctx.lineWidth = 1.6;
        ctx.strokeStyle = color;
        ctx.stroke();
      }
    }
  };
  drawSet(scene.train, true);
  if (scene.test) drawSet(scene.test, false);
}

function argmax(m: Matrix, row: number): number {
  let best = 0;
  for (let j = 1; j < m.cols; j++) if (m.data[row * m.cols + j]! > m.data[row * m.cols + best]!) best = j;
  return best;
}
