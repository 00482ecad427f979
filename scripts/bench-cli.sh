#!/usr/bin/env bash
# Throughput of `clinicmail check --jsonl` (docs/performance.md): 10,000 drafts built from the
# development corpus (subject + body), each addressed to 1–3 demo-registry addresses, checked
# against the demo registry in one process. Prints drafts per second (best of 3, hyperfine).
# Usage: scripts/bench-cli.sh [count]
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-10000}
WORK=$(mktemp -d /tmp/clinicmail-bench-cli.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
dotnet build -c Release -nologo -v q functions/ClinicMail.Cli >/dev/null
CLI=functions/ClinicMail.Cli/bin/Release/net10.0/clinicmail.dll
dotnet "$CLI" demo-seed --db "$WORK/demo.db" >/dev/null
python3 - "$COUNT" "$WORK/drafts.jsonl" <<'PY'
import json, sys, itertools
count, out = int(sys.argv[1]), sys.argv[2]
corpus = [json.loads(l) for l in open("tests/data/corpus/sensitive-topics.dev.jsonl", encoding="utf-8")]
addresses = ["marie.tremblay@videotron.ca", "jf.gagnon@gmail.com", "sophie.roy@example.com", "luc.cote@example.org",
             "jf.gagnon@gmial.com", "inconnu@hotmail.com", "dr.lavoie@cliniquedemo.med", "david.smith@example.com"]
with open(out, "w", encoding="utf-8") as f:
    for i, m in zip(range(count), itertools.cycle(corpus)):
        to = [addresses[(i + k) % len(addresses)] for k in range(1 + i % 3)]
        f.write(json.dumps({"id": f"d{i}", "from": "dre.tremblay@cliniquedemo.med", "subject": m["subject"],
                            "body": m["body"], "to": to[:1], "bcc": to[1:]}, ensure_ascii=False) + "\n")
PY
echo "drafts: $(wc -l < "$WORK/drafts.jsonl"), $(du -h "$WORK/drafts.jsonl" | cut -f1)"
if command -v hyperfine >/dev/null; then
  hyperfine --runs 3 --export-json "$WORK/h.json" \
    "dotnet $CLI check --jsonl --db $WORK/demo.db --internal-domain cliniquedemo.med < $WORK/drafts.jsonl > $WORK/out.jsonl" >/dev/null
  python3 -c "import json,sys; r=json.load(open('$WORK/h.json'))['results'][0]; print(f\"best {r['min']:.2f} s, mean {r['mean']:.2f} s → {$COUNT/r['min']:.0f} drafts/s (best), {$COUNT/r['mean']:.0f} drafts/s (mean)\")"
else
  start=$(date +%s%N)
  dotnet "$CLI" check --jsonl --db "$WORK/demo.db" --internal-domain cliniquedemo.med < "$WORK/drafts.jsonl" > "$WORK/out.jsonl"
  echo "$(( COUNT * 1000000000 / ($(date +%s%N) - start) )) drafts/s"
fi
echo "results: $(wc -l < "$WORK/out.jsonl") lines, decisions: $(grep -o '"decision":"[a-z]*"' "$WORK/out.jsonl" | sort | uniq -c | tr '\n' ' ')"
