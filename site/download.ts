/**
 * Hands over the model the page trained: lrlab's own file (model.lrlab, which
 * Model.load and `lrlab predict` read) and the TF.js Layers files (model.json
 * and weights.bin, two downloads as TF.js's own `downloads://` saves them).
 */
import type { Model } from '../bindings/browser/index.js';

const BUTTONS = ['download-lrlab', 'download-tfjs'];
let current: Model | null = null;

/** The model to offer (null while training, or before the first run). */
export function offerDownloads(model: Model | null): void {
  current = model;
  for (const id of BUTTONS) (document.getElementById(id) as HTMLButtonElement).disabled = model === null;
}

export function wireDownloads(): void {
  document.getElementById('download-lrlab')!.addEventListener('click', () => {
    if (current) saveFile('model.lrlab', current.save(), 'application/octet-stream');
  });
  document.getElementById('download-tfjs')!.addEventListener('click', () => {
    if (!current) return;
    const { modelJson, weights } = current.toTfjs();
    saveFile('model.json', JSON.stringify(modelJson), 'application/json');
    saveFile('weights.bin', weights, 'application/octet-stream');
  });
}

function saveFile(name: string, data: string | Uint8Array, type: string): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The download has its own reference to the blob once started; drop the URL a while later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
