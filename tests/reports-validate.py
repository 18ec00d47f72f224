#!/usr/bin/env python3
"""Checks for tests/reports.test (Debian: python3-jsonschema, python3-yaml).

  reports-validate.py sarif SCHEMA_DIR FILE
      the OASIS SARIF 2.1.0 schema, plus what GitHub code scanning requires
      (reports.md a.1-a.4): rule descriptions and help, relative URIs,
      ruleId/ruleIndex agreement, regions, our kpolicy/v1 fingerprint and no
      primaryLocationLineHash, the count limits.
  reports-validate.py policyreport SCHEMA_DIR FILE [json]
      every document (split at `---` lines) against the CRD schema of its
      apiVersion/kind, and no key the schema does not know.
  reports-validate.py yaml-is-json YAML_FILE JSON_FILE
      `-o yaml` holds the same object as `-o json`.
Exit 0 when valid; 1 with the problems on stderr.
"""
import json
import os
import sys

import jsonschema
import yaml

problems = []


def problem(msg):
    problems.append(msg)


def load_schema(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def check_sarif(schema_dir, path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    schema = load_schema(os.path.join(schema_dir, "sarif", "sarif-schema-2.1.0.json"))
    for e in jsonschema.Draft4Validator(schema).iter_errors(doc):
        problem("schema: %s at %s" % (e.message, list(e.absolute_path)))
    if doc.get("version") != "2.1.0" or not doc.get("$schema"):
        problem("version/$schema")
    runs = doc.get("runs", [])
    if len(runs) != 1:
        problem("expected one run, got %d" % len(runs))
    for run in runs:
        rules = run["tool"]["driver"].get("rules", [])
        if len(rules) > 25000:
            problem("more than 25,000 rules")
        ids = [r["id"] for r in rules]
        if len(set(ids)) != len(ids):
            problem("duplicate rule ids")
        for r in rules:
            for k in ("shortDescription", "fullDescription", "help"):
                t = r.get(k, {}).get("text", "")
                if not t:
                    problem("rule %s: empty %s" % (r["id"], k))
                if k != "help" and len(t) > 1024:
                    problem("rule %s: %s over 1024 characters" % (r["id"], k))
            if len(r.get("name", "")) > 255:
                problem("rule %s: name over 255 characters" % r["id"])
            props = r.get("properties", {})
            if len(props.get("tags", [])) > 20:
                problem("rule %s: more than 20 tags" % r["id"])
            ss = props.get("security-severity")
            if ss is not None and not (0.1 <= float(ss) <= 10.0):
                problem("rule %s: security-severity %s" % (r["id"], ss))
        for i, res in enumerate(run.get("results", [])):
            where = "result %d" % i
            if not res.get("message", {}).get("text"):
                problem(where + ": empty message")
            idx = res.get("ruleIndex")
            if idx is None or idx >= len(rules) or rules[idx]["id"] != res.get("ruleId"):
                problem(where + ": ruleId/ruleIndex disagree")
            locs = res.get("locations", [])
            if len(locs) != 1:
                problem(where + ": expected one location")
                continue
            pl = locs[0]["physicalLocation"]
            uri = pl["artifactLocation"]["uri"]
            if uri.startswith("/") or ":" in uri.split("/")[0]:
                problem(where + ": URI %s is not relative" % uri)
            reg = pl.get("region", {})
            if reg.get("startLine", 0) < 1 or reg.get("startColumn", 0) < 1:
                problem(where + ": region without startLine/startColumn")
            fp = res.get("partialFingerprints", {})
            if "primaryLocationLineHash" in fp:
                problem(where + ": primaryLocationLineHash is GitHub's to compute")
            if not fp.get("kpolicy/v1"):
                problem(where + ": no kpolicy/v1 fingerprint")


def split_docs(text, as_json):
    docs = []
    chunks, cur = [], []
    for line in text.splitlines():
        if line == "---":
            chunks.append("\n".join(cur))
            cur = []
        else:
            cur.append(line)
    chunks.append("\n".join(cur))
    for c in chunks:
        if not c.strip():
            continue
        docs.append(json.loads(c) if as_json else yaml.safe_load(c))
    return docs


def known_keys(schema, doc, where):
    """Keys of doc that the (sub)schema does not declare."""
    if isinstance(doc, dict) and "properties" in schema:
        for k, v in doc.items():
            if k not in schema["properties"]:
                problem("%s: unknown key %s" % (where, k))
            else:
                known_keys(schema["properties"][k], v, where + "." + k)
    elif isinstance(doc, list) and "items" in schema:
        for i, v in enumerate(doc):
            known_keys(schema["items"], v, "%s[%d]" % (where, i))


def check_policyreport(schema_dir, path, as_json):
    with open(path, encoding="utf-8") as f:
        docs = split_docs(f.read(), as_json)
    if not docs:
        problem("no report")
    for n, doc in enumerate(docs):
        api, kind = doc.get("apiVersion", ""), doc.get("kind", "")
        if api == "openreports.io/v1alpha1":
            # the Kyverno CLI writes the namespaced openreports kind as PolicyReport
            name = "openreports.io-v1alpha1-%s" % ("Report" if kind == "PolicyReport" else kind)
        else:
            name = "%s-%s" % (api.replace("/", "-"), kind)
        p = os.path.join(schema_dir, "policyreport", "json", name + ".schema.json")
        if not os.path.exists(p):
            problem("document %d: no schema for %s %s" % (n, api, kind))
            continue
        schema = load_schema(p)
        for e in jsonschema.Draft4Validator(schema).iter_errors(doc):
            problem("document %d: %s at %s" % (n, e.message, list(e.absolute_path)))
        known_keys(schema, doc, "document %d" % n)
        s = doc.get("summary", {})
        for k in ("pass", "fail", "warn", "error", "skip"):
            got = sum(1 for r in doc.get("results", []) if r.get("result") == k)
            if s.get(k) != got:
                problem("document %d: summary %s %s, results %d" % (n, k, s.get(k), got))


def main(argv):
    if len(argv) >= 4 and argv[1] == "sarif":
        check_sarif(argv[2], argv[3])
    elif len(argv) >= 4 and argv[1] == "policyreport":
        check_policyreport(argv[2], argv[3], len(argv) > 4 and argv[4] == "json")
    elif len(argv) == 4 and argv[1] == "yaml-is-json":
        with open(argv[2], encoding="utf-8") as f:
            y = yaml.safe_load(f)
        with open(argv[3], encoding="utf-8") as f:
            j = json.load(f)
        if y != j:
            problem("the YAML and JSON objects differ")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems[:20]:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
