/** A CSV with named classes and unscaled features (a thousand, a thousandth, negative), as a user's file would be. */
import { createRng } from '../../bindings/random.js';

export const ANIMAL_FEATURES = ['length_mm', 'weight_kg', 'temperature'];
export const ANIMAL_CLASSES = ['cat', 'dog', 'bird'];

export function animalsCsv(rows = 150, seed = 7): string {
  const rng = createRng(seed);
  const lines = [[...ANIMAL_FEATURES, 'species'].join(',')];
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    const cells = [1000 + 120 * c + 60 * rng.normal(), 0.004 + 0.002 * c + 0.0015 * rng.normal(), -40 + 5 * c + 4 * rng.normal()];
    lines.push([...cells.map((v) => v.toPrecision(6)), ANIMAL_CLASSES[c]].join(','));
  }
  return lines.join('\n') + '\n';
}
