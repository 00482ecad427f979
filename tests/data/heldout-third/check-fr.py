#!/usr/bin/env python3
"""Validate the French files of the third held-out set (usage: python3 check-fr.py sensitive-topics.third-fr.jsonl [sensitive-topics.third-fr-b.jsonl]): valid JSON per line, shape, unique ids across the files given, allowed labels, counts."""
import collections, json, sys
ALLOWED = ["mental_health", "oncology", "substance_use", "sexual_health", "new_diagnosis", "new_treatment", "emotional"]
ids, per_cat, benign, n = set(), collections.Counter(), 0, 0
lines = [(path, lineno, line) for path in sys.argv[1:] for lineno, line in enumerate(open(path, encoding="utf-8"), 1)]
for path, lineno, line in lines:
    o = json.loads(line)
    assert set(o) == {"id", "lang", "subject", "body", "labels"}, (path, lineno, set(o))
    assert o["lang"] == "fr" and o["subject"].strip() and o["body"].strip(), (path, lineno)
    assert o["id"] not in ids, o["id"]; ids.add(o["id"])
    assert all(l in ALLOWED for l in o["labels"]) and len(set(o["labels"])) == len(o["labels"]), o["id"]
    n += 1; benign += not o["labels"]; per_cat.update(o["labels"])
print(f"{n} messages, {benign} benign, {n - benign} with a topic")
for c in ALLOWED: print(f"  {c}: {per_cat[c]}")
assert n >= 262 and all(per_cat[c] >= 22 for c in ALLOWED)
print("OK")
