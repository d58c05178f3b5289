"""The floor a draw is measured against: read the roster CSV, hash every id, sort.

python benchmarks/floor.py entities.csv SEED DRAW_ID
"""

import csv
import hashlib
import sys


def main() -> None:
    path, seed, draw_id = sys.argv[1:4]
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        prefix = hashlib.sha256(f"{seed}|{draw_id}|".encode())
        tickets = []
        for row in rows:
            h = prefix.copy()
            h.update(row[0].encode())
            tickets.append((h.hexdigest(), row[0]))
    tickets.sort()
    print(len(tickets), tickets[0][1])


if __name__ == "__main__":
    main()
