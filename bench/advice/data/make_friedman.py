"""The regression problem of the advice benchmark: scikit-learn's make_friedman1
(y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + noise; x6..x10 are
irrelevant), 1000 rows, noise 1.0, random_state 0. Regenerate with
    /usr/bin/python3 bench/advice/data/make_friedman.py   (Debian python3 with python3-sklearn)
(the target is divided by 10 so its scale is about 1)."""
import csv
import os

from sklearn.datasets import make_friedman1

X, y = make_friedman1(n_samples=1000, n_features=10, noise=1.0, random_state=0)
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'friedman1.csv')
with open(path + '.tmp', 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow([f'x{i + 1}' for i in range(10)] + ['y'])
    for row, target in zip(X, y):
        w.writerow([f'{v:.6f}' for v in row] + [f'{target / 10:.6f}'])
os.replace(path + '.tmp', path)
