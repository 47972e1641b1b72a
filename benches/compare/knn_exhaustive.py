"""Are kNN's neighbours those of the exhaustive search? Random tables (normal values, a large
offset with tiny differences, integer grids with ties, magnitudes spread over 45 decades,
values near 1e-160 whose squares are subnormal, values near 1e200 and up to 1.7e308,
near-duplicates), each run through seedfold with its folds and predictions saved, then every
test row's neighbours found again here by brute force: squared distances summed in feature
order in float64, ties to the earlier training row, a fold whose largest magnitude is beyond
2^500 first scaled by the power of two that brings it to about 1 (so squares do not
overflow), as seedfold defines them. Prints, per table, the rows whose class shares differ.

    python benches/compare/knn_exhaustive.py SEEDFOLD_BINARY [TABLES]
"""
import collections, csv, math, pathlib, random, subprocess, sys, tempfile

KINDS = {
    "normal": lambda r: r.gauss(0, 1),
    "offset": lambda r: 1e6 + r.random() * 1e-4,
    "grid": lambda r: float(r.randint(0, 3)),
    "spread": lambda r: r.uniform(-1, 1) * 10 ** r.randint(-40, 5),
    "tiny": lambda r: r.uniform(-1, 1) * 1e-160,
    "huge": lambda r: r.uniform(-1, 1) * 1e200,
    "largest": lambda r: r.uniform(-1, 1) * 1.7e308,
    "duplicates": lambda r: float(r.randint(0, 1)) + (0.5 if r.random() < 0.1 else 0.0),
}


def table(i, path):
    """Table i: its rows (features, then a class 0-2) written to `path`."""
    r = random.Random(i)
    n, d = r.choice([50, 200, 1500, 3000]), r.choice([1, 2, 3, 7, 20, 33])
    kind = list(KINDS)[i % len(KINDS)]
    rows = [[KINDS[kind](r) for _ in range(d)] + [r.randint(0, 2)] for _ in range(n)]
    with open(path, "w") as f:
        f.write(",".join([f"x{j}" for j in range(d)] + ["y"]) + "\n")
        f.writelines(",".join(map(repr, row)) + "\n" for row in rows)
    return rows, kind


def squared_distance(a, b):
    total = 0.0
    for x, y in zip(a, b):
        total += (x - y) * (x - y)
    return total


def overflow_scale(fold, rows):
    """The power of two a fold's features are multiplied by (1 unless beyond 2^500)."""
    largest = max(abs(v) for i in fold["train"] + fold["test"] for v in rows[i][:-1])
    return 2.0 ** -math.ceil(math.log2(largest)) if largest > 2.0 ** 500 else 1.0


def differing(rows, out, k):
    """Test rows whose class shares are not those of their k exhaustive neighbours."""
    folds = collections.defaultdict(lambda: {"train": [], "test": []})
    for r in csv.DictReader(open(out / "splits.csv")):
        folds[(r["split_seed"], r["fold"])][r["role"]].append(int(r["row"]))
    scales = {key: overflow_scale(fold, rows) for key, fold in folds.items()}
    bad = 0
    for r in csv.DictReader(open(out / "predictions.csv")):
        key = (r["split_seed"], r["fold"])
        train, s = sorted(folds[key]["train"]), scales[key]
        test = [v * s for v in rows[int(r["row"])][:-1]]
        near = sorted((squared_distance(test, [v * s for v in rows[j][:-1]]), p)
                      for p, j in enumerate(train))
        counts = collections.Counter(rows[train[p]][-1] for _, p in near[:k])
        bad += any(abs(float(r[f"proba_{c}"]) - counts[c] / k) > 1e-12 for c in range(3))
    return bad


def main(binary, tables=32):
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(tables):
            data, out = pathlib.Path(tmp, f"t{i}.csv"), pathlib.Path(tmp, f"o{i}")
            rows, kind = table(i, data)
            k = [1, 4, 10][i % 3]
            subprocess.run([binary, "run", "--data", data, "--target", "y", "--task", "classification",
                            "--model", f"knn:k={k}", "--folds", "3", "--seeds", "2", "--save-splits",
                            "--save-predictions", "--quiet", "--out", out], check=True, capture_output=True)
            bad = differing(rows, out, k)
            total += bad
            print(f"table {i}: {len(rows)} × {len(rows[0]) - 1} {kind}, k = {k}: {bad} of "
                  f"{2 * len(rows)} test rows differ")
    print(f"{total} test rows differ from the exhaustive search in {tables} tables")


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:]))
